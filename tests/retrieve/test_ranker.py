"""Learned ranking and fusion: features on the real GB index, the shipped ranker, score fusion, references."""

from __future__ import annotations

import numpy as np
import pytest
from llama_index.core.schema import NodeWithScore, TextNode

from clausetrace.errors import ClausetraceError
from clausetrace.query import parse_query
from clausetrace.retrieve import HybridRetriever
from clausetrace.retrieve.hybrid import rank_fusion, score_fusion
from clausetrace.retrieve.ranker import FEATURES, GB_FEATURES, LearnedRanker, features, load_ranker

QUESTIONS = [
    "Who must install smart meters at domestic premises?",
    "What must a supplier do before installing a smart meter?",
    "When does the roll-out duty not apply?",
    "What information must be given to customers about smart meters?",
]


@pytest.fixture(scope="module")
def retriever(gb_index) -> HybridRetriever:
    return HybridRetriever(gb_index, candidates=50, fusion="score", alpha=0.35, follow_references=3)


def nodes(*scored: tuple[str, float]) -> list[NodeWithScore]:
    return [NodeWithScore(node=TextNode(id_=i, text=i), score=s) for i, s in scored]


def test_score_fusion_is_min_max_weighted() -> None:
    fused = score_fusion(((0.4, nodes(("a", 0.9), ("b", 0.5))), (0.6, nodes(("b", 12.0), ("c", 2.0)))))
    assert fused == pytest.approx({"a": 0.4, "b": 0.6, "c": 0.0})


def test_rank_fusion_sums_weight_over_k_plus_rank() -> None:
    fused = rank_fusion(
        (
            (1.0, nodes(("a", 1), ("b", 1))),
            (
                2.0,
                nodes(
                    ("b", 1),
                ),
            ),
        ),
        rrf_k=5,
    )
    assert fused == pytest.approx({"a": 1 / 6, "b": 1 / 7 + 2 / 6})


def test_features_on_real_hits(retriever) -> None:
    query = parse_query(QUESTIONS[0], retriever.index)
    hits = retriever.candidate_hits(query, 10)[:30]
    x = features(query, hits, retriever.index)
    assert x.shape == (len(hits), len(FEATURES)) and np.isfinite(x).all()
    column = dict(zip(FEATURES, x.T, strict=True))
    assert list(column["fused_rank"]) == list(range(1, len(hits) + 1))
    assert column["fused_share"][0] == 1.0 and (column["dense_gap"] <= 0).all()
    for share in ("term_share", "distinctive_share", "title_share", "bm25_share"):
        assert ((column[share] >= 0) & (column[share] <= 1)).all(), share


def test_references_of_the_top_clauses_are_followed(gb_index) -> None:
    """ESL 39.2 ('subject to paragraphs 39.3, 39.4, 39.5 and 39.6') brings those clauses in."""
    assert "ESL 39.3@2025-08-01" in gb_index.linked("ESL 39.2@2025-08-01")
    query = parse_query("What is the roll-out requirement in paragraph 39.1 subject to?", gb_index)
    plain = HybridRetriever(gb_index, candidates=5).candidate_hits(query, 1)
    followed = HybridRetriever(gb_index, candidates=5, follow_references=5).candidate_hits(query, 1)
    added = [h for h in followed if h.via == "reference"]
    assert added and {h.clause.key for h in added}.isdisjoint(h.clause.key for h in plain)


def test_shipped_ranker_reorders_only_its_depth(retriever) -> None:
    """(Its cost per question is measured by benchmarks/train_ranker.py and obliqa.py, not here.)"""
    ranker = load_ranker("obliqa-lambdarank")
    for question in QUESTIONS:
        query = parse_query(question, retriever.index)
        hits = retriever.candidate_hits(query, 10)
        ranked = ranker.rerank(query, hits, retriever.index)
        assert sorted(h.clause.key for h in ranked) == sorted(h.clause.key for h in hits)
        assert ranked[ranker.depth :] == hits[ranker.depth :]
    with pytest.raises(ClausetraceError, match="unknown ranker"):
        load_ranker("nope")


def test_a_ranker_trained_on_real_features_round_trips(retriever, tmp_path) -> None:
    import lightgbm

    xs, ys, groups = [], [], []
    for question in QUESTIONS:
        query = parse_query(question, retriever.index)
        hits = retriever.candidate_hits(query, 10)[:20]
        xs.append(features(query, hits, retriever.index))
        ys.append([float(h.clause.anchor.startswith("ESL 39.")) for h in hits])
        groups.append(len(hits))
    data = lightgbm.Dataset(np.vstack(xs), label=np.concatenate(ys), group=groups)
    params = {"objective": "lambdarank", "min_data_in_leaf": 2, "verbose": -1, "num_threads": 1}
    booster = lightgbm.train(params, data, num_boost_round=20)
    booster.save_model(str(tmp_path / "r.txt"))
    again = lightgbm.Booster(model_file=str(tmp_path / "r.txt"))
    query = parse_query(QUESTIONS[0], retriever.index)
    hits = retriever.candidate_hits(query, 10)
    assert LearnedRanker(booster, 20).rerank(query, hits, retriever.index) == LearnedRanker(again, 20).rerank(
        query, hits, retriever.index
    )


def test_gb_features_read_the_thesaurus_titles_and_register(retriever) -> None:
    """The GB extras: a condition title the question uses, the party asked about owing a duty there."""
    index = retriever.index
    query = parse_query("Which duties does the DCC have under the Smart Energy Code condition?", index)
    assert query.party == "DCC" and query.titled
    hits = retriever.candidate_hits(query, 10)[:30]
    x = features(query, hits, index, GB_FEATURES)
    assert x.shape == (len(hits), len(GB_FEATURES)) and np.isfinite(x).all()
    assert (x[:, : len(FEATURES)] == features(query, hits, index)).all()
    column = dict(zip(GB_FEATURES, x.T, strict=True))
    for hit, titled, owes, duties in zip(
        hits, column["titled"], column["party_owes"], column["duties"], strict=True
    ):
        assert titled == float(hit.clause.anchor.startswith(tuple(t + "." for t in query.titled)))
        assert owes == float(any("dcc" in p.lower() for p in index.parties_of(hit.clause.key)))
        assert duties == len(index.obligations_of(hit.clause.key))
    assert column["titled"].any() and column["party_owes"].any()
    assert ((column["weighted_share"] >= 0) & (column["weighted_share"] <= 1)).all()


def test_shipped_gb_ranker_loads_offline_with_its_features(retriever) -> None:
    ranker = load_ranker("gb-lambdarank")
    assert ranker.names in (FEATURES, GB_FEATURES) and ranker.booster.num_feature() == len(ranker.names)
    query = parse_query("Do we have to put a smart meter in when we swap an old meter?", retriever.index)
    hits = retriever.candidate_hits(query, 10)
    ranked = ranker.rerank(query, hits, retriever.index)
    assert sorted(h.clause.key for h in ranked) == sorted(h.clause.key for h in hits)
