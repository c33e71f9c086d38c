"""Hybrid retrieval: anchor recognition, fusion on node id, filters, and a brute-force oracle."""

from __future__ import annotations

import numpy as np
import pytest

from clausetrace.retrieve import HybridRetriever, expand_query, mentioned_anchors

MENTIONS = [
    pytest.param("What does SLC 48.1 say?", ["ESL 48.1"], id="slc"),
    pytest.param("explain standard condition 39", ["ESL 39"], id="standard-condition"),
    pytest.param("Licence Condition 39.1 please", ["ESL 39.1"], id="licence-condition"),
    pytest.param("what is in SEC Section F4.3?", ["SEC F4.3"], id="sec-section"),
    pytest.param("Section F12.4 objectives", ["SEC F12.4"], id="bare-section"),
    pytest.param("ESL 39.15 (a) text", ["ESL 39.15(a)"], id="subclause-spaced"),
    pytest.param("esl 44a.3a", ["ESL 44A.3A"], id="lettered"),
    pytest.param("SMDA-266 2.5", ["SMDA-266 2.5"], id="guidance"),
    pytest.param("DCC Licence Condition 22.2", ["DCCL 22.2"], id="dcc-licence"),
    pytest.param("gas supply licence condition 33.1", ["GSL 33.1"], id="gas-licence"),
    pytest.param("Who must install smart meters?", [], id="no-anchor"),
]


@pytest.mark.parametrize(("question", "expected"), MENTIONS)
def test_mentioned_anchors(question, expected):
    assert mentioned_anchors(question) == expected


def test_acronyms_expand_the_query():
    assert "In-Home Display" in expand_query("Do I get an IHD?")
    assert expand_query("plain words") == "plain words"


@pytest.fixture(scope="module")
def retriever(gb_index):
    return HybridRetriever(gb_index)


def test_named_clause_comes_first(retriever):
    hits = retriever.search("What does SLC 48.1 say?", 5)
    assert hits[0].clause.anchor == "ESL 48.1" and hits[0].via == "anchor"
    assert hits[0].clause.version == "2025-08-01"


def test_named_condition_returns_its_clauses(retriever):
    hits = retriever.search("What is standard condition 40 about?", 5)
    assert hits[0].clause.anchor.startswith("ESL 40.")


def test_default_is_latest_version_and_pinning_works(retriever):
    latest = retriever.search("roll-out duty Relevant Smart Metering System installed", 10)
    assert {h.clause.version for h in latest if h.clause.anchor.startswith("ESL 39.")} == {"2025-08-01"}
    pinned = retriever.search(
        "roll-out duty Relevant Smart Metering System installed", 10, version="2022-04-14"
    )
    assert pinned and {h.clause.version for h in pinned} == {"2022-04-14"}


def test_prefix_filter(retriever):
    hits = retriever.search("interoperability of devices", 5, prefix="SMDA-266")
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
    """Oracle: FAISS top-10 equals a brute-force cosine ranking over the same node texts."""
    retriever = HybridRetriever(gb_index, mode="dense", candidates=10)
    question = "Who pays for the in-home display?"
    got = [n.node.node_id for n in retriever.retrieve(question)]
    docstore = gb_index.vector_index.docstore
    ids = list(gb_index.vector_index.index_struct.nodes_dict.values())
    texts = [docstore.get_node(i).get_content(metadata_mode="embed") for i in ids]
    matrix = gb_index.embed_model.encode(texts)
    query = gb_index.embed_model.encode([question])[0]
    order = np.argsort(-(matrix @ query))[:10]
    assert got == [ids[i] for i in order]
