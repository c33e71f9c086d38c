"""Shared fixtures: the real corpus mirror and the catalogue."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from clausetrace.models import Source
from ingest.sources import load_catalogue, pinned

REPO = Path(__file__).resolve().parent.parent
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def mirror_dir() -> Path:
    """The local mirror of the real documents (CLAUSETRACE_MIRROR or ../shared/corpus/raw)."""
    return Path(os.environ.get("CLAUSETRACE_MIRROR") or REPO.parent / "shared" / "corpus" / "raw")


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """Folder with the real documents; fails loudly (never skips) when it is missing."""
    path = mirror_dir()
    if not path.is_dir():
        pytest.fail(f"real corpus not found at {path}: set CLAUSETRACE_MIRROR")
    return path


@pytest.fixture(scope="session")
def catalogue() -> list[Source]:
    """Every entry of corpus/sources.toml."""
    return load_catalogue(REPO / "corpus" / "sources.toml")


@pytest.fixture(scope="session")
def source_by_id(catalogue: list[Source]) -> dict[str, Source]:
    """Pinned catalogue entries keyed by id, e.g. 'esl-39-2025-08-01'."""
    return {s.id: s for s in pinned(catalogue)}


@pytest.fixture(scope="session")
def gb_docs(corpus_dir: Path, catalogue: list[Source]) -> list:
    """Every pinned real document, parsed (ParsedDocument list)."""
    from ingest import ingest_corpus

    docs, problems = ingest_corpus(pinned(catalogue), corpus_dir)
    assert not problems, problems
    return docs


@pytest.fixture(scope="session")
def gb_index_dir(gb_docs: list, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The full real GB index with the product's model, built once per test session (embedding cache
    kept in .cache/)."""
    from clausetrace.index import build_index
    from clausetrace.settings import Settings

    folder = tmp_path_factory.mktemp("gb") / "index"
    build_index(gb_docs, folder, REPO / ".cache" / "tests", model_name=Settings().model)
    return folder


@pytest.fixture(scope="session")
def gb_index(gb_index_dir: Path):
    """The loaded full real GB index."""
    from clausetrace.index import load_index

    return load_index(gb_index_dir)
