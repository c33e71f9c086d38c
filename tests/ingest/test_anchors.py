"""Anchor grammars and user-typed anchors: tables of short real anchor strings."""

from __future__ import annotations

import re

import pytest

from clausetrace.anchors import format_anchor, parse_anchor
from clausetrace.errors import UnknownAnchorError
from ingest.anchors import (
    GUIDANCE_LINE,
    LICENCE_INLINE,
    SEC_LINE,
    SPEC_LINE,
    SUB_MARKER,
    licence_key,
    outline_key,
    roman_value,
)

PARSE_ROWS = [
    pytest.param("ESL 39.15(a)", ("ESL", "39.15(a)"), id="canonical"),
    pytest.param("esl 39.15 (a)", ("ESL", "39.15(a)"), id="lower-case-spaced"),
    pytest.param("  ESL39.4(a)(ii) ", ("ESL", "39.4(a)(ii)"), id="glued-nested"),
    pytest.param("ESL 39.4 ( a ) ( ii )", ("ESL", "39.4(a)(ii)"), id="spaces-inside-brackets"),
    pytest.param("esl 44a.3a", ("ESL", "44A.3A"), id="letter-variants-upper"),
    pytest.param("ESL 39.15(A)", ("ESL", "39.15(a)"), id="label-lowered"),
    pytest.param("ESL condition 39.1", ("ESL", "39.1"), id="word-condition"),
    pytest.param("GSL standard condition 33.15", ("GSL", "33.15"), id="gsl-standard-condition"),
    pytest.param("DCCL 17.21", ("DCCL", "17.21"), id="dcc-licence"),
    pytest.param("DCC 22.2", ("DCCL", "22.2"), id="dcc-alias"),
    pytest.param("SEC F4.3", ("SEC", "F4.3"), id="sec"),
    pytest.param("sec section f4.3(a)", ("SEC", "F4.3(a)"), id="sec-section-word"),
    pytest.param("SEC A1", ("SEC", "A1"), id="sec-top"),
    pytest.param("SMETS 4.2.1", ("SMETS", "4.2.1"), id="smets"),
    pytest.param("chts 4.2.2", ("CHTS", "4.2.2"), id="chts"),
    pytest.param("GBCS 2.2", ("GBCS", "2.2"), id="gbcs"),
    pytest.param("SMDA-266 2.5", ("SMDA-266", "2.5"), id="guidance"),
    pytest.param("smda 266 2.5", ("SMDA-266", "2.5"), id="guidance-spaced"),
    pytest.param("SMDA266 3", ("SMDA-266", "3"), id="guidance-glued-top"),
    pytest.param("39.1", (None, "39.1"), id="no-prefix"),
    pytest.param("F12.4", (None, "F12.4"), id="no-prefix-sec"),
    pytest.param("SEC-N 1.1", ("SEC-N", "1.1"), id="sec-appendix"),
    pytest.param("SEC Appendix N 1.1", ("SEC-N", "1.1"), id="sec-appendix-words"),
    pytest.param("Appendix N paragraph 2.1.2", ("SEC-N", "2.1.2"), id="appendix-paragraph"),
    pytest.param("SEC Appendix M 2.2", ("SEC-M", "2.2"), id="appendix-m"),
    pytest.param("sec-m 2.3.1.10", ("SEC-M", "2.3.1.10"), id="four-levels"),
    pytest.param("SEC-N 3.1.3 (b)", ("SEC-N", "3.1.3(b)"), id="appendix-item"),
    pytest.param("SEC-N A", ("SEC-N", "A"), id="inner-appendix"),
    pytest.param("SEC-M Appendix H", ("SEC-M", "H"), id="inner-appendix-word"),
    pytest.param("SEC-P 0", ("SEC-P", "0"), id="opening-section"),
]


@pytest.mark.parametrize(("typed", "expected"), PARSE_ROWS)
def test_parse_anchor(typed: str, expected: tuple[str | None, str]) -> None:
    assert parse_anchor(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("", id="empty"),
        pytest.param("hello world", id="words"),
        pytest.param("XYZ 1.2", id="unknown-prefix"),
        pytest.param("ESL (a)", id="label-only"),
        pytest.param("ESL 39.1(zz)", id="bad-label"),
    ],
)
def test_parse_anchor_refuses(typed: str) -> None:
    with pytest.raises(UnknownAnchorError):
        parse_anchor(typed)


