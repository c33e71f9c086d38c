"""Index: manifest, atomic builds, cache reuse, refusal of mismatched indexes, clause lookup
(generations, leases and migration: test_generations.py)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from clausetrace.errors import IndexMismatchError, IndexMissingError, UnknownAnchorError
from clausetrace.index import build as index_module
from clausetrace.index import build_index, load_index, read_manifest
from clausetrace.index.generations import live_dir
from clausetrace.index.registry import model_id
from clausetrace.settings import Settings


def test_manifest_describes_the_index(gb_index):
    manifest = gb_index.manifest
    assert manifest.model == model_id(Settings().model) and manifest.dimension == 384
    assert manifest.cleaning_steps, "cleaning steps must be recorded"
    ids = {s.id for s in manifest.sources}
    assert {"esl-39-2025-08-01", "esl-39-2022-04-14", "smda-266-v1.0"} <= ids
    assert all(len(s.sha256) == 64 for s in manifest.sources)
    assert manifest.counts["nodes"] >= manifest.counts["documents"]
    assert manifest.counts["obligations"] > 0 and manifest.counts["references"] > 0


def test_every_stored_clause_resolves_by_slicing(gb_index):
    for clause in gb_index.clauses.values():
        assert gb_index.documents[clause.doc_id].text[clause.start : clause.end] == clause.text


def test_node_ids_are_anchor_at_version(gb_index):
    ids = set(gb_index.vector_index.index_struct.nodes_dict.values())
    assert "ESL 39.1@2025-08-01" in ids and "ESL 39.1@2022-04-14" in ids
    assert "SMDA-266 2.5@1.0" in ids or any(i.startswith("SMDA-266 2.5@1.0#") for i in ids)


def test_versions_side_by_side_latest_first(gb_index):
    assert gb_index.versions("ESL 39.1") == ["2025-08-01", "2022-04-14", "2019-08-03"]
    assert gb_index.get_clause("ESL 39.1").version == "2025-08-01"
    assert gb_index.get_clause("esl 39.1", "2022-04-14").version == "2022-04-14"


def test_unknown_anchor_suggests_near_ones(gb_index):
    with pytest.raises(UnknownAnchorError) as error:
        gb_index.get_clause("ESL 39.99")
    assert any(s.startswith("ESL 39.") for s in error.value.suggestions)
    with pytest.raises(UnknownAnchorError, match="2019-01-01"):
        gb_index.get_clause("ESL 39.1", "2019-01-01")


def test_rebuild_reuses_cached_embeddings_and_keeps_ids(gb_docs, gb_index, tmp_path):
    folder = tmp_path / "index"
    cache = Path(__file__).resolve().parents[2] / ".cache" / "tests"
    manifest = build_index(gb_docs[:3], folder, cache, model_name=Settings().model)
    assert manifest.counts["embedded"] == 0  # the session index already embedded these texts
    again = load_index(folder, embed_model=gb_index.embed_model)
    assert set(again.vector_index.index_struct.nodes_dict.values()) <= set(
        gb_index.vector_index.index_struct.nodes_dict.values()
    )


def test_crash_mid_build_keeps_previous_index(gb_docs, gb_index_dir, tmp_path, monkeypatch):
    folder = tmp_path / "index"
    shutil.copytree(gb_index_dir, folder)
    before = read_manifest(folder).model_dump_json()

    def crash(*args, **kwargs):
        raise RuntimeError("simulated crash while writing")

    monkeypatch.setattr(index_module, "_persist", crash)
    with pytest.raises(RuntimeError):
        build_index(gb_docs, folder, tmp_path / "cache")
    assert read_manifest(folder).model_dump_json() == before
    assert [p.name for p in (folder / "generations").iterdir() if ".tmp-" in p.name] == []
    assert [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name] == []


def test_missing_and_mismatched_indexes_are_refused(gb_index_dir, tmp_path):
    with pytest.raises(IndexMissingError, match="clausetrace ingest"):
        read_manifest(tmp_path / "nothing")
    folder = tmp_path / "index"
    shutil.copytree(gb_index_dir, folder)
    manifest = live_dir(folder) / "manifest.json"
    data = json.loads(manifest.read_text())
    data["model"] = "bge-small-en-v1.5"
    manifest.write_text(json.dumps(data))
    with pytest.raises(IndexMismatchError, match="bge-small") as error:
        read_manifest(folder)
    assert "\n" not in str(error.value)
    assert "does not know" in str(error.value) and Settings().model in str(error.value)  # names the known
    data["model"], data["format"] = "all-MiniLM-L6-v2", 99
    manifest.write_text(json.dumps(data))
    with pytest.raises(IndexMismatchError, match="format 99"):
        read_manifest(folder)


@pytest.mark.parametrize(
    ("anchor", "held"),
    [
        ("ESL 39.15", True),  # a clause
        ("ESL 39", True),  # the condition its clauses are numbered under
        ("SEC-M 2.3.1", True),  # a head Appendix M never prints, above 2.3.1.1
        ("SEC-M", True),  # a document prefix
        ("ESL 3", False),  # 'ESL 39' does not hold 'ESL 3'
        ("GSL 42.1", False),  # quoted in SMDA-266, not indexed
        ("SEC", False),
    ],
)
def test_has_anchor_knows_clauses_their_heads_and_document_prefixes(gb_index, anchor, held):
    assert gb_index.has_anchor(anchor) is held
