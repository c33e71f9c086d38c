"""Layout steps for converted PDFs (the SEC appendices), each on short hand-written pages."""

from __future__ import annotations

import pytest

from clausetrace.errors import ContentsPageError
from clausetrace.models import Page
from ingest.layout import (
    drop_glued_page_numbers,
    drop_running_header_lines,
    drop_title_and_contents,
    join_split_labels,
    mark_broken_references,
    rebuild_definition_tables,
    split_at_page_numbers,
    tidy_table_rows,
)


def test_split_at_page_numbers_keeps_a_footnote_mark() -> None:
    text = "Title\n\n1\n\nFirst page.\n\n2\n\nSecond, with a note1\n\n1\n\nhttps://example.org/\n\n3\n\nLast."
    pages = split_at_page_numbers([Page(text)])
    assert [p.number for p in pages] == [1, 2, 3, 4]
    assert pages[2].text.strip().endswith("1\n\nhttps://example.org/")  # the footnote '1' stays
    assert pages[3].text.strip() == "Last."


def test_split_at_page_numbers_leaves_paginated_or_unnumbered_text() -> None:
    assert split_at_page_numbers([Page("a\n1\nb", 7)]) == [Page("a\n1\nb", 7)]
    assert split_at_page_numbers([Page("one\n12\ntwo")]) == [Page("one\n12\ntwo")]


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        pytest.param("2233334444455666666667Services on behalf", "Services on behalf", id="glued-run"),
        pytest.param("19970311Something", "19970311Something", id="not-a-page-run"),
        pytest.param("375000 CSRs", "375000 CSRs", id="number-in-text"),
    ],
)
def test_drop_glued_page_numbers(line: str, kept: str) -> None:
    assert drop_glued_page_numbers([line]) == [kept]


def test_running_header_anywhere_on_the_page() -> None:
    pages = [f"Text {n}.\nSEC - Appendix N\nMore text {n}.\n(a)\n" for n in range(4)]
    cleaned = drop_running_header_lines(pages)
    assert all("SEC - Appendix N" not in page and "(a)" in page for page in cleaned)


def test_broken_references_are_marked() -> None:
    assert mark_broken_references(["in Section Error! Reference source not\nfound. of this"]) == [
        "in Section [reference missing] of this"
    ]


N_STYLE = "Version 4.0\n\nContents\n\nPurpose and Scope\n\n1. Mechanism\n\nPurpose and Scope\n\nThe body.\n"
P_STYLE = "Title\nContents\nPurpose and Scope 2\n1. Mechanism 2\nPurpose and Scope\nThe body.\n"
M_STYLE = "Title\nContents\n1 Introduction ........ 5\n1.1 Purpose ...... 5\n"


@pytest.mark.parametrize(
    ("pages", "body"),
    [
        pytest.param([N_STYLE], "Purpose and Scope\n\nThe body.\n", id="entries-without-page-numbers"),
        pytest.param([P_STYLE], "Purpose and Scope\nThe body.\n", id="entries-with-page-numbers"),
        pytest.param(
            [M_STYLE, "1 Introduction\n1.1 Purpose\nText."],
            "1 Introduction\n1.1 Purpose\nText.",
            id="dot-leaders-over-pages",
        ),
    ],
)
def test_title_and_contents_are_dropped(pages: list[str], body: str) -> None:
    assert "".join(drop_title_and_contents(pages)) == body


def test_contents_that_cannot_be_told_from_the_body() -> None:
    pages = ["Contents\n\n1. Mechanism\n\n1.1 Browser Policy\n\n2. Services\n\nThe DCC shall do it.\n"]
    with pytest.raises(ContentsPageError, match="first entry '1. Mechanism'"):
        drop_title_and_contents(pages)


def test_contents_ending_by_page_numbers_without_a_repeat() -> None:
    pages = ["Contents\nIntroduction 3\nScope 4\n1. Introduction\nThe body."]
    assert drop_title_and_contents(pages) == ["1. Introduction\nThe body."]


def test_tidy_table_rows() -> None:
    page = "| --- | --- |\n| Criteria  |     | Version   |\n|     |     |\nplain | text"
    assert tidy_table_rows([page]) == ["Criteria | Version\nplain | text"]


def test_join_split_labels() -> None:
    page = "1.\n\nConnection Mechanism\n\nIntro:\n\n(a)\n\n(b)\n\nfirst item;\nwrapped\n\nsecond item."
    assert join_split_labels([page]) == [
        "1. Connection Mechanism\n\nIntro:\n\n(a) first item;\nwrapped\n\n(b) second item."
    ]


def test_definition_table_in_blocks() -> None:
    page = (
        "Appendix A Definitions\n\nTerm\n\nMeaning as defined in SEC\n\nBatched CSR\n\nMeans a batch\nof CSRs"
    )
    assert rebuild_definition_tables([page]) == [
        "Appendix A Definitions\n\nTerm | Meaning as defined in SEC\nBatched CSR | Means a batch of CSRs"
    ]


def test_definition_table_in_interleaved_columns() -> None:
    page = (
        "The Authorised Responsible Officer signs.\nAppendix H Definitions\nTerm Meaning as defined in SEC\n"
        "Authorised Responsible Has the meaning given in the\nOfficer SMKI RAPP.\n"
        "AES Advanced Encryption Standard\n"
        "Issue Has the meaning given in SEC\nSection A.\n"
        "Portal Portal is a generic term."
    )
    rows = rebuild_definition_tables([page])[0].split("\n")[3:]
    assert rows == [
        "Authorised Responsible Officer | Has the meaning given in the SMKI RAPP.",
        "AES | Advanced Encryption Standard",
        "Issue | Has the meaning given in SEC Section A.",
        "Portal | Portal is a generic term.",
    ]
