"""Tune MiniLM's top transformer layers on GB corpus pairs; writes the GB model's layers file.

    python benchmarks/train_gb_layers.py [--epochs 3] [--layers 2] [--lr 5e-5] [--index index]

Trains the top ``--layers`` layers of all-MiniLM-L6-v2 (the rest frozen) with in-batch negatives
(MultipleNegativesRankingLoss, scale 20) on the GB pairs of ``train_embedder.gb_triples`` only: heading
path -> clause, term -> definition, SMDA-266 -> the clause it quotes. No golden question is trained on,
so the question adapter, the ranker and the refusal model fitted afterwards on the tuning questions
(out of fold) read dense scores these layers never saw. Writes
clausetrace/index/models/minilm-gb-layers.safetensors (float16, ~7 MB) and a .json with the settings,
the time on these cores and dense recall@5 on the GB tuning sets for the base and the tuned encoder.
Then run ``clausetrace ingest`` (clause vectors change), ``train_gb_adapter.py``, ``clausetrace
ingest``, ``train_gb_ranker.py`` and ``train_refusal.py``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.machine import describe  # noqa: E402
from benchmarks.train_embedder import Triple, gb_triples  # noqa: E402
from benchmarks.train_gb_adapter import MIRROR, Pairs, dense_recall, load_pairs  # noqa: E402
from benchmarks.tuning import TUNING  # noqa: E402
from clausetrace.index import load_index  # noqa: E402
from clausetrace.index.embed import load_sentence_model  # noqa: E402
from clausetrace.index.registry import TUNED_MODELS  # noqa: E402

OUT = TUNED_MODELS["minilm-gb-tuned"].layers
BATCH, SCALE, SEED, MAX_TOKENS = 32, 20.0, 13, 256


def tune_layers(triples: list[Triple], layers: int, epochs: int, lr: float):
    """The base model with its top layers trained on the triples (query, clause, optional negative)."""
    import torch

    torch.manual_seed(SEED)
    model = load_sentence_model()
    model.max_seq_length = MAX_TOKENS
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


def tuned_weights(model, layers: int) -> dict:
    """The trained layers' weights, float16, keyed as in the transformer's state dict."""
    encoder = model[0].auto_model
    first = len(encoder.encoder.layer) - layers
    prefixes = tuple(f"encoder.layer.{n}." for n in range(first, len(encoder.encoder.layer)))
    return {k: v.half().contiguous() for k, v in encoder.state_dict().items() if k.startswith(prefixes)}


def encoded(pairs: Pairs, model) -> Pairs:
    """The pairs with their nodes and questions embedded by ``model`` (for ``dense_recall``)."""
    texts = [*pairs.node_text, *(q.question for _, q in pairs.items)]
    vectors = dict(zip(texts, model.encode(texts, batch_size=BATCH, normalize_embeddings=True), strict=True))
    return replace(pairs, nodes=np.stack([vectors[t] for t in pairs.node_text]), vectors=vectors)


def main() -> None:
    """Train, save the layers and their record, print recall before and after."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--index", type=Path, default=Path("index"))
    p.add_argument("--mirror", type=Path, default=MIRROR)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--lr", type=float, default=5e-5)
    args = p.parse_args()
    import torch
    from safetensors.torch import save_file

    torch.set_num_threads(2)
    # read while the index still matches the weights it was built with
    pairs = load_pairs(load_index(args.index), [t for t in TUNING if t.exists()], args.mirror)
    triples = gb_triples(args.mirror)
    print(f"{describe()}; {len(triples)} GB pairs", flush=True)
    started = time.perf_counter()
    model = tune_layers(triples, args.layers, args.epochs, args.lr)
    trained = time.perf_counter() - started
    OUT.parent.mkdir(parents=True, exist_ok=True)
    save_file(tuned_weights(model, args.layers), str(OUT))
    record = {
        "settings": {
            "layers": args.layers,
            "epochs": args.epochs,
            "lr": args.lr,
            "batch": BATCH,
            "seed": SEED,
        },
        "gb_pairs": len(triples),
        "dense_recall_at_5": {
            "base": dense_recall(encoded(pairs, load_sentence_model()), None),
            "tuned": dense_recall(encoded(pairs, model), None),
        },
        "training_seconds": round(trained),
        "machine": describe(),
        "command": "python benchmarks/train_gb_layers.py " + " ".join(sys.argv[1:]),
    }
    OUT.with_suffix(".json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(record, indent=2))


if __name__ == "__main__":
    main()
