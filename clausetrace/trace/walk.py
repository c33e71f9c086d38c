"""Walks over the graph in view: impact (what a change touches) and the regulatory hierarchy.

:meth:`TraceGraph.impact <clausetrace.graph.TraceGraph.impact>` and
:meth:`TraceGraph.hierarchy <clausetrace.graph.TraceGraph.hierarchy>` resolve the anchor and the
version, then call :func:`impact` and :func:`hierarchy` here. :func:`through_definitions` (the
references a clause inherits from the definitions it uses) serves both ``trace`` and the hierarchy.
"""

from __future__ import annotations

from collections import deque

from clausetrace.trace.models import Edge, HierarchyEdge, HierarchyResult, ImpactItem, ImpactResult
from clausetrace.trace.view import View, instrument, points_at, unique, within

LICENCE_FAMILY = "licence"
STRENGTH = {  # which relation an edge keeps when several state the same link
    "obliges_compliance_with": 4,
    "subject_to": 3,
    "exception_to": 2,
    "defines_term_used_in": 1,
    "refers_to": 0,
}
# Order of the regulatory chain SMDA-266 2.1 describes: the hierarchy only steps downwards.
LEVELS = {"ESL": 0, "GSL": 0, "DCCL": 0, "SEC": 1, "SMETS": 2, "CHTS": 2, "GBCS": 3}


def impact(view: View, root: str, max_depth: int | None = None) -> ImpactResult:
    """Every clause a change to ``root`` may touch, breadth first, cycles visited once.

    A definitions clause reached through one definition passes the change on only to the
    clauses using that term (``ESL 49.26`` reached via "Applicable Date" does not touch every
    user of "Effective Date").
    """
    definitions = _definition_spans(view)
    seen_nodes: set[str] = {root}
    seen: set[tuple[str, str | None]] = {(root, None)}
    items: list[ImpactItem] = []
    queue: deque[tuple[str, str | None, int]] = deque([(root, None, 0)])
    while queue:
        node, term, depth = queue.popleft()
        if max_depth is not None and depth >= max_depth:
            continue
        for other, edge in _impact_neighbours(node, term, view.edges):
            state = (other, _term_at(definitions, other, edge))
            if state in seen:
                continue
            seen.add(state)
            if other not in seen_nodes:
                seen_nodes.add(other)
                items.append(_impact_item(other, depth + 1, node, edge, view))
            queue.append((*state, depth + 1))
    clause = view.nodes.get(root)
    return ImpactResult(anchor=root, version=clause[0].version if clause else None, items=items)


def hierarchy(view: View, root: str | None = None, version: str | None = None) -> HierarchyResult:
    """Licence -> SEC -> SMETS/CHTS -> GBCS edges from ``root`` (a resolved node: a licence clause,
    or a guidance clause: from the provisions it quotes), or from every licence clause and quotation."""
    if root is None:
        starts = [a for a, (_, d) in view.nodes.items() if d.source.family == LICENCE_FAMILY]
        starts += [e.source for e in view.edges if e.via and e.secondary]
    else:
        starts = [root]
        if starts[0] in view.nodes and view.nodes[starts[0]][1].source.family == "guidance":
            starts = [e.source for e in view.edges if e.via == starts[0] and e.secondary]
    edges = _walk_hierarchy(view, unique(starts))
    return HierarchyResult(root=root, version=version, edges=edges)


# --- definitions ----------------------------------------------------------------------------------
def through_definitions(node: str, view: View) -> list[Edge]:
    """References made inside the definitions that ``node`` uses, re-rooted at ``node``."""
    used = {
        (e.source, e.term) for e in view.edges if e.relation == "defines_term_used_in" and e.target == node
    }
    spans = [
        (d.start, d.end, d.doc_id, anchor)
        for doc in view.docs
        for d, anchor in doc.definitions
        if (anchor, d.term) in used
    ]
    derived: dict[tuple[str, str], Edge] = {}  # strongest relation per (target, via)
    for e in view.edges:
        if e.via or e.relation == "defines_term_used_in" or e.target == node:
            continue
        for start, end, doc_id, anchor in spans:
            if e.source == anchor and e.doc_id == doc_id and start <= e.start and e.end <= end:
                known = derived.get((e.target, anchor))
                if known is None or STRENGTH[e.relation] > STRENGTH[known.relation]:
                    derived[(e.target, anchor)] = e.model_copy(update={"source": node, "via": anchor})
    return list(derived.values())


