"""The traceability graph: clauses and instruments joined by the references their text makes.

Nodes are numbered clauses (a sub-clause's references count for its clause: 39.15(c) -> 39.15)
and the instruments or clauses they point at outside the corpus (``in_corpus=False``). One
version of each document is in view at a time: the latest, or the one ``version`` pins.

Edges keep their natural direction (``source`` makes the statement about ``target``):

- references read by :mod:`clausetrace.xrefs` (``subject_to``, ``exception_to``,
  ``obliges_compliance_with``, ``refers_to``). When a sentence names the clause it speaks about
  ("The requirement in paragraph 39.1 is subject to paragraphs 39.3 ..." in 39.2), the edge is
  39.1 -subject_to-> 39.3 with ``via='ESL 39.2'``, and 39.2 keeps a ``refers_to`` edge;
- ``defines_term_used_in``: definitions clause -> clause using one of its multi-word capitalised
  terms, within the same document ('ESL 39.22' -> 'ESL 39.1' for "Relevant Smart Metering System"),
  and from a licence's general glossary to every other document of that licence ('ESL 1.3' ->
  'ESL 40.1' for "HAN Date"), unless the document defines the term itself;
- quoted edges from guidance (``secondary``, ``via`` the guidance clause): a provision the guidance
  quotes -> the instruments named in the quotation ('SEC F4.3' -> 'GBCS' via 'SMDA-266 2.5').

**Dependencies of X** (:meth:`TraceGraph.trace`): the clauses X is subject to, the exceptions to
X (clauses that are ``exception_to`` X), the definitions X uses, the instruments X obliges
compliance with, and what those definitions refer to (``via`` the definitions clause).
**Impact of X** (:meth:`TraceGraph.impact`): every clause that refers to X, is subject to X,
uses a term X defines, or that X is an exception to, followed transitively.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from functools import cached_property

from clausetrace.errors import ClausetraceError, UnknownAnchorError
from clausetrace.models import Clause, Definition, ParsedDocument
from clausetrace.trace import walk as graph_walk
from clausetrace.trace.models import (
    Edge,
    GraphExport,
    GraphNode,
    HierarchyResult,
    ImpactResult,
    TraceResult,
)
from clausetrace.trace.numbers import condition_of, top_level
from clausetrace.trace.references import Reference, document_references
from clausetrace.trace.view import DocGraph, View, instrument, points_at, unique

TERM_WORD_RE = re.compile(r"^[A-Z][\w’'-]*$")
LICENCE_WIDE_RE = re.compile(r"^In this licence\b")


class TraceGraph:
    """Traceability over parsed documents; one version per document in view."""

    def __init__(self, docs: Iterable[ParsedDocument], references: Iterable[Reference] | None = None) -> None:
        """Build from documents; pass the references stored at ingest to avoid extracting them again."""
        stored: dict[str, list[Reference]] | None = None
        if references is not None:
            stored = {}
            for ref in references:
                stored.setdefault(ref.doc_id, []).append(ref)
        self._docs = [
            _build_doc(doc, None if stored is None else stored.get(doc.source.id, [])) for doc in docs
        ]
        for glossary in [d.doc for d in self._docs if _licence_wide(d.doc)]:
            for graph in self._docs:
                if graph.doc is not glossary and graph.doc.source.prefix == glossary.source.prefix:
                    graph.edges = _merge(graph.edges + _glossary_edges(glossary, graph.doc))
        self._views: dict[str | None, View] = {}

    @cached_property
    def versions(self) -> list[str]:
        """Every version label present."""
        return sorted({d.doc.source.version for d in self._docs})

    def references(self, version: str | None = None) -> list[Edge]:
        """Every edge in view."""
        return list(self._view(version).edges)

    def trace(self, anchor: str, version: str | None = None) -> TraceResult:
        """Dependencies of a clause, its other references, and what refers to it."""
        view = self._view(version)
        node = self._resolve(anchor, view)
        out = [e for e in view.edges if e.source == node]
        inc = [e for e in view.edges if points_at(e.target, node) and e.source != node]
        textual_out = [e for e in out if not (e.secondary and e.via)]
        depends = [e for e in textual_out if e.relation in {"subject_to", "obliges_compliance_with"}]
        depends += [e for e in inc if e.relation in {"exception_to", "defines_term_used_in"}]
        depends += graph_walk.through_definitions(node, view)
        clause = view.nodes.get(node)
        return TraceResult(
            anchor=node,
            version=clause[0].version if clause else None,
            in_corpus=clause is not None,
            depends_on=_dedupe(depends),
            refers_to=[e for e in textual_out if e.relation in {"refers_to", "exception_to"}],
            referred_by=[
                e for e in inc if e.relation != "defines_term_used_in" and not (e.secondary and e.via)
            ],
            terms_used_by=[e for e in out if e.relation == "defines_term_used_in"],
            guidance=[e for e in out + inc if e.secondary and e.via],
            subject_to=unique(e.target for e in depends if e.relation == "subject_to"),
            exception_to=unique(e.target for e in textual_out if e.relation == "exception_to"),
            exceptions=unique(e.source for e in depends if e.relation == "exception_to"),
            definitions=unique(e.source for e in depends if e.relation == "defines_term_used_in"),
            external=unique(e.target for e in depends if not e.in_corpus and e.target != node),
        )

    def impact(self, anchor: str, version: str | None = None, max_depth: int | None = None) -> ImpactResult:
        """Every clause a change to ``anchor`` may touch, breadth first, cycles visited once.

        A definitions clause reached through one definition passes the change on only to the
        clauses using that term (``ESL 49.26`` reached via "Applicable Date" does not touch every
        user of "Effective Date").
        """
        view = self._view(version)
        return graph_walk.impact(view, self._resolve(anchor, view), max_depth)

    def hierarchy(self, root: str | None = None, version: str | None = None) -> HierarchyResult:
        """Licence -> SEC -> SMETS/CHTS -> GBCS edges from ``root`` (a licence clause, or a guidance
        clause: from the provisions it quotes), or from every licence clause and quotation."""
        view = self._view(version)
        return graph_walk.hierarchy(view, None if root is None else self._resolve(root, view), version)

    def export(self, version: str | None = None) -> GraphExport:
        """The graph in view as a pydantic model."""
        view = self._view(version)
        nodes = [
            GraphNode(
                anchor=a,
                instrument=c.prefix,
                in_corpus=True,
                doc_id=c.doc_id,
                version=c.version,
                heading=c.heading,
            )
            for a, (c, _) in view.nodes.items()
        ]
        external = unique(e.target for e in view.edges if not e.in_corpus)
        nodes += [GraphNode(anchor=a, instrument=instrument(a), in_corpus=False) for a in external]
        docs = [d.doc.source.id for d in view.docs]
        return GraphExport(version=version, documents=docs, nodes=nodes, edges=view.edges)

    # --- internals ---------------------------------------------------------------------------
    def _view(self, version: str | None) -> View:
        """Documents in view: per document the pinned version if it has it, else its latest."""
        if version not in self._views:
            if version is not None and version not in self.versions:
                raise ClausetraceError(f"No document has version '{version}'.")
            chosen: dict[str, DocGraph] = {}
            for d in sorted(self._docs, key=lambda d: (d.doc.source.date, d.doc.source.version)):
                key = d.doc.source.document
                if key not in chosen or chosen[key].doc.source.version != version:
                    chosen[key] = d
            docs = list(chosen.values())
            nodes = {a: (c, d.doc) for d in docs for a, c in d.nodes.items()}
            conditions = {f"{c.prefix} {condition_of(c.number)}" for c, _ in nodes.values()}
            conditions |= {c.prefix for c, _ in nodes.values()}  # a whole document: 'SEC-M'
            edges = [
                e.model_copy(update={"in_corpus": _in_corpus(e.target, nodes, conditions)})
                for d in docs
                for e in d.edges
            ]
            self._views[version] = View(version, docs, nodes, edges)
        return self._views[version]

    def _resolve(self, anchor: str, view: View) -> str:
        """A node anchor for user input ('ESL 39.15(c)' -> 'ESL 39.15'); unknown ones refused."""
        anchor = " ".join(anchor.split())
        node = top_level(anchor)
        if node in view.nodes or any(points_at(e.target, node) for e in view.edges):
            return node
        known = list(view.nodes) + [e.target for e in view.edges]
        raise UnknownAnchorError(anchor, difflib.get_close_matches(anchor, unique(known), n=3))


# --- building one document ------------------------------------------------------------------
def _build_doc(doc: ParsedDocument, stored: list[Reference] | None = None) -> DocGraph:
    """Edges stated by one document version (from stored references when given)."""
    nodes = {c.anchor: c for c in doc.clauses if not c.is_subclause}
    graph = DocGraph(doc=doc, nodes=nodes)
    refs = _document_references(doc, stored)
    graph.edges = _reference_edges(doc, refs) + _definition_edges(doc, graph)
    if doc.source.family == "guidance":
        graph.edges += _quoted_edges(doc, refs)
    graph.edges = _merge(graph.edges)
    return graph


def _document_references(
    doc: ParsedDocument, stored: list[Reference] | None = None
) -> list[tuple[Reference, Clause, Clause]]:
    """References of a document with the numbered clause and the exact clause holding each."""
    out = []
    for ref in document_references(doc) if stored is None else stored:
        node, detail = _owner(doc, ref.start, ref.end, nodes_only=True), _owner(doc, ref.start, ref.end)
        if node and detail:
            out.append((ref, node, detail))
    return out


def _owner(doc: ParsedDocument, start: int, end: int, nodes_only: bool = False) -> Clause | None:
    """Smallest clause (or numbered clause) whose span holds ``start:end``."""
    holders = [
        c for c in doc.clauses if c.start <= start and end <= c.end and not (nodes_only and c.is_subclause)
    ]
    return min(holders, key=lambda c: c.end - c.start, default=None)


def _reference_edges(doc: ParsedDocument, refs: list[tuple[Reference, Clause, Clause]]) -> list[Edge]:
    """Edges for the references; a named subject takes the relation, the stating clause refers."""
    edges = []
    for ref, node, detail in refs:
        target = top_level(ref.target)
        base = _edge(doc, ref, node.anchor, target, detail.anchor)
        if ref.subject and top_level(ref.subject) != target:
            edges.append(base.model_copy(update={"source": top_level(ref.subject), "via": node.anchor}))
            base = base.model_copy(update={"relation": "refers_to"})
        if target != node.anchor:
            edges.append(base)
    return edges


def _edge(doc: ParsedDocument, ref: Reference, source: str, target: str, detail: str) -> Edge:
    """An edge for one reference."""
    return Edge(
        source=source,
        target=target,
        relation=ref.relation,
        text=ref.text,
        start=ref.start,
        end=ref.end,
        doc_id=doc.source.id,
        version=doc.source.version,
        source_detail=detail,
        target_detail=ref.target,
        secondary=ref.secondary,
    )


def _definition_edges(doc: ParsedDocument, graph: DocGraph) -> list[Edge]:
    """Definitions clause -> each clause of the same document using one of its terms."""
    defs = [d for d in doc.definitions if _is_precise_term(d.term)]
    graph.definitions = [(d, f"{d.prefix} {top_level(d.number)}") for d in defs]
    hits: list[tuple[int, int, Definition, str]] = []  # (start, end, definition, node), longest first
    for d, def_node in sorted(graph.definitions, key=lambda x: -len(x[0].term)):
        pattern = re.compile(r"(?<![\w-])" + r"\s+".join(map(re.escape, d.term.split())) + r"(?![\w-])")
        for m in pattern.finditer(doc.text):
            if d.start <= m.start() < d.end or any(m.start() < e and s < m.end() for s, e, *_ in hits):
                continue
            hits.append((m.start(), m.end(), d, def_node))
    edges: dict[tuple[str, str, str], Edge] = {}
    for start, end, d, def_node in sorted(hits, key=lambda h: h[0]):
        user = _owner(doc, start, end, nodes_only=True)
        detail = _owner(doc, start, end)
        if user is None or detail is None or user.anchor == def_node:
            continue
        edges.setdefault(
            (def_node, user.anchor, d.term),
            Edge(
                source=def_node,
                target=user.anchor,
                relation="defines_term_used_in",
                text=d.term,
                start=start,
                end=end,
                doc_id=doc.source.id,
                version=doc.source.version,
                source_detail=d.anchor,
                target_detail=detail.anchor,
                term=d.term,
            ),
        )
    return list(edges.values())


def _licence_wide(doc: ParsedDocument) -> bool:
    """A licence's general glossary ('1.3 In this licence, unless the context otherwise requires:')."""
    holders = {d.number for d in doc.definitions}
    return any(c.number in holders and LICENCE_WIDE_RE.match(c.text) for c in doc.clauses)


