"""Short fault test (the long one is `python benchmarks/faults.py`): the writer is SIGKILLed after
every stage of a build and at random moments while writing; after each kill the live index still
answers and `clausetrace show` works, and the next ingest cleans up. A full disk (RLIMIT_FSIZE)
gives one clear line and changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.faults import STAGES, ingest_with_file_limit, run_faults
from clausetrace.index import build_index, read_manifest
from clausetrace.index.generations import published

CACHE = Path(__file__).resolve().parent.parent / ".cache" / "tests"

pytestmark = pytest.mark.corpus


@pytest.fixture
def root(gb_docs, tmp_path) -> Path:
    folder = tmp_path / "index"
    build_index(gb_docs, folder, CACHE)
    return folder


def test_killing_the_writer_anywhere_leaves_a_live_answering_index(gb_docs, gb_index, root):
    report = run_faults(root, gb_docs, CACHE, gb_index.embed_model, random_kills=3, seed=12)
    assert report.failures == [], report.failures
    assert len(report.kills) == len(STAGES) + 3
    assert [k.split()[-1].rstrip(")") for k in report.kills[: len(STAGES)]] == list(STAGES)


def test_a_full_disk_gives_one_line_and_changes_nothing(corpus_dir, root):
    before = read_manifest(root).model_dump_json(), published(root)
    result = ingest_with_file_limit(root, corpus_dir, CACHE, 256 * 1024)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "out of disk space" in lines[0] and "unchanged" in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    assert (read_manifest(root).model_dump_json(), published(root)) == before
    assert not [p for p in (root / "generations").iterdir() if ".tmp-" in p.name]
