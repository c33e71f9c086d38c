"""Index generations: one atomic pointer, pinned readers, pruning that spares pinned generations,
leftovers of killed builds removed, old-layout folders migrated or refused in one line."""

from __future__ import annotations

import gc
import json
import os
import shutil
from pathlib import Path

import pytest

from clausetrace.errors import IndexMismatchError, IndexMissingError
from clausetrace.index import build_index, load_index, read_manifest
from clausetrace.index import generations as gen
from clausetrace.index.migrate import LEGACY_FILES

CACHE = Path(__file__).resolve().parents[2] / ".cache" / "tests"


def small(docs: list, *ids: str) -> list:
    """The parsed real documents with these catalogue ids."""
    return [d for d in docs if d.source.id in ids]


@pytest.fixture
def root(gb_docs, tmp_path) -> Path:
    """An index root with one published generation (ESL 39 and 40)."""
    folder = tmp_path / "index"
    build_index(small(gb_docs, "esl-39-2025-08-01", "esl-40-2025-08-01"), folder, CACHE)
    return folder


def test_a_build_publishes_one_generation_named_by_the_pointer(root):
    assert gen.current_id(root) == "000001" and gen.published(root) == ["000001"]
    manifest = read_manifest(root)
    assert manifest.generation == "000001" and manifest.counts["documents"] == 2
    assert (gen.generation_dir(root, "000001") / gen.LEASE).exists()
    assert sorted(p.name for p in root.iterdir()) == ["CURRENT", "generations", "ingest.lock"]


def test_a_loaded_index_reads_only_its_pinned_generation(gb_docs, root):
    index = load_index(root)
    assert index.path == gen.generation_dir(root, "000001") and index.generation == "000001"
    build_index(small(gb_docs, "esl-48-2025-08-01"), root, CACHE)
    assert gen.current_id(root) == "000002"
    assert index.path.name == "000001" and "ESL 39.1" in index.by_anchor
    assert load_index(root).generation == "000002"


def test_prune_keeps_the_newest_and_every_pinned_generation(gb_docs, root):
    pinned = load_index(root)  # holds a lease on 000001
    for _ in range(3):
        build_index(small(gb_docs, "esl-48-2025-08-01"), root, CACHE, keep=2)
    assert gen.published(root) == ["000001", "000003", "000004"], "000002 pruned, 000001 pinned"
    assert pinned.get_clause("ESL 39.1").version == "2025-08-01"
    pinned.close()
    del pinned
    gc.collect()
    build_index(small(gb_docs, "esl-48-2025-08-01"), root, CACHE, keep=2)
    assert gen.published(root) == ["000004", "000005"]


def test_an_index_dropped_without_close_releases_its_lease(gb_docs, root):
    load_index(root)
    gc.collect()
    build_index(small(gb_docs, "esl-48-2025-08-01"), root, CACHE, keep=1)
    assert gen.published(root) == ["000002"]


def test_the_live_generation_is_never_pruned(root):
    assert gen.prune(root, keep=1) == [] and gen.published(root) == ["000001"]


def test_leftovers_of_a_killed_build_are_removed_by_the_next_build(gb_docs, root):
    partial = root / gen.GENERATIONS / f"000002{gen.STAGING}99999"
    partial.mkdir()
    (partial / "docstore.json").write_text("{")
    (root / f"{gen.POINTER}{gen.STAGING}99999").write_text("0000")
    notes: list[str] = []
    build_index(small(gb_docs, "esl-48-2025-08-01"), root, CACHE, notice=notes.append)
    assert not partial.exists() and not list(root.glob("CURRENT.tmp-*"))
    assert gen.current_id(root) == "000002" and gen.published(root) == ["000001", "000002"]
    assert any("unfinished build" in n for n in notes), notes


def test_missing_index_says_how_to_build(tmp_path):
    with pytest.raises(IndexMissingError, match="clausetrace ingest"):
        load_index(tmp_path / "nothing")


def legacy_copy(root: Path, target: Path) -> Path:
    """An index folder of the old layout: one generation's files directly in the folder."""
    shutil.copytree(gen.generation_dir(root, gen.current_id(root)), target)
    (target / gen.LEASE).unlink()
    data = json.loads((target / "manifest.json").read_text())
    del data["generation"]  # manifests before generations had no id
    (target / "manifest.json").write_text(json.dumps(data))
    return target


def test_an_old_layout_index_is_refused_by_readers_in_one_line(root, tmp_path):
    legacy = legacy_copy(root, tmp_path / "old")
    with pytest.raises(IndexMismatchError, match="old single-folder layout") as error:
        load_index(legacy)
    assert "clausetrace ingest" in str(error.value) and "\n" not in str(error.value)


def test_an_old_layout_index_is_migrated_by_the_next_build(gb_docs, root, tmp_path):
    legacy = legacy_copy(root, tmp_path / "old")
    (legacy / "notes.txt").write_text("not ours")
    notes: list[str] = []
    build_index(small(gb_docs, "esl-48-2025-08-01"), legacy, CACHE, notice=notes.append)
    assert gen.published(legacy) == ["000001", "000002"] and gen.current_id(legacy) == "000002"
    assert not {p.name for p in legacy.iterdir()} & LEGACY_FILES, "old top-level files removed"
    assert (legacy / "notes.txt").exists(), "files that are not the index's are left alone"
    migrated = load_index(gen.generation_dir(legacy, "000001"))
    assert migrated.generation == "000001" and "ESL 39.1" in migrated.by_anchor
    assert any("migrated" in n for n in notes), notes


def test_an_old_layout_index_of_another_model_is_refused_not_replaced(gb_docs, root, tmp_path):
    legacy = legacy_copy(root, tmp_path / "old")
    data = json.loads((legacy / "manifest.json").read_text())
    data["model"] = "bge-small-en-v1.5"
    (legacy / "manifest.json").write_text(json.dumps(data))
    with pytest.raises(IndexMismatchError, match="bge-small"):
        build_index(small(gb_docs, "esl-48-2025-08-01"), legacy, CACHE)
    assert (legacy / "docstore.json").exists() and not (legacy / gen.GENERATIONS).exists()


def test_a_generation_folder_can_be_loaded_directly(root):
    index = load_index(gen.generation_dir(root, "000001"))
    assert index.generation == "000001" and index.lease is not None


def test_pointer_is_replaced_atomically(root, monkeypatch):
    seen = []
    real_replace = os.replace
    monkeypatch.setattr(
        os, "replace", lambda a, b: seen.append((Path(a).name, Path(b).name)) or real_replace(a, b)
    )
    gen.write_pointer(root, "000001")
    assert seen == [(f"{gen.POINTER}{gen.STAGING}{os.getpid()}", gen.POINTER)]
