"""Command results shared by the CLI (`--json`) and the HTTP API, so both return the same data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clausetrace.anchors import canonical_anchor

if TYPE_CHECKING:
    from clausetrace.index import ClauseIndex
    from clausetrace.models import Obligation
    from clausetrace.trace.diff import DiffReport
    from clausetrace.trace.models import ImpactResult, TraceResult


def register_rows(
    index: ClauseIndex,
    party: str | None = None,
    prefix: str | None = None,
    version: str | None = None,
    as_of: str | None = None,
) -> list[Obligation]:
    """The obligation register filtered by party, document and version (default: latest of each;
    with ``as_of``, the versions in force on that date)."""
    from clausetrace.register import filter_register

    rows = filter_register(index.obligations, party=party, prefix=prefix, version=version)
    if as_of:
        in_force = index.in_force(as_of)
        return [o for o in rows if o.doc_id in in_force]
    if version is None:
        rows = [o for o in rows if index.is_latest(index.get_clause(o.anchor, o.version))]
    return rows


def version_diff(index: ClauseIndex, document: str, old: str, new: str) -> DiffReport:
    """Clause-by-clause comparison of two versions of a document ('ESL 48')."""
    from clausetrace.index.lookup import clauses_of
    from clausetrace.trace.diff import diff_versions

    return diff_versions(clauses_of(index, document, old), clauses_of(index, document, new), index.extracted)


def clause_trace(index: ClauseIndex, anchor: str, version: str | None = None) -> TraceResult:
    """What a clause depends on and what refers to it."""
    return index.graph.trace(canonical_anchor(anchor), version)


def clause_impact(index: ClauseIndex, anchor: str, version: str | None = None) -> ImpactResult:
    """Every clause that depends on a clause, transitively."""
    return index.graph.impact(canonical_anchor(anchor), version)
