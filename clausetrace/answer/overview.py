"""Overview questions get the outline of the unit they are about: the paragraphs of the condition,
part or section that the top clause belongs to, each quoted by the sentence that best answers, in
document order ("give me a rundown of condition 44" cites 44.3, 44.4, 44.8 and 44.16, not the three
sentences that happened to score best)."""

from __future__ import annotations

import re
from collections.abc import Callable

from clausetrace.answer.refuse import DIRECT
from clausetrace.index import ClauseIndex
from clausetrace.models import Clause
from clausetrace.query import Query
from clausetrace.retrieve import Hit

OVERVIEW_ITEMS = 12  # paragraphs of the unit quoted at most
OVERVIEW_CUTOFF = 0.3  # a paragraph's best sentence needs this share of the best one's score
LOOKED_AT = 3  # top clauses whose unit may be the one outlined
DEFINING_RE = re.compile(
    r"^\W*(?:in this (?:condition|section|part|appendix)\b|definitions?\b|interpretation\b)", re.I
)

Chosen = list[tuple[Hit, tuple[int, int]]]
Chooser = Callable[[list[Hit], int, float], Chosen]


def unit_of(clause: Clause) -> tuple[str, ...] | None:
    """The unit a paragraph belongs to: its parent section, else (a licence paragraph) its condition
    and part, its own heading left out; None for a top-level section."""
    if clause.parent:
        return (clause.doc_id, clause.parent)
    path = clause.title_path
    if clause.heading and path[-1:] == (clause.heading,):
        path = path[:-1]
    return (clause.doc_id, *path) if path else None


def unit_members(clause: Clause, index: ClauseIndex) -> list[Clause]:
    """The paragraphs to outline for a clause, in document order: the clause and its sections when
    it has several, else the paragraphs of its unit (sub-clauses and definitions left out)."""
    clauses = index.documents[clause.doc_id].clauses
    paragraphs = [c for c in clauses if not c.is_subclause and not DEFINING_RE.match(c.text)]
    sections = [c for c in paragraphs if c.parent == clause.number]
    if len(sections) >= 2:
        return [clause, *sections]
    unit = unit_of(clause)
    return [c for c in paragraphs if unit is not None and unit_of(c) == unit]


def outline(query: Query, hits: list[Hit], chosen: Chosen, index: ClauseIndex, choose: Chooser) -> Chosen:
    """For an overview question: the quoted sentences of the unit of the first top clause that has
    one, in document order, then the rest of what was chosen; otherwise what was chosen."""
    if not query.asks_overview:
        return chosen
    tops = [h for h in hits if h.via not in DIRECT][:LOOKED_AT]
    members = next((m for m in (unit_members(h.clause, index) for h in tops) if len(m) >= 2), [])
    if not members:
        return chosen
    ranked = {h.clause.key: h for h in hits}
    dense = tops[0].dense
    pool = [ranked[c.key] for c in members if c.key in ranked]
    pool += [Hit(clause=c, score=0.0, dense=dense, via="outline") for c in members if c.key not in ranked]
    order = {c.key: i for i, c in enumerate(members)}
    inside = sorted(choose(pool, OVERVIEW_ITEMS, OVERVIEW_CUTOFF), key=lambda item: order[item[0].clause.key])
    keys = {h.clause.key for h, _ in inside}
    return inside + [item for item in chosen if item[0].clause.key not in keys]
