"""The dotted-rule rulebook grammar: hand-written lines in the ADGM style, resolved to clause numbers."""

from __future__ import annotations

import pytest

from clausetrace.models import Clause, ParsedDocument, Source
from clausetrace.trace.references import document_references
from clausetrace.trace.rulebook import (
    expand_rules,
    passage_key,
    resolve_rule,
    rulebook_grammar,
    rulebook_hits,
)

INSTRUMENTS = {
    "FSMR": "R-17",
    "Financial Services and Markets Regulations 2015": "R-17",
    "MKT": "R-11",
    "Market Rules": "R-11",
    "GEN": "R-7",
    "PRU": "R-13",
    "Conduct of Business Rulebook": "R-4",
    "Guidance – Disclosure Requirements for Mining Reporting Entities": "R-30",
    "Guidance – Disclosure Requirements for Petroleum Reporting Entities": "R-31",
}
GRAMMAR = rulebook_grammar(INSTRUMENTS)


def targets(line: str, own: str = "R-3") -> list[str]:
    return [f"{h.prefix} {n}" for h in rulebook_hits(line, own, INSTRUMENTS, GRAMMAR) for n in h.numbers]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param("as required by Rule 15.9.4.", ["R-3 15.9.4"], id="rule"),
        pytest.param(
            "under Rules 3.18.5 to 3.18.8",
            ["R-3 3.18.5", "R-3 3.18.6", "R-3 3.18.7", "R-3 3.18.8"],
            id="range",
        ),
        pytest.param("see paragraphs 47-49 below", ["R-3 47", "R-3 48", "R-3 49"], id="paragraph-range"),
        pytest.param("For the purposes of 7.1.2(1)(c), a source", ["R-3 7.1.2(1)(c)"], id="bare-number"),
        pytest.param(
            "under section 206(1)(b) and (c) of FSMR",
            ["R-17 206(1)(b)", "R-17 206(1)(c)"],
            id="section-of-abbreviation",
        ),
        pytest.param(
            "section 33 of the FINANCIAL SERVICES AND MARKETS REGULATIONS 2015",
            ["R-17 33"],
            id="title-any-case",
        ),
        pytest.param(
            "Section 4.15 of the Markets Rules (MKT) sets out", ["R-11 4.15"], id="misspelt-title-abbr"
        ),
        pytest.param(
            "GEN 3.3.31 and 3.3.32 and PRU 6.8 also govern",
            ["R-7 3.3.31", "R-7 3.3.32", "R-13 6.8"],
            id="abbr-lead",
        ),
        pytest.param("set out in Part 3 of the Schedule", ["R-3 Part 3"], id="part"),
        pytest.param("section 159 of the Insolvency Regulations", [], id="instrument-not-held"),
        pytest.param("a fee of 1.5 or 2.25 per cent, 10.5%", [], id="amounts-are-not-rules"),
    ],
)
def test_rulebook_references(line: str, expected: list[str]) -> None:
    assert targets(line) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # marks the PDF text keeps between a lead word and its number, or a number and its sub-paragraph
        pytest.param("the requirements in Rule \u200e2.5(b) have been met", ["R-3 2.5(b)"], id="ltr-mark"),
        pytest.param("Subject to Rule 6.8.1\u200e(b), a firm must", ["R-3 6.8.1(b)"], id="ltr-mark-sub"),
        # lead words: sub-sections, capitals, lower case, an appendix without a space
        pytest.param("in accordance with subsection 251(4)(a), the", ["R-3 251(4)(a)"], id="subsection"),
        pytest.param("The procedures in PART 21 of the FSMR apply", ["R-17 Part 21"], id="part-capitals"),
        pytest.param("comply with GEN rule 3.9.1 (Admission)", ["R-7 3.9.1"], id="rule-lower-case"),
        pytest.param("is provided in App11.", ["R-3 APP 11"], id="app-glued"),
        pytest.param("Pursuant to Rule 15.11.A.1, a firm", ["R-3 15.11A.1"], id="lettered-level"),
        # sub-paragraphs that share their rule
        pytest.param(
            "When assessing under Rule 9.1.1(3) or (4) if", ["R-3 9.1.1(3)", "R-3 9.1.1(4)"], id="sub-or"
        ),
        pytest.param(
            "in contempt pursuant to section 214(1)-(2) of FSMR",
            ["R-17 214(1)", "R-17 214(2)"],
            id="sub-range",
        ),
        # the instrument named after a list whose last items have their own lead word
        pytest.param(
            "as set out in GEN Rule 2.2.4 and paragraph 25 of this Guidance",
            ["R-7 2.2.4", "R-3 25"],
            id="mixed-list-own-tail",
        ),
        pytest.param(
            "under Part 16 and section 193 of the FSMR",
            ["R-17 Part 16", "R-17 193"],
            id="mixed-list-named-after",
        ),
        # where the numbers sit ('in Part 8', 'of Schedule 1') before the instrument is named
        pytest.param(
            "the Provisions (including section 92) in Part 8 of FSMR cover", ["R-17 92"], id="in-part-of"
        ),
        pytest.param(
            "those set out in chapter 3, chapter 4 of Part 12 of FSMR",
            ["R-17 Part 12.Chapter 3", "R-17 Part 12.Chapter 4"],
            id="chapters-of-part",
        ),
        pytest.param(
            "Investments, as defined in PART 3 of Schedule 1 of the FSMR",
            ["R-17 Schedule 1.Part 3"],
            id="part-of-schedule",
        ),
        pytest.param(
            "calculated under Rules A4.6.14 to A4.6.16 of App 4; and",
            ["R-3 A4.6.14", "R-3 A4.6.15", "R-3 A4.6.16"],
            id="rules-of-appendix",
        ),
        # the instrument after a parenthesis, an issuer or nothing at all
        pytest.param(
            "for Units of a Fund, Chapter 3 (instead of Chapter 2) of MKT contains",
            ["R-11 3"],
            id="title-between",
        ),
        pytest.param(
            "are set out in Chapter 17 of the FSRA Conduct of Business Rulebook",
            ["R-4 17"],
            id="issuer-before-name",
        ),
        pytest.param(
            "will exercise the section 58(2) FSMR power sparingly", ["R-17 58(2)"], id="abbreviation-after"
        ),
        # instruments this corpus does not hold, or named only earlier: no reference of its own
        pytest.param("a notice under section 24 of those Regulations, the", [], id="those-regulations"),
        pytest.param("meets the conditions specified in Part 7, Chapter 2 therein; and", [], id="therein"),
        pytest.param(
            "treatment of pure service contracts (section 3.3 of the PRMS);", [], id="unknown-abbreviation"
        ),
        pytest.param(
            "are identified in section 1.1 of the Petroleum Reporting Standard.", [], id="standard-not-held"
        ),
        # a short title names the one instrument whose title has its words
        pytest.param(
            "should refer to paragraphs 47-48 of the Guidance on Mining and",
            ["R-30 47", "R-30 48"],
            id="short-title",
        ),
        pytest.param(
            "see paragraph 4 of the Guidance on Disclosure Requirements", [], id="short-title-ambiguous"
        ),
        # this document, said before the number
        pytest.param("The Rules in this Part 3, supplemented by", ["R-3 Part 3"], id="this-part"),
    ],
)
def test_rulebook_reference_classes(line: str, expected: list[str]) -> None:
    assert targets(line) == expected


