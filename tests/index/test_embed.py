"""Embedding models: the tuned models (question adapters: ObliQA, GB) load offline over the packaged
base model."""

from __future__ import annotations

import os

import numpy as np
import pytest

from clausetrace.errors import ClausetraceError, IndexMismatchError
from clausetrace.index import build_index, load_index, read_manifest
from clausetrace.index.embed import LocalEmbedding, load_adapter
from clausetrace.index.generations import live_dir
from clausetrace.index.registry import DIMENSION, MODEL_NAME, TUNED_MODELS, check_model, model_id, model_name

TUNED = "minilm-reg-adapter"
TEXTS = [
    "Who must install smart meters at domestic premises?",
    "The licensee must take all reasonable steps.",
]


@pytest.fixture(scope="module", params=list(TUNED_MODELS))
def tuned(request: pytest.FixtureRequest) -> LocalEmbedding:
    return LocalEmbedding(request.param)


def test_tuned_weights_ship_small(tuned: LocalEmbedding) -> None:
    assert TUNED_MODELS[tuned.model_name].stat().st_size < 20_000_000
    adapter = load_adapter(tuned.model_name)
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


def test_an_index_answers_with_its_own_model_and_refuses_another(gb_docs, tmp_path) -> None:
    cache = tmp_path / "cache"
    build_index(gb_docs[:1], tmp_path / "base", cache)
    manifest = build_index(gb_docs[:1], tmp_path / "tuned", cache, model_name=TUNED)
    assert manifest.model == model_id(TUNED) and manifest.counts["embedded"] == 0  # clause vectors reused
    assert load_index(tmp_path / "tuned").embed_model.model_name == TUNED  # the index names its model
    assert load_index(tmp_path / "base").embed_model.model_name == MODEL_NAME
    with pytest.raises(IndexMismatchError, match="rebuild"):
        read_manifest(tmp_path / "tuned", MODEL_NAME)
    with pytest.raises(IndexMismatchError, match="rebuild"):
        read_manifest(tmp_path / "base", TUNED)


def test_an_index_made_for_other_adapter_weights_is_refused(gb_docs, tmp_path) -> None:
    build_index(gb_docs[:1], tmp_path / "tuned", tmp_path / "cache", model_name=TUNED)
    path = live_dir(tmp_path / "tuned") / "manifest.json"
    path.write_text(path.read_text().replace(model_id(TUNED), f"{TUNED}@000000000000"))
    with pytest.raises(IndexMismatchError, match=f"uses {model_id(TUNED)}"):
        load_index(tmp_path / "tuned")
