"""ObliQA benchmark: trec_eval metrics, passage -> document conversion, gold matching, tiny end-to-end.

Reads the benchmark data from ../shared/bench/obliqa at run time (nothing is copied into the repo).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from benchmarks.obliqa import (
    OracleBM25,
    RetrieverSettings,
    average_precision_at_k,
    dedupe,
    evaluate,
    mean_scores,
    recall_at_k,
    trec_order,
    word_tokens,
)
from benchmarks.obliqa_data import (
    DEFAULT_DATA,
    Passage,
    Question,
    gold_kind,
    load_document_map,
    load_passages,
    load_questions,
    make_source,
    pair_key,
    to_corpus,
    to_document,
    unique_numbers,
)

needs_data = pytest.mark.skipif(
    not DEFAULT_DATA.is_dir(), reason=f"ObliQA data not found at {DEFAULT_DATA} (shared/bench/obliqa)"
)


# ---------------------------------------------------------------- metrics


@pytest.mark.parametrize(
    ("ranked", "gold", "recall", "ap"),
    [
        pytest.param(["a", "x", "b"], {"a", "b"}, 1.0, (1 / 1 + 2 / 3) / 2, id="two-of-two"),
        pytest.param(["x", "a"], {"a", "b", "c"}, 1 / 3, (1 / 2) / 3, id="ap-divides-by-all-relevant"),
        pytest.param([f"n{i}" for i in range(10)] + ["a"], {"a"}, 0.0, 0.0, id="rank-11-missed"),
        pytest.param(["a", "a", "b"], {"a", "b"}, 1.0, (1 + 2 / 2) / 2, id="repeat-counts-once"),
        pytest.param([], {"a"}, 0.0, 0.0, id="empty-run"),
    ],
)
def test_metrics_on_hand_cases(ranked: list[str], gold: set[str], recall: float, ap: float) -> None:
    assert recall_at_k(ranked, frozenset(gold)) == pytest.approx(recall)
    assert average_precision_at_k(ranked, frozenset(gold)) == pytest.approx(ap)


def brute_force_ap(ranked: list[str], gold: set[str], k: int) -> float:
    """AP@k straight from the definition: precision at every relevant rank, over |relevant|."""
    top = ranked[:k]
    precisions = [sum(d in gold for d in top[: i + 1]) / (i + 1) for i, d in enumerate(top) if d in gold]
    return sum(precisions) / len(gold)


def test_metrics_match_brute_force_on_random_runs() -> None:
    rng = random.Random(7)
    docs = [f"d{i}" for i in range(30)]
    for _ in range(300):
        ranked = rng.sample(docs, rng.randint(0, 20))
        gold = set(rng.sample(docs, rng.randint(1, 6)))
        expected = brute_force_ap(ranked, gold, 10)
        assert average_precision_at_k(ranked, frozenset(gold)) == pytest.approx(expected)
        assert recall_at_k(ranked, frozenset(gold)) == pytest.approx(len(gold & set(ranked[:10])) / len(gold))


def test_mean_scores_average_over_questions() -> None:
    questions = [Question("q1", "", frozenset({"a"})), Question("q2", "", frozenset({"b", "c"}))]
    run = {"q1": ["a"], "q2": ["x", "c"]}
    assert mean_scores(run, questions) == pytest.approx(((1 + 0.5) / 2, (1 + 0.25) / 2))


def test_trec_order_breaks_ties_by_docid_and_keeps_last_score_of_a_repeat() -> None:
    assert trec_order([("a", 2.0), ("c", 1.0), ("b", 1.0)]) == ["a", "c", "b"]
    assert trec_order([("a", 3.0), ("b", 2.0), ("a", 1.0)]) == ["b", "a"]
    assert dedupe(["a", "b", "a"]) == ["a", "b"]


def test_oracle_scores_equal_rank_bm25() -> None:
    from rank_bm25 import BM25Okapi

    texts = [
        "The Authorised Person must notify the Regulator.",
        "A Fund Manager may delegate.",
        "Notify the Regulator in writing of any breach.",
        "",
        "Regulator Regulator rules",
    ]
    oracle = OracleBM25(texts)
    reference = BM25Okapi([word_tokens(t) for t in texts])
    for query in ["notify the regulator", "fund manager delegate delegate", "unknown words"]:
        assert list(oracle.scores(query)) == pytest.approx(list(reference.get_scores(word_tokens(query))))


# ---------------------------------------------------------------- conversion and gold matching


def test_unique_numbers_suffix_repeats() -> None:
    passages = [Passage(f"u{i}", 11, pid, "x") for i, pid in enumerate(["1.", "2.", "1.", "1."])]
    assert unique_numbers(passages) == ["1.", "2.", "1.#2", "1.#3"]


def test_document_keeps_exact_spans_including_whitespace_and_empty_passages() -> None:
    passages = [
        Passage("u1", 3, "1.1", " Lead space\n"),
        Passage("u2", 3, "1.1.(1)", ""),
        Passage("u3", 3, "1.1", "Repeat (a) text."),
    ]
    doc, passage_of = to_document(make_source(3, ["COBS", "COBS", "Conduct of Business Rulebook"]), passages)
    assert [c.number for c in doc.clauses] == ["1.1", "1.1.(1)", "1.1#2"]
    for clause, passage in zip(doc.clauses, passages, strict=True):
        assert doc.text[clause.start : clause.end] == clause.text == passage.text
        assert passage_of[clause.key] is passage
    assert doc.source.title == "Conduct of Business Rulebook"


@needs_data
def test_real_corpus_converts_with_exact_spans_and_unique_keys() -> None:
    passages = load_passages(DEFAULT_DATA)
    corpus = to_corpus(passages, load_document_map(DEFAULT_DATA))
    assert len(passages) == 13_732
    assert len(corpus.passage_of) == len(passages)  # every passage its own clause key
    assert {p.uid for p in corpus.passage_of.values()} == {p.uid for p in passages}
    for doc in corpus.documents:
        for clause in doc.clauses:
            assert doc.text[clause.start : clause.end] == clause.text
    pairs = [p.pair for p in passages]
    colliding = _colliding(pairs)
    assert len(pairs) - len(set(pairs)) == 27 and colliding
    suffixed = [k for k, p in corpus.passage_of.items() if "#" in k]
    assert len(suffixed) == 27
    assert all(corpus.passage_of[k].pair in colliding for k in suffixed)


def _colliding(pairs: list[str]) -> set[str]:
    seen: set[str] = set()
    return {k for k in pairs if k in seen or seen.add(k)}


@needs_data
@pytest.mark.parametrize("split", ["dev", "test", "mp-test"])
def test_gold_resolves_in_the_corpus(split: str) -> None:
    passages = load_passages(DEFAULT_DATA)
    keys = {p.gold_key(gold_kind(split)) for p in passages}
    questions = load_questions(DEFAULT_DATA, split)
    assert questions and all(q.gold and q.gold <= keys for q in questions)


@needs_data
def test_gold_matches_on_document_and_passage_id() -> None:
    """A retrieved passage counts when its (DocumentID, PassageID) is gold, whichever twin it is."""
    passages = load_passages(DEFAULT_DATA)
    twins = [p for p in passages if p.pair == pair_key(11, "2.")]
    assert len(twins) >= 2 and twins[0].uid != twins[1].uid
    gold = frozenset({twins[0].pair})
    ranked = [p.gold_key("pair") for p in (twins[1], twins[0])]
    assert recall_at_k(ranked, gold) == 1.0 and average_precision_at_k(ranked, gold) == 1.0
    assert gold_kind("dev") == "pair" and gold_kind("mp-test") == "uuid"


# ---------------------------------------------------------------- tiny end-to-end


@needs_data
def test_end_to_end_on_two_documents(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """Index two small ADGM documents, ask 20 dev questions about them, in BM25 and hybrid mode."""
    import torch

    from clausetrace.index import build_index, load_index

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # two threads spin badly on a busy 2-core machine (0.5 s a query)
    request.addfinalizer(lambda: torch.set_num_threads(threads))
    wanted = {25, 16}
    passages = [p for p in load_passages(DEFAULT_DATA) if p.document_id in wanted]
    questions = [
        q for q in load_questions(DEFAULT_DATA, "dev") if {int(g.split("|")[0]) for g in q.gold} <= wanted
    ][:20]
    assert len(questions) == 20
    corpus = to_corpus(passages, load_document_map(DEFAULT_DATA))
    build_index(corpus.documents, tmp_path / "index", tmp_path / "cache", analyse=False)
    index = load_index(tmp_path / "index")
    assert index.manifest.counts["clauses"] == len(passages)
    results = evaluate(
        index, corpus, passages, questions, "dev", ["bm25", "hybrid", "oracle"], RetrieverSettings()
    )
    for result in results:
        assert result.questions == 20
        assert 0.5 < result.recall_at_10 <= 1.0, result
        assert 0.2 < result.map_at_10 <= result.recall_at_10, result


@needs_data
def test_dev_halves_partition_dev() -> None:
    fit, check = load_questions(DEFAULT_DATA, "dev-fit"), load_questions(DEFAULT_DATA, "dev-check")
    dev = load_questions(DEFAULT_DATA, "dev")
    assert {q.qid for q in fit}.isdisjoint(q.qid for q in check)
    assert len(fit) + len(check) == len(dev) and abs(len(fit) - len(check)) < 0.1 * len(dev)


def test_each_model_gets_its_own_index_folder(tmp_path: Path) -> None:
    from benchmarks.obliqa import index_dir_for

    base = index_dir_for(tmp_path, "ab" * 32, 180)
    assert base.name == "index-abababababab-w180"
    assert (
        index_dir_for(tmp_path, "ab" * 32, 180, "minilm-reg-adapter").name
        == base.name + "-minilm-reg-adapter"
    )
