"""Read and check an index manifest; a mismatch is refused with a one-line reason."""

from __future__ import annotations

from pathlib import Path

from clausetrace import __version__
from clausetrace.errors import IndexMismatchError, IndexMissingError
from clausetrace.models import IndexManifest

INDEX_FORMAT = 1
MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSION = 384


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


def check_manifest(manifest: IndexManifest, where: Path) -> IndexManifest:
    """The manifest, if this clausetrace can read the index it describes (same format and model)."""
    if manifest.format != INDEX_FORMAT:
        raise IndexMismatchError(
            f"index at {where} has format {manifest.format} != {INDEX_FORMAT}: "
            "rebuild with `clausetrace ingest`"
        )
    if manifest.model != MODEL_NAME or manifest.dimension != DIMENSION:
        raise IndexMismatchError(
            f"index built with model {manifest.model} ({manifest.dimension}d), this clausetrace "
            f"uses {MODEL_NAME} ({DIMENSION}d): rebuild with `clausetrace ingest`"
        )
    return manifest
