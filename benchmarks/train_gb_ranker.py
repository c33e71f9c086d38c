"""Train the GB learned ranker (LightGBM lambdarank) on the GB tuning questions; held-out sets are never read.

    python benchmarks/train_gb_ranker.py [--index index] [--golden eval/golden/gb.jsonl ...] [--json]

Candidates are the default retriever's fused clauses (before any ranking) for every answerable
tuning question, its question vector through a GB adapter fitted without the question's fold
(``train_gb_adapter.fold_adapters``), so the dense scores the ranker learns from are out of fold.
A clause is relevant when it is (or descends from) an expected or required anchor.
Settings (feature set, depth, booster parameters) are chosen by 5-fold cross-validation grouped by
question: each fold's questions are answered by ``HybridRetriever.search`` with a ranker fitted on
the other folds, and the setting with the best mean recall@5 over the golden files (each file weighs
the same) wins. Every question is then answered out of fold, fused and ranked, for the eval metrics.
The chosen ranker is refitted on every question and written to
clausetrace/retrieve/models/ranker-gb.txt (+ .json: features, depth, grid, timings).
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.machine import describe  # noqa: E402
from benchmarks.train_gb_adapter import adapter_setting, fold_adapters, load_pairs  # noqa: E402
from benchmarks.train_ranker import fit  # noqa: E402
from benchmarks.tuning import FOLDS, TUNING, fold_of, refuse_held_out  # noqa: E402
from clausetrace.index import ClauseIndex, load_index  # noqa: E402
from clausetrace.query import Query, parse_query  # noqa: E402
from clausetrace.retrieve import Hit, HybridRetriever, make_retriever  # noqa: E402
from clausetrace.retrieve.ranker import FEATURES, GB_FEATURES, RANKERS, LearnedRanker, features  # noqa: E402
from clausetrace.settings import Settings  # noqa: E402
from eval.harness import load_golden, run_question  # noqa: E402
from eval.metrics import GoldenQuestion, anchor_matches, recall_at, summarise  # noqa: E402

NAME = "gb-lambdarank"
MAX_DEPTH = 30
K = 5
REPORTED = (
    "recall_at_5",
    "citation_hit_rate",
    "answer_complete_rate",
    "party_complete_rate",
    "citation_precision",
    "refusal_accuracy",
    "false_refusal_rate",
)
FEATURE_SETS = {"base": FEATURES, "gb": GB_FEATURES}
BOOSTERS = {  # trees, leaves and other LightGBM parameters
    "plain": {"trees": 300, "leaves": 15},
    "regularised": {
        "trees": 200,
        "leaves": 7,
        "min_data_in_leaf": 50,
        "feature_fraction": 0.7,
        "lambda_l2": 1.0,
    },
}


Adapters = dict[int, np.ndarray]  # fold -> question adapter fitted without that fold


def use_fold(index: ClauseIndex, adapters: Adapters | None, question_id: str) -> None:
    """Embed the next question with the adapter fitted without its fold (if adapters are given)."""
    if adapters:
        index.embed_model.adapter = adapters[fold_of(question_id)]


class Row:
    """One answerable tuning question with its parsed query and candidate clauses."""

    def __init__(self, source: str, item: GoldenQuestion, query: Query, hits: list[Hit]) -> None:
        self.source, self.item, self.query, self.hits = source, item, query, hits
        self.fold = fold_of(item.id)

    @property
    def relevant(self) -> list[str]:
        """Every anchor whose clause answers the question (expected or in a required group)."""
        return list(self.item.expected_anchors) + [a for group in self.item.required_anchors for a in group]


def collect(
    index: ClauseIndex, retriever: HybridRetriever, golden: Sequence[Path], adapters: Adapters | None = None
) -> list[Row]:
    """Candidates of every answerable question with an expected anchor (as-of questions left out)."""
    rows = []
    for path in golden:
        for item in load_golden(path):
            if not item.answerable or not item.expected_anchors or item.as_of:
                continue
            use_fold(index, adapters, item.id)
            query = parse_query(item.question, index)
            hits = retriever.candidate_hits(query, K)[:MAX_DEPTH]
            rows.append(Row(path.stem, item, query, hits))
    return rows


def matrix(
    rows: Sequence[Row], index: ClauseIndex, depth: int, names: tuple[str, ...]
) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Features, labels and group sizes of the first ``depth`` candidates of each question."""
    xs, ys, groups = [], [], []
    for row in rows:
        head = row.hits[:depth]
        if not head:
            continue
        xs.append(features(row.query, head, index, names))
        ys.append([float(any(anchor_matches(h.clause.anchor, a) for a in row.relevant)) for h in head])
        groups.append(len(head))
    return np.vstack(xs), np.concatenate(ys), groups


def recall(
    rows: Sequence[Row], retriever: HybridRetriever, adapters: Adapters | None = None
) -> dict[str, list[float]]:
    """Recall@5 of ``search`` (named clauses first, as the product answers) per golden file."""
    out: dict[str, list[float]] = {}
    for row in rows:
        use_fold(retriever.index, adapters, row.item.id)
        retrieved = [h.clause.anchor for h in retriever.search(row.query, K)]
        out.setdefault(row.source, []).append(recall_at(retrieved, row.item.expected_anchors, K))
    return out


