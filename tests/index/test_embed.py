"""Embedding models: the tuned model loads offline over the packaged base, with its own id everywhere."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from clausetrace.errors import ClausetraceError, IndexMismatchError
from clausetrace.index import build_index, load_index, read_manifest
from clausetrace.index.embed import (
    MODEL_NAME,
    TUNED_MODELS,
    LocalEmbedding,
    check_model,
    load_sentence_model,
    model_id,
    model_name,
    text_hash,
)

TUNED = "minilm-reg-top2"
TEXTS = [
    "Who must install smart meters at domestic premises?",
    "The licensee must take all reasonable steps.",
]


@pytest.fixture(scope="module")
def tuned() -> LocalEmbedding:
    return LocalEmbedding(TUNED)


def test_tuned_weights_ship_small_and_only_replace_the_top_two_layers(tuned: LocalEmbedding) -> None:
    assert TUNED_MODELS[TUNED].stat().st_size < 20_000_000
    base = load_sentence_model(MODEL_NAME)[0].auto_model.state_dict()
    mine = tuned._model[0].auto_model.state_dict()
    changed = {k.split(".")[2] for k in base if not torch.equal(base[k], mine[k])}
    assert changed == {"4", "5"}  # encoder.layer.4 and .5; embeddings and layers 0-3 are the wheel's


def test_tuned_model_embeds_offline_and_differs_from_the_base(tuned: LocalEmbedding) -> None:
    import os

    assert os.environ.get("HF_HUB_OFFLINE") == "1"
    vectors = tuned.encode(TEXTS)
    assert vectors.shape == (2, 384) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    base = LocalEmbedding().encode(TEXTS)
    assert 0.5 < float((vectors * base).sum(axis=1).min()) < 0.9999


def test_model_ids_key_the_cache_and_name_the_weights() -> None:
    identity = model_id(TUNED)
    assert identity.startswith(TUNED + "@") and len(identity.split("@")[1]) == 12
    assert model_name(identity) == TUNED and model_id(MODEL_NAME) == MODEL_NAME
    assert text_hash("x", TUNED) != text_hash("x", MODEL_NAME)
    with pytest.raises(ClausetraceError, match="unknown embedding model"):
        check_model("bge-small-en-v1.5")


def test_an_index_of_another_model_is_refused(gb_docs, tmp_path, tuned: LocalEmbedding) -> None:
    folder = tmp_path / "index"
    manifest = build_index(gb_docs[:1], folder, tmp_path / "cache", model_name=TUNED)
    assert manifest.model == model_id(TUNED)
    assert (tmp_path / "cache" / f"embeddings-{TUNED}.npz").exists()
    with pytest.raises(IndexMismatchError, match="rebuild"):
        read_manifest(folder)  # the product default is the base model
    index = load_index(folder, model=TUNED)
    assert index.embed_model.model_name == TUNED
