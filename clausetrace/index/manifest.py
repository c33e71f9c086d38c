"""Read and check an index manifest; a mismatch is refused with a one-line reason."""

from __future__ import annotations

from pathlib import Path

from clausetrace import __version__
from clausetrace.errors import IndexMismatchError, IndexMissingError
from clausetrace.index.registry import DIMENSION, MODEL_NAME, MODELS, model_id, model_name
from clausetrace.models import IndexManifest

__all__ = ["DIMENSION", "INDEX_FORMAT", "MODEL_NAME", "check_manifest", "parse_manifest"]

INDEX_FORMAT = 2  # 2: a generation holds sentence vectors (sentences.npy / sentences.json)


def parse_manifest(path: Path) -> IndexManifest:
    """The manifest stored at path, or a one-line reason why it cannot be read."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        where = Path(path).parent
        raise IndexMissingError(f"no index at {where}: build one with `clausetrace ingest`") from None
    try:
        return IndexManifest.model_validate_json(text)
    except ValueError:
        raise IndexMismatchError(
            f"{path} is not a clausetrace {__version__} manifest: rebuild with `clausetrace ingest`"
        ) from None


def check_manifest(manifest: IndexManifest, where: Path, model: str | None = None) -> IndexManifest:
    """The manifest, if this clausetrace can read the index it describes: same format, and built for
    ``model`` (by default: a model clausetrace knows, with the weights it ships)."""
    if manifest.format != INDEX_FORMAT:
        raise IndexMismatchError(
            f"index at {where} has format {manifest.format} != {INDEX_FORMAT}: "
            "rebuild with `clausetrace ingest`"
        )
    if not model and model_name(manifest.model) not in MODELS:
        raise IndexMismatchError(
            f"index built with model {manifest.model}, which this clausetrace does not know "
            f"(it knows {', '.join(MODELS)}): rebuild with `clausetrace ingest`"
        )
    expected = model_id(model or model_name(manifest.model))  # an unknown model asked for: one line
    if manifest.model != expected or manifest.dimension != DIMENSION:
        raise IndexMismatchError(
            f"index built with model {manifest.model} ({manifest.dimension}d), this clausetrace "
            f"uses {expected} ({DIMENSION}d): rebuild with `clausetrace ingest`"
        )
    return manifest