def test_a_number_the_clause_names_with_an_instrument_is_that_instruments() -> None:
    line = "To use its powers under Section 58(2)(b), the FSRA ... a Security under Section 58(2)(b) of FSMR."
    assert targets(line, own="R-33") == ["R-17 58(2)(b)", "R-17 58(2)(b)"]


def test_an_own_lead_after_a_named_instrument_is_explicitly_own() -> None:
    hits = rulebook_hits("Part 2 (Basic Requirements) of this Chapter imposes", "R-13", INSTRUMENTS, GRAMMAR)
    assert [(h.prefix, h.numbers, h.named) for h in hits] == [("R-13", ("Part 2",), True)]


def test_invisible_marks_keep_the_spans_of_the_text() -> None:
    line = "see Rule \u200e2.5(b)."
    (hit,) = rulebook_hits(line, "R-3", INSTRUMENTS, GRAMMAR)
    assert line[hit.start : hit.end] == "Rule \u200e2.5(b)"


def test_passage_numbers_in_written_form() -> None:
    assert passage_key("Part 16.199.(1)") == "199(1)"
    assert passage_key("Part 6.Chapter 1.58.(2)") == "58(2)"
    assert passage_key("3.19.6.(2)") == "3.19.6(2)"
    assert passage_key("47)") == "47"
    assert passage_key("4.8.") == "4.8"
    assert passage_key("PART 5.16.4") == "16.4"  # FUNDS writes its Parts in capitals
    assert passage_key("PART 4") == passage_key("Part 4")


