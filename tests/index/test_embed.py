"""Embedding models: the tuned models (question adapters: ObliQA, GB; the GB model's tuned top layers)
load offline over the packaged base model."""

from __future__ import annotations

import os

import numpy as np
import pytest

from clausetrace.errors import ClausetraceError, IndexMismatchError
from clausetrace.index import build_index, load_index, read_manifest
from clausetrace.index.embed import (
    EmbeddingCache,
    LocalEmbedding,
    load_adapter,
    load_sentence_model,
    text_hash,
)
from clausetrace.index.generations import live_dir
from clausetrace.index.registry import (
    DIMENSION,
    MODEL_NAME,
    TUNED_MODELS,
    check_model,
    encoder_id,
    model_id,
    model_name,
)

TUNED = "minilm-reg-adapter"
TEXTS = [
    "Who must install smart meters at domestic premises?",
    "The licensee must take all reasonable steps.",
]


@pytest.fixture(scope="module", params=list(TUNED_MODELS))
def tuned(request: pytest.FixtureRequest) -> LocalEmbedding:
    return LocalEmbedding(request.param)


def test_tuned_weights_ship_small(tuned: LocalEmbedding) -> None:
    weights = TUNED_MODELS[tuned.model_name]
    assert all(p.stat().st_size < 20_000_000 for p in (weights.adapter, weights.layers) if p)
    adapter = load_adapter(tuned.model_name)
    assert adapter is not None and adapter.shape == (DIMENSION, DIMENSION) and np.abs(adapter).max() > 0
    assert load_adapter(MODEL_NAME) is None


def test_tuned_model_loads_offline_and_moves_what_it_tunes(tuned: LocalEmbedding) -> None:
    assert os.environ.get("HF_HUB_OFFLINE") == "1"
    base = LocalEmbedding()
    clauses, base_clauses = tuned.encode(TEXTS), base.encode(TEXTS)
    if TUNED_MODELS[tuned.model_name].layers is None:
        assert np.array_equal(clauses, base_clauses)  # an adapter alone leaves clause vectors alone
        assert tuned.encoder == MODEL_NAME
    else:  # tuned layers: new clause vectors, near the base model's, under their own cache key
        assert 0.5 < (clauses * base_clauses).sum(axis=1).min() < 0.99999
        assert tuned.encoder.startswith(MODEL_NAME + "+") and tuned.encoder != base.encoder
        assert text_hash(TEXTS[0], tuned.encoder) != text_hash(TEXTS[0])
    questions = np.asarray([tuned.get_query_embedding(t) for t in TEXTS])
    assert np.allclose(np.linalg.norm(questions, axis=1), 1.0, atol=1e-5)
    similarity = (questions * clauses).sum(axis=1)
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


def test_tuned_layers_replace_only_the_top_of_the_encoder() -> None:
    from safetensors.torch import load_file

    tuned_layers = load_file(str(TUNED_MODELS["minilm-gb-tuned"].layers))
    model, base = load_sentence_model(TUNED_MODELS["minilm-gb-tuned"].layers), load_sentence_model()
    weights, base_weights = model[0].auto_model.state_dict(), base[0].auto_model.state_dict()
    assert tuned_layers and all(k.startswith(("encoder.layer.4.", "encoder.layer.5.")) for k in tuned_layers)
    changed = {k for k in weights if not np.array_equal(weights[k].numpy(), base_weights[k].numpy())}
    assert changed and changed <= set(tuned_layers)


def test_weights_that_are_not_minilm_layers_are_refused(tmp_path) -> None:
    import torch
    from safetensors.torch import save_file

    save_file({"classifier.weight": torch.zeros(2, 2)}, str(tmp_path / "other.safetensors"))
    with pytest.raises(ClausetraceError, match="not tuned MiniLM layers"):
        load_sentence_model(tmp_path / "other.safetensors")
    (tmp_path / "cut.safetensors").write_bytes(TUNED_MODELS["minilm-gb-tuned"].layers.read_bytes()[:4096])
    with pytest.raises(ClausetraceError, match="unreadable tuned layers"):
        load_sentence_model(tmp_path / "cut.safetensors")


def test_the_cache_keeps_each_encoders_vectors_apart(tmp_path) -> None:
    cache = EmbeddingCache(tmp_path)
    tuned = LocalEmbedding("minilm-gb-tuned")
    first, second = cache.embed(TEXTS, LocalEmbedding()), cache.embed(TEXTS, tuned)
    assert cache.misses == len(TEXTS) and not np.array_equal(first, second)
    assert encoder_id("minilm-gb-tuned") == tuned.encoder and len(cache.vectors) == 2 * len(TEXTS)
