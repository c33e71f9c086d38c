"""When-questions quote the definition that gives the date a quoted rule only names."""

from __future__ import annotations

from clausetrace.answer import ask


def _definition_sentences(answer) -> list[str]:
    """Answer sentences that quote ESL 1.3 (the condition 1 glossary)."""
    return [s.text for s in answer.sentences if "ESL 1.3" in s.anchors]


def test_a_when_question_gets_the_date_a_defined_term_stands_for(gb_index):
    answer = ask("By what date did suppliers have to finish the smart meter roll-out?", gb_index)
    assert "ESL 39.1" in {c.anchor for c in answer.citations}  # 'on or before ARS Specified Date'
    quoted = _definition_sentences(answer)
    assert any(s.startswith("ARS Specified Date means 30 June 2021") for s in quoted)


def test_a_question_not_about_when_gets_no_date_definition(gb_index):
    answer = ask("Who must take all reasonable steps to install smart meters at domestic premises?", gb_index)
    assert not any("ARS Specified Date means" in s for s in _definition_sentences(answer))
