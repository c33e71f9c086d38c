"""SEC appendices: every numbered heading of M, N and P in order (real files, read at run time),
their pages and glossaries, and the appendix grammar on short hand-written lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from clausetrace.errors import NoDefinitionsFoundError, NumberingRestartError
from clausetrace.models import ParsedDocument, Source
from ingest import parse_document
from ingest.sec import appendix_starts, table_definitions
from ingest.segment import segment
from tests.ingest.test_segment import assert_spans

# (number, heading, first page) of every clause that is not a lettered item, in document order,
# written out from the PDFs' own headings (their contents pages give the same pages).
APPENDIX_M = [
    ("1", "Introduction", 5),
    ("1.1", "Purpose", 5),
    ("1.2", "Target Response Times", 5),
    ("2", "SMKI interfaces", 7),
    ("2.1", "Interface Definition", 7),
    ("2.2", "General obligations", 7),
    ("2.3", "SMKI Portal interface via DCC Gateway Connection", 8),
    ("2.3.1.1", "Submission of Organisation CSRs by Authorised Subscriber", 9),
    ("2.3.1.2", "Receipt and validation of Organisation CSRs by the DCC", 9),
    ("2.3.1.3", "Actions following acceptance of Organisation CSRs by the DCC", 9),
    ("2.3.1.4", "Actions following approval of Organisation CSRs by the DCC", 10),
    ("2.3.1.5", "Actions following download of an Organisation Certificate by an Authorised Subscriber", 10),
    ("2.3.1.6", "Submission of an ad hoc Device CSR or Batched CSR by Authorised Subscriber", 11),
    ("2.3.1.7", "Receipt and validation of Device CSR (Ad Hoc or Batched) by the DCC", 11),
    ("2.3.1.8", "Actions following acceptance of Device CSRs by the DCC", 12),
    ("2.3.1.9", "Actions following approval of Device CSRs by the DCC", 13),
    ("2.3.1.10", "Actions following download of a Device Certificate by an Authorised Subscriber", 14),
    ("2.4", "Ad Hoc Device CSR Web Service interface", 14),
    ("2.4.1.1", "Submission of Device CSRs by Authorised Subscriber", 16),
    ("2.4.1.2", "Receipt and validation of Device CSRs by the DCC", 16),
    ("2.4.1.3", "Actions following acceptance of Device CSRs by the DCC", 16),
    ("2.4.1.4", "Actions following approval of Device CSRs by the DCC", 17),
    ("2.4.1.5", "Actions following download of a Device Certificate by an Authorised Subscriber", 17),
    ("2.5", "Batched Device CSR Web Service interface", 17),
    ("2.5.1.1", "Submission of Batched CSRs by Authorised Subscriber", 20),
    ("2.5.1.2", "Receipt and validation of Batched CSR by the DCC", 20),
    ("2.5.1.3", "Actions following acceptance of Device CSRs in a Batched CSR by the DCC", 20),
    ("2.5.1.4", "Actions following approval of Device CSRs in a Batched CSR by the DCC", 21),
    ("2.5.1.5", "Actions following download of a Device Certificate by an Authorised Subscriber", 22),
    ("A", "Appendix A Ad-Hoc Device CSR Web Service Messages", 23),
    ("B", "Appendix B Schema for Ad Hoc Device CSR Web Service interface", 27),
    ("C", "Appendix C Submission of Batched CSRs via the Batched Device CSR Web Service Interface", 29),
    ("D", "Appendix D Retrieval of Device Certificates as a result of Batched CSR submission", 33),
    ("E", "Appendix E Schema for Batched Device CSR Web Service interface", 38),
    ("F", "Appendix F Certificate Signing Request Structure", 41),
    ("G", "Appendix G Authentication Credentials", 45),
    ("H", "Appendix H Definitions", 47),
]
APPENDIX_N = [
    ("0", "Purpose and Scope", 2),
    ("1", "Connection Mechanism", 2),
    ("1.1", "Browser Policy", 3),
    ("2", "SMKI Services interfaces", 3),
    ("2.1", "SMKI Services interfaces via a DCC Gateway Connection", 3),
    ("2.1.1", "SMKI Portal interface via a DCC Gateway Connection", 3),
    ("2.1.2", "Ad Hoc Device CSR Web Service interface", 4),
    ("2.1.3", "Batched Device CSR Web Service interface", 4),
    ("2.2", "[No longer in use]", 4),
    ("2.3", "Authentication to SMKI Services interfaces", 4),
    ("2.3.1", "Authentication to SMKI Portal interface via a DCC Gateway Connection", 4),
    ("2.3.2", "Authentication to Ad Hoc Device CSR Web Service interface", 5),
    ("2.3.3", "Authentication to Batched Device CSR Web Service interface", 5),
    ("3", "Managing Demand", 6),
    ("3.1", "Capacity Management", 6),
    ("3.1.1", "SMKI Portal via a DCC Gateway Connection", 6),
    ("3.1.2", "Ad Hoc Device CSR Web Service interface", 6),
    ("3.1.3", "Batched Device CSR Web Service interface", 6),
    ("A", "Appendix A Definitions", 7),
]
APPENDIX_P = [
    ("0", "Purpose and Scope", 2),
    ("1", "Connection Mechanism", 2),
    ("1.1", "Interface access", 2),
    ("1.2", "Browser Policy", 3),
    ("1.3", "Lodging Information in the SMKI Repository", 3),
    ("2", "SMKI Repository interfaces", 3),
    ("2.1", "Not used", 3),
    ("2.2", "SMKI Repository content access for users without a DCC Gateway Connection", 3),
    ("3", "Authentication", 3),
    ("3.1", "Authentication to the SMKI Repository Portal interface", 4),
    ("3.2", "Not used", 4),
    ("3.3", "Not used", 4),
    ("4", "Managing Demand", 4),
    ("4.1", "Error Responses", 4),
    ("A", "Appendix A Templates for Information to be supplied by Parties", 5),
    ("B", "Appendix B Definitions", 6),
]
EXPECTED = {"sec-m-8.0": APPENDIX_M, "sec-n-4.0": APPENDIX_N, "sec-p-3.0": APPENDIX_P}
GLOSSARIES = {
    ("sec-n-4.0", "A"): [
        "Ad Hoc Device CSR",
        "Authentication Client",
        "Batched CSR",
        "One Way Authentication",
        "SMKI User Guide",
    ],
    ("sec-m-8.0", "H"): [
        "Ad Hoc Device CSR Web Service",
        "Authorised Responsible Officer",
        "AES",
        "Batched Device CSR Web Service",
        "Device CSR",
        "IKI Certification Authority",
        "Issue",
        "Organisation CSR",
        "Portal",
        "SMKI Portal",
        "SMKI User Guide",
    ],
    ("sec-p-3.0", "B"): ["API Key"],
}
_CACHE: dict[str, ParsedDocument] = {}


@pytest.fixture
def appendix(corpus_dir: Path, source_by_id: dict[str, Source]):
    """Parse a SEC appendix by catalogue id (cached for the session)."""

    def load(source_id: str) -> ParsedDocument:
        if source_id not in _CACHE:
            source = source_by_id[source_id]
            _CACHE[source_id] = parse_document(source, corpus_dir / str(source.file))
        return _CACHE[source_id]

    return load


def sections(doc: ParsedDocument) -> list[tuple[str, str, int | None]]:
    """(number, heading, first page) of the clauses that are not lettered items."""
    return [(c.number, c.heading, c.page_start) for c in doc.clauses if not c.is_subclause]


# ---- the real appendices ---------------------------------------------------------------------


@pytest.mark.corpus
@pytest.mark.parametrize("source_id", list(EXPECTED))
def test_every_numbered_heading_in_order(appendix, source_id: str) -> None:
    assert sections(appendix(source_id)) == EXPECTED[source_id]


@pytest.mark.corpus
@pytest.mark.parametrize("source_id", list(EXPECTED))
def test_span_contract(appendix, source_id: str) -> None:
    assert_spans(appendix(source_id))


@pytest.mark.corpus
@pytest.mark.parametrize(("source_id", "number"), list(GLOSSARIES))
def test_inner_appendix_glossaries(appendix, source_id: str, number: str) -> None:
    doc = appendix(source_id)
    assert [d.term for d in doc.definitions] == GLOSSARIES[(source_id, number)]
    assert {d.number for d in doc.definitions} == {number}


@pytest.mark.corpus
def test_browser_policy_paragraph_and_its_page(appendix) -> None:
    clause = {c.number: c for c in appendix("sec-n-4.0").clauses}["1.1"]
    assert clause.anchor == "SEC-N 1.1" and clause.page_start == clause.page_end == 3
    assert clause.text.startswith(
        "Browser Policy\n\nThe DCC shall publish and keep up to date the web browsers"
    )
    assert " ".join(clause.text.split()).endswith("a browser itself, or an operating system set out above.")
    assert "SEC - Appendix N" not in clause.text


@pytest.mark.corpus
def test_a_section_is_its_text_before_its_first_subsection(appendix) -> None:
    doc = appendix("sec-n-4.0")
    clauses = {c.number: c for c in doc.clauses}
    own = doc.text[clauses["1"].start : doc.own_end(clauses["1"])]
    assert own.startswith("Connection Mechanism") and own.rstrip().endswith("to use such a connection.")
    assert "Browser Policy" not in own


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("source_id", "number", "children", "start"),
    [
        pytest.param(
            "sec-n-4.0", "3.1.3", ["3.1.3(a)", "3.1.3(b)"], "where a Batched CSR", id="rejoined-labels"
        ),
        pytest.param(
            "sec-n-4.0", "3.1.3(b)", [f"3.1.3(b)({r})" for r in ("i", "ii", "iii")], "where", id="romans"
        ),
        pytest.param("sec-m-8.0", "2.3.1.7", ["2.3.1.7(a)", "2.3.1.7(b)"], "for an ad hoc", id="a)-items"),
        pytest.param(
            "sec-m-8.0", "2.3.1.7(a)", [f"2.3.1.7(a)({r})" for r in ("i", "ii", "iii")], "for", id="a)-i."
        ),
    ],
)
def test_lettered_items(appendix, source_id: str, number: str, children: list[str], start: str) -> None:
    clauses = {c.number: c for c in appendix(source_id).clauses}
    assert list(clauses[number].children) == children
    assert clauses[children[0]].text.startswith(start) if "(" not in number else True


@pytest.mark.corpus
def test_page_runs_headers_and_contents_are_gone(appendix) -> None:
    for source_id in EXPECTED:
        text = appendix(source_id).text
        assert "SEC - Appendix" not in text and "Contents" not in text.split("\n")
        assert "Error! Reference" not in text and "....." not in text
    assert "2233334444455666666667" not in appendix("sec-n-4.0").text
    m = {c.number: c for c in appendix("sec-m-8.0").clauses}
    assert "(as set out in Section [reference missing] of this document)" in " ".join(
        m["2.1(d)"].text.split()
    )


@pytest.mark.corpus
def test_tables_stay_rows(appendix) -> None:
    g = {c.number: c for c in appendix("sec-m-8.0").clauses}["G"]
    assert "Client Certificate Key | RSA 2048 bit" in g.text.split("\n")
    assert "| --- |" not in g.text and "|     |" not in g.text


# ---- hand-written lines ----------------------------------------------------------------------

APPENDIX_SOURCE = Source(
    id="sec-x-test", title="SEC Appendix X", prefix="SEC-X", family="sec", version="1.0", date="2024-01-01"
)
APPENDIX_DOC = """Purpose and Scope
This document is required by Section L4.5 of the Code.

