"""Train the learned ranker (LightGBM lambdarank) on the ObliQA dev 'check' half; test is never read.

    python benchmarks/train_ranker.py [--model minilm-reg-adapter] [--alpha 0.5] [--json]

The tuned embedder was trained on the dev 'fit' half, so its scores on the 'check' half are honest
features. The retriever's candidates (score fusion, 200 per list, with and without following the
references of the top clauses) are made once per question; settings (depth, trees, leaves,
reference following) are chosen by 2-fold cross-validation inside the check half, against the
fused order as it stands; the chosen ranker is refitted on the whole half and written to
clausetrace/retrieve/models/ranker-obliqa.txt (+ .json: features, depth, folds, timings).
Also prints the ranker's cost per question.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.machine import describe  # noqa: E402
from benchmarks.obliqa import CACHE, RetrieverSettings, mean_scores, prepare_index, with_bm25, with_references  # noqa: E402
from benchmarks.obliqa_data import DEFAULT_DATA, Corpus, Question, dev_part, load_questions  # noqa: E402
from clausetrace.index import ClauseIndex  # noqa: E402
from clausetrace.query import Query, parse_query  # noqa: E402
from clausetrace.retrieve import Hit, HybridRetriever  # noqa: E402
from clausetrace.retrieve.ranker import FEATURES, RANKERS, LearnedRanker, features  # noqa: E402

NAME = "obliqa-lambdarank"
MAX_DEPTH = 60
Candidates = list[tuple[Question, Query, list[Hit]]]


def candidates(index: ClauseIndex, questions: Sequence[Question], alpha: float, follow: int) -> Candidates:
    """Each question with its parsed query and the retriever's candidate clauses (before ranking)."""
    retriever = HybridRetriever(index, candidates=200, fusion="score", alpha=alpha, follow_references=follow)
    out = []
    for q in questions:
        query = parse_query(q.text, index)
        out.append((q, query, retriever.candidate_hits(query, 10)[:MAX_DEPTH]))
    return out


def matrix(rows: Candidates, index: ClauseIndex, corpus: Corpus, depth: int):
    """Features, labels and group sizes of the first ``depth`` candidates of each question."""
    xs, ys, groups = [], [], []
    for q, query, hits in rows:
        head = hits[:depth]
        xs.append(features(query, head, index))
        ys.append([float(corpus.passage_of[h.clause.key].pair in q.gold) for h in head])
        groups.append(len(head))
    return np.vstack(xs), np.concatenate(ys), groups


def fit(
    x: np.ndarray,
    y: np.ndarray,
    groups: list[int],
    trees: int,
    leaves: int,
    names: Sequence[str] = FEATURES,
    **overrides: float,
):
    """A lambdarank booster (``overrides``: other LightGBM parameters, e.g. min_data_in_leaf)."""
    import lightgbm

    params = {
        "objective": "lambdarank",
        "metric": "map",
        "eval_at": [10],
        "learning_rate": 0.05,
        "num_leaves": leaves,
        "min_data_in_leaf": 20,
        "feature_fraction": 0.9,
        "lambdarank_truncation_level": 20,
        "num_threads": 1,
        "verbose": -1,
        "seed": 13,
        "deterministic": True,
        **overrides,
    }
    data = lightgbm.Dataset(x, label=y, group=groups, feature_name=list(names))
    return lightgbm.train(params, data, num_boost_round=trees)


def scores(
    rows: Candidates, index: ClauseIndex, corpus: Corpus, ranker: LearnedRanker | None
) -> tuple[float, float]:
    """(R@10, MAP@10) of the candidates as fused (ranker None) or re-ordered by the ranker."""
    run = {}
    for q, query, hits in rows:
        ordered = ranker.rerank(query, hits, index) if ranker else hits
        run[q.qid] = list(dict.fromkeys(corpus.passage_of[h.clause.key].pair for h in ordered))[:10]
    r, m = mean_scores(run, [q for q, _, _ in rows])
    return round(r, 4), round(m, 4)


def fold_of(qid: str) -> int:
    """Cross-validation fold (0/1) inside the check half, fixed by the question id."""
    return int(hashlib.sha256(("fold" + qid).encode()).hexdigest()[:8], 16) % 2


def cross_validate(rows: Candidates, index: ClauseIndex, corpus: Corpus, depth: int, trees: int, leaves: int):
    """Mean (R@10, MAP@10) over the 2 folds: fused order, and re-ranked by a model fit on the other fold."""
    fused, ranked = [], []
    for fold in (0, 1):
        train = [r for r in rows if fold_of(r[0].qid) != fold]
        held = [r for r in rows if fold_of(r[0].qid) == fold]
        booster = fit(*matrix(train, index, corpus, depth), trees, leaves)
        fused.append(scores(held, index, corpus, None))
        ranked.append(scores(held, index, corpus, LearnedRanker(booster, depth)))
    mean = lambda pairs: tuple(round(float(np.mean([p[i] for p in pairs])), 4) for i in (0, 1))  # noqa: E731
    return mean(fused), mean(ranked)


def main(argv: Sequence[str] | None = None) -> None:
    """Candidates, grid by cross-validation, refit, save; prints timings with the machine named."""
    defaults = RetrieverSettings()
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--model", default=defaults.tuned_model)
    p.add_argument("--alpha", type=float, default=defaults.tuned_alpha)
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    started = time.perf_counter()
    index, corpus, _ = prepare_index(args.data, CACHE, defaults.max_node_words, model=args.model)
    index = with_references(with_bm25(index, defaults.bm25_k1, defaults.bm25_b), corpus, args.data)
    check = [q for q in load_questions(args.data, "dev") if dev_part(q.qid) == "check"][: args.limit]
    pools = {
        follow: candidates(index, check, args.alpha, follow) for follow in (0, defaults.follow_references)
    }
    candidates_s = round(time.perf_counter() - started, 1)
    print(f"candidates for {len(check)} check questions: {candidates_s} s", flush=True)
    grid = []
    for follow, depth, trees, leaves in itertools.product(pools, (30, MAX_DEPTH), (300,), (15,)):
        fused, ranked = cross_validate(pools[follow], index, corpus, depth, trees, leaves)
        grid.append(
            {
                "follow": follow,
                "depth": depth,
                "trees": trees,
                "leaves": leaves,
                "fused": fused,
                "ranked": ranked,
            }
        )
        print("  " + json.dumps(grid[-1]), flush=True)
    best = max(grid, key=lambda g: (g["ranked"][1], g["ranked"][0]))
    rows = pools[best["follow"]]
    booster = fit(*matrix(rows, index, corpus, best["depth"]), best["trees"], best["leaves"])
    path = RANKERS[NAME][0]
    path.parent.mkdir(parents=True, exist_ok=True)
    booster.save_model(str(path))
    ranker = LearnedRanker(booster, best["depth"])
    timed = time.perf_counter()
    for _, query, hits in rows:
        ranker.rerank(query, hits, index)
    ms = round(1000 * (time.perf_counter() - timed) / len(rows), 2)
    meta = {
        "features": list(FEATURES),
        "depth": best["depth"],
        "chosen": best,
        "grid": grid,
        "trained_on": f"ObliQA dev 'check' half ({len(rows)} q), model {args.model}, alpha {args.alpha}",
        "ms_per_question": ms,
        "seconds": round(time.perf_counter() - started, 1),
        "machine": describe(),
        "command": "python benchmarks/train_ranker.py " + " ".join(sys.argv[1:] if argv is None else argv),
    }
    path.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: meta[k] for k in ("chosen", "ms_per_question", "seconds")}, indent=2))


if __name__ == "__main__":
    main()
