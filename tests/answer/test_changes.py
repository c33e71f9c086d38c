"""Which questions ask how a rule changed over time (answered from the diff of its versions)."""

from __future__ import annotations

import pytest

from clausetrace.answer.changes import is_history_question
from clausetrace.query import parse_query


@pytest.mark.parametrize(
    ("question", "history"),
    [
        ("Has the duty to be a party to the SEC in 48.1 changed since 2019?", True),
        ("When did the 2020 roll-out deadline go?", True),
        ("How did the advanced meter contract exception change after 2019?", True),
        ("My client's smart meter went in back in 2011. Did she get a display?", False),  # installed
        ("Our 2016 contract's advanced meter still hasn't gone in. Can we fit it?", False),
        ("Which meters count towards our post-2020 numbers, and does it differ by year?", False),
        ("She changed supplier in 2021. Who fixes her display?", False),
        ("In 2022 my client changed her mind about the display. Can she still ask?", False),
    ],
)
def test_a_history_question_asks_how_a_rule_changed(gb_index, question, history):
    assert is_history_question(parse_query(question, gb_index)) is history
