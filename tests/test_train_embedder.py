"""Top-layer tuning: the split encoder equals the whole model, GB pairs come from the real corpus."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.split_encoder import SplitEncoder, StateCache
from benchmarks.train_embedder import gb_triples
from clausetrace.index.embed import load_sentence_model

TEXTS = [
    "Who must install smart meters?",
    "anchor: ESL 39.1\nheading: Roll-out\n\n" + "The licensee must take all reasonable steps. " * 40,
    "x",
]


@pytest.mark.parametrize("name", ["all-MiniLM-L6-v2", "minilm-reg-top2"])
def test_top_of_cached_bottom_states_equals_the_whole_model(name: str, tmp_path) -> None:
    model = load_sentence_model(name)
    encoder = SplitEncoder(model)
    cache = StateCache(tmp_path / "states")
    split = encoder.encode_states(cache.get(encoder, TEXTS))
    again = StateCache(tmp_path / "states")  # read back from disk
    assert set(again.states) == set(cache.states)
    whole = model.encode(TEXTS, normalize_embeddings=True)
    assert np.abs(split - whole).max() < 1e-3 and (split * whole).sum(axis=1).min() > 0.99999


def test_gb_pairs_are_built_from_the_corpus_without_a_hub_model(corpus_dir) -> None:
    triples = gb_triples(corpus_dir)
    queries = [q for q, _, _ in triples]
    assert len(triples) > 300
    assert any(q.startswith("What does ") and q.endswith(" mean?") for q in queries)
    assert any(q.startswith("anchor: SMDA-266") for q in queries)  # SMDA-266 -> the clause it quotes
    assert all(p.startswith("anchor: ") for _, p, _ in triples)