def _glossary_edges(glossary: ParsedDocument, doc: ParsedDocument) -> list[Edge]:
    """Licence-wide definitions -> each clause of another document of the licence using one of the
    terms (a term the document defines itself is left to its own definition)."""
    own = {d.term for d in doc.definitions}
    terms = {d.term: d for d in glossary.definitions if _is_precise_term(d.term) and d.term not in own}
    if not terms:
        return []
    pattern = re.compile(
        r"(?<![\w-])(" + "|".join(map(re.escape, sorted(terms, key=len, reverse=True))) + r")(?![\w-])"
    )
    edges: dict[tuple[str, str], Edge] = {}
    for m in pattern.finditer(doc.text):
        user, detail = _owner(doc, m.start(), m.end(), nodes_only=True), _owner(doc, m.start(), m.end())
        if user is None or detail is None:
            continue
        d = terms[m.group(1)]
        edges.setdefault(
            (user.anchor, d.term),
            Edge(
                source=f"{d.prefix} {top_level(d.number)}",
                target=user.anchor,
                relation="defines_term_used_in",
                text=d.term,
                start=m.start(),
                end=m.end(),
                doc_id=doc.source.id,
                version=doc.source.version,
                source_detail=d.anchor,
                target_detail=detail.anchor,
                term=d.term,
            ),
        )
    return list(edges.values())