@pytest.mark.parametrize(("typed", "expected"), PARSE_ROWS)
def test_format_round_trip(typed: str, expected: tuple[str | None, str]) -> None:
    anchor = format_anchor(*expected)
    assert parse_anchor(anchor) == expected
    assert anchor == (f"{expected[0]} {expected[1]}" if expected[0] else expected[1])


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param("Supplier. 39.2 The requirement", ["39.2"], id="inline-start"),
        pytest.param(
            "subject to paragraphs 39.3, 39.4, 39.5 and 39.6.",
            ["39.3", "39.4", "39.5", "39.6"],
            id="reference-list",
        ),
        pytest.param("Year. 44A.3A In the Beginning", ["44A.3A"], id="letter-variant"),
        pytest.param("paragraph 47.31B only", ["47.31B"], id="letter-suffix"),
        pytest.param("paragraph 39A.5(a);", ["39A.5"], id="glued-label"),
        pytest.param("on 15.02.2015 and v4.2 and 2025-08-01", [], id="dates-versions-not-numbers"),
        pytest.param("Section 4.2.1 for Gas", [], id="three-level-number-is-not-licence"),
    ],
)
def test_licence_inline_grammar(line: str, expected: list[str]) -> None:
    assert [m.group() for m in LICENCE_INLINE.finditer(line)] == expected


@pytest.mark.parametrize(
    ("pattern", "line", "expected"),
    [
        pytest.param(SEC_LINE, "F4.3 The Responsible Supplier shall", "F4.3", id="sec-clause"),
        pytest.param(SEC_LINE, "F12.4 The SMDA Sub-Committee shall", "F12.4", id="sec-two-digit"),
        pytest.param(SEC_LINE, "A1 Definitions", "A1", id="sec-section"),
        pytest.param(SEC_LINE, "SEC Section F4.3 requires", None, id="sec-quoted-not-line-start"),
        pytest.param(SPEC_LINE, "4.2.1 GSME shall have been tested", "4.2.1", id="spec-clause"),
        pytest.param(SPEC_LINE, "5.3.2 ESME shall meet", "5.3.2", id="spec-clause-5"),
        pytest.param(SPEC_LINE, "The SMETS sets out in Section 4.2.2 that", None, id="spec-quoted"),
        pytest.param(GUIDANCE_LINE, "2.5 Obligations in the Smart Energy Code", "2.5", id="guidance-sub"),
        pytest.param(GUIDANCE_LINE, "1. Introduction", "1", id="guidance-dotted-top"),
        pytest.param(GUIDANCE_LINE, "4 OBLIGATIONS – WHO DELIVERS THEM", "4", id="guidance-upper"),
        pytest.param(GUIDANCE_LINE, "Licence Condition 39.1", None, id="guidance-quoted-licence"),
        pytest.param(GUIDANCE_LINE, "2018 the NAO published", None, id="year-is-not-a-section"),
    ],
)
def test_line_grammars(pattern: re.Pattern[str], line: str, expected: str | None) -> None:
    match = pattern.search(line)
    assert (match["number"] if match else None) == expected


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        pytest.param("either: (a) the meter; or (b) any", ["a", "b"], id="letters"),
        pytest.param("where: (i) the licensee; and (ii) the", ["i", "ii"], id="romans"),
        pytest.param("in: i. The First Rollout Year; ii. the Second", ["i", "ii"], id="dotted-romans"),
        pytest.param("paragraph 39.7(a) or otherwise", [], id="glued-reference"),
        pytest.param("paragraph 39A.2(a)(i) shall", [], id="glued-nested-reference"),
        pytest.param("reference (Not used)", [], id="not-a-label"),
    ],
)
def test_sub_markers(text: str, labels: list[str]) -> None:
    assert [m["paren"] or m["dot"] for m in SUB_MARKER.finditer(text)] == labels


@pytest.mark.parametrize(
    ("label", "value"),
    [
        ("i", 1),
        ("ii", 2),
        ("iii", 3),
        ("iv", 4),
        ("v", 5),
        ("ix", 9),
        ("xiv", 14),
        ("a", None),
        ("iiii", None),
    ],
)
def test_roman_value(label: str, value: int | None) -> None:
    assert roman_value(label) == value


def test_number_orders() -> None:
    licence = ["39.2", "39.10", "44A.3", "44A.3A", "44A.4", "47.31", "47.31A", "47.31B", "47.32"]
    keyed = sorted(licence, key=lambda n: licence_key(*n.split(".")))
    assert keyed == licence
    outline = ["A1", "F4", "F4.3", "F4.10", "F12.4"]
    assert sorted(outline, key=outline_key) == outline
    assert sorted(["2.10", "2.9", "3", "2"], key=outline_key) == ["2", "2.9", "2.10", "3"]
