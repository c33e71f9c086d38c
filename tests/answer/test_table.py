"""SMDA-266 section 4 rows in answers: impact questions quote every row of the instrument asked
about, whole, and name the parties the rows say are impacted."""

from __future__ import annotations

from clausetrace.answer import ask
from clausetrace.answer.table import impacted_parties, row_spans
from clausetrace.retrieve import Hit


def test_impacted_parties_are_the_labels_of_the_impact_cells():
    row = "GBCS | Device manufacturers. | Consumers: may not receive benefits, | Ofgem: enforcement effort."
    assert impacted_parties(row) == ["Consumers", "Authority"]
    assert impacted_parties("Energy Suppliers, in terms of retaining evidence of testing.") == []


def test_the_table_has_one_row_per_instrument_level(gb_index):
    (table,) = gb_index.by_anchor["SMDA-266 4"]
    rows = row_spans(Hit(clause=table, score=1.0, via="hybrid"), gb_index)
    text = gb_index.documents[table.doc_id].text
    assert [prefixes for _, prefixes in rows] == [("ESL", "GSL", "DCCL"), ("SEC",), ("SMETS",), ("GBCS",)]
    assert all("<p>" not in text[s:e] and "\n" not in text[s:e] for (s, e), _ in rows)


def test_who_is_affected_question_quotes_the_instruments_row_and_names_the_impacted(gb_index):
    answer = ask("Who is affected if the meters we install don't meet SMETS?", gb_index)
    rows = [s.text for s in answer.sentences if s.anchors == ["SMDA-266 4"]]
    assert any(r.startswith("SMETS") and "MAPs: Where devices may lose value." in r for r in rows)
    assert not any(r.startswith("GBCS") for r in rows)  # only the row of the instrument asked about
    assert answer.parties[:2] == ["Consumers", "Supplier"] and answer.impacted[0] == "Consumers"
    assert not answer.deciders


def test_non_compliance_question_naming_no_instrument_gets_every_row(gb_index):
    answer = ask(
        "What would it mean for everyone involved if devices turn out to be non-compliant?", gb_index
    )
    rows = [s.text for s in answer.sentences if s.anchors == ["SMDA-266 4"]]
    assert {r.split(" ", 1)[0] for r in rows} >= {"SMETS", "GBCS"}
