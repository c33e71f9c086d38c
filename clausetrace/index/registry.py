"""The embedding models clausetrace can use, and the ids an index manifest records for them.

The base model is the packaged all-MiniLM-L6-v2. A tuned model is the base model plus a linear
question-side adapter shipped in ``clausetrace/index/models/`` (safetensors, made by
``benchmarks/train_embedder.py`` for ObliQA,
``benchmarks/train_gb_adapter.py`` for the GB questions). Its id is its name plus the weights' digest
('minilm-reg-adapter@3f9c2a1b0d4e'), so an index made for other weights is refused.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from clausetrace.errors import ClausetraceError

MODEL_NAME = "all-MiniLM-L6-v2"  # the packaged base model
DIMENSION = 384
WEIGHTS_DIR = Path(__file__).resolve().parent / "models"
TUNED_MODELS = {  # name -> question-side adapter over the base model
    "minilm-reg-adapter": WEIGHTS_DIR / "minilm-reg-adapter.safetensors",
    "minilm-gb-adapter": WEIGHTS_DIR / "minilm-gb-adapter.safetensors",
}
TRAINED_BY = {  # name -> the script that makes its weights
    "minilm-reg-adapter": "benchmarks/train_embedder.py",
    "minilm-gb-adapter": "benchmarks/train_gb_adapter.py",
}
MODELS = (MODEL_NAME, *TUNED_MODELS)


def check_model(name: str) -> str:
    """The name itself if clausetrace knows the model, else a one-line error naming the known ones."""
    if name not in MODELS:
        raise ClausetraceError(f"unknown embedding model {name!r}: choose from {', '.join(MODELS)}")
    return name


def adapter_path(name: str) -> Path:
    """The weights file of a tuned model; a one-line error when it is missing."""
    path = TUNED_MODELS[check_model(name)]
    if not path.exists():
        raise ClausetraceError(f"tuned model weights missing: {path} (run {TRAINED_BY[name]})")
    return path


@functools.cache
def model_id(name: str) -> str:
    """What manifests record: the name, plus a tuned model's weights digest."""
    if check_model(name) not in TUNED_MODELS:
        return name
    return f"{name}@{hashlib.sha256(adapter_path(name).read_bytes()).hexdigest()[:12]}"


def model_name(identity: str) -> str:
    """The model name of a model id ('minilm-reg-adapter@3f9c...' -> 'minilm-reg-adapter')."""
    return identity.split("@", 1)[0]
