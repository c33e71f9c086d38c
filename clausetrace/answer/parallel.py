"""List questions get every parallel clause: the clauses of a condition that open the same way as
a retrieved one ("The Domestic Installation Code must include provisions ..." in ESL 41.6, 41.7,
41.10), which is how regulation writes a list of requirements across paragraphs."""

from __future__ import annotations

import re

from clausetrace.index import ClauseIndex
from clausetrace.models import Clause
from clausetrace.query import Query
from clausetrace.retrieve import Hit

OPENING_WORDS = 5  # a shared opening of this many words makes clauses parallel
LOOKED_AT = 5  # quoted clauses whose parallels are gathered
MAX_PARALLEL = 6  # parallel clauses added at most
LIST_ASKING = ("list",)  # intents asking for every item


def opening(clause: Clause) -> tuple[str, ...]:
    """The first words of a clause, lower-cased, punctuation dropped ('' when too short)."""
    words = re.findall(r"[a-z][a-z'’-]*", clause.text.lower())[:OPENING_WORDS]
    return tuple(words) if len(words) == OPENING_WORDS else ()


def parallel_clauses(query: Query, hits: list[Hit], cited: set[str], index: ClauseIndex) -> list[Hit]:
    """For list questions: clauses of the same condition and version that open like one of the
    quoted clauses, not cited yet, in document order."""
    if query.intent not in LIST_ASKING:
        return []
    found: list[Hit] = []
    for hit in hits[:LOOKED_AT]:
        start = opening(hit.clause)
        if not start or hit.clause.is_subclause:
            continue
        condition = hit.clause.anchor.rsplit(".", 1)[0] + "."
        for clause in index.documents[hit.clause.doc_id].clauses:
            key = clause.key
            if (
                not clause.is_subclause
                and clause.anchor.startswith(condition)
                and key not in cited
                and key != hit.clause.key
                and all(h.clause.key != key for h in found)
                and opening(clause) == start
            ):
                found.append(Hit(clause=clause, score=0.0, dense=hit.dense, via="parallel"))
    return found[:MAX_PARALLEL]
