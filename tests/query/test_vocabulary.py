"""The thesaurus: curated synonyms, acronyms the corpus spells out, and condition titles."""

from __future__ import annotations

import pytest

from clausetrace.query import parse_query
from clausetrace.query.vocabulary import build_thesaurus, curated_synonyms

SYNONYMS = [
    pytest.param("What happens when a customer switches supplier?", "Change of Supplier", id="switch"),
    pytest.param("Who looks after the comms hub?", "Communications Hub", id="comms-hub"),
    pytest.param("Can the government ask for roll-out data?", "Secretary of State", id="government"),
    pytest.param("What can the regulator demand?", "Authority", id="regulator"),
    pytest.param("Can my supplier take half-hourly readings?", "periods of less than one day", id="hh"),
    pytest.param("Who owns the meter? the meter owner?", "Meter Asset Provider", id="meter-owner"),
    pytest.param("There's no mobile coverage at my house: do I still get one?", "SM WAN", id="coverage"),
    pytest.param("Can we be let off the display duty?", "derogation", id="let-off"),
    pytest.param("Her display stopped working. Who fixes it?", "fault", id="broken"),
    pytest.param("After the switch, who keeps the meter working?", "Change of Supplier", id="after-switch"),
    pytest.param("They switched to us last week", "Supplier Transfer", id="switched-to-us"),
    pytest.param("Do new-build homes get one?", "new connections", id="new-build"),
]


def test_a_load_control_switch_is_not_a_change_of_supplier(gb_index):
    assert "Change of Supplier" not in parse_query("What is a load control switch?", gb_index).expansions


@pytest.mark.parametrize(("question", "wording"), SYNONYMS)
def test_curated_synonyms_expand_plain_words(gb_index, question, wording):
    assert wording in parse_query(question, gb_index).expansions


def test_synonym_file_is_reviewed_data():
    table = curated_synonyms()
    assert len(table) >= 20 and all(wording for _, wording in table)


def test_corpus_spelt_out_acronyms_and_titles(gb_index):
    thesaurus = build_thesaurus(gb_index)
    assert thesaurus.acronyms["IHD"] == "In-Home Display"
    titled = [t.anchor for t in thesaurus.titles_named("continuation of arrangements on change of supplier")]
    assert "ESL 50" in titled


def test_expansions_reach_the_answer_terms(gb_index):
    query = parse_query("What happens to my comms hub when I switch supplier?", gb_index)
    assert {"communic", "hub"} <= query.expanded_terms and query.terms <= query.expanded_terms
