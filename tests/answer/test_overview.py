"""Overview questions are answered with the outline of the unit they are about, on the real index."""

from __future__ import annotations

from clausetrace.answer import ask
from clausetrace.answer.overview import OVERVIEW_ITEMS, unit_members, unit_of
from clausetrace.query import parse_query


def _clause(index, anchor: str):
    return index.get_clause(anchor, None)


def test_units_are_a_condition_part_or_a_parent_section(gb_index) -> None:
    paragraph = _clause(gb_index, "ESL 44.4")
    assert unit_of(paragraph) == (paragraph.doc_id, *paragraph.title_path)  # condition 44, no own heading
    assert unit_of(_clause(gb_index, "SEC-N 3.1.1")) == (_clause(gb_index, "SEC-N 3.1.1").doc_id, "3.1")
    assert unit_of(_clause(gb_index, "SEC-M 2")) is None  # a top-level section has no siblings to outline


def test_members_of_a_section_with_sections_are_the_section_and_its_sections(gb_index) -> None:
    anchors = [c.anchor for c in unit_members(_clause(gb_index, "SEC-M 2.5"), gb_index)]
    assert anchors[0] == "SEC-M 2.5" and {"SEC-M 2.5.1.1", "SEC-M 2.5.1.5"} <= set(anchors)
    members = [c.anchor for c in unit_members(_clause(gb_index, "ESL 44.4"), gb_index)]
    assert members[:3] == ["ESL 44.1", "ESL 44.2", "ESL 44.3"] and "ESL 44.17" not in members  # 44.17 defines


def test_an_overview_of_a_condition_quotes_its_paragraphs_in_document_order(gb_index) -> None:
    answer = ask("Give me a quick rundown of the roll-out plan and annual milestones condition", gb_index)
    assert not answer.refused
    paragraphs = [c.anchor for c in answer.citations if "(" not in c.anchor]
    condition = [a for a in paragraphs if a.startswith("ESL 44.")]
    assert len(condition) >= 4
    numbers = [int(a.split(".")[1]) for a in condition]
    assert numbers == sorted(numbers)
    assert "asks for an overview" in answer.understood


def test_a_walk_through_of_a_process_cites_each_step_of_its_section(gb_index) -> None:
    question = "Walk me through the batched device CSR web service interface step by step"
    answer = ask(question, gb_index)
    cited = {c.anchor for c in answer.citations}
    assert {"SEC-M 2.5.1.1", "SEC-M 2.5.1.2", "SEC-M 2.5.1.3", "SEC-M 2.5.1.4", "SEC-M 2.5.1.5"} <= cited


def test_a_question_that_asks_no_overview_is_answered_as_before(gb_index) -> None:
    question = "How long does a customer have to ask for an in-home display after the smart meter goes in?"
    assert not parse_query(question, gb_index).asks_overview
    cited = [c.anchor for c in ask(question, gb_index).citations]
    assert len([a for a in cited if "(" not in a]) <= 5


def test_an_overview_outlines_up_to_twelve_paragraphs_of_its_unit(gb_index) -> None:
    answer = ask("Give me a quick rundown of the roll-out plan and annual milestones condition", gb_index)
    cited = [c.anchor for c in answer.citations]
    paragraphs = {a for a in cited if a.startswith("ESL 44.") and "(" not in a}
    assert 8 < len(paragraphs) <= OVERVIEW_ITEMS
    assert {"ESL 44.3", "ESL 44.4", "ESL 44.8", "ESL 44.16"} <= paragraphs
