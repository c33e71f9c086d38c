"""Segmentation on the real corpus (read at run time) and on short hand-written lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clausetrace.errors import NoClausesFoundError, NoDefinitionsFoundError
from clausetrace.models import Clause, ParsedDocument, Source
from ingest import parse_document
from ingest.anchors import licence_key, outline_key
from ingest.segment import segment

ESL_39 = [f"39.{n}" for n in range(1, 24)]
EXPECTED_TOP = {
    "esl-1-2025-08-01": ["1.1", "1.2", "1.3"],
    "esl-39-2019-08-03": ESL_39[:-1],  # 39.23 was added later
    "esl-48-2019-08-03": [f"48.{n}" for n in range(1, 12)],
    "esl-39-2022-04-14": ESL_39,
    "esl-39-2025-08-01": ESL_39,
    "esl-39a-2025-08-01": [f"39A.{n}" for n in range(1, 10)],
    "esl-40-2025-08-01": [f"40.{n}" for n in range(1, 20)],
    "esl-48-2022-04-14": [f"48.{n}" for n in range(1, 12)],
    "esl-48-2025-08-01": [f"48.{n}" for n in range(1, 12)],
    # Condition 41 prints no number for 41.5 ("(Not used)"), so it cannot be found.
    "esl-41-2025-08-01": [f"41.{n}" for n in range(1, 25) if n != 5],
    "esl-44a-2025-08-01": [
        "44A.1",
        "44A.2",
        "44A.3",
        "44A.3A",
        "44A.4",
        "44A.4A",
        "44A.5",
        "44A.6",
        "44A.7",
        "44A.7A",
        "44A.8",
        "44A.8A",
        "44A.9",
        "44A.10",
        "44A.11",
    ],
    "esl-47-2025-08-01": [f"47.{n}" for n in range(1, 32)]
    + ["47.31A", "47.31B", "47.31C"]
    + [f"47.{n}" for n in range(32, 46)],
}
SMDA_SECTIONS = ["1", "2", *[f"2.{n}" for n in range(1, 10)], "3", "3.1", "3.2", "3.3", "4"]
LICENCE_IDS = [
    "esl-1-2025-08-01",
    "esl-39-2019-08-03",
    "esl-39-2022-04-14",
    "esl-39-2025-08-01",
    "esl-39a-2025-08-01",
    "esl-40-2025-08-01",
    "esl-41-2025-08-01",
    "esl-42-2025-08-01",
    "esl-43-2025-08-01",
    "esl-44-2025-08-01",
    "esl-44a-2025-08-01",
    "esl-45-2025-08-01",
    "esl-45a-2025-08-01",
    "esl-46-2025-08-01",
    "esl-46a-2025-08-01",
    "esl-47-2025-08-01",
    "esl-48-2019-08-03",
    "esl-48-2022-04-14",
    "esl-48-2025-08-01",
    "esl-49-2025-08-01",
    "esl-50-2025-08-01",
]
ALL_IDS = [*LICENCE_IDS, "smda-266-v1.0"]

_CACHE: dict[str, ParsedDocument] = {}


@pytest.fixture
def parsed(corpus_dir: Path, source_by_id: dict[str, Source]):
    """Parse a real document by catalogue id (cached for the session)."""

    def load(source_id: str) -> ParsedDocument:
        if source_id not in _CACHE:
            source = source_by_id[source_id]
            _CACHE[source_id] = parse_document(source, corpus_dir / str(source.file))
        return _CACHE[source_id]

    return load


def top_numbers(doc: ParsedDocument) -> list[str]:
    """Numbers of the clauses without a parent, in document order."""
    return [c.number for c in doc.clauses if c.parent is None]


def by_number(doc: ParsedDocument) -> dict[str, Clause]:
    """Clauses of a document keyed by number."""
    return {c.number: c for c in doc.clauses}


def assert_spans(doc: ParsedDocument) -> None:
    """The span contract: exact slices, trimmed, unique numbers, children inside parents."""
    numbers = by_number(doc)
    assert len(numbers) == len(doc.clauses), "clause numbers must be unique in a document"
    for clause in doc.clauses:
        assert doc.text[clause.start : clause.end] == clause.text
        assert clause.text and clause.text == clause.text.strip()
        assert (clause.doc_id, clause.prefix, clause.version) == (
            doc.source.id,
            doc.source.prefix,
            doc.source.version,
        )
        for child in clause.children:
            inner = numbers[child]
            assert inner.parent == clause.number
            assert clause.start <= inner.start and inner.end <= clause.end, (clause.number, child)
        if clause.parent:
            assert clause.number in numbers[clause.parent].children
    starts = [c.start for c in doc.clauses]
    assert starts == sorted(starts), "clauses must be in document order"
    for definition in doc.definitions:
        assert doc.text[definition.start : definition.end] == definition.text
        holder = numbers[definition.number]
        assert holder.start <= definition.start and definition.end <= holder.end


# ---- the real corpus -------------------------------------------------------------------------


@pytest.mark.corpus
@pytest.mark.parametrize("source_id", list(EXPECTED_TOP))
def test_every_numbered_clause_in_order(parsed, source_id: str) -> None:
    assert top_numbers(parsed(source_id)) == EXPECTED_TOP[source_id]


@pytest.mark.corpus
@pytest.mark.parametrize("source_id", LICENCE_IDS)
def test_licence_numbering_strictly_increases(parsed, source_id: str, source_by_id) -> None:
    doc = parsed(source_id)
    numbers = top_numbers(doc)
    keys = [licence_key(*n.split(".")) for n in numbers]
    assert keys == sorted(set(keys)), "strictly increasing"
    assert {n.split(".")[0] for n in numbers} == {source_by_id[source_id].condition}
    assert numbers[0].endswith(".1")
    assert len(numbers) >= 3


@pytest.mark.corpus
@pytest.mark.parametrize("source_id", ALL_IDS)
def test_span_contract_on_real_documents(parsed, source_id: str) -> None:
    assert_spans(parsed(source_id))


@pytest.mark.corpus
def test_consolidated_licence_without_condition(parsed, source_by_id: dict[str, Source]) -> None:
    """All 2025 conditions joined into one text (as in the full licence PDF), no condition given."""
    ids = [i for i in LICENCE_IDS if i.endswith("2025-08-01")]
    docs = [parsed(i) for i in ids]
    whole = "\n\n".join(doc.text for doc in docs)
    source = source_by_id[ids[0]].model_copy(update={"id": "esl-all", "condition": None, "pages": None})
    clauses, definitions = segment(whole, source)
    assert [c.number for c in clauses] == [c.number for doc in docs for c in doc.clauses]
    assert [d.term for d in definitions] == [d.term for doc in docs for d in doc.definitions]


@pytest.mark.corpus
def test_esl_39_15_text_and_subclauses(parsed) -> None:
    clauses = by_number(parsed("esl-39-2025-08-01"))
    clause = clauses["39.15"]
    assert clause.text.startswith("Where this paragraph applies, the licensee must take all reasonable steps")
    assert clause.children == tuple(f"39.15({x})" for x in "abcdefgh")
    assert clauses["39.15(a)"].text.startswith("within its Maintenance Validity Period")
    assert clause.heading == "Maintenance of Smart Metering Systems"
    assert clause.title_path[-1] == "Maintenance of Smart Metering Systems"
    assert clause.title_path[0].startswith("Condition 39: Smart Metering System")
    assert "PART C" in clause.title_path[1]
    assert (clause.page_start, clause.page_end) == (446, 453)  # the extract's PDF page range


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("number", "children"),
    [
        pytest.param("39.3", ["39.3(a)", "39.3(b)", "39.3(c)"], id="list-continues-after-colon"),
        pytest.param("39.4", ["39.4(a)", "39.4(b)"], id="letters"),
        pytest.param("39.4(a)", ["39.4(a)(i)", "39.4(a)(ii)"], id="romans-restart-per-parent"),
        pytest.param("39.13(b)", [f"39.13(b)({r})" for r in ("i", "ii", "iii", "iv")], id="four-romans"),
        pytest.param("39.18(c)", [], id="paragraph-39.7(a)-is-a-reference"),
        pytest.param("39.2", [], id="no-list"),
        pytest.param("39.22", ["39.22(a)", "39.22(b)", "39.22(c)"], id="definition-list"),
        # 39.23 prints '(d)', '(e)' under 'Relevant Date means:' with no (c): out of sequence, kept as text.
        pytest.param("39.23", ["39.23(a)", "39.23(b)"], id="relevant-date-oddity"),
    ],
)
def test_esl_39_subclauses(parsed, number: str, children: list[str]) -> None:
    assert list(by_number(parsed("esl-39-2025-08-01"))[number].children) == children


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("source_id", "number", "children"),
    [
        pytest.param(
            "esl-40-2025-08-01", "40.1", [f"40.1({x})" for x in "abcde"], id="sub-paragraph-(d)-reference"
        ),
        pytest.param(
            "esl-39a-2025-08-01", "39A.7", ["39A.7(a)", "39A.7(b)"], id="39A.5-(a)-and-(b)-reference"
        ),
        pytest.param("esl-39a-2025-08-01", "39A.2(a)", ["39A.2(a)(i)", "39A.2(a)(ii)"], id="dotted-romans"),
        pytest.param("esl-44a-2025-08-01", "44A.2", [], id="39A.5-(c)-&-(d)-reference"),
        pytest.param("esl-48-2025-08-01", "48.1", ["48.1(a)", "48.1(b)"], id="48.1"),
    ],
)
def test_other_subclauses(parsed, source_id: str, number: str, children: list[str]) -> None:
    assert list(by_number(parsed(source_id))[number].children) == children


@pytest.mark.corpus
def test_reference_to_another_condition_is_not_a_clause(parsed) -> None:
    doc = parsed("esl-49-2025-08-01")  # quotes 'paragraph 39.1 of standard condition 39'
    assert all(n.startswith("49.") for n in top_numbers(doc))
    doc = parsed("esl-44a-2025-08-01")  # quotes '39A.5 (c) & (d)'
    assert all(n.startswith("44A.") for n in top_numbers(doc))


@pytest.mark.corpus
def test_headings_are_not_in_the_previous_clause(parsed) -> None:
    clauses = by_number(parsed("esl-39-2025-08-01"))
    assert clauses["39.2"].text.endswith("39.5 and 39.6.")
    assert (
        clauses["39.3"].heading
        == "Exception for Domestic and Designated Premises – Current Transformer Meters"
    )
    assert clauses["39.6"].text.endswith("installed at the Designated Premises.")
    assert "PART C" not in clauses["39.13"].text
    assert clauses["39.7"].title_path[1].startswith("Part B - DUTY IN RELATION TO REPLACEMENT METERS")
    clauses = by_number(parsed("esl-49-2025-08-01"))
    assert clauses["49.8"].heading.startswith("Exception to SMS Operational Requirement")
    assert clauses["49.3"].heading == "Application of Part B"


@pytest.mark.corpus
def test_definitions(parsed) -> None:
    doc = parsed("esl-39-2025-08-01")
    terms = {d.term: d for d in doc.definitions}
    assert terms["Relevant Smart Metering System"].number == "39.22"
    assert terms["Advanced Meter"].number == "39.23"
    assert terms["Advanced Meter"].text.startswith("Advanced Meter means an Electricity Meter")
    assert {"Relevant Date", "Non-MB Consumer", "Small Energy Supplier"} <= set(terms)
    assert terms["Relevant Date"].text.endswith("as the Secretary of State may direct.")
    assert all(d.anchor == f"ESL {d.number}" for d in doc.definitions)
    assert not any(d.number == "39A.5" for d in parsed("esl-39a-2025-08-01").definitions)  # 'Ny means'


@pytest.mark.corpus
def test_smda_266_sections(parsed) -> None:
    doc = parsed("smda-266-v1.0")
    assert top_numbers(doc) + [c.number for c in doc.clauses if c.parent] == ["1", "2", "3", "4"] + [
        n for n in SMDA_SECTIONS if "." in n
    ]
    assert [c.number for c in doc.clauses] == SMDA_SECTIONS
    clauses = by_number(doc)
    assert clauses["2"].children == tuple(f"2.{n}" for n in range(1, 10))
    assert clauses["2.5"].parent == "2"
    assert clauses["2.5"].heading == "Obligations in the Smart Energy Code"
    assert "SEC Sections F4.3" in clauses["2.5"].text  # quoted, not a clause start
    assert "Section 4.2.1 for Gas" in clauses["2.6"].text
    assert "1. The varying obligations" in clauses["1"].text  # a list item, not section 1 again
    assert clauses["2.5"].title_path == (
        "2 Obligations on SEC Parties regarding Interoperability and Interchangeability of SMETS2+ devices",
        "Obligations in the Smart Energy Code",
    )
    assert "Table of Contents" not in doc.text


# ---- hand-written lines: families with no real file ------------------------------------------

SEC = Source(id="sec-test", title="SEC", prefix="SEC", family="sec", version="current", date="2024-01-01")
SPEC = Source(
    id="smets-test", title="SMETS", prefix="SMETS", family="spec", version="current", date="2024-01-01"
)
LICENCE = Source(
    id="esl-test", title="Licence", prefix="ESL", family="licence", version="v1", date="2024-01-01"
)
GUIDE = Source(
    id="guide-test", title="Guide", prefix="GUIDE", family="guidance", version="1", date="2024-01-01"
)

SEC_DOC = """Section A: Definitions and Interpretation
A1 Definitions
A1.1 In this Code, capitalised terms have the meanings given to them.
Section F: Smart Metering System Requirements
F4 Operational Functionality, Interoperability and Access
F4.3 The Responsible Supplier for each Enrolled Smart Metering System shall ensure that:
(a) all the Devices are interoperable with the DCC Total System; and
(b) evidence of testing is retained.
F4.4 The DCC and each Supplier Party shall ensure that testing has been undertaken under Section
F4.3 and retained.
F12 Smart Metering Device Assurance
F12.4 The SMDA Sub-Committee shall procure interoperability testing services that
(a) test Devices from different manufacturers together, as set out in paragraph
(b) of Section F12.3, and
(b) publish the results.
"""
SPEC_DOC = """4 GSME Requirements
4.2 Testing
4.2.1 GSME shall have been tested to ensure that it meets the requirements described in this Section 4.
4.2.2 GSME shall meet the requirements described in the Great Britain Companion Specification.
As set out in Section 4.2.1, evidence must be available.
5 ESME Requirements
5.3.1 ESME shall have been tested to ensure that it meets the requirements of this Section 5.
"""
LICENCE_DOC = (
    "Condition 7. Test Condition\n\nThe duty 7.1 The licensee must do it. "
    "7.2 The requirement in paragraph 7.1 is subject to paragraphs 7.3 and 7.4. "
    "Exception for Small Suppliers 7.3 The requirement in paragraph 7.1 does not apply where: "
    "(a) the licensee is small; and (b) paragraph 7.2(a) applies. "
    "7.4 Paragraph 7.3 applies under condition 12.2 of the licence."
)


@pytest.mark.parametrize(
    ("source", "text", "anchor", "found"),
    [
        pytest.param(SEC, SEC_DOC, "SEC A1", True, id="sec-section-a1"),
        pytest.param(SEC, SEC_DOC, "SEC F4.3", True, id="sec-f4.3"),
        pytest.param(SEC, SEC_DOC, "SEC F4.3(a)", True, id="sec-f4.3(a)"),
        pytest.param(SEC, SEC_DOC, "SEC F12.4", True, id="sec-f12.4"),
        pytest.param(SEC, SEC_DOC, "SEC F4.4", True, id="sec-f4.4"),
        pytest.param(SEC, SEC_DOC, "SEC F12.4(b)", True, id="sec-items-at-line-starts"),
        pytest.param(SPEC, SPEC_DOC, "SMETS 4.2.1", True, id="spec-4.2.1"),
        pytest.param(SPEC, SPEC_DOC, "SMETS 4.2.2", True, id="spec-4.2.2"),
        pytest.param(SPEC, SPEC_DOC, "SMETS 5.3.1", True, id="spec-5.3.1-after-gap"),
        pytest.param(LICENCE, LICENCE_DOC, "ESL 7.3(b)", True, id="licence-subclause"),
        pytest.param(LICENCE, LICENCE_DOC, "ESL 7.4", True, id="licence-last"),
    ],
)
def test_hand_written_anchor_rows(source: Source, text: str, anchor: str, found: bool) -> None:
    clauses, _ = segment(text, source)
    assert (anchor in {c.anchor for c in clauses}) is found


@pytest.mark.parametrize(
    ("source", "text", "not_a_start"),
    [
        pytest.param(SEC, SEC_DOC, "F4.3 and retained.", id="sec-wrapped-reference-after-Section"),
        pytest.param(SEC, SEC_DOC, "(b) of Section F12.3", id="sec-wrapped-label-reference"),
        pytest.param(SPEC, SPEC_DOC, "Section 4.2.1, evidence", id="spec-quoted-section"),
        pytest.param(LICENCE, LICENCE_DOC, "7.1 is subject", id="licence-paragraph-reference"),
        pytest.param(LICENCE, LICENCE_DOC, "7.3 and 7.4", id="licence-and-reference"),
        pytest.param(LICENCE, LICENCE_DOC, "7.2(a) applies", id="licence-glued-label"),
        pytest.param(LICENCE, LICENCE_DOC, "12.2 of the licence", id="licence-other-condition"),
    ],
)
def test_references_never_start_clauses(source: Source, text: str, not_a_start: str) -> None:
    clauses, _ = segment(text, source)
    position = text.index(not_a_start)
    assert all(not (c.start - 8 <= position <= c.start) for c in clauses), not_a_start


def test_hand_written_hierarchy() -> None:
    clauses = {c.number: c for c in segment(SEC_DOC, SEC)[0]}
    assert clauses["F4.3"].parent == "F4"
    assert clauses["F4"].children == ("F4.3", "F4.4")
    assert clauses["F4.3"].children == ("F4.3(a)", "F4.3(b)")
    assert clauses["F4.4"].text.endswith("F4.3 and retained.")
    assert clauses["F4.3"].title_path == (
        "Section F: Smart Metering System Requirements",
        "F4 Operational Functionality, Interoperability and Access",
    )
    spec = {c.number: c for c in segment(SPEC_DOC, SPEC)[0]}
    assert list(spec) == ["4", "4.2", "4.2.1", "4.2.2", "5", "5.3.1"]
    assert spec["5.3.1"].parent == "5"
    licence = {c.number: c for c in segment(LICENCE_DOC, LICENCE)[0]}
    assert [n for n, c in licence.items() if not c.parent] == ["7.1", "7.2", "7.3", "7.4"]
    assert licence["7.3"].heading == "Exception for Small Suppliers"
    assert licence["7.2"].text == "The requirement in paragraph 7.1 is subject to paragraphs 7.3 and 7.4."


def test_guidance_list_items_and_contents_are_not_sections() -> None:
    text = (
        "Table of Contents\n1. Introduction 3\n2. Obligations 4\n\n1. Introduction\n\nIt sets out:\n"
        "1. The varying obligations on SEC Parties; and.\n2. The expectations shared by Government.\n\n"
        "2. Obligations on SEC Parties\n\n2.1 The hierarchy\n\nText.\n"
    )
    numbers = [c.number for c in segment(text, GUIDE)[0]]
    assert numbers == ["1", "2", "2.1"]


def test_no_numbering_raises_with_path() -> None:
    with pytest.raises(NoClausesFoundError) as caught:
        segment("Just some prose without any clause numbers at all.", LICENCE, path="/tmp/notes.txt")
    assert "/tmp/notes.txt" in str(caught.value)
    assert "no licence clause numbering found" in str(caught.value)
    assert "--family" in str(caught.value)


def test_page_numbers_from_offsets() -> None:
    text = "Condition 7. Test\n7.1 The first.\n7.2 The second.\n7.3 The third."
    offsets = ((0, 10), (text.index("7.2"), 11), (text.index("third"), 12))
    clauses = {c.number: c for c in segment(text, LICENCE, offsets)[0]}
    assert (clauses["7.1"].page_start, clauses["7.1"].page_end) == (10, 10)
    assert (clauses["7.2"].page_start, clauses["7.2"].page_end) == (11, 11)
    assert (clauses["7.3"].page_start, clauses["7.3"].page_end) == (11, 12)


# ---- property: generated documents keep exact, nested spans ----------------------------------

WORDS = ["meter", "supply", "premises", "data", "system", "notice", "energy", "customer", "report"]
REFERENCES = [
    "paragraph {n}",
    "paragraphs {n} and {m}",
    "sub-paragraph (b) of paragraph {n}",
    "condition {c}",
]


@st.composite
def licence_documents(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A licence condition with inline numbering, headings, references and nested lists."""
    cond = draw(st.sampled_from(["7", "12", "39", "39A", "44A"]))
    phrase = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(" ".join)
    count = draw(st.integers(1, 7))
    parts, expected = [f"Condition {cond}. Generated Condition\n\n"], []
    for index in range(1, count + 1):
        number = f"{cond}.{index}"
        expected.append(number)
        if draw(st.booleans()):
            parts.append(draw(st.sampled_from(["Exception ", "The Duty ", "Definitions Of Things "])))
        reference = draw(st.sampled_from(REFERENCES)).format(
            n=f"{cond}.{draw(st.integers(1, 9))}",
            m=f"{cond}.{draw(st.integers(1, 9))}",
            c=draw(st.integers(1, 60)),
        )
        parts.append(f"{number} The {draw(phrase)} in {reference} is {draw(phrase)}")
        items = draw(st.integers(0, 4))
        if items:
            parts.append(":")
            for letter in "abcd"[:items]:
                expected.append(f"{number}({letter})")
                parts.append(f" ({letter}) the {draw(phrase)}")
                romans = draw(st.integers(0, 3))
                if romans:
                    parts.append(" where:")
                    for roman in ("i", "ii", "iii")[:romans]:
                        expected.append(f"{number}({letter})({roman})")
                        parts.append(f" ({roman}) the {draw(phrase)};")
                parts.append(";" if letter != "abcd"[items - 1] else "")
        parts.append(". ")
    return "".join(parts), expected


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(licence_documents())
def test_generated_licence_spans(document: tuple[str, list[str]]) -> None:
    text, expected = document
    clauses, _ = segment(text, LICENCE)
    assert [c.number for c in clauses] == expected
    doc = ParsedDocument(source=LICENCE, text=text, clauses=clauses)
    assert_spans(doc)


