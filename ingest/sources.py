"""Load and validate the corpus catalogue (`corpus/sources.toml`)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import ValidationError

from clausetrace.errors import CatalogueError
from clausetrace.models import Source


def load_catalogue(path: Path) -> list[Source]:
    """Read every `[[source]]` entry; ids must be unique."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        sources = [Source(**entry) for entry in data.get("source", [])]
    except (OSError, tomllib.TOMLDecodeError, ValidationError, TypeError) as exc:
        raise CatalogueError(f"{path}: {str(exc).splitlines()[0]}") from None
    seen: set[str] = set()
    for source in sources:
        if source.id in seen:
            raise CatalogueError(f"{path}: duplicate source id '{source.id}'")
        seen.add(source.id)
    return sources


def pinned(sources: list[Source]) -> list[Source]:
    """Sources with a local file and a pinned sha256: the default corpus."""
    return [s for s in sources if s.file and s.sha256]
