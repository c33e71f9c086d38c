"""Train the GB question adapter on the GB tuning questions and GB pairs; held-out sets are never read.

    python benchmarks/train_gb_adapter.py [--index index] [--golden eval/golden/gb.jsonl ...] [--json]

Pairs: every answerable tuning question -> the nodes of its expected clauses (with a hard negative
mined from the encoder's top 20), plus the GB pairs of ``train_embedder.gb_triples`` (heading path
-> clause, term -> definition, SMDA-266 -> the clause it quotes). The adapter is the linear
question-side matrix of ``train_embedder`` (MultipleNegativesRankingLoss) over the vectors of the
index's encoder: the base model with the GB-tuned top layers of ``train_gb_layers.py``, so run that and
``clausetrace ingest`` first; the adapter leaves clause vectors alone, so nothing is re-embedded after.

Settings (epochs, weight decay) are chosen by 5-fold cross-validation grouped by question (the
ranker's folds, ``tuning.fold_of``): each fold's questions are ranked by cosine with an
adapter fitted on the other folds, and the setting with the best mean dense recall@5 over the golden
files wins. The chosen setting is refitted on every question and written to
clausetrace/index/models/minilm-gb-tuned.safetensors (+ .json: grid, out-of-fold figures, timings).
``fold_adapters`` gives the ranker and refusal trainers one adapter per fold, so that the features
they learn from are out of fold too.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.machine import describe  # noqa: E402
from benchmarks.train_embedder import Triple, gb_triples, save_adapter, train  # noqa: E402
from benchmarks.tuning import FOLDS, TUNING, fold_of, refuse_held_out  # noqa: E402
from clausetrace.index import ClauseIndex, load_index  # noqa: E402
from clausetrace.index.embed import EmbeddingCache, adapt  # noqa: E402
from clausetrace.index.registry import TUNED_MODELS  # noqa: E402
from clausetrace.settings import Settings  # noqa: E402
from eval.harness import load_golden  # noqa: E402
from eval.metrics import GoldenQuestion, anchor_matches  # noqa: E402

NAME = "minilm-gb-tuned"
MIRROR = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "raw"
GRID = ({"epochs": 10, "decay": 1e-3}, {"epochs": 10, "decay": 1e-2}, {"epochs": 20, "decay": 1e-2})
LR, BATCH, SCALE, SEED = 1e-3, 64, 20.0, 13
NEGATIVE_FROM = 20  # hard negatives: the encoder's top 20 nodes that do not answer


@dataclass
class Pairs:
    """Everything the adapter trains and is scored on: node vectors and texts, questions, GB pairs."""

    items: list[tuple[str, GoldenQuestion]]  # (golden file stem, question)
    node_text: list[str]  # latest nodes only
    node_anchor: list[str]
    nodes: np.ndarray  # (nodes, 384) encoder vectors
    vectors: dict[str, np.ndarray]  # encoder vector of every text used
    synthetic: list[Triple]


def answering(pairs: Pairs, item: GoldenQuestion) -> list[int]:
    """Nodes holding an expected clause (the clause itself, a part of it or the clause it is part of)."""
    return [
        n
        for n, anchor in enumerate(pairs.node_anchor)
        if any(anchor_matches(anchor, a) or anchor_matches(a, anchor) for a in item.expected_anchors)
    ]


def adapter_setting() -> dict:
    """The setting the shipped GB adapter was chosen with (what the fold adapters use)."""
    meta = json.loads(TUNED_MODELS[NAME].adapter.with_suffix(".json").read_text(encoding="utf-8"))
    return {key: meta["chosen"][key] for key in ("epochs", "decay")}


def load_pairs(index: ClauseIndex, golden: Sequence[Path], mirror: Path = MIRROR) -> Pairs:
    """Answerable tuning questions, the latest nodes and the GB pairs, with encoder vectors (cached)."""
    items = [
        (path.stem, item)
        for path in golden
        for item in load_golden(path)
        if item.answerable and item.expected_anchors and not item.as_of
    ]
    docs = index.vector_index.docstore.docs
    latest = [n for n in docs.values() if index.is_latest(index.clauses[n.metadata["key"]])]
    node_text = [n.get_content(metadata_mode="embed") for n in latest]
    synthetic = gb_triples(mirror)
    texts = sorted(
        {*node_text, *(item.question for _, item in items), *(t for tr in synthetic for t in tr if t)}
    )
    cache = EmbeddingCache(Path(Settings().cache_dir))
    vectors = dict(zip(texts, cache.embed(texts, index.embed_model), strict=True))
    cache.save()
    return Pairs(
        items=items,
        node_text=node_text,
        node_anchor=[index.clauses[n.metadata["key"]].anchor for n in latest],
        nodes=np.stack([vectors[t] for t in node_text]),
        vectors=vectors,
        synthetic=synthetic,
    )


def question_triples(
    pairs: Pairs, items: Sequence[tuple[str, GoldenQuestion]], rng: random.Random
) -> list[Triple]:
    """(question, answering node, hard negative) for up to two answering nodes of each question."""
    triples: list[Triple] = []
    for _, item in items:
        positive = answering(pairs, item)
        order = np.argsort(-(pairs.nodes @ pairs.vectors[item.question]))[:NEGATIVE_FROM]
        wrong = [int(n) for n in order if n not in positive]
        for n in positive[:2]:
            negative = pairs.node_text[rng.choice(wrong)] if wrong else None
            triples.append((item.question, pairs.node_text[n], negative))
    return triples


def fit_adapter(pairs: Pairs, items: Sequence[tuple[str, GoldenQuestion]], setting: dict) -> np.ndarray:
    """An adapter fitted on the questions given and every GB pair."""
    triples = question_triples(pairs, items, random.Random(SEED)) + pairs.synthetic
    adapter, _ = train(
        pairs.vectors, triples, setting["epochs"], LR, BATCH, SCALE, setting["decay"], random.Random(SEED)
    )
    return adapter


def fold_adapters(pairs: Pairs, setting: dict) -> dict[int, np.ndarray]:
    """One adapter per fold, fitted without that fold's questions."""
    return {
        f: fit_adapter(pairs, [x for x in pairs.items if fold_of(x[1].id) != f], setting)
        for f in range(FOLDS)
    }


