"""Build, persist and load the index: FAISS + BM25 over clause nodes, plus the clause store.

Layout of an index folder (written to a temp folder, then renamed into place):
    manifest.json        IndexManifest: version, model, cleaning steps, sources, counts
    documents.json       each source with its cleaned text (citations slice it)
    clauses.jsonl        every clause and sub-clause with its span
    definitions.jsonl    the glossary
    docstore.json, index_store.json, default__vector_store.json   llama-index + FAISS
    bm25/                bm25s index of the same nodes
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import faiss
from llama_index.core import StorageContext, VectorStoreIndex, load_index_from_storage
from llama_index.core.schema import TextNode
from llama_index.retrievers.bm25 import BM25Retriever
from llama_index.vector_stores.faiss import FaissVectorStore

from clausetrace import __version__
from clausetrace.embed import DIMENSION, MODEL_NAME, EmbeddingCache, LocalEmbedding
from clausetrace.errors import IndexMismatchError, IndexMissingError, UnknownAnchorError
from clausetrace.models import Clause, Definition, IndexManifest, ParsedDocument, Source, SourceRecord
from clausetrace.text import content_terms
from ingest.anchors import format_anchor, parse_anchor
from ingest.nodes import corpus_nodes

if TYPE_CHECKING:
    from clausetrace.graph import TraceGraph
    from clausetrace.obligations import Obligation
    from clausetrace.xrefs import Reference

INDEX_FORMAT = 1
BM25_DIR = "bm25"
UBIQUITOUS_SHARE = 0.25


@dataclass
class ClauseIndex:
    """A loaded index: clause store, vector index, BM25 and the embedding model."""

    path: Path
    manifest: IndexManifest
    documents: dict[str, ParsedDocument]
    obligations: list[Obligation] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    clauses: dict[str, Clause] = field(init=False)
    by_anchor: dict[str, list[Clause]] = field(init=False)
    definitions: list[Definition] = field(init=False)
    term_df: dict[str, float] = field(init=False)

    def __post_init__(self) -> None:
        self.clauses = {c.key: c for d in self.documents.values() for c in d.clauses}
        self.definitions = [x for d in self.documents.values() for x in d.definitions]
        self.by_anchor = {}
        for clause in self.clauses.values():
            self.by_anchor.setdefault(clause.anchor, []).append(clause)
        for versions in self.by_anchor.values():
            versions.sort(key=lambda c: self.source_of(c).date, reverse=True)
        self.term_df = _document_frequencies(c for c in self.clauses.values() if not c.is_subclause)
        self._glossary: dict[str, list[Definition]] = {}
        for definition in self.definitions:
            self._glossary.setdefault(definition.term.lower(), []).append(definition)
        terms = sorted(self._glossary, key=len, reverse=True)
        self._term_re = re.compile(r"\b(" + "|".join(map(re.escape, terms)) + r")\b", re.I) if terms else None
        self._refs_by_key: dict[str, list[Reference]] = {}
        for ref in self.references:  # a sub-clause's references count for its numbered clause
            clause_anchor = ref.source_anchor.split("(", 1)[0]
            self._refs_by_key.setdefault(f"{clause_anchor}@{ref.version}", []).append(ref)
        self._obligations_by_key: dict[str, list[Obligation]] = {}
        for ob in self.obligations:
            self._obligations_by_key.setdefault(f"{ob.anchor}@{ob.version}", []).append(ob)

    @functools.cached_property
    def embed_model(self) -> LocalEmbedding:
        """The embedding model, loaded on first use (show/trace/diff never need it)."""
        return LocalEmbedding()

    @functools.cached_property
    def vector_index(self) -> VectorStoreIndex:
        """The FAISS-backed llama-index vector index, loaded on first use."""
        vector_store = FaissVectorStore.from_persist_dir(str(self.path))
        storage = StorageContext.from_defaults(vector_store=vector_store, persist_dir=str(self.path))
        return load_index_from_storage(storage, embed_model=self.embed_model)

    @functools.cached_property
    def bm25(self) -> BM25Retriever:
        """The BM25 retriever over the same nodes, loaded on first use."""
        return BM25Retriever.from_persist_dir(str(self.path / BM25_DIR), show_progress=False)

    def source_of(self, clause: Clause) -> Source:
        """The catalogue entry of the document a clause comes from."""
        return self.documents[clause.doc_id].source

    def is_latest(self, clause: Clause) -> bool:
        """True when no newer version of the same anchor is indexed."""
        return self.by_anchor[clause.anchor][0].version == clause.version

    def versions(self, anchor: str) -> list[str]:
        """Versions of one anchor, newest first."""
        return [c.version for c in self.by_anchor.get(anchor, [])]

    def get_clause(self, anchor: str, version: str | None = None) -> Clause:
        """The clause for an anchor (latest version unless pinned); suggests near anchors if unknown."""
        canonical = canonical_anchor(anchor)
        versions = self.by_anchor.get(canonical, [])
        found = [c for c in versions if version in (None, c.version)]
        if found:
            return found[0]
        if versions:
            have = ", ".join(self.versions(canonical))
            raise UnknownAnchorError(f"{canonical} @ {version}", [f"{canonical} @ {have}"])
        close = difflib.get_close_matches(canonical, list(self.by_anchor), n=5, cutoff=0.6)
        raise UnknownAnchorError(canonical, close)

    def has_anchor(self, anchor: str) -> bool:
        """True when the anchor, or a clause inside it ('ESL 39' -> 'ESL 39.1'), is indexed."""
        return anchor in self.by_anchor or any(a.startswith(anchor + ".") for a in self.by_anchor)

    def distinctive_terms(self, terms: set[str]) -> set[str]:
        """Terms that are not ubiquitous in the corpus (in under a quarter of the clauses)."""
        return {t for t in terms if self.term_df.get(t, 0.0) < UBIQUITOUS_SHARE}

    def defined_in(self, text: str) -> list[Definition]:
        """Definitions of the defined terms a text mentions (longest match wins at each place)."""
        if self._term_re is None:
            return []
        return [d for m in self._term_re.finditer(text) for d in self._glossary[m.group(1).lower()]]

    def references_from(self, key: str) -> list[Reference]:
        """Cross-references made by a clause (anchor@version) and its sub-clauses."""
        return self._refs_by_key.get(key, [])

    def quoted_instruments(self, clause: Clause) -> list[str]:
        """Other instruments a guidance clause quotes (e.g. 'SEC F4.3'): its citations are secondary."""
        refs = self.references_from(clause.key)
        return list(dict.fromkeys(r.target for r in refs if r.secondary))

    def quoting(self, anchor: str) -> list[Clause]:
        """Latest clauses referring to an anchor or inside it (SMDA-266 2.5 for SEC F4.3)."""
        keys = {
            key
            for key, refs in self._refs_by_key.items()
            if any(r.target == anchor or r.target.startswith((anchor + ".", anchor + "(")) for r in refs)
        }
        return [c for c in map(self.clauses.get, sorted(keys)) if c and self.is_latest(c)]

    def obligations_of(self, key: str) -> list[Obligation]:
        """Obligations stated by a clause (anchor@version)."""
        return self._obligations_by_key.get(key, [])

    def parties_of(self, key: str) -> list[str]:
        """Normalised parties that owe the obligations of a clause."""
        return list(dict.fromkeys(o.party for o in self.obligations_of(key) if o.party))

    def keys_for_party(self, party: str) -> set[str]:
        """Clause keys with an obligation owed by a party (case-insensitive substring)."""
        wanted = party.lower()
        return {f"{o.anchor}@{o.version}" for o in self.obligations if wanted in o.party.lower()}

    @functools.cached_property
    def graph(self) -> TraceGraph:
        """The traceability graph over every indexed document (built on first use)."""
        from clausetrace.graph import TraceGraph

        return TraceGraph(self.documents.values(), self.references)


def _document_frequencies(clauses: Iterable[Clause]) -> dict[str, float]:
    """Share of clauses each content term occurs in."""
    counts: dict[str, int] = {}
    total = 0
    for clause in clauses:
        total += 1
        for term in content_terms(clause.text):
            counts[term] = counts.get(term, 0) + 1
    return {t: n / max(total, 1) for t, n in counts.items()}


def canonical_anchor(text: str) -> str:
    """'esl 39.15 (a)' -> 'ESL 39.15(a)'; unparseable text is returned stripped."""
    try:
        return format_anchor(*parse_anchor(text))
    except UnknownAnchorError:
        return " ".join(text.split())


# ---------------------------------------------------------------- build


def build_index(
    docs: list[ParsedDocument],
    index_dir: Path,
    cache_dir: Path,
    *,
    max_node_words: int = 180,
    skipped: Iterable[str] = (),
    progress: bool = False,
    analyse: bool = True,
) -> IndexManifest:
    """Embed and persist an index for docs into index_dir, atomically (temp folder + rename).

    ``analyse=False`` skips the obligation register and cross-references (benchmark corpora).
    """
    nodes = corpus_nodes(docs, max_node_words)
    cache = EmbeddingCache(cache_dir)
    model = LocalEmbedding()
    vectors = cache.embed([n.get_content(metadata_mode="embed") for n in nodes], model, progress)
    for node, vector in zip(nodes, vectors, strict=True):
        node.embedding = vector.tolist()
    obligations, references = _analyse(docs) if analyse else ([], [])
    manifest = _manifest(docs, nodes, max_node_words, list(skipped), embedded=cache.misses)
    manifest.counts |= {"obligations": len(obligations), "references": len(references)}
    index_dir = Path(index_dir)
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"{index_dir.name}.tmp-", dir=index_dir.parent))
    try:
        _persist(tmp, docs, nodes, model)
        _write_jsonl(tmp / "obligations.jsonl", (o.model_dump() for o in obligations))
        _write_jsonl(tmp / "references.jsonl", (r.model_dump() for r in references))
        (tmp / "manifest.json").write_text(manifest.model_dump_json(indent=2), encoding="utf-8")
        _swap_into_place(tmp, index_dir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    cache.save()
    return manifest


def _analyse(docs: list[ParsedDocument]) -> tuple[list[Obligation], list[Reference]]:
    """The obligation register and the cross-references, extracted once at ingest."""
    from clausetrace.register import build_register
    from clausetrace.xrefs import document_references

    return build_register(docs), [ref for d in docs for ref in document_references(d)]


def _manifest(
    docs: list[ParsedDocument], nodes: list[TextNode], max_words: int, skipped: list[str], embedded: int
) -> IndexManifest:
    """Describe what the index holds."""
    per_doc: dict[str, int] = {}
    for node in nodes:
        per_doc[node.metadata["doc_id"]] = per_doc.get(node.metadata["doc_id"], 0) + 1
    steps = sorted({s for d in docs for s in d.cleaning_steps})
    return IndexManifest(
        format=INDEX_FORMAT,
        clausetrace_version=__version__,
        model=MODEL_NAME,
        dimension=DIMENSION,
        built_at=datetime.now(UTC).isoformat(timespec="seconds"),
        cleaning_steps=steps,
        chunking={"unit": "clause", "max_node_words": max_words},
        sources=[_source_record(d, per_doc.get(d.source.id, 0)) for d in docs],
        counts={
            "documents": len(docs),
            "clauses": sum(len(d.clauses) for d in docs),
            "definitions": sum(len(d.definitions) for d in docs),
            "nodes": len(nodes),
            "embedded": embedded,
        },
        skipped=skipped,
    )


def _source_record(doc: ParsedDocument, nodes: int) -> SourceRecord:
    s = doc.source
    return SourceRecord(
        id=s.id,
        prefix=s.prefix,
        version=s.version,
        title=s.title,
        sha256=s.sha256 or "",
        file=s.file or "",
        clauses=len(doc.clauses),
        nodes=nodes,
    )


def _persist(folder: Path, docs: list[ParsedDocument], nodes: list[TextNode], model: LocalEmbedding) -> None:
    """Write the stores, documents and clauses into folder (the caller writes the manifest last)."""
    faiss_index = faiss.IndexFlatIP(DIMENSION)
    storage = StorageContext.from_defaults(vector_store=FaissVectorStore(faiss_index=faiss_index))
    index = VectorStoreIndex(nodes, storage_context=storage, embed_model=model)
    index.storage_context.persist(persist_dir=str(folder))
    bm25 = BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=min(10, len(nodes)))
    bm25.persist(str(folder / BM25_DIR))
    _write_json(folder / "documents.json", [_document_record(d) for d in docs])
    _write_jsonl(folder / "clauses.jsonl", (dataclasses.asdict(c) for d in docs for c in d.clauses))
    _write_jsonl(folder / "definitions.jsonl", (dataclasses.asdict(x) for d in docs for x in d.definitions))


def _document_record(doc: ParsedDocument) -> dict[str, Any]:
    return {
        "source": doc.source.model_dump(),
        "text": doc.text,
        "page_offsets": doc.page_offsets,
        "cleaning_steps": doc.cleaning_steps,
        "warnings": doc.warnings,
    }


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def _swap_into_place(tmp: Path, final: Path) -> None:
    """Replace final with tmp; the old index is removed only once the new one is in place."""
    old = final.with_name(f"{final.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        os.replace(final, old)
    os.replace(tmp, final)
    shutil.rmtree(old, ignore_errors=True)


# ---------------------------------------------------------------- load


def read_manifest(index_dir: Path) -> IndexManifest:
    """The manifest of an index folder, or a one-line reason why it cannot be used."""
    path = Path(index_dir) / "manifest.json"
    if not path.exists():
        raise IndexMissingError(f"no index at {index_dir}: build one with `clausetrace ingest`")
    try:
        manifest = IndexManifest.model_validate_json(path.read_text(encoding="utf-8"))
    except ValueError:
        raise IndexMismatchError(
            f"{path} is not a clausetrace {__version__} manifest: rebuild with `clausetrace ingest`"
        ) from None
    if manifest.format != INDEX_FORMAT:
        raise IndexMismatchError(
            f"index format {manifest.format} != {INDEX_FORMAT}: rebuild with `clausetrace ingest`"
        )
    if manifest.model != MODEL_NAME or manifest.dimension != DIMENSION:
        raise IndexMismatchError(
            f"index built with model {manifest.model} ({manifest.dimension}d), this clausetrace "
            f"uses {MODEL_NAME} ({DIMENSION}d): rebuild with `clausetrace ingest`"
        )
    return manifest


def load_index(index_dir: Path, embed_model: LocalEmbedding | None = None) -> ClauseIndex:
    """Load an index built by build_index; refuses another format or model with a one-line reason.

    The clause store loads at once; the model, FAISS and BM25 load on first retrieval.
    """
    from clausetrace.obligations import Obligation
    from clausetrace.xrefs import Reference

    index_dir = Path(index_dir)
    index = ClauseIndex(
        path=index_dir,
        manifest=read_manifest(index_dir),
        documents=_load_documents(index_dir),
        obligations=[Obligation(**row) for row in _read_jsonl(index_dir / "obligations.jsonl")],
        references=[Reference(**row) for row in _read_jsonl(index_dir / "references.jsonl")],
    )
    if embed_model is not None:
        index.embed_model = embed_model
    return index


def _load_documents(index_dir: Path) -> dict[str, ParsedDocument]:
    """Rebuild ParsedDocuments from documents.json, clauses.jsonl and definitions.jsonl."""
    clauses: dict[str, list[Clause]] = {}
    for row in _read_jsonl(index_dir / "clauses.jsonl"):
        row["title_path"], row["children"] = tuple(row["title_path"]), tuple(row["children"])
        clauses.setdefault(row["doc_id"], []).append(Clause(**row))
    definitions: dict[str, list[Definition]] = {}
    for row in _read_jsonl(index_dir / "definitions.jsonl"):
        definitions.setdefault(row["doc_id"], []).append(Definition(**row))
    documents = {}
    for record in json.loads((index_dir / "documents.json").read_text(encoding="utf-8")):
        source = Source(**record["source"])
        documents[source.id] = ParsedDocument(
            source=source,
            text=record["text"],
            clauses=tuple(clauses.get(source.id, ())),
            definitions=tuple(definitions.get(source.id, ())),
            page_offsets=tuple(tuple(p) for p in record["page_offsets"]),
            cleaning_steps=tuple(record["cleaning_steps"]),
            warnings=tuple(record["warnings"]),
        )
    return documents


def _read_jsonl(path: Path) -> Iterable[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)
