"""Clause numbers as references write them: lists, ranges, conditions, top-level clauses."""

from __future__ import annotations

import pytest

from clausetrace.trace.numbers import condition_of, expand_list, expand_range, licence_prefix, top_level


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("39.10 to 39.13", ["39.10", "39.11", "39.12", "39.13"]),
        ("39.3, 39.4, 39.5 and 39.6", ["39.3", "39.4", "39.5", "39.6"]),
        ("39A.5 (c) & (d)", ["39A.5(c)", "39A.5(d)"]),
        ("49. 19", ["49.19"]),
        ("39.7(a)", ["39.7(a)"]),
    ],
)
def test_expand_list(written: str, expected: list[str]) -> None:
    assert expand_list(written) == expected


def test_expand_range_keeps_ends_it_cannot_count() -> None:
    assert expand_range("F4.3", "F4.4") == ["F4.3", "F4.4"]
    assert expand_range("39.3", "40.2") == ["39.3", "40.2"]


def test_licence_prefix_knows_the_licences_and_keeps_unknown_names() -> None:
    assert licence_prefix("Gas  Supply Licence") == "GSL"
    assert licence_prefix("Heat Network Licence") == "Heat Network Licence"


def test_condition_and_top_level_of_a_clause_number() -> None:
    assert condition_of("39.15(a)") == "39" and condition_of("44A.3A") == "44A"
    assert top_level("39.15(c)(i)") == "39.15" and top_level("F4.3") == "F4.3"