def test_resolution_falls_back_to_the_enclosing_level() -> None:
    keys = {"58(2)": "K58-2", "7.1.2": "K712", "4": "K4"}
    assert resolve_rule("58(2)(b)", keys) == "K58-2"
    assert resolve_rule("7.1.2(9)", keys) == "K712"
    assert resolve_rule("4", keys) == "K4"
    assert resolve_rule("9.9.9", keys) is None


def test_expand_rules_keeps_written_order() -> None:
    assert expand_rules("4.1.3 and 4.1.4") == ["4.1.3", "4.1.4"]
    assert expand_rules("17.1 to 17.4") == ["17.1", "17.2", "17.3", "17.4"]


def test_document_references_with_instruments_read_rulebook_numbering() -> None:
    text = "A firm must comply with Rule 2.1.1.\n\nSubject to Rule 2.1.1, a firm may apply."
    source = Source(
        id="r-3", title="Rules", issuer="X", prefix="R-3", family="guidance", version="1", date="2024-01-01"
    )
    first, second = text.split("\n\n")
    clauses = (
        Clause(doc_id="r-3", prefix="R-3", version="1", number="2.1.1", start=0, end=len(first), text=first),
        Clause(
            doc_id="r-3",
            prefix="R-3",
            version="1",
            number="2.1.2",
            start=len(first) + 2,
            end=len(text),
            text=second,
        ),
    )
    refs = document_references(ParsedDocument(source=source, text=text, clauses=clauses), INSTRUMENTS)
    assert [(r.source_anchor, r.target, r.relation) for r in refs] == [
        ("R-3 2.1.2", "R-3 2.1.1", "subject_to")
    ]


def _document(prefix: str, clauses: list[tuple[str, str]]) -> ParsedDocument:
    """A document of one clause per (number, text), joined by blank lines."""
    source = Source(
        id=prefix.lower(),
        title="Doc",
        issuer="X",
        prefix=prefix,
        family="guidance",
        version="1",
        date="2024-01-01",
    )
    text = "\n\n".join(t for _, t in clauses)
    parsed, offset = [], 0
    for number, body in clauses:
        parsed.append(
            Clause(
                doc_id=source.id,
                prefix=prefix,
                version="1",
                number=number,
                start=offset,
                end=offset + len(body),
                text=body,
            )
        )
        offset += len(body) + 2
    return ParsedDocument(source=source, text=text, clauses=tuple(parsed))


def test_unnamed_sections_a_code_does_not_hold_are_those_of_the_instrument_it_names() -> None:
    doc = _document(
        "R-22",
        [
            ("1.1", "Section 92 of FSMR prohibits Market Abuse."),
            ("1.2", "Inside Information is defined in section 95 of FSMR."),
            ("1.3", "Such conduct may contravene section 92(3); see also paragraph 1.1."),
            ("1.4", "Section 1.2 above explains the term."),
            ("1.5", "An Insider is defined in section 94."),
        ],
    )
    refs = document_references(doc, INSTRUMENTS)
    assert [(r.source_anchor, r.target) for r in refs] == [
        ("R-22 1.1", "R-17 92"),
        ("R-22 1.2", "R-17 95"),
        ("R-22 1.3", "R-17 92(3)"),
        ("R-22 1.3", "R-22 1.1"),
        ("R-22 1.4", "R-22 1.2"),  # its own section: stays
        ("R-22 1.5", "R-17 94"),
    ]


def test_a_rulebook_whose_sections_are_its_own_keeps_them() -> None:
    doc = _document(
        "R-3",
        [
            ("2.1", "Section 2.2 applies; see also section 33 of FSMR and section 34 of FSMR."),
            ("2.2", "Section 2.1 and section 9.9 (not in this extract) apply."),
        ],
    )
    targets_ = [r.target for r in document_references(doc, INSTRUMENTS)]
    assert targets_ == ["R-3 2.2", "R-17 33", "R-17 34", "R-3 2.1", "R-3 9.9"]


def test_a_guidance_numbered_by_paragraphs_has_no_chapters() -> None:
    doc = _document(
        "R-28",
        [
            ("1)", "Chapter 2 of the Rules sets out the duty; see paragraph 2 below."),
            ("2)", "Rule 7.2.1 requires Disclosure."),
            ("7.2.1", "(1) A Reporting Entity must immediately Disclose Inside Information."),
        ],
    )
    assert [(r.source_anchor, r.target) for r in document_references(doc, INSTRUMENTS)] == [
        ("R-28 1)", "R-28 2"),  # 'Chapter 2 of the Rules' is not its paragraph 2)
        ("R-28 2)", "R-28 7.2.1"),  # the rule it quotes
    ]
