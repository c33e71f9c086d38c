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
            "under section 206(1)(b) and (c) of FSMR", ["R-17 206(1)(b)"], id="section-of-abbreviation"
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


def test_passage_numbers_in_written_form() -> None:
    assert passage_key("Part 16.199.(1)") == "199(1)"
    assert passage_key("Part 6.Chapter 1.58.(2)") == "58(2)"
    assert passage_key("3.19.6.(2)") == "3.19.6(2)"
    assert passage_key("47)") == "47"
    assert passage_key("4.8.") == "4.8"


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