def _is_precise_term(term: str) -> bool:
    """Multi-word, every word capitalised: 'Relevant Smart Metering System', 'Non-MB Consumer'."""
    words = term.split()
    return len(words) >= 2 and all(TERM_WORD_RE.match(w) for w in words)


def _quoted_edges(doc: ParsedDocument, refs: list[tuple[Reference, Clause, Clause]]) -> list[Edge]:
    """Guidance: the provision being quoted -> instruments named while quoting it."""
    edges: list[Edge] = []
    quoted: list[str] = []
    quoted_at = (-1, "")  # (start of the reference naming the provisions, node)
    for ref, node, _ in refs:
        if ref.instrument == doc.source.prefix:
            continue
        if ref.target != ref.instrument:  # a numbered provision: it is now the one quoted
            if quoted_at != (ref.start, node.anchor):
                quoted, quoted_at = [], (ref.start, node.anchor)
            quoted.append(ref.target)
            continue
        if quoted_at[1] != node.anchor:
            continue
        for provision in quoted:
            if instrument(provision) != ref.instrument:
                edge = _edge(doc, ref, provision, ref.target, node.anchor)
                edges.append(edge.model_copy(update={"via": node.anchor, "secondary": True}))
    return edges


def _merge(edges: list[Edge]) -> list[Edge]:
    """One edge per (source, target, relation, via): the first statement, with a count."""
    merged: dict[tuple[str, str, str, str | None], Edge] = {}
    for e in edges:
        key = (e.source, e.target, e.relation, e.via)
        if key in merged:
            merged[key] = merged[key].model_copy(update={"occurrences": merged[key].occurrences + 1})
        else:
            merged[key] = e
    return list(merged.values())


# --- small helpers --------------------------------------------------------------------------------
def _in_corpus(target: str, nodes: Mapping[str, object], conditions: set[str]) -> bool:
    """A clause of the view, or a condition/part of one ('ESL 39', 'ESL 49 Part A')."""
    if target in nodes or target in conditions:
        return True
    head = target.split(" Part ", 1)[0]
    return head != target and head in conditions


def _dedupe(edges: list[Edge]) -> list[Edge]:
    """Edges without repeats of (source, target, relation, via)."""
    return list({(e.source, e.target, e.relation, e.via): e for e in reversed(edges)}.values())[::-1]
