"""A list question naming a party is answered with every duty the register holds for it, on the real index."""

from __future__ import annotations

from clausetrace.answer import ask
from clausetrace.answer.register_list import register_duties
from clausetrace.query import parse_query
from clausetrace.text import content_terms


def _latest_duties_of(index, party: str) -> list:
    return [
        o
        for o in index.obligations
        if o.party == party and index.is_latest(index.clauses[f"{o.anchor}@{o.version}"])
    ]


def test_listing_a_partys_obligations_gives_every_one_cited_with_a_count(gb_index) -> None:
    answer = ask("List the DCC's obligations", gb_index)
    expected = _latest_duties_of(gb_index, "DCC")
    assert len(expected) > 20  # SEC Appendices M, N and P and the SMDA-266 quotations
    assert {d.party for d in answer.duties} == {"DCC"}
    assert len(answer.duties) >= len({(o.anchor, o.action) for o in expected}) - 5  # same action, same item
    assert any(f"holds {len(expected)} duties of the DCC" in note for note in answer.notes)
    cited = {c.n: c for c in answer.citations}
    for duty in answer.duties:
        assert duty.anchor.split("(")[0].startswith(cited[duty.citation].anchor)
    assert {d.anchor.split(" ")[0] for d in answer.duties} >= {"SEC-M", "SEC-N", "SEC-P", "SMDA-266"}
    assert any(d.secondary and d.quoted_from for d in answer.duties)  # DCC Licence 22.2 via SMDA-266 2.4


def test_a_topic_narrows_the_list_to_duties_that_state_it(gb_index) -> None:
    query = parse_query("What are the DCC's obligations on certificate revocation?", gb_index)
    duties = register_duties(query, gb_index)
    assert 0 < len(duties) < len(_latest_duties_of(gb_index, "DCC"))
    topic = content_terms("certificate revocation")
    assert all(topic & content_terms(d.action) for d in duties)


def test_a_list_question_naming_no_party_is_not_a_register_list(gb_index) -> None:
    query = parse_query("Which conditions deal with in-home displays?", gb_index)
    assert register_duties(query, gb_index) == []


def test_the_count_names_each_condition_not_just_the_licence(gb_index) -> None:
    answer = ask("List the obligations of the Secretary of State", gb_index)
    note = next(n for n in answer.notes if n.startswith("The register holds"))
    expected = _latest_duties_of(gb_index, "Secretary of State")
    assert f"holds {len(expected)} dut" in note
    for o in expected:
        condition = gb_index.documents[o.doc_id].source.condition
        assert f"{o.prefix} {condition}: " in note