def dense_recall(pairs: Pairs, adapters: dict[int, np.ndarray] | None, k: int = 5) -> dict[str, float]:
    """Per golden file: share of questions with an answering node in the top k by cosine (out of fold)."""
    found: dict[str, list[bool]] = {}
    for source, item in pairs.items:
        adapter = adapters[fold_of(item.id)] if adapters else None
        query = adapt(pairs.vectors[item.question][None, :], adapter)[0]
        top = set(np.argsort(-(pairs.nodes @ query))[:k].tolist())
        found.setdefault(source, []).append(bool(top & set(answering(pairs, item))))
    return {source: round(float(np.mean(v)), 4) for source, v in found.items()}


def macro(per_file: dict[str, float]) -> float:
    return round(float(np.mean(list(per_file.values()))), 4)


def main(argv: Sequence[str] | None = None) -> None:
    """Pairs, grid by cross-validation, refit on every question, save; prints timings."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--index", type=Path, default=Path("index"))
    p.add_argument("--golden", type=Path, nargs="+", default=[t for t in TUNING if t.exists()])
    p.add_argument("--mirror", type=Path, default=MIRROR)
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    refuse_held_out(args.golden)
    import torch

    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    started = time.perf_counter()
    pairs = load_pairs(load_index(args.index), args.golden, args.mirror)
    took = time.perf_counter() - started
    print(f"{len(pairs.items)} questions, {len(pairs.synthetic)} GB pairs: {took:.1f} s", flush=True)
    base = dense_recall(pairs, None)
    print(f"  encoder without adapter: dense recall@5 {base} macro {macro(base)}", flush=True)
    grid = []
    for setting in GRID:
        per_file = dense_recall(pairs, fold_adapters(pairs, setting))
        grid.append({**setting, "per_file": per_file, "macro": macro(per_file)})
        print("  " + json.dumps(grid[-1]), flush=True)
    best = max(grid, key=lambda g: g["macro"])
    out = TUNED_MODELS[NAME].adapter
    save_adapter(fit_adapter(pairs, pairs.items, best), out)
    meta = {
        "chosen": best,
        "base": {"per_file": base, "macro": macro(base)},
        "grid": grid,
        "trained_on": {path.stem: sum(s == path.stem for s, _ in pairs.items) for path in args.golden},
        "gb_pairs": len(pairs.synthetic),
        "seconds": round(time.perf_counter() - started, 1),
        "machine": describe(),
        "command": "python benchmarks/train_gb_adapter.py "
        + " ".join(sys.argv[1:] if argv is None else argv),
    }
    out.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    keys = ("chosen", "base", "seconds")
    print(json.dumps({k: meta[k] for k in keys}, indent=2 if not args.json else None))


if __name__ == "__main__":
    main()
