"""'Which conditions deal with X?' lists the conditions and documents that state the topic (real index)."""

from __future__ import annotations

from clausetrace.answer import ask
from clausetrace.answer.units import units_listing
from clausetrace.query import parse_query
from clausetrace.text import content_terms


def test_which_conditions_lists_each_condition_that_states_the_topic_titles_first(gb_index) -> None:
    query = parse_query("Which conditions deal with in-home displays?", gb_index)
    assert query.asks_units and "asks which documents" in query.describe()
    units = units_listing(query, gb_index)
    labels = [u.label for u in units]
    assert labels[:2] == ["ESL 40", "ESL 49"]  # their titles name in-home displays
    for unit in units:
        assert all(gb_index.is_latest(c) for c in unit.paragraphs)
        assert content_terms("in-home display") <= gb_index.terms_of(unit.paragraphs[0].key)
    assert "ESL 1" not in labels  # the glossary mentions every topic and is left out


def test_the_listing_is_the_first_sentence_and_each_unit_is_cited(gb_index) -> None:
    question = "Which conditions deal with in-home displays?"
    answer = ask(question, gb_index)
    first = answer.sentences[0]
    assert first.kind == "summary" and first.text.startswith(f"{len(first.citations)} documents deal with it")
    cited = {c.n: c.anchor for c in answer.citations}
    firsts = {u.paragraphs[0].anchor for u in units_listing(parse_query(question, gb_index), gb_index)}
    assert {cited[n] for n in first.citations} == firsts and "ESL 40.1" in firsts


def test_a_question_that_asks_no_list_of_documents_gets_none(gb_index) -> None:
    assert units_listing(parse_query("Who must provide an in-home display?", gb_index), gb_index) == []
