"""Build an index generation: embed clause nodes, persist FAISS + BM25 + the clause store, publish.

Each build writes a complete new generation folder beside the published ones and then swaps the
CURRENT pointer (clausetrace.index.generations), all under the writer lock. A generation holds:
    manifest.json        IndexManifest: generation id, version, model, cleaning steps, sources, counts
    documents.json       each source with its cleaned text (citations slice it)
    clauses.jsonl        every clause and sub-clause with its span
    definitions.jsonl    the glossary
    obligations.jsonl    the obligation register; references.jsonl the cross-references
    sentences.npy/.json  a vector per quotable sentence (clausetrace.index.sentences)
    docstore.json, index_store.json, default__vector_store.json   llama-index + FAISS
    bm25/                bm25s index of the same nodes
    LEASE                readers hold a shared lock on it while they use the generation
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import json
import shutil
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import faiss
import numpy as np
from llama_index.core import StorageContext, VectorStoreIndex
from llama_index.core.schema import TextNode
from llama_index.retrievers.bm25 import BM25Retriever
from llama_index.vector_stores.faiss import FaissVectorStore

from clausetrace import __version__
from clausetrace.errors import DiskFullError
from clausetrace.index.embed import DIMENSION, MODEL_NAME, EmbeddingCache, LocalEmbedding
from clausetrace.index.generations import next_id, prune, publish, remove_partial, staging_dir
from clausetrace.index.lock import writer_lock
from clausetrace.index.manifest import INDEX_FORMAT
from clausetrace.index.migrate import migrate_legacy
from clausetrace.index.nodes import corpus_nodes
from clausetrace.index.registry import model_id
from clausetrace.index.sentences import Span, corpus_sentences, span_text, write_sentences
from clausetrace.index.store import BM25_DIR
from clausetrace.models import IndexManifest, Obligation, ParsedDocument, Reference, SourceRecord
from clausetrace.register import build_register
from clausetrace.trace.references import document_references

KEEP_GENERATIONS = 3
DISK_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
NO_SENTENCES: tuple[list[Span], np.ndarray] = ([], np.zeros((0, DIMENSION), dtype=np.float32))
Stage = Callable[[str], None]


def build_index(
    docs: list[ParsedDocument],
    index_dir: Path,
    cache_dir: Path,
    *,
    max_node_words: int = 180,
    skipped: Iterable[str] = (),
    progress: bool = False,
    analyse: bool = True,
    keep: int = KEEP_GENERATIONS,
    on_stage: Stage | None = None,
    notice: Callable[[str], None] | None = None,
    model_name: str = MODEL_NAME,
) -> IndexManifest:
    """Build a new generation of the index at index_dir and publish it in one atomic step.

    Holds the writer lock throughout; keeps the newest ``keep`` generations (and any a reader
    still pins). ``analyse=False`` skips the obligation register, the cross-references and the
    sentence vectors (benchmark corpora, which are only searched). ``on_stage`` is called with
    each finished stage's name; ``notice`` gets one-line notes (a stale lock cleared, leftovers
    removed, a legacy index migrated). ``model_name`` is the embedding model
    (:data:`clausetrace.index.registry.MODELS`), recorded in the manifest.
    """
    stage, note = on_stage or _ignore, notice or _ignore
    root = Path(index_dir)
    with _disk_errors(root), writer_lock(root, note):
        _tidy(root, note)
        stage("locked")
        nodes, model = corpus_nodes(docs, max_node_words), LocalEmbedding(model_name)
        cache = EmbeddingCache(Path(cache_dir))
        embedded = _embed(nodes, cache, model, progress)
        sentences = NO_SENTENCES
        if analyse:
            sentences = _embed_sentences(docs, cache, model, progress)
            embedded += cache.misses
        stage("embedded")
        obligations, references = _analyse(docs) if analyse else ([], [])
        stage("analysed")
        generation = next_id(root)
        manifest = _manifest(docs, nodes, max_node_words, list(skipped), embedded, generation)
        manifest.model = model_id(model_name)
        manifest.counts |= {
            "obligations": len(obligations),
            "references": len(references),
            "sentences": len(sentences[0]),
        }
        _write_generation(root, manifest, docs, (nodes, sentences), model, (obligations, references), stage)
        pruned = prune(root, keep)
        if pruned:
            note(f"removed old generations {', '.join(pruned)}")
        stage("pruned")
    return manifest


def _write_generation(
    root: Path,
    manifest: IndexManifest,
    docs: list[ParsedDocument],
    vectors: tuple[list[TextNode], tuple[list[Span], np.ndarray]],
    model: LocalEmbedding,
    analysis: tuple[list[Obligation], list[Reference]],
    stage: Stage,
) -> None:
    """Write every file of a generation into a staging folder, manifest last, then publish it."""
    staging = staging_dir(root, manifest.generation)
    try:
        _persist(staging, docs, vectors[0], model, stage)
        write_sentences(staging, *vectors[1])
        _write_jsonl(staging / "obligations.jsonl", (o.model_dump() for o in analysis[0]))
        _write_jsonl(staging / "references.jsonl", (r.model_dump() for r in analysis[1]))
        stage("register")
        (staging / "manifest.json").write_text(manifest.model_dump_json(indent=2), encoding="utf-8")
        stage("manifest")
        publish(root, staging, manifest.generation)
        stage("published")
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # a build that failed leaves nothing behind


def _ignore(_: str) -> None:
    """No stage callback / no notices."""


def _tidy(root: Path, note: Callable[[str], None]) -> None:
    """Under the writer lock: migrate an old-layout index, remove what a killed build left."""
    migrated = migrate_legacy(root)
    if migrated:
        note(f"migrated the old single-folder index into generation {migrated}")
    leftovers = remove_partial(root)
    if leftovers:
        note(f"removed an unfinished build left by a stopped ingest ({', '.join(leftovers)})")


@contextlib.contextmanager
def _disk_errors(root: Path) -> Iterator[None]:
    """Turn 'no space left' / 'file too large' into one line; the live generation is untouched."""
    try:
        yield
    except OSError as exc:
        if exc.errno not in DISK_FULL:
            raise
        raise DiskFullError(
            f"out of disk space while writing the index at {root} ({exc.strerror}): the live index "
            "is unchanged and the unfinished build was removed; free some space and run ingest again"
        ) from None


def _embed(nodes: list[TextNode], cache: EmbeddingCache, model: LocalEmbedding, progress: bool) -> int:
    """Give every node its vector (from the cache where possible); returns how many were computed."""
    vectors = cache.embed([n.get_content(metadata_mode="embed") for n in nodes], model, progress)
    for node, vector in zip(nodes, vectors, strict=True):
        node.embedding = vector.tolist()
    if cache.misses:
        cache.save()  # before the generation is written: a full disk then changes nothing
    return cache.misses


def _embed_sentences(
    docs: list[ParsedDocument], cache: EmbeddingCache, model: LocalEmbedding, progress: bool
) -> tuple[list[Span], np.ndarray]:
    """Every quotable sentence and its vector (from the cache where possible)."""
    spans = corpus_sentences(docs)
    by_id = {d.source.id: d for d in docs}
    vectors = cache.embed([span_text(s, by_id) for s in spans], model, progress)
    if cache.misses:
        cache.save()
    return spans, vectors


def _analyse(docs: list[ParsedDocument]) -> tuple[list[Obligation], list[Reference]]:
    """The obligation register and the cross-references, extracted once at ingest."""
    return build_register(docs), [ref for d in docs for ref in document_references(d)]


def _manifest(
    docs: list[ParsedDocument],
    nodes: list[TextNode],
    max_words: int,
    skipped: list[str],
    embedded: int,
    generation: str,
) -> IndexManifest:
    """Describe what the index holds."""
    per_doc: dict[str, int] = {}
    for node in nodes:
        per_doc[node.metadata["doc_id"]] = per_doc.get(node.metadata["doc_id"], 0) + 1
    steps = sorted({s for d in docs for s in d.cleaning_steps})
    return IndexManifest(
        format=INDEX_FORMAT,
        generation=generation,
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


def _persist(
    folder: Path, docs: list[ParsedDocument], nodes: list[TextNode], model: LocalEmbedding, stage: Stage
) -> None:
    """Write the stores, documents and clauses into folder (the caller writes the manifest last)."""
    faiss_index = faiss.IndexFlatIP(DIMENSION)
    storage = StorageContext.from_defaults(vector_store=FaissVectorStore(faiss_index=faiss_index))
    index = VectorStoreIndex(nodes, storage_context=storage, embed_model=model)
    index.storage_context.persist(persist_dir=str(folder))
    stage("vectors")
    bm25 = BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=min(10, len(nodes)))
    bm25.persist(str(folder / BM25_DIR), show_progress=False)
    stage("bm25")
    _write_json(folder / "documents.json", [_document_record(d) for d in docs])
    _write_jsonl(folder / "clauses.jsonl", (dataclasses.asdict(c) for d in docs for c in d.clauses))
    _write_jsonl(folder / "definitions.jsonl", (dataclasses.asdict(x) for d in docs for x in d.definitions))
    stage("documents")


def _document_record(doc: ParsedDocument) -> dict[str, Any]:
    return {
        "source": doc.source.model_dump(),
        "text": doc.text,
        "page_offsets": doc.page_offsets,
        "cleaning_steps": doc.cleaning_steps,
        "warnings": doc.warnings,
        "repairs": [dataclasses.astuple(r) for r in doc.repairs],
    }


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
