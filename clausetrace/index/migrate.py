"""Move an index of the old layout (files directly in the index folder) into a generation.

The files are hard-linked into a staging generation, which is published like a build; only then
are the old top-level files removed. A migration stopped at any point leaves either the old
layout intact (its staging folder is removed by the next writer) or the published generation
with leftovers that the next writer removes. Runs under the writer lock.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from clausetrace.index.generations import current_id, next_id, publish, remove_partial, staging_dir
from clausetrace.index.manifest import check_manifest, parse_manifest

LEGACY_FILES = {
    "manifest.json",
    "documents.json",
    "clauses.jsonl",
    "definitions.jsonl",
    "obligations.jsonl",
    "references.jsonl",
    "docstore.json",
    "index_store.json",
    "default__vector_store.json",
    "graph_store.json",
    "image__vector_store.json",
    "bm25",
}


def migrate_legacy(root: Path) -> str | None:
    """Migrate an old-layout index at root into a new generation; its id, or None if nothing to do.

    Refuses (IndexMismatchError, one line) an old index built with another format or model.
    """
    root = Path(root)
    if current_id(root) is not None:
        _remove_legacy(root)  # finish a migration stopped after it published
        return None
    if not (root / "manifest.json").exists():
        return None
    manifest = check_manifest(parse_manifest(root / "manifest.json"), root)
    remove_partial(root)
    generation = next_id(root)
    staging = staging_dir(root, generation)
    try:
        for entry in _legacy_entries(root):
            if entry.name != "manifest.json":
                _link(entry, staging / entry.name)
        manifest.generation = generation
        (staging / "manifest.json").write_text(manifest.model_dump_json(indent=2), encoding="utf-8")
        publish(root, staging, generation)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _remove_legacy(root)
    return generation


def _legacy_entries(root: Path) -> list[Path]:
    """Top-level files of the old layout (anything else in the folder is left alone)."""
    return [p for p in root.iterdir() if p.name in LEGACY_FILES]


def _link(source: Path, target: Path) -> None:
    """Hard-link a file or a folder tree (no data is copied; the source stays intact)."""
    if source.is_dir():
        shutil.copytree(source, target, copy_function=os.link)
    else:
        os.link(source, target)


def _remove_legacy(root: Path) -> None:
    for entry in _legacy_entries(root):
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()
