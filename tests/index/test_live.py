"""Readers across a re-ingest: an index object keeps answering from its own generation, and a
LiveIndex moves to the new one between questions, saying so (the reproduction of issue 12)."""

from __future__ import annotations

from pathlib import Path

import pytest

from clausetrace.answer import ask
from clausetrace.index import LiveIndex, build_index, load_index
from clausetrace.index.live import update_notice

CACHE = Path(__file__).resolve().parents[2] / ".cache" / "tests"
QUESTION = "Does my supplier have to give me an in-home display?"
BEFORE = ("esl-39-2025-08-01", "esl-40-2025-08-01")
AFTER = ("esl-40-2025-08-01", "esl-48-2025-08-01", "smda-266-v1.0")


def resolves(answer, index) -> bool:
    """Every citation of an answer slices the stored text of the index that produced it."""
    return all(index.documents[c.doc_id].text[c.start : c.end] == c.text for c in answer.citations)


@pytest.fixture
def root(gb_docs, tmp_path) -> Path:
    folder = tmp_path / "index"
    build_index([d for d in gb_docs if d.source.id in BEFORE], folder, CACHE)
    return folder


def reingest(gb_docs, root: Path) -> None:
    build_index([d for d in gb_docs if d.source.id in AFTER], root, CACHE)


def test_an_index_loaded_before_a_reingest_answers_from_its_own_generation(gb_docs, gb_index, root):
    old = load_index(root, embed_model=gb_index.embed_model)  # FAISS not loaded yet: the old crash
    reingest(gb_docs, root)
    answer = ask(QUESTION, old)
    assert not answer.refused and answer.citations and resolves(answer, old)
    assert {c.doc_id for c in answer.citations} <= set(old.documents)


def test_a_live_index_moves_to_the_new_generation_between_questions_and_says_so(gb_docs, gb_index, root):
    live = LiveIndex(root, warm=False)
    live._index.embed_model = gb_index.embed_model
    first = live.current()
    assert first.generation == "000001" and live.notice == ""
    reingest(gb_docs, root)
    second = live.current()
    assert second.generation == "000002" and "smda-266-v1.0" in second.documents
    assert live.notice == update_notice(second.manifest)
    assert live.notice.startswith("index updated: 3 documents, built ")
    assert second.embed_model is gb_index.embed_model, "the model is shared, not reloaded"
    answer = ask(QUESTION, second)
    assert not answer.refused and resolves(answer, second)
    assert resolves(ask(QUESTION, first), first), "a question begun on the old one still finishes"


def test_a_live_index_without_changes_keeps_the_same_object(root):
    live = LiveIndex(root, warm=False)
    assert live.current() is live.current()
