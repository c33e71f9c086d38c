"""Adapter training: GB pairs come from the real corpus, and the loss teaches the adapter on real vectors."""

from __future__ import annotations

import random

import numpy as np

from benchmarks.train_embedder import gb_triples, mnrl_loss, train
from clausetrace.index.embed import LocalEmbedding, adapt


def test_gb_pairs_are_built_from_the_corpus_without_a_hub_model(corpus_dir) -> None:
    triples = gb_triples(corpus_dir)
    queries = [q for q, _, _ in triples]
    assert len(triples) > 300
    assert any(q.startswith("What does ") and q.endswith(" mean?") for q in queries)
    assert any(q.startswith("anchor: SMDA-266") for q in queries)  # SMDA-266 -> the clause it quotes
    assert all(p.startswith("anchor: ") for _, p, _ in triples)


def test_training_lowers_the_loss_on_real_gb_pairs(corpus_dir) -> None:
    import torch

    triples = [t for t in gb_triples(corpus_dir) if t[0].startswith("What does ")][:48]
    model = LocalEmbedding()
    texts = sorted({t for q, p, _ in triples for t in (q, p)})
    vectors = dict(zip(texts, model.encode(texts), strict=True))
    before = float(mnrl_loss(torch.zeros(384, 384), vectors, triples, 20.0))
    adapter, losses = train(vectors, triples, 15, 3e-3, 16, 20.0, 0.0, random.Random(1))
    after = float(mnrl_loss(torch.from_numpy(adapter), vectors, triples, 20.0))
    assert after < before and losses[-1] < losses[0]
    moved = adapt(np.stack([vectors[q] for q, _, _ in triples]), adapter)
    assert np.allclose(np.linalg.norm(moved, axis=1), 1.0, atol=1e-5)
