"""Exception questions get every exception: the register's exception records that point at the
duty the question retrieved ('exceptions to the roll-out duty' -> ESL 39.3 to 39.6 for 39.1)."""

from __future__ import annotations

from clausetrace.index import ClauseIndex
from clausetrace.query import Query
from clausetrace.retrieve import Hit

DUTIES_LOOKED_AT = 3  # top retrieved clauses whose exceptions are gathered


def exceptions_to(query: Query, hits: list[Hit], cited: set[str], index: ClauseIndex) -> list[Hit]:
    """Clauses stating an exception to one of the top retrieved duties, not cited yet, in order."""
    if query.intent != "exception":
        return []
    duties = {h.clause.anchor: h.clause.version for h in hits[:DUTIES_LOOKED_AT]}
    found: list[Hit] = []
    for obligation in index.obligations:
        targets = [t for t in obligation.exception_to if duties.get(t) == obligation.version]
        key = f"{obligation.anchor}@{obligation.version}"
        if targets and key not in cited and key in index.clauses and all(h.clause.key != key for h in found):
            found.append(Hit(clause=index.clauses[key], score=0.0, via="exception"))
    return found