1. Connection Mechanism
The DCC shall provide an interface.
1.1 Browser Policy
The DCC shall publish the browsers, as set out in
Appendix B of this document.
2 Interfaces
2.1.1 First interface
The DCC shall ensure that the interface:
a) uses HTTPS; and
b) is only accessible using a DCC Gateway Connection.
Appendix A Definitions
Term | Meaning as defined in SEC
Device CSR | Means a CSR submitted in respect of a Device Certificate.
1. Usage Forecast
Users shall forecast their usage.
"""


def test_hand_written_appendix() -> None:
    clauses, definitions = segment(APPENDIX_DOC, APPENDIX_SOURCE)
    by_number = {c.number: c for c in clauses}
    assert [c.number for c in clauses if not c.is_subclause] == ["0", "1", "1.1", "2", "2.1.1", "A"]
    assert by_number["0"].heading == "Purpose and Scope"
    assert by_number["2.1.1"].parent == "2" and by_number["2.1.1"].children == ("2.1.1(a)", "2.1.1(b)")
    assert by_number["A"].text.endswith("Users shall forecast their usage.")  # its numbering stays in it
    assert [(d.term, d.number) for d in definitions] == [("Device CSR", "A")]
    assert definitions[0].text == "Device CSR | Means a CSR submitted in respect of a Device Certificate."


def test_main_body_numbering_still_wins_for_the_sec_main_body() -> None:
    text = "Section F: Smart Metering\nF4 Interoperability\nF4.3 The Supplier shall ensure it.\n"
    clauses, _ = segment(text, APPENDIX_SOURCE)
    assert [c.number for c in clauses] == ["F4", "F4.3"]


def test_numbering_that_restarts_is_refused() -> None:
    text = APPENDIX_DOC.split("Appendix A")[0] + "\n1. Connection Mechanism\nThe DCC shall do it again.\n"
    with pytest.raises(NumberingRestartError) as caught:
        segment(text, APPENDIX_SOURCE)
    assert "starts again at '1. Connection Mechanism' after section 2.1.1" in str(caught.value)


def test_glossary_without_terms_is_refused() -> None:
    text = APPENDIX_DOC.replace("Device CSR | Means a CSR", "A CSR is what")
    text = text.replace("Term | Meaning as defined in SEC\n", "")
    with pytest.raises(NoDefinitionsFoundError, match="clause A .*no defined term was found"):
        segment(text, APPENDIX_SOURCE)


def test_inner_appendix_needs_a_title_and_runs_in_letter_order() -> None:
    text = "1. Scope\nSee\nAppendix F of this document.\nAppendix B Stray\nText.\nAppendix A First\nText.\n"
    starts = appendix_starts(text)
    assert [s.number for s in starts] == ["1", "A"]


def test_table_definitions_skip_the_header_row() -> None:
    text = "Term | Meaning\nAPI Key | Means a key.\n"
    assert [t for t, *_ in table_definitions(text, 0, len(text))] == ["API Key"]
