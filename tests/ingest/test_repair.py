"""Split-word repair: hand-written lines against a small vocabulary, and the real corpus."""

from __future__ import annotations

import pytest

from clausetrace.models import ParsedDocument, Repair, Source
from ingest.repair import Vocabulary, repair_text

CORPUS = (
    "The premises and the premises. Domestic Premises, Domestic Customer. In-Home Display, In-Home "
    "Display. installed, installed, install. paragraph 49.24 and paragraph 49.25. paragraph, paragraph. "
    "anyone anyone any of them, one of them. Band Band Part B and. under under"
)


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return Vocabulary.from_texts([CORPUS])


@pytest.mark.parametrize(
    ("split", "joined"),
    [
        pytest.param("at the pr emises to", "at the premises to", id="two-fragments"),
        pytest.param("Dome stic Premises", "Domestic Premises", id="capitalised"),
        pytest.param("an In -Home Display", "an In-Home Display", id="space-before-hyphen"),
        pytest.param("an In- Home Display", "an In-Home Display", id="space-after-hyphen"),
        pytest.param("meters install ed,", "meters installed,", id="a-word-and-a-fragment"),
        pytest.param("subject to paragrap h 49. 24, the", "subject to paragraph 49.24, the", id="number"),
        pytest.param("und er this", "under this", id="und-er"),
    ],
)
def test_splits_are_joined(vocabulary: Vocabulary, split: str, joined: str) -> None:
    repaired, repairs = repair_text(split, vocabulary)
    assert repaired == joined
    assert all(repaired[r.start : r.end] == r.original.replace(" ", "") for r in repairs)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("any one of them", id="two-words"),
        pytest.param("Part B and Part C", id="single-letter-next-to-a-word"),
        pytest.param("the wa ter", id="joined-form-unknown"),
        pytest.param("paragraph 49. 30 hours", id="number-not-in-the-corpus"),
    ],
)
def test_words_are_not_joined(vocabulary: Vocabulary, text: str) -> None:
    assert repair_text(text, vocabulary) == (text, [])


def test_extracted_text_undoes_the_repairs(vocabulary: Vocabulary) -> None:
    original = "The pr emises of an In -Home Display are install ed here."
    repaired, repairs = repair_text(original, vocabulary)
    source = Source(id="x", title="x", prefix="X", family="licence", version="1", date="2024-01-01")
    doc = ParsedDocument(source=source, text=repaired, clauses=(), repairs=tuple(repairs))
    assert repaired == "The premises of an In-Home Display are installed here."
    assert doc.extracted(0, len(repaired)) == original
    start = repaired.index("In-Home")
    assert doc.extracted(start, start + len("In-Home Display")) == "In -Home Display"
    assert repairs[0] == Repair(4, 12, "pr emises")


@pytest.mark.corpus
def test_real_splits_are_joined_against_the_corpus(gb_docs) -> None:
    joined = {(r.original, d.text[r.start : r.end]) for d in gb_docs for r in d.repairs}
    expected = {
        ("install ed", "installed"),
        ("pr emises", "premises"),
        ("und er", "under"),
        ("Dome stic", "Domestic"),
        ("In -Home", "In-Home"),
        ("paragrap h", "paragraph"),
        ("49. 24", "49.24"),
    }
    assert expected <= joined
    assert all(" " not in new for _, new in joined)
    for doc in gb_docs:
        assert doc.extracted(0, len(doc.text)).count(" ") >= doc.text.count(" ")
