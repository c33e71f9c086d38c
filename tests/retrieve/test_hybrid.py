"""Hybrid retrieval: named clauses first, fusion on node id, filters, and a brute-force oracle."""

from __future__ import annotations

import numpy as np
import pytest

from clausetrace.query import parse_query
from clausetrace.retrieve import HybridRetriever


@pytest.fixture(scope="module")
def retriever(gb_index):
    return HybridRetriever(gb_index)


def test_named_clause_comes_first(retriever):
    hits = retriever.search(parse_query("What does SLC 48.1 say?", retriever.index), 5)
    assert hits[0].clause.anchor == "ESL 48.1" and hits[0].via == "anchor"
    assert hits[0].clause.version == "2025-08-01"


def test_named_condition_returns_its_clauses(retriever):
    hits = retriever.search(parse_query("What is standard condition 40 about?", retriever.index), 5)
    assert hits[0].clause.anchor.startswith("ESL 40.")


def test_default_is_latest_version_and_pinning_works(retriever):
    latest = retriever.search(
        parse_query("roll-out duty Relevant Smart Metering System installed", retriever.index), 10
    )
    assert {h.clause.version for h in latest if h.clause.anchor.startswith("ESL 39.")} == {"2025-08-01"}
    pinned = retriever.search(
        parse_query("roll-out duty Relevant Smart Metering System installed", retriever.index),
        10,
        version="2022-04-14",
    )
    assert pinned and {h.clause.version for h in pinned} == {"2022-04-14"}


def test_a_narrowed_search_leaves_the_next_question_as_a_fresh_retriever_answers_it(gb_index):
    """A version pin widens the pool to every node for that search only (it once stuck)."""
    used, fresh = HybridRetriever(gb_index, candidates=30), HybridRetriever(gb_index, candidates=30)
    question = parse_query("Who has to keep evidence of interoperability testing?", gb_index)
    used.search(question, 5, version="2022-04-14")
    assert used.candidates == 30
    assert [h.clause.key for h in used.candidate_hits(question)] == [
        h.clause.key for h in fresh.candidate_hits(question)
    ]


def test_prefix_filter(retriever):
    hits = retriever.search(parse_query("interoperability of devices", retriever.index), 5, prefix="SMDA-266")
    assert hits and all(h.clause.prefix == "SMDA-266" for h in hits)


def test_fusion_is_keyed_on_node_id_not_text(gb_index):
    """ESL 39.1 has the same text in 2022 and 2025: both versions must survive fusion."""
    retriever = HybridRetriever(gb_index)
    nodes = retriever.retrieve(
        "take all reasonable steps to ensure that a Relevant Smart Metering System is installed"
    )
    ids = [n.node.node_id for n in nodes]
    assert "ESL 39.1@2025-08-01" in ids and "ESL 39.1@2022-04-14" in ids


def test_dense_mode_matches_brute_force_cosine(gb_index):
    """Oracle: FAISS top-10 equals a brute-force cosine ranking over the same node texts (the
    question through the model's adapter, as the product embeds it)."""
    retriever = HybridRetriever(gb_index, mode="dense", candidates=10)
    question = "Who pays for the in-home display?"
    got = [n.node.node_id for n in retriever.retrieve(question)]
    docstore = gb_index.vector_index.docstore
    ids = list(gb_index.vector_index.index_struct.nodes_dict.values())
    texts = [docstore.get_node(i).get_content(metadata_mode="embed") for i in ids]
    matrix = gb_index.embed_model.encode(texts)
    query = gb_index.embed_model.encode_questions([question])[0]
    order = np.argsort(-(matrix @ query))[:10]
    assert got == [ids[i] for i in order]


def test_a_quoted_defined_term_puts_its_definition_first(retriever, gb_index):
    query = parse_query("Our licence keeps saying 'Electricity Meter'. Is that any meter at all?", gb_index)
    top = retriever.search(query, k=5)[0]
    assert (top.via, top.clause.anchor) == ("term", "ESL 1.3")  # a term it quotes, not a meaning asked
    assert top.span == (query.definitions[0].start, query.definitions[0].end)


def test_a_quoted_term_defined_in_a_retrieved_clause_keeps_that_clause_s_evidence(retriever, gb_index):
    question = "Condition 44's milestones count 'relevant electricity meters'. Which meters are those?"
    top = retriever.search(parse_query(question, gb_index), k=5)[0]
    assert (top.via, top.clause.anchor) == ("term", "ESL 44.17")
    assert top.dense > 0.2 and top.score < 1.0  # the fused hit's figures, not a named clause's


def test_of_several_terms_one_glossary_defines_the_one_the_question_is_about_is_quoted(retriever, gb_index):
    question = "We publish on our website within 2 working days. Do bank holidays count as working days?"
    query = parse_query(question, gb_index)
    assert [d.term for d in query.definitions] == ["Website", "Working Day"]  # both in ESL 1.3
    top = retriever.search(query, k=5)[0]
    passage = gb_index.documents[top.clause.doc_id].text[slice(*top.span)]
    assert top.via == "definition" and passage.startswith("Working Day means")
