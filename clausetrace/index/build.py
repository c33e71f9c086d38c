"""Build an index folder: embed clause nodes, persist FAISS + BM25 + the clause store, atomically.

Layout of an index folder (written to a temp folder, then renamed into place):
    manifest.json        IndexManifest: version, model, cleaning steps, sources, counts
    documents.json       each source with its cleaned text (citations slice it)
    clauses.jsonl        every clause and sub-clause with its span
    definitions.jsonl    the glossary
    obligations.jsonl    the obligation register; references.jsonl the cross-references
    docstore.json, index_store.json, default__vector_store.json   llama-index + FAISS
    bm25/                bm25s index of the same nodes
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import faiss
from llama_index.core import StorageContext, VectorStoreIndex
from llama_index.core.schema import TextNode
from llama_index.retrievers.bm25 import BM25Retriever
from llama_index.vector_stores.faiss import FaissVectorStore

from clausetrace import __version__
from clausetrace.index.embed import DIMENSION, MODEL_NAME, EmbeddingCache, LocalEmbedding, model_id
from clausetrace.index.nodes import corpus_nodes
from clausetrace.index.store import BM25_DIR, INDEX_FORMAT
from clausetrace.models import IndexManifest, Obligation, ParsedDocument, Reference, SourceRecord
from clausetrace.register import build_register
from clausetrace.trace.references import document_references


def build_index(
    docs: list[ParsedDocument],
    index_dir: Path,
    cache_dir: Path,
    *,
    max_node_words: int = 180,
    skipped: Iterable[str] = (),
    progress: bool = False,
    analyse: bool = True,
    model_name: str = MODEL_NAME,
) -> IndexManifest:
    """Embed and persist an index for docs into index_dir, atomically (temp folder + rename).

    ``analyse=False`` skips the obligation register and cross-references (benchmark corpora);
    ``model_name`` is the embedding model (``clausetrace.index.embed.MODELS``), recorded in the manifest.
    """
    nodes = corpus_nodes(docs, max_node_words)
    cache = EmbeddingCache(cache_dir)
    model = LocalEmbedding(model_name)
    vectors = cache.embed([n.get_content(metadata_mode="embed") for n in nodes], model, progress)
    for node, vector in zip(nodes, vectors, strict=True):
        node.embedding = vector.tolist()
    obligations, references = _analyse(docs) if analyse else ([], [])
    manifest = _manifest(
        docs, nodes, max_node_words, list(skipped), embedded=cache.misses, model=model_id(model_name)
    )
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
    return build_register(docs), [ref for d in docs for ref in document_references(d)]


def _manifest(
    docs: list[ParsedDocument],
    nodes: list[TextNode],
    max_words: int,
    skipped: list[str],
    embedded: int,
    model: str,
) -> IndexManifest:
    """Describe what the index holds."""
    per_doc: dict[str, int] = {}
    for node in nodes:
        per_doc[node.metadata["doc_id"]] = per_doc.get(node.metadata["doc_id"], 0) + 1
    steps = sorted({s for d in docs for s in d.cleaning_steps})
    return IndexManifest(
        format=INDEX_FORMAT,
        clausetrace_version=__version__,
        model=model,
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
