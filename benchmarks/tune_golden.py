"""Choose retrieval and refusal defaults on half of the golden set; report the other half.

    python benchmarks/tune_golden.py [--index index] [--json]

Questions with odd ids (G001, G003, ...) tune; even ids are held out and only reported, so the
defaults in clausetrace/settings.py are chosen by measurement without grading on the same items.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from clausetrace.index import load_index  # noqa: E402
from clausetrace.retrieve import make_retriever  # noqa: E402
from clausetrace.settings import Settings  # noqa: E402
from eval.harness import DEFAULT_GOLDEN, load_golden, run_question  # noqa: E402
from eval.metrics import GoldenQuestion, summarise  # noqa: E402

FUSION_GRID = {
    "dense_weight": [0.5, 1.0],
    "bm25_weight": [1.0, 1.5, 2.0],
    "rrf_k": [10, 30, 60],
}
ANSWER_GRID = {
    "max_sentences": [1, 2, 3],
    "sentence_cutoff": [0.5, 0.7, 0.85],
}
REFUSAL_GRID = {
    "min_dense_score": [0.2, 0.25, 0.3, 0.35, 0.4],
    "min_term_coverage": [0.34, 0.5, 0.67, 0.75, 1.0],
}


def score(index, items: list[GoldenQuestion], settings: Settings) -> dict[str, float | int]:
    """Summary metrics of one configuration over some questions."""
    retriever = make_retriever(index, settings)
    return summarise([run_question(q, index, retriever, settings, settings.k) for q in items])


def retrieval_objective(m: dict[str, float | int]) -> float:
    """MRR@10 plus recall@5: rank the right clause high."""
    return float(m["mrr_at_10"]) + float(m["recall_at_5"])


MAX_FALSE_REFUSALS = 0.10


def refusal_objective(m: dict[str, float | int]) -> float:
    """Refuse the unanswerable, while refusing at most 10% of answerable questions."""
    if float(m["false_refusal_rate"]) > MAX_FALSE_REFUSALS:
        return -1.0
    return float(m["refusal_accuracy"]) + 0.5 * float(m["citation_hit_rate"])


def answer_objective(m: dict[str, float | int]) -> float:
    """Cite an expected clause, cite little else, and quote the expected words."""
    return float(m["citation_hit_rate"]) + float(m["citation_precision"]) + float(m["answer_contains_rate"])


def best(index, items, base: Settings, grid: dict[str, list], objective) -> tuple[Settings, float]:
    """The grid point with the highest objective on items."""
    results = []
    for values in itertools.product(*grid.values()):
        settings = base.model_copy(update=dict(zip(grid, values, strict=True)))
        results.append((objective(score(index, items, settings)), values, settings))
    top = max(results, key=lambda r: r[0])
    return top[2], top[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=Settings().index_dir)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--stage",
        choices=["all", "refusal", "answer"],
        default="all",
        help="Tune everything, or only refusal, or only the answer's sentence choice.",
    )
    args = parser.parse_args()
    index = load_index(args.index, model=Settings().model)
    items = load_golden(DEFAULT_GOLDEN)
    tune = [q for q in items if int(q.id[1:]) % 2 == 1]
    held = [q for q in items if int(q.id[1:]) % 2 == 0]
    default = Settings()
    chosen = default
    if args.stage == "all":
        chosen, _ = best(index, tune, chosen, FUSION_GRID, retrieval_objective)
    if args.stage in ("all", "refusal"):
        chosen, _ = best(index, tune, chosen, REFUSAL_GRID, refusal_objective)
    if args.stage in ("all", "answer"):
        chosen, _ = best(index, tune, chosen, ANSWER_GRID, answer_objective)
    keys = [*FUSION_GRID, *REFUSAL_GRID, *ANSWER_GRID]
    out = {
        "chosen": {k: getattr(chosen, k) for k in keys},
        "current_defaults": {k: getattr(default, k) for k in keys},
        "tune_half": {"current": score(index, tune, default), "chosen": score(index, tune, chosen)},
        "held_out_half": {"current": score(index, held, default), "chosen": score(index, held, chosen)},
    }
    if args.json:
        print(json.dumps(out, indent=2))
        return
    print("chosen on odd ids:", out["chosen"], "\ncurrent defaults:", out["current_defaults"])
    shown = (
        "recall_at_1",
        "recall_at_5",
        "mrr_at_10",
        "citation_hit_rate",
        "citation_precision",
        "refusal_accuracy",
        "false_refusal_rate",
    )
    for half in ("tune_half", "held_out_half"):
        for which in ("current", "chosen"):
            m = out[half][which]
            print(f"{half:>14} {which:>8}: " + "  ".join(f"{k} {m[k]:.3f}" for k in shown))


if __name__ == "__main__":
    main()
