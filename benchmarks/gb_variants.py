"""Retriever variants on the GB golden set: the tuning half (odd ids) chooses, the even half is reported.

    python benchmarks/gb_variants.py [--mirror ../shared/corpus/raw] [--json]

Each variant is a set of Settings overrides (fusion, embedding model, reference following, learned
ranker) run through the product's own retriever and answerer (eval.harness.run_question) on an index
of the pinned GB corpus built with that variant's model (.cache/gb-<model>/, embeddings cached). The
product default in clausetrace/settings.py is the variant with the best tuning-half objective
(MRR@10 + R@5, as benchmarks/tune_golden.py uses).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.machine import describe  # noqa: E402
from benchmarks.tune_golden import retrieval_objective  # noqa: E402
from clausetrace.index import ClauseIndex, build_index, load_index, read_manifest  # noqa: E402
from clausetrace.index.embed import MODEL_NAME  # noqa: E402
from clausetrace.retrieve import make_retriever  # noqa: E402
from clausetrace.settings import REPO_ROOT, Settings  # noqa: E402
from eval.harness import DEFAULT_GOLDEN, load_golden, run_question  # noqa: E402
from eval.metrics import summarise  # noqa: E402

TUNED = "minilm-reg-adapter"
VARIANTS: dict[str, dict[str, object]] = {
    "rrf (current default)": {},
    "score fusion": {"fusion": "score", "fusion_alpha": 0.35},
    "rrf, tuned model": {"model": TUNED},
    "score fusion, tuned model": {"model": TUNED, "fusion": "score", "fusion_alpha": 0.35},
    "rrf + references": {"follow_references": 3},
}
SHOWN = ("recall_at_1", "recall_at_5", "recall_at_10", "mrr_at_10", "refusal_accuracy", "false_refusal_rate")


def gb_index(model: str, mirror: Path) -> ClauseIndex:
    """The pinned GB corpus indexed with one model (built once, embeddings cached)."""
    from ingest import ingest_corpus
    from ingest.sources import load_catalogue, pinned

    folder = REPO_ROOT / ".cache" / f"gb-{model}"
    try:
        read_manifest(folder, model)
    except Exception:  # absent or built with other weights: build it
        docs, _ = ingest_corpus(pinned(load_catalogue(REPO_ROOT / "corpus" / "sources.toml")), mirror)
        build_index(docs, folder, REPO_ROOT / ".cache", model_name=model)
    return load_index(folder, model=model)


def main() -> None:
    """Every variant on both halves, with the machine named."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--mirror", type=Path, default=REPO_ROOT.parent / "shared" / "corpus" / "raw")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    import torch

    torch.set_num_threads(1)
    started = time.perf_counter()
    items = load_golden(DEFAULT_GOLDEN)
    halves = {
        "tune": [q for q in items if int(q.id[1:]) % 2 == 1],
        "held": [q for q in items if int(q.id[1:]) % 2 == 0],
    }
    indexes: dict[str, ClauseIndex] = {}
    rows = {}
    for name, overrides in VARIANTS.items():
        settings = Settings().model_copy(update=overrides)
        model = str(overrides.get("model", MODEL_NAME))
        index = indexes.setdefault(model, gb_index(model, args.mirror))
        retriever = make_retriever(index, settings)
        rows[name] = {
            half: {
                k: v
                for k, v in summarise(
                    [run_question(q, index, retriever, settings, settings.k) for q in qs]
                ).items()
                if k in SHOWN
            }
            for half, qs in halves.items()
        }
        rows[name]["objective_tune"] = round(retrieval_objective(rows[name]["tune"]), 4)
    best = max(rows, key=lambda n: rows[n]["objective_tune"])
    out = {"variants": rows, "best_on_tuning_half": best, "seconds": round(time.perf_counter() - started, 1)}
    out["machine"] = describe()
    if args.json:
        print(json.dumps(out, indent=2))
        return
    for name, row in rows.items():
        print(f"{name:<38} objective {row['objective_tune']:.4f}")
        for half in ("tune", "held"):
            print(f"    {half}: " + ", ".join(f"{k} {row[half][k]:.3f}" for k in SHOWN))
    print(f"best on the tuning half: {best}; {out['seconds']} s on {out['machine']}")


if __name__ == "__main__":
    main()
