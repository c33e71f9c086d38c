"""Embedding models: the tuned model (a question adapter) loads offline over the packaged base model."""

from __future__ import annotations

import os

import numpy as np
import pytest

from clausetrace.errors import ClausetraceError, IndexMismatchError
from clausetrace.index import build_index, load_index, read_manifest
from clausetrace.index.embed import (
    DIMENSION,
    MODEL_NAME,
    TUNED_MODELS,
    LocalEmbedding,
    check_model,
    load_adapter,
    model_id,
    model_name,
)

TUNED = "minilm-reg-adapter"
TEXTS = [
    "Who must install smart meters at domestic premises?",
    "The licensee must take all reasonable steps.",
]


@pytest.fixture(scope="module")
def tuned() -> LocalEmbedding:
    return LocalEmbedding(TUNED)


def test_tuned_weights_ship_small(tuned: LocalEmbedding) -> None:
    assert TUNED_MODELS[TUNED].stat().st_size < 20_000_000
    adapter = load_adapter(TUNED)
    assert adapter is not None and adapter.shape == (DIMENSION, DIMENSION) and np.abs(adapter).max() > 0
    assert load_adapter(MODEL_NAME) is None


def test_tuned_model_moves_questions_only_and_loads_offline(tuned: LocalEmbedding) -> None:
    assert os.environ.get("HF_HUB_OFFLINE") == "1"
    base = LocalEmbedding()
    assert np.array_equal(tuned.encode(TEXTS), base.encode(TEXTS))  # clause vectors are the base model's
    questions = np.asarray([tuned.get_query_embedding(t) for t in TEXTS])
    assert np.allclose(np.linalg.norm(questions, axis=1), 1.0, atol=1e-5)
    similarity = (questions * base.encode(TEXTS)).sum(axis=1)
    assert 0.3 < similarity.min() and similarity.max() < 0.99999


def test_model_ids_name_the_weights() -> None:
    identity = model_id(TUNED)
    assert identity.startswith(TUNED + "@") and len(identity.split("@")[1]) == 12
    assert model_name(identity) == TUNED and model_id(MODEL_NAME) == MODEL_NAME
    with pytest.raises(ClausetraceError, match="unknown embedding model"):
        check_model("bge-small-en-v1.5")


def test_an_index_for_another_model_is_refused_and_rebuilt_from_cache(gb_docs, tmp_path) -> None:
    cache = tmp_path / "cache"
    build_index(gb_docs[:1], tmp_path / "base", cache)
    manifest = build_index(gb_docs[:1], tmp_path / "tuned", cache, model_name=TUNED)
    assert manifest.model == model_id(TUNED) and manifest.counts["embedded"] == 0  # clause vectors reused
    with pytest.raises(IndexMismatchError, match="rebuild"):
        read_manifest(tmp_path / "tuned")  # the product default is the base model
    with pytest.raises(IndexMismatchError, match="rebuild"):
        read_manifest(tmp_path / "base", TUNED)
    assert load_index(tmp_path / "tuned", model=TUNED).embed_model.model_name == TUNED