def train(rows: Sequence[Row], index: ClauseIndex, setting: dict) -> LearnedRanker:
    """A ranker fitted on ``rows`` with the setting's feature set, depth and booster parameters."""
    names = FEATURE_SETS[setting["features"]]
    x, y, groups = matrix(rows, index, setting["depth"], names)
    return LearnedRanker(
        fit(x, y, groups, names=names, **BOOSTERS[setting["booster"]]), setting["depth"], names
    )


def cross_validate(
    rows: list[Row], index: ClauseIndex, retriever: HybridRetriever, setting: dict, adapters: Adapters | None
) -> dict:
    """Out-of-fold recall@5 per golden file with the ranker of ``setting`` (None: the fused order)."""
    found: dict[str, list[float]] = {}
    for fold in range(FOLDS):
        held = [r for r in rows if r.fold == fold]
        if setting:
            train_rows = [r for r in rows if r.fold != fold]
            retriever.ranker = train(train_rows, index, setting)
        for source, values in recall(held, retriever, adapters).items():
            found.setdefault(source, []).extend(values)
    retriever.ranker = None
    per_file = {source: round(float(np.mean(v)), 4) for source, v in found.items()}
    return {"per_file": per_file, "macro": round(float(np.mean(list(per_file.values()))), 4)}


def answers_out_of_fold(
    index: ClauseIndex,
    retriever: HybridRetriever,
    golden: Sequence[Path],
    rows: list[Row],
    setting: dict,
    adapters: Adapters | None,
) -> dict[str, dict[str, float]]:
    """The eval metrics of every question of each file, answered with a ranker fitted on the other
    folds' questions (``setting`` empty: the fused order)."""
    rankers = (
        {f: train([r for r in rows if r.fold != f], index, setting) for f in range(FOLDS)} if setting else {}
    )
    out = {}
    for path in golden:
        results = []
        for item in load_golden(path):
            retriever.ranker = rankers.get(fold_of(item.id))
            use_fold(index, adapters, item.id)
            results.append(run_question(item, index, retriever, Settings(ranker=""), K))
        summary = summarise(results)
        out[path.stem] = {m: round(float(summary[m]), 3) for m in REPORTED}
    retriever.ranker = None
    return out


def main(argv: Sequence[str] | None = None) -> None:
    """Candidates, grid by cross-validation, refit, save; prints timings with the machine named."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--index", type=Path, default=Path("index"))
    p.add_argument("--golden", type=Path, nargs="+", default=[t for t in TUNING if t.exists()])
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    refuse_held_out(args.golden)
    import torch

    torch.set_num_threads(1)
    started = time.perf_counter()
    index = load_index(args.index)
    retriever = make_retriever(index, Settings(ranker=""))
    adapters = fold_adapters(load_pairs(index, args.golden), adapter_setting())
    rows = collect(index, retriever, args.golden, adapters)
    print(f"candidates for {len(rows)} questions: {time.perf_counter() - started:.1f} s", flush=True)
    fused = cross_validate(rows, index, retriever, {}, adapters)
    print("  fused " + json.dumps(fused), flush=True)
    grid = []
    for names, depth, booster in itertools.product(FEATURE_SETS, (20, 30), BOOSTERS):
        setting = {"features": names, "depth": depth, "booster": booster}
        grid.append({**setting, **cross_validate(rows, index, retriever, setting, adapters)})
        print("  " + json.dumps(grid[-1]), flush=True)
    best = max(grid, key=lambda g: g["macro"])
    answers = {
        "fused": answers_out_of_fold(index, retriever, args.golden, rows, {}, adapters),
        "ranked": answers_out_of_fold(index, retriever, args.golden, rows, best, adapters),
    }
    print("  answers out of fold " + json.dumps(answers), flush=True)
    ranker = train(rows, index, best)
    path = RANKERS[NAME][0]
    ranker.booster.save_model(str(path))
    timed = time.perf_counter()
    for row in rows:
        ranker.rerank(row.query, row.hits, index)
    meta = {
        "features": list(ranker.names),
        "depth": best["depth"],
        "chosen": best,
        "fused": fused,
        "grid": grid,
        "answers_out_of_fold": answers,
        "trained_on": {p.stem: sum(r.source == p.stem for r in rows) for p in args.golden},
        "ms_per_question": round(1000 * (time.perf_counter() - timed) / len(rows), 2),
        "seconds": round(time.perf_counter() - started, 1),
        "machine": describe(),
        "command": "python benchmarks/train_gb_ranker.py " + " ".join(sys.argv[1:] if argv is None else argv),
    }
    path.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    keys = ("chosen", "fused", "answers_out_of_fold", "ms_per_question", "seconds")
    print(json.dumps({k: meta[k] for k in keys}, indent=2 if not args.json else None))


if __name__ == "__main__":
    main()
