"""Terminal and Markdown renderings: a long clause is shown by the sentences the answer quotes."""

from __future__ import annotations

from clausetrace.answer import ask
from clausetrace.answer.render import EXCERPT_CHARS, answer_markdown, answer_text, excerpt


def test_a_glossary_citation_shows_the_quoted_definition_and_points_to_the_whole(gb_index):
    answer = ask("What does Domestic Premises mean?", gb_index)
    glossary = next(c for c in answer.citations if c.anchor == "ESL 1.3")
    assert len(glossary.text) > EXCERPT_CHARS  # the JSON keeps the whole clause
    shown = excerpt(glossary, answer)
    assert "Domestic Premises has the meaning" in shown and "clausetrace show 'ESL 1.3'" in shown
    assert len(shown) < EXCERPT_CHARS
    assert len(answer_text(answer)) < 20_000 and shown in answer_markdown(answer)


def test_a_clause_of_ordinary_length_is_shown_whole(gb_index):
    answer = ask("What does SLC 48.1 say?", gb_index)
    first = answer.citations[0]
    assert excerpt(first, answer) == first.text
