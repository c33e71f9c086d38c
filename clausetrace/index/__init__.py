"""Index stage: clause nodes embedded into FAISS, BM25 over the same nodes, and the clause store.

``build_index`` writes an index folder, ``load_index`` reads one into a :class:`ClauseIndex`,
``get_clause`` resolves an anchor to its stored text.
"""

from clausetrace.index.build import build_index
from clausetrace.index.load import load_index, read_manifest
from clausetrace.index.store import ClauseIndex

__all__ = ["ClauseIndex", "build_index", "load_index", "read_manifest"]
