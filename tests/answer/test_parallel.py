"""List questions cite every clause of a condition that opens like a quoted one."""

from __future__ import annotations

from clausetrace.answer import ask
from clausetrace.answer.parallel import opening


def test_parallel_clauses_share_their_opening(gb_index):
    code = [gb_index.get_clause(f"ESL {n}") for n in ("41.6", "41.7", "41.10", "41.11")]
    assert len({opening(c) for c in code}) == 1
    assert opening(gb_index.get_clause("ESL 41.4")) != opening(code[0])


def test_a_list_question_gets_every_parallel_requirement(gb_index):
    answer = ask("What must go into the domestic installation code of practice? List it all.", gb_index)
    cited = {c.anchor for c in answer.citations}
    assert {"ESL 41.6", "ESL 41.7", "ESL 41.10", "ESL 41.11"} <= cited
    assert all(c.text == gb_index.get_clause(c.anchor, c.version).text for c in answer.citations)


def test_a_single_fact_question_gets_no_parallel_clauses(gb_index):
    answer = ask("Does the domestic installation code have to set minimum standards of service?", gb_index)
    assert not answer.understood.startswith("list-question")
    assert not any(c.via == "parallel" for c in answer.citations)
