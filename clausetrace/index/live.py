"""Follow an index root: between questions, move to a newly published generation and say so.

Every caller asks ``current()`` once per question and computes its whole answer from the index it
gets back, so an answer never mixes two generations. A new generation is loaded (and warmed) by
one caller while the others keep answering from the previous one; the previous one's lease is
released when the last answer using it is done.
"""

from __future__ import annotations

import threading
from pathlib import Path

from clausetrace.errors import ClausetraceError
from clausetrace.index.generations import current_id
from clausetrace.index.load import load_index
from clausetrace.index.store import ClauseIndex
from clausetrace.models import IndexManifest


def update_notice(manifest: IndexManifest) -> str:
    """'index updated: 25 documents, built 2026-11-24T10:00:00+00:00 (generation 000007)'."""
    documents = manifest.counts.get("documents", len(manifest.sources))
    built = f"built {manifest.built_at} (generation {manifest.generation})"
    return f"index updated: {documents} documents, {built}"


class LiveIndex:
    """The live generation of an index root, re-checked (one small file read) on every current()."""

    def __init__(self, root: Path, warm: bool = True) -> None:
        self.root, self._warm = Path(root), warm
        self._switch = threading.Lock()
        self._index = self._load(None)
        self.notice = ""  # the last 'index updated: ...' line, '' until the first update

    def current(self, wait: bool = False) -> ClauseIndex:
        """The index to answer one question from: the newest published generation once loaded.

        While another caller loads a new generation, returns the previous one at once, or with
        ``wait`` waits for the new one.
        """
        live = current_id(self.root)
        if live and live != self._index.generation and self._switch.acquire(blocking=wait):
            try:
                if current_id(self.root) != self._index.generation:  # not loaded meanwhile
                    self._index = self._load(self._index)
                    self.notice = update_notice(self._index.manifest)
            except ClausetraceError:
                pass  # replaced again or refused while loading: keep answering from the one we have
            finally:
                self._switch.release()
        return self._index

    def _load(self, previous: ClauseIndex | None) -> ClauseIndex:
        """Load the live generation, sharing the previous one's embedding model when it has one."""
        model = previous.__dict__.get("embed_model") if previous is not None else None
        index = load_index(self.root, embed_model=model)
        return index.warm() if self._warm else index
