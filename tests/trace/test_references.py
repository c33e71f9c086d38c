"""Cross-reference extraction: hand-written sentences (table) and the real corpus."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from clausetrace.models import Clause, ParsedDocument, Source
from clausetrace.trace.references import (
    Reference,
    document_references,
    extract_references,
)
from ingest import parse_document


def sentence_clause(text: str, number: str = "39.2", prefix: str = "ESL") -> Clause:
    """A clause whose whole document is one hand-written sentence."""
    return Clause(doc_id="hand", prefix=prefix, version="v", number=number, start=0, end=len(text), text=text)


def pairs(refs: list[Reference]) -> set[tuple[str, str]]:
    return {(r.target, r.relation) for r in refs}


LICENCE_ROWS = [
    pytest.param(
        "The duty in paragraph 39.1 is subject to paragraphs 39.3, 39.4, 39.5 and 39.6.",
        "39.2",
        {("ESL 39.1", "refers_to")} | {(f"ESL 39.{n}", "subject_to") for n in (3, 4, 5, 6)},
        id="subject-to-list",
    ),
    pytest.param(
        "Paragraphs 39.10 to 39.13 apply to the licensee.",
        "39.9",
        {(f"ESL 39.{n}", "refers_to") for n in (10, 11, 12, 13)},
        id="range-expanded",
    ),
    pytest.param(
        "The requirement in paragraph 39.7 does not apply to a new meter.",
        "39.10",
        {("ESL 39.7", "exception_to")},
        id="exception",
    ),
    pytest.param(
        "The requirement in paragraph 48.8 does not apply where paragraph 39.4 of standard "
        "condition 39 (Roll-out) applies.",
        "48.9",
        {("ESL 48.8", "exception_to"), ("ESL 39.4", "refers_to")},
        id="condition-of-an-exception-is-not-an-exception",
    ),
    pytest.param(
        "The meter meets paragraph 12.24 or 12.26 of standard condition 12 (Matters relating to "
        "Electricity Meters).",
        "39.3",
        {("ESL 12.24", "refers_to"), ("ESL 12.26", "refers_to")},
        id="paragraphs-of-another-condition",
    ),
    pytest.param(
        "Advanced Meter is defined in standard condition 12 (Matters relating to Electricity Meters).",
        "39.23",
        {("ESL 12", "refers_to")},
        id="standard-condition",
    ),
    pytest.param(
        "It has the meaning in standard condition 6 of the Gas Supply Licence.",
        "39.23",
        {("GSL 6", "refers_to")},
        id="gas-supply-licence",
    ),
    pytest.param(
        "The date is set for the purposes of Condition 22 of the DCC Licence.",
        "48.11",
        {("DCCL 22", "refers_to")},
        id="dcc-licence",
    ),
    pytest.param(
        "The service runs under paragraphs 17.14 and 17.15 of Part D of Condition 17 of the DCC Licence.",
        "49.26",
        {("DCCL 17.14", "refers_to"), ("DCCL 17.15", "refers_to")},
        id="dcc-licence-paragraphs",
    ),
    pytest.param(
        "The licensee must be a party to and comply with the Smart Energy Code.",
        "48.1",
        {("SEC", "obliges_compliance_with")},
        id="comply-with-sec",
    ),
    pytest.param(
        "The licensee must notify the DCC in accordance with the Smart Energy Code.",
        "49.14",
        {("SEC", "refers_to")},
        id="sec-mentioned-only",
    ),
    pytest.param(
        "The licensee must ensure that the meter satisfies the requirements of a Version of the "
        "ESME Technical Specification.",
        "39.19",
        {("SMETS", "obliges_compliance_with")},
        id="esme-spec-is-smets",
    ),
    pytest.param(
        "The licensee must take all reasonable steps to keep it Compatible with the Version of the "
        "CH Technical Specification.",
        "39.15",
        {("CHTS", "obliges_compliance_with")},
        id="ch-spec-is-chts",
    ),
    pytest.param(
        "A display that is described in the IHD Technical Specification.",
        "40.13",
        {("SMETS", "refers_to")},
        id="ihd-spec-is-part-of-smets",
    ),
    pytest.param(
        "Devices respond to commands in accordance with the GB Companion Specification and the "
        "Great Britain Companion Specification.",
        "49.4",
        {("GBCS", "refers_to")},
        id="gbcs-names",
    ),
    pytest.param(
        "The equipment is installed under Section Z of the Smart Energy Code.",
        "49.26",
        {("SEC Z", "refers_to")},
        id="sec-section-of-the-code",
    ),
    pytest.param(
        "The number is calculated in accordance with 39A.5 (c) & (d) for the third year.",
        "44A.2",
        {("ESL 39A.5(c)", "refers_to"), ("ESL 39A.5(d)", "refers_to")},
        id="sub-paragraph-pair",
    ),
    pytest.param(
        "Part A of this Condition applies from the Effective Date.",
        "49.2",
        {("ESL 49 Part A", "refers_to")},
        id="part-of-this-condition",
    ),
    pytest.param(
        "The licensee must ensure the Retail Energy Code contains such provisions.",
        "41.4",
        {("REC", "refers_to")},
        id="retail-energy-code",
    ),
    pytest.param(
        "A licence granted under section 7 of the Gas Act 1986.",
        "45.46",
        {("Gas Act 1986 s.7", "refers_to")},
        id="act-section",
    ),
    pytest.param(
        "Subject to paragrap h 49. 19, the obligations in paragraph 49.4 do not apply here.",
        "49.18",
        {("ESL 49.19", "subject_to"), ("ESL 49.4", "exception_to")},
        id="pdf-split-words-and-numbers",
    ),
    pytest.param(
        "Where any one of paragraphs 39.10. 39.11, 39.12 or 39.13 apply.",
        "48.9",
        {(f"ESL 39.{n}", "refers_to") for n in (10, 11, 12, 13)},
        id="stray-full-stop-in-a-list",
    ),
    pytest.param(
        "The licensee must be a DCC User, except in the circumstances described in paragraph 48.9.",
        "48.8",
        {("ESL 48.9", "subject_to")},
        id="except-in-the-circumstances",
    ),
    pytest.param(
        "An earlier Version may otherwise meet the requirements of paragraph 39.15 and still not do.",
        "39.17",
        {("ESL 39.15", "refers_to")},
        id="hedged-compliance-is-a-reference",
    ),
    pytest.param(
        "A meter replaced for the purposes of complying with any provision (other than a provision "
        "in standard condition 39) of a licence.",
        "49.26",
        {("ESL 39", "refers_to")},
        id="carve-out-is-a-reference",
    ),
    # negatives: nothing to find
    pytest.param(
        "The licensee must notify the SEC Panel and every SEC Party.", "48.2", set(), id="sec-bodies"
    ),
    pytest.param("SEC Designated Date means the date of designation.", "48.11", set(), id="sec-defined-term"),
    pytest.param("SMETS2+ devices must be interoperable.", "39.15", set(), id="smets-generation"),
    pytest.param("The licensee must act by 28 April 2017 and 6 April 2016.", "39.5", set(), id="dates"),
    pytest.param("Condition 39. Smart Metering System", "39.1", set(), id="own-condition-title"),
    pytest.param("Part B - DUTY IN RELATION TO REPLACEMENT METERS", "39.6", set(), id="part-heading"),
    pytest.param(
        "It applies as set out in sub-paragraph (b) above.", "49.21", set(), id="bare-sub-paragraph"
    ),
    pytest.param("The obligation under those arrangements is to be satisfied.", "39.4", set(), id="no-ref"),
]


@pytest.mark.parametrize(("text", "number", "expected"), LICENCE_ROWS)
def test_licence_sentences(text: str, number: str, expected: set[tuple[str, str]]) -> None:
    refs = extract_references(sentence_clause(text, number), text)
    assert pairs(refs) == expected
    assert all(text[r.start : r.end] == r.text for r in refs)
    assert not any(r.secondary for r in refs)


GUIDANCE_ROWS = [
    pytest.param(
        "SEC Sections F4.3 – F4.4 require that devices are interoperable.",
        {("SEC F4.3", "refers_to"), ("SEC F4.4", "refers_to")},
        id="sec-section-range",
    ),
    pytest.param(
        "It is included in SEC Section F12.4, which sets out objectives.",
        {("SEC F12.4", "refers_to")},
        id="sec-section",
    ),
    pytest.param(
        "Obligations in Electricity Supply Licences. Licence Condition 39.1 requires an installation.",
        {("ESL 39.1", "refers_to")},
        id="licence-condition-electricity",
    ),
    pytest.param(
        "Obligations in the Gas Supply Licence. Licence Condition 33.1 requires an installation.",
        {("GSL 33.1", "refers_to")},
        id="licence-condition-gas-from-context",
    ),
    pytest.param(
        "DCC Licence Condition 17.21 requires hubs to satisfy the requirements of the CH "
        "Technical Specification.",
        {("DCCL 17.21", "refers_to"), ("CHTS", "obliges_compliance_with")},
        id="dcc-licence-condition",
    ),
    pytest.param(
        "The SMETS sets out in Section 4.2.1 that devices are tested.",
        {("SMETS", "refers_to"), ("SMETS 4.2.1", "refers_to")},
        id="smets-section-from-context",
    ),
    pytest.param(
        "The CHTS sets out (in Section 4.2.1) that hubs are tested.",
        {("CHTS", "refers_to"), ("CHTS 4.2.1", "refers_to")},
        id="chts-section-from-context",
    ),
    pytest.param("Section 2.2 of GBCS v4.2 is informative.", {("GBCS 2.2", "refers_to")}, id="gbcs-section"),
    pytest.param(
        "As set out in full in Section 3.1 of this guidance note.",
        {("SMDA-266 3.1", "refers_to")},
        id="own-section",
    ),
]


@pytest.mark.parametrize(("text", "expected"), GUIDANCE_ROWS)
def test_guidance_sentences(text: str, expected: set[tuple[str, str]]) -> None:
    refs = extract_references(sentence_clause(text, "2.5", "SMDA-266"), text)
    assert pairs(refs) == expected
    assert all(r.secondary == (not r.target.startswith("SMDA-266")) for r in refs)


def test_named_subject_of_subject_to() -> None:
    text = "The requirement in paragraph 39.1 is subject to paragraphs 39.3 and 39.4."
    refs = extract_references(sentence_clause(text), text)
    assert {r.target: r.subject for r in refs} == {
        "ESL 39.1": None,
        "ESL 39.3": "ESL 39.1",
        "ESL 39.4": "ESL 39.1",
    }


def test_span_must_match_the_document() -> None:
    with pytest.raises(ValueError):
        extract_references(sentence_clause("paragraph 39.1"), "something else")


# --- the real corpus ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def parse(source_by_id: dict[str, Source], corpus_dir: Path):
    @cache
    def parsed(source_id: str) -> ParsedDocument:
        source = source_by_id[source_id]
        assert source.file
        return parse_document(source, corpus_dir / source.file)

    return parsed


def refs_of(doc: ParsedDocument, number: str) -> list[Reference]:
    clause = next(c for c in doc.clauses if c.number == number)
    return extract_references(clause, doc.text)


pytestmark = pytest.mark.corpus


def test_esl_39_2_subject_to_the_exceptions(parse) -> None:
    refs = refs_of(parse("esl-39-2025-08-01"), "39.2")
    assert pairs(refs) == {("ESL 39.1", "refers_to")} | {(f"ESL 39.{n}", "subject_to") for n in (3, 4, 5, 6)}
    assert {r.subject for r in refs if r.relation == "subject_to"} == {"ESL 39.1"}


def test_esl_39_3_is_an_exception_to_39_1(parse) -> None:
    refs = refs_of(parse("esl-39-2025-08-01"), "39.3")
    assert pairs(refs) == {
        ("ESL 39.1", "exception_to"),
        ("ESL 12.24", "refers_to"),
        ("ESL 12.26", "refers_to"),
    }


def test_esl_39_14_range_is_expanded(parse) -> None:
    refs = refs_of(parse("esl-39-2025-08-01"), "39.14")
    assert [r.target for r in refs] == [f"ESL 39.{n}" for n in range(15, 21)]
    assert {r.text for r in refs} == {"Paragraphs 39.15 to 39.20"}


def test_esl_39_15_obliges_compliance_with_smets_and_chts(parse) -> None:
    refs = refs_of(parse("esl-39-2025-08-01"), "39.15")
    assert pairs(refs) == {("SMETS", "obliges_compliance_with"), ("CHTS", "obliges_compliance_with")}
    assert "ESME Technical Specification" in {r.text for r in refs if r.target == "SMETS"}
    assert {r.text for r in refs if r.target == "CHTS"} == {"CH Technical Specification"}


def test_esl_48_1_obliges_compliance_with_the_sec(parse) -> None:
    assert pairs(refs_of(parse("esl-48-2025-08-01"), "48.1")) == {("SEC", "obliges_compliance_with")}


def test_esl_48_9_names_exceptions_of_39_as_conditions(parse) -> None:
    refs = refs_of(parse("esl-48-2025-08-01"), "48.9")
    assert ("ESL 48.8", "exception_to") in pairs(refs)
    named = {r.target: r.relation for r in refs if r.target.startswith("ESL 39.")}
    assert named == {f"ESL 39.{n}": "refers_to" for n in (3, 4, 5, 6, 10, 11, 12, 13)}


def test_smda_2_5_quotes_sec_f4_3_and_f4_4(parse) -> None:
    refs = refs_of(parse("smda-266-v1.0"), "2.5")
    quoted = [r for r in refs if r.target in {"SEC F4.3", "SEC F4.4"}]
    assert {r.target for r in quoted} == {"SEC F4.3", "SEC F4.4"}
    assert all(r.secondary and r.instrument == "SEC" for r in quoted)
    assert ("GBCS", "refers_to") in pairs(refs)


def test_smda_licence_conditions_resolve_by_section(parse) -> None:
    doc = parse("smda-266-v1.0")
    assert {"ESL 39.1", "ESL 39.15", "ESL 48.1"} <= {r.target for r in refs_of(doc, "2.2")}
    assert {"GSL 33.1", "GSL 33.15", "GSL 42.1"} <= {r.target for r in refs_of(doc, "2.3")}
    assert {"DCCL 17.21", "DCCL 22.2"} <= {r.target for r in refs_of(doc, "2.4")}
    assert {"SMETS 4.2.1", "SMETS 5.3.1", "SMETS 4.2.2", "SMETS 5.3.2"} <= {
        r.target for r in refs_of(doc, "2.6")
    }
    assert {"CHTS 4.2.1", "CHTS 4.2.2"} <= {r.target for r in refs_of(doc, "2.7")}
    assert "GBCS 2.2" in {r.target for r in refs_of(doc, "2.8")}


def test_document_references_reads_each_span_once_in_its_deepest_clause(parse) -> None:
    doc = parse("smda-266-v1.0")
    refs = document_references(doc)
    spans = [(r.start, r.end, r.target) for r in refs]
    assert len(spans) == len(set(spans))
    gas = [r for r in refs if r.text == "Licence Condition 33.1"]
    assert [(r.target, r.source_anchor) for r in gas] == [("GSL 33.1", "SMDA-266 2.3")]


def test_every_real_reference_slices_its_document(source_by_id: dict[str, Source], parse) -> None:
    for source_id in source_by_id:
        doc = parse(source_id)
        for ref in document_references(doc):
            assert doc.text[ref.start : ref.end] == ref.text, (source_id, ref)
            assert ref.target.startswith(ref.instrument), ref
