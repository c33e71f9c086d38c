"""Index stage: clause nodes embedded into FAISS, BM25 over the same nodes, and the clause store,
kept as immutable generations behind one atomic pointer.

``build_index`` publishes a new generation, ``load_index`` pins and reads the live one,
``LiveIndex`` follows new generations between questions. Imported lazily, so that ``show`` and
``trace`` never load llama-index or torch.
"""

from __future__ import annotations

import importlib
from typing import Any

_API = {
    "ClauseIndex": "clausetrace.index.store",
    "LiveIndex": "clausetrace.index.live",
    "build_index": "clausetrace.index.build",
    "load_index": "clausetrace.index.load",
    "read_manifest": "clausetrace.index.load",
}
__all__ = list(_API)


def __getattr__(name: str) -> Any:
    """Import a public name on first use."""
    if name not in _API:
        raise AttributeError(name)
    return getattr(importlib.import_module(_API[name]), name)