# --- impact ---------------------------------------------------------------------------------------
def _impact_neighbours(node: str, term: str | None, edges: list[Edge]) -> list[tuple[str, Edge]]:
    """Nodes a change to ``node`` (or to its definition of ``term``) reaches in one step.

    Guidance quotations (secondary edges with ``via``) state nothing about the instrument's text
    and are not followed.
    """
    out = []
    for e in edges:
        if e.secondary and e.via:
            continue
        if points_at(e.target, node) and e.relation != "defines_term_used_in" and e.source != node:
            out.append((e.source, e))
        elif e.source == node and e.relation == "exception_to":
            out.append((e.target, e))
        elif e.source == node and e.relation == "defines_term_used_in" and term in (None, e.term):
            out.append((e.target, e))
    return out


def _definition_spans(view: View) -> dict[str, list[tuple[str, str, int, int]]]:
    """Definitions by clause node: (term, doc_id, start, end)."""
    spans: dict[str, list[tuple[str, str, int, int]]] = {}
    for doc in view.docs:
        for d, node in doc.definitions:
            spans.setdefault(node, []).append((d.term, d.doc_id, d.start, d.end))
    return spans


def _term_at(definitions: dict[str, list[tuple[str, str, int, int]]], node: str, e: Edge) -> str | None:
    """The term whose definition in ``node`` holds the words of ``e`` (None: the whole clause)."""
    for term, doc_id, start, end in definitions.get(node, []):
        if e.doc_id == doc_id and start <= e.start and e.end <= end:
            return term
    return None


def _impact_item(anchor: str, depth: int, reached_from: str, edge: Edge, view: View) -> ImpactItem:
    """One impacted node."""
    return ImpactItem(
        anchor=anchor,
        depth=depth,
        relation=edge.relation,
        reached_from=reached_from,
        text=edge.text,
        in_corpus=anchor in view.nodes,
        secondary=edge.secondary,
    )


# --- hierarchy ------------------------------------------------------------------------------------
def _walk_hierarchy(view: View, starts: list[str]) -> list[HierarchyEdge]:
    """Breadth-first over instrument-changing edges, definitions and guidance quotations."""
    result: dict[tuple[str, str, str | None], HierarchyEdge] = {}
    seen, queue = set(starts), deque((s, 0) for s in starts)
    while queue:
        node, depth = queue.popleft()
        for e in _hierarchy_steps(view, node):
            key = (e.source, e.target, e.via)
            if key not in result or STRENGTH[e.relation] > STRENGTH[result[key].relation]:
                result[key] = _hierarchy_edge(e, depth + 1)
            if e.target not in seen:
                seen.add(e.target)
                queue.append((e.target, depth + 1))
    return sorted(result.values(), key=lambda h: (h.depth, h.source, h.target))


def _hierarchy_steps(view: View, node: str) -> list[Edge]:
    """Edges leaving ``node`` for an instrument lower in the chain (see ``LEVELS``)."""
    if node in view.nodes:
        own = [e for e in view.edges if e.source == node and not e.via]
        own += through_definitions(node, view)
        own += [e for e in view.edges if e.source == node and e.via and e.secondary]
    else:
        own = [e for e in view.edges if e.via and e.secondary and within(e.source, node)]
    level = LEVELS.get(instrument(node), -1)
    steps = [e for e in own if LEVELS.get(instrument(e.target), -1) > level >= 0]
    return [e for e in steps if e.relation != "defines_term_used_in"]


def _hierarchy_edge(e: Edge, depth: int) -> HierarchyEdge:
    """A hierarchy step for an edge."""
    return HierarchyEdge(
        source=e.source,
        target=e.target,
        source_instrument=instrument(e.source),
        target_instrument=instrument(e.target),
        relation=e.relation,
        text=e.text,
        via=e.via,
        in_corpus=e.in_corpus,
        secondary=e.secondary,
        depth=depth,
    )
