"""clausetrace: clause-anchored, cited answers about GB smart-metering obligations.

Public API: ingest_corpus, build_index, load_index, ask, get_clause (imported lazily so that
`clausetrace --help` does not load the model stack).
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_API = {
    "ingest_corpus": "ingest",
    "build_index": "clausetrace.index",
    "load_index": "clausetrace.index",
    "ask": "clausetrace.answer",
    "get_clause": "clausetrace.index.lookup",
}
__all__ = [*_API, "__version__"]


def __getattr__(name: str) -> Any:
    """Import a public function on first use."""
    if name not in _API:
        raise AttributeError(name)
    import importlib

    return getattr(importlib.import_module(_API[name]), name)
