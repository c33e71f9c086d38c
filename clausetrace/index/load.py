"""Load an index generation: pin it, check its manifest, rebuild the clause store; refuse a mismatch
in one line."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clausetrace.index.generations import live_dir, pin
from clausetrace.index.manifest import check_manifest, parse_manifest
from clausetrace.index.store import ClauseIndex
from clausetrace.models import (
    Clause,
    Definition,
    IndexManifest,
    Obligation,
    ParsedDocument,
    Reference,
    Repair,
    Source,
)

if TYPE_CHECKING:
    from clausetrace.index.embed import LocalEmbedding


def read_manifest(index_dir: Path, model: str | None = None) -> IndexManifest:
    """The manifest of the live generation of an index (built for ``model``, if given), or a
    one-line reason why it cannot be used."""
    folder = live_dir(index_dir)
    return check_manifest(parse_manifest(folder / "manifest.json"), folder, model)


def load_index(
    index_dir: Path, embed_model: LocalEmbedding | None = None, model: str | None = None
) -> ClauseIndex:
    """Load the live generation of an index and pin it; refuses another format, or an index built
    for another model than ``model`` (if given), in one line.

    index_dir is an index root (its CURRENT generation is loaded) or one generation's folder. The
    clause store loads at once; the model, FAISS and BM25 load on first retrieval, from the pinned
    generation, whatever is published meanwhile.
    """
    folder, lease = pin(Path(index_dir))
    try:
        index = ClauseIndex(
            path=folder,
            manifest=check_manifest(parse_manifest(folder / "manifest.json"), folder, model),
            documents=_load_documents(folder),
            obligations=[Obligation(**row) for row in _read_jsonl(folder / "obligations.jsonl")],
            references=[Reference(**row) for row in _read_jsonl(folder / "references.jsonl")],
            lease=lease,
        )
    except BaseException:
        if lease is not None:
            lease.close()
        raise
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
            repairs=tuple(Repair(*r) for r in record.get("repairs", ())),
        )
    return documents


def _read_jsonl(path: Path) -> Iterable[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)
