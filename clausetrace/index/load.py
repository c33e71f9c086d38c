"""Load an index folder: check its manifest, rebuild the clause store; refuse a mismatch in one line."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from clausetrace import __version__
from clausetrace.errors import IndexMismatchError, IndexMissingError
from clausetrace.index.embed import DIMENSION, MODEL_NAME, LocalEmbedding, model_id
from clausetrace.index.store import INDEX_FORMAT, ClauseIndex
from clausetrace.models import (
    Clause,
    Definition,
    IndexManifest,
    Obligation,
    ParsedDocument,
    Reference,
    Source,
)


def read_manifest(index_dir: Path, model: str = MODEL_NAME) -> IndexManifest:
    """The manifest of an index folder built with ``model``, or a one-line reason why it cannot be used."""
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
    if manifest.model != model_id(model) or manifest.dimension != DIMENSION:
        raise IndexMismatchError(
            f"index built with model {manifest.model} ({manifest.dimension}d), this clausetrace "
            f"uses {model_id(model)} ({DIMENSION}d): rebuild with `clausetrace ingest`"
        )
    return manifest


def load_index(
    index_dir: Path, embed_model: LocalEmbedding | None = None, model: str = MODEL_NAME
) -> ClauseIndex:
    """Load an index built by build_index with ``model``; refuses another format or model in one line.

    The clause store loads at once; the model, FAISS and BM25 load on first retrieval.
    """
    index_dir = Path(index_dir)
    index = ClauseIndex(
        path=index_dir,
        manifest=read_manifest(index_dir, model),
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