@st.composite
def outline_documents(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A spec-style document: numbered lines, one to three levels deep, in sequence."""
    phrase = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join)
    lines, expected = [], []
    for top in range(1, draw(st.integers(1, 4)) + 1):
        lines.append(f"{top} Heading Of Part {top}")
        expected.append(str(top))
        for mid in range(1, draw(st.integers(0, 3)) + 1):
            number = f"{top}.{mid}"
            lines.append(f"{number} The {draw(phrase)} shall apply.")
            expected.append(number)
            for low in range(1, draw(st.integers(0, 2)) + 1):
                lines.append(f"{number}.{low} Each {draw(phrase)} shall be tested (see Section {top}.{mid}).")
                expected.append(f"{number}.{low}")
        lines.append(f"Text that quotes Section {top}.1 and {draw(phrase)}.")
    return "\n".join(lines), expected


@settings(max_examples=80, deadline=None)
@given(outline_documents())
def test_generated_outline_spans(document: tuple[str, list[str]]) -> None:
    text, expected = document
    clauses, _ = segment(text, SPEC)
    assert [c.number for c in clauses] == expected
    assert_spans(ParsedDocument(source=SPEC, text=text, clauses=clauses))
    keys = [outline_key(c.number) for c in clauses]
    assert keys == sorted(keys)


@pytest.mark.corpus
def test_condition_1_glossary(parsed) -> None:
    doc = parsed("esl-1-2025-08-01")
    assert [c.number for c in doc.clauses if not c.is_subclause] == ["1.1", "1.2", "1.3"]
    terms = {d.term: d for d in doc.definitions}
    assert len(doc.definitions) >= 220 and {d.number for d in doc.definitions} == {"1.3"}
    assert terms["HAN Date"].text.startswith("HAN Date means, in respect of each Domestic Premises, the date")
    assert "main dwelling area of the premises" in terms["HAN Date"].text
    assert terms["In-Home Display"].text.startswith("In-Home Display (or IHD) means a device")  # '(or IHD)'
    assert terms["Relevant Electricity Supplier"].text.startswith("Relevant Electricity Supplier in relation")
    assert terms["Charges for the Supply of Electricity"].number == "1.3"  # connectors inside a term
    assert terms["Writing"].text.startswith("Writing includes writing")  # a weaker verb after ';'
    assert {"Smart Metering System", "Domestic Premises", "CH Technical Specification"} <= set(terms)


def test_licence_glossary_without_terms_is_refused() -> None:
    text = "Condition 1. Definitions\n1.1 In this licence, unless the context otherwise requires: see below."
    with pytest.raises(NoDefinitionsFoundError, match="clause 1.1 .*no defined term"):
        segment(text, LICENCE)
