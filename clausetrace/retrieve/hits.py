"""What a search keeps (filters) and what it returns (clause hits with their evidence)."""

from __future__ import annotations

from dataclasses import dataclass

from clausetrace.models import Clause


@dataclass
class Hit:
    """One retrieved clause with the evidence for its rank."""

    clause: Clause
    score: float  # fused score (named clauses rank first)
    dense: float = 0.0  # best cosine similarity of its nodes (the refusal rule reads it)
    bm25: float = 0.0  # best BM25 score of its nodes (the learned ranker reads it)
    via: str = "hybrid"  # 'anchor' | 'quote' | 'definition' | 'term' (quoted) | 'hybrid' | 'reference'
    span: tuple[int, int] | None = None  # the exact passage to quote (a definition), if known


@dataclass(frozen=True)
class Filters:
    """What a search keeps: a document prefix, a pinned version or the documents in force on a
    date (default: the latest version of each clause), and allowed clause keys."""

    prefix: str | None = None
    version: str | None = None
    keep: set[str] | None = None
    in_force: set[str] | None = None

    @property
    def narrow(self) -> bool:
        """True when the filters may drop most candidates (so every node is ranked)."""
        return bool(self.prefix or self.version or self.keep or self.in_force is not None)
