"""The embedding models clausetrace can use, and the ids an index manifest records for them.

The base model is the packaged all-MiniLM-L6-v2. A tuned model is the base model plus weights shipped
in ``clausetrace/index/models/`` (safetensors): always a linear question-side adapter, and for the GB
model also its top transformer layers, tuned on GB corpus pairs, which move clause vectors too
(``benchmarks/train_embedder.py`` makes the ObliQA adapter; ``benchmarks/train_gb_layers.py`` then
``benchmarks/train_gb_adapter.py`` the GB model). Its id is its name plus the weights' digest
('minilm-reg-adapter@3f9c2a1b0d4e'), so an index made for other weights is refused.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

from clausetrace.errors import ClausetraceError

MODEL_NAME = "all-MiniLM-L6-v2"  # the packaged base model
DIMENSION = 384
WEIGHTS_DIR = Path(__file__).resolve().parent / "models"


@dataclass(frozen=True)
class TunedModel:
    """Weights a tuned model adds to the base model, and the scripts that make them."""

    adapter: Path  # (384, 384) question-side linear adapter
    trained_by: str
    layers: Path | None = None  # top transformer layers replacing the base model's (clauses and questions)
    layers_trained_by: str = ""


TUNED_MODELS = {
    "minilm-reg-adapter": TunedModel(
        WEIGHTS_DIR / "minilm-reg-adapter.safetensors", "benchmarks/train_embedder.py"
    ),
    "minilm-gb-tuned": TunedModel(
        WEIGHTS_DIR / "minilm-gb-tuned.safetensors",
        "benchmarks/train_gb_adapter.py",
        WEIGHTS_DIR / "minilm-gb-layers.safetensors",
        "benchmarks/train_gb_layers.py",
    ),
}
MODELS = (MODEL_NAME, *TUNED_MODELS)


def check_model(name: str) -> str:
    """The name itself if clausetrace knows the model, else a one-line error naming the known ones."""
    if name not in MODELS:
        raise ClausetraceError(f"unknown embedding model {name!r}: choose from {', '.join(MODELS)}")
    return name


def _present(path: Path, trained_by: str) -> Path:
    if not path.exists():
        raise ClausetraceError(f"tuned model weights missing: {path} (run {trained_by})")
    return path


def adapter_path(name: str) -> Path:
    """The question adapter file of a tuned model; a one-line error when it is missing."""
    tuned = TUNED_MODELS[check_model(name)]
    return _present(tuned.adapter, tuned.trained_by)


def layers_path(name: str) -> Path | None:
    """The tuned layers file of a model (None: the base model's layers); an error when it is missing."""
    tuned = TUNED_MODELS.get(check_model(name))
    if tuned is None or tuned.layers is None:
        return None
    return _present(tuned.layers, tuned.layers_trained_by)


def _digest(paths: list[Path]) -> str:
    sha = hashlib.sha256()
    for path in paths:
        sha.update(path.read_bytes())
    return sha.hexdigest()[:12]


@functools.cache
def encoder_id(name: str) -> str:
    """Who made a model's clause vectors: the base model, or the base model with tuned layers."""
    layers = layers_path(name)
    return MODEL_NAME if layers is None else f"{MODEL_NAME}+{_digest([layers])}"


@functools.cache
def model_id(name: str) -> str:
    """What manifests record: the name, plus a tuned model's weights digest."""
    if check_model(name) not in TUNED_MODELS:
        return name
    layers = layers_path(name)
    return f"{name}@{_digest([adapter_path(name), *([layers] if layers else [])])}"


def model_name(identity: str) -> str:
    """The model name of a model id ('minilm-reg-adapter@3f9c...' -> 'minilm-reg-adapter')."""
    return identity.split("@", 1)[0]
