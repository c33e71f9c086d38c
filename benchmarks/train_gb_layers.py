"""Measure tuning MiniLM's top transformer layers on GB questions (not shipped: a measurement).

    python benchmarks/train_gb_layers.py [--epochs 3] [--layers 2] [--lr 5e-5] [--index index]

Trains the top ``--layers`` layers of all-MiniLM-L6-v2 (the rest frozen) with in-batch negatives plus
one BM25-free hard negative (MultipleNegativesRankingLoss, scale 20) on the pairs the shipped GB
adapter was trained on: the six tuning sets it knows and the GB heading / definition / quotation
pairs. It then prints dense recall@5 on three tuning sets neither model saw (plain-tune-5, -6, -7)
for the base model, the shipped linear adapter and the tuned layers, with the time on these cores.
Held-out sets are never read. Shipping the layers would mean re-embedding the index and refitting
the ranker and the refusal model on the new vectors (see README, "Measured and not kept").
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.machine import describe  # noqa: E402
from benchmarks.train_gb_adapter import NAME, answering, load_pairs, question_triples  # noqa: E402
from clausetrace.index import load_index  # noqa: E402
from clausetrace.index.embed import adapt, load_adapter, model_path  # noqa: E402

GOLDEN = Path(__file__).resolve().parent.parent / "eval" / "golden"
TRAIN = ("gb", "new-docs", "plain-tune", "plain-tune-2", "plain-tune-3", "plain-tune-4")
UNSEEN = ("plain-tune-5", "plain-tune-6", "plain-tune-7")
BATCH, SCALE, SEED = 32, 20.0, 13


def recall(pairs, items, questions: np.ndarray, nodes: np.ndarray, k: int = 5) -> dict[str, float]:
    """Per golden file: share of questions with an answering node among the k closest."""
    found: dict[str, list[bool]] = {}
    for (source, item), q in zip(items, questions, strict=True):
        top = set(np.argsort(-(nodes @ q))[:k].tolist())
        found.setdefault(source, []).append(bool(top & set(answering(pairs, item))))
    return {source: round(float(np.mean(v)), 3) for source, v in found.items()}


def tune_layers(triples, layers: int, epochs: int, lr: float):
    """The base model with its top layers trained on the triples (question, clause, negative)."""
    import torch
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_path()), device="cpu")
    model.max_seq_length = 256
    encoder = model[0].auto_model
    for p in encoder.parameters():
        p.requires_grad = False
    for layer in encoder.encoder.layer[-layers:]:
        for p in layer.parameters():
            p.requires_grad = True
    optimiser = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=lr)

    def embed(texts: list[str]) -> torch.Tensor:
        return torch.nn.functional.normalize(model(model.preprocess(texts))["sentence_embedding"], dim=-1)

    rng = random.Random(SEED)
    model.train()
    for _ in range(epochs):
        order = rng.sample(triples, len(triples))
        for start in range(0, len(order), BATCH):
            batch = order[start : start + BATCH]
            negatives = [t[2] for t in batch if t[2]]
            documents = embed([t[1] for t in batch] + negatives)
            logits = SCALE * embed([t[0] for t in batch]) @ documents.T
            loss = torch.nn.functional.cross_entropy(logits, torch.arange(len(batch)))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    model.eval()
    return model


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--index", type=Path, default=Path("index"))
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--lr", type=float, default=5e-5)
    args = p.parse_args()
    index = load_index(args.index)
    pairs = load_pairs(index, [GOLDEN / f"{name}.jsonl" for name in TRAIN + UNSEEN])
    train = [x for x in pairs.items if x[0] in TRAIN]
    unseen = [x for x in pairs.items if x[0] in UNSEEN]
    triples = question_triples(pairs, train, random.Random(SEED)) + pairs.synthetic
    base = np.stack([pairs.vectors[item.question] for _, item in unseen])
    print(f"{describe()}; {len(triples)} training pairs, {len(unseen)} unseen questions")
    print("base     ", recall(pairs, unseen, base, pairs.nodes))
    print("adapter  ", recall(pairs, unseen, adapt(base, load_adapter(NAME)), pairs.nodes))
    started = time.perf_counter()
    model = tune_layers(triples, args.layers, args.epochs, args.lr)
    trained = time.perf_counter() - started
    nodes = model.encode(pairs.node_text, batch_size=BATCH, normalize_embeddings=True)
    questions = model.encode(
        [item.question for _, item in unseen], batch_size=BATCH, normalize_embeddings=True
    )
    print(
        f"top {args.layers} layers, {args.epochs} epochs, lr {args.lr}: ",
        recall(pairs, unseen, questions, nodes),
    )
    print(f"training {trained:.0f} s, re-embedding {time.perf_counter() - started - trained:.0f} s")


if __name__ == "__main__":
    main()
