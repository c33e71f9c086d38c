"""Cleaning steps: each one on hand-written pages, plus the real files' headers and contents."""

from __future__ import annotations

from pathlib import Path

import pytest

from clausetrace.models import Page, Source
from ingest.clean import (
    CLEANING_STEPS,
    DEFAULT_STEPS,
    PAGING_STEPS,
    REPAIR_STEP,
    SEC_STEPS,
    clean_document,
    clean_pages,
    drop_contents,
    drop_page_footers,
    drop_running_headers,
    normalise_whitespace,
    strip_provenance_header,
)
from ingest.text import load_text

HEADER = "Electricity Supply Standard Licence Conditions"


def test_registry_names_match_functions() -> None:
    registered = {*CLEANING_STEPS, *PAGING_STEPS, REPAIR_STEP}
    assert set(DEFAULT_STEPS) | set(SEC_STEPS) == registered
    assert DEFAULT_STEPS[-1] == SEC_STEPS[-1] == REPAIR_STEP  # the repair runs last, on the joined text
    assert all(CLEANING_STEPS[name].__name__ == name for name in CLEANING_STEPS)
    assert all(PAGING_STEPS[name].__name__ == name for name in PAGING_STEPS)


def test_strip_provenance_header() -> None:
    page = "Title line\nIssuer: Ofgem\n" + "-" * 100 + "\n\nCondition 39. Smart Metering\n39.1 The"
    assert strip_provenance_header([page, "next"]) == ["Condition 39. Smart Metering\n39.1 The", "next"]


def test_no_provenance_header_is_untouched() -> None:
    pages = ["Condition 39.\n39.1 The licensee - must", "x"]
    assert strip_provenance_header(pages) == pages


BODY = (
    "The licensee must take all reasonable steps on page {n}.\n"
    "A middle line of page {n} with enough words to be a sentence.\n"
    "Another line of page {n} with enough words to be a sentence.\n"
    "It ends on page {n} of the text."
)


def test_drop_running_headers() -> None:
    pages = [f"{HEADER}\n{BODY.format(n=n)}\nPage {n} of 4" for n in range(1, 5)]
    cleaned = drop_running_headers(pages)
    assert all(HEADER not in page for page in cleaned)
    assert all("Page" not in page for page in cleaned)
    assert cleaned[2] == BODY.format(n=3)


def test_running_headers_need_several_pages() -> None:
    assert drop_running_headers([f"{HEADER}\nBody"]) == [f"{HEADER}\nBody"]


def test_body_line_repeated_on_one_page_is_kept() -> None:
    pages = [f"{HEADER}\nException\n{BODY.format(n=n)}" for n in range(1, 5)]
    pages[1:] = [page.replace("Exception\n", "") for page in pages[1:]]
    assert drop_running_headers(pages)[0] == f"Exception\n{BODY.format(n=1)}"


@pytest.mark.parametrize(
    ("line", "dropped"),
    [
        pytest.param("Page 12 of 40", True, id="page-n-of-m"),
        pytest.param("page 3", True, id="page-n"),
        pytest.param("12", True, id="bare-number"),
        pytest.param("- 7 -", True, id="dashed-number"),
        pytest.param("12 / 40", True, id="slashed"),
        pytest.param("12 months after that date.", False, id="sentence-starting-with-number"),
        pytest.param("39.1 The licensee", False, id="clause-number"),
    ],
)
def test_drop_page_footers(line: str, dropped: bool) -> None:
    page = f"First line of the page.\nSecond line.\nThird line.\n{line}"
    assert (line not in drop_page_footers([page])[0].split("\n")) is dropped


def test_footer_lines_in_mid_page_are_kept() -> None:
    page = "a\nb\nc\n12\nd\ne\nf"
    assert drop_page_footers([page]) == [page]


def test_drop_contents() -> None:
    pages = [
        "SMDA Guidance\nTable of Contents\n1.\tIntroduction\t3\n2.1\tThe hierarchy of requirements.....\t3\n"
        "\tSEC Section F4 - Operational Functionality\t9\n\n1. Introduction\nThis note describes",
        "2. Obligations",
    ]
    assert drop_contents(pages) == ["SMDA Guidance\n1. Introduction\nThis note describes", "2. Obligations"]


def test_contents_running_over_a_page() -> None:
    pages = [
        "Contents\nCondition 39 ........ 446\nCondition 40 ........ 463",
        "Condition 41 ....... 468\n39.1 The licensee",
    ]
    assert drop_contents(pages) == ["", "39.1 The licensee"]


def test_no_contents_is_untouched() -> None:
    pages = ["The contents of the meter\n39.1 The licensee must"]
    assert drop_contents(pages) == pages


def test_normalise_whitespace() -> None:
    page = "  A\tline   with  runs \r\nsecond\u00a0line  \r\n\n\n\nthird line\n"
    assert normalise_whitespace([page]) == ["A line with runs\nsecond line\n\nthird line"]


def test_text_layer_artefacts_are_kept() -> None:
    page = "to be install ed at the premises und er paragraph paragraph 39.7 Non -MB"
    assert clean_pages([Page(page)])[0] == page


def test_clean_pages_offsets() -> None:
    pages = [Page("Header\nfirst page", 7), Page("", 8), Page("  second page ", 9), Page("third", 10)]
    text, offsets = clean_pages(pages, ["normalise_whitespace"])
    assert text == "Header\nfirst page\nsecond page\nthird"
    assert [n for _, n in offsets] == [7, 8, 9, 10]
    starts = dict((n, o) for o, n in offsets)
    assert text[starts[9] :].startswith("second page")
    assert text[starts[10] :] == "third"


def test_unnumbered_pages_have_no_offsets() -> None:
    assert clean_pages([Page("one page")])[1] == ()


def test_unknown_step_is_refused() -> None:
    with pytest.raises(ValueError, match="no_such_step"):
        clean_pages([Page("x")], ["no_such_step"])


@pytest.mark.corpus
def test_real_file_header_and_contents_are_gone(corpus_dir: Path, source_by_id: dict[str, Source]) -> None:
    esl = source_by_id["esl-39-2025-08-01"]
    cleaned = clean_document(load_text(corpus_dir / str(esl.file)))
    text = cleaned.text
    assert text.startswith("Condition 39. Smart Metering System")
    assert "Text provenance" not in text and "-----" not in text
    assert "install ed" not in text  # split words are joined, and the text layer is remembered
    assert "install ed" in {repair.original for repair in cleaned.repairs}
    assert all(text[r.start : r.end] == r.original.replace(" ", "") for r in cleaned.repairs)
    smda = source_by_id["smda-266-v1.0"]
    text, _ = clean_pages(load_text(corpus_dir / str(smda.file)))
    assert "Table of Contents" not in text
    assert "\t" not in text and "  " not in text
    assert text.count("2.5 Obligations in the Smart Energy Code") == 1


def test_table_cells_turn_markup_rows_into_plain_cells():
    from ingest.clean import table_cells

    page = (
        "Intro line.\n\tObligations are relevant to\tNon-Compliance Impacts\n"
        "<p>MAIN BODY SEC</p>\t<p>Energy Suppliers, re testing.</p> <p>DCC &amp; CSPs</p>"
        "\t<p>Ofgem: effort.</p>"
    )
    lines = table_cells([page])[0].split("\n")
    assert lines[0] == "Intro line."
    assert lines[1] == "Obligations are relevant to | Non-Compliance Impacts"
    assert lines[2] == "MAIN BODY SEC | Energy Suppliers, re testing. | DCC & CSPs | Ofgem: effort."
