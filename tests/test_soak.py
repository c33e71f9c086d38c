"""Short soak (the long one is `python benchmarks/soak.py`): three reader processes ask golden
questions while a writer publishes three generations of different content; zero errors, and
every answer's citations resolve in the generation that produced it."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.soak import run_soak
from clausetrace.index import build_index
from clausetrace.index.generations import published

CACHE = Path(__file__).resolve().parent.parent / ".cache" / "tests"

pytestmark = pytest.mark.corpus


def test_readers_never_fail_while_generations_are_published(gb_docs, tmp_path):
    root = tmp_path / "index"
    build_index(gb_docs, root, CACHE)
    report = run_soak(root, gb_docs, CACHE, readers=3, rebuilds=3, keep=2, max_seconds=300)
    for reader in report.readers:
        assert reader.errors == [], reader.errors[0]
        assert reader.unresolved == [], reader.unresolved[:5]
        assert reader.answers > 0 and len(reader.generations) >= 2, reader.generations
    assert report.published == ["000002", "000003", "000004"] and report.ok
    assert len(published(root)) <= 3, "old generations pruned once no reader pinned them"
