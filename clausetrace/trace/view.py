"""The graph in view: each document version's edges, the versions in view, and anchor arithmetic.

:class:`DocGraph` is what :mod:`clausetrace.graph` builds from one document version; :class:`View`
is one version of each document with its edges, which the queries in :mod:`clausetrace.graph` and
the walks in :mod:`clausetrace.graph_walk` read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from clausetrace.models import Clause, Definition, ParsedDocument
from clausetrace.trace.models import Edge


@dataclass(slots=True)
class DocGraph:
    """Edges and definition spans of one document version."""

    doc: ParsedDocument
    nodes: dict[str, Clause]
    edges: list[Edge] = field(default_factory=list)
    definitions: list[tuple[Definition, str]] = field(default_factory=list)  # (def, node)


@dataclass(slots=True)
class View:
    """The documents in view (one version each) and their edges with ``in_corpus`` set."""

    version: str | None
    docs: list[DocGraph]
    nodes: dict[str, tuple[Clause, ParsedDocument]]
    edges: list[Edge]


# --- anchors --------------------------------------------------------------------------------------
def points_at(target: str, node: str) -> bool:
    """Whether an edge target is ``node`` or lies inside it ('SEC F4.3' inside 'SEC')."""
    return target == node or within(target, node)


def within(anchor: str, container: str) -> bool:
    """'SEC F4.3' is within 'SEC' and 'SEC F4'; 'ESL 39.1(a)' and 'ESL 39 Part A' within 'ESL 39'."""
    if anchor == container:
        return True
    if " " not in container:
        return anchor.startswith(container + " ")
    return anchor.startswith((container + ".", container + "(", container + " Part "))


def instrument(anchor: str) -> str:
    """Instrument part of an anchor: 'SEC F4.3' -> 'SEC', 'Gas Act 1986 s.7' -> 'Gas Act 1986'."""
    known = anchor.split(" ", 1)[0]
    if re.search(r"\bAct \d{4}", anchor):
        return re.sub(r" s\..*$", "", anchor)
    if anchor.endswith("Licence") or " Licence " in anchor:
        return anchor.split(" Licence", 1)[0] + " Licence"
    return known


def unique(items: Iterable[str]) -> list[str]:
    """Items in first-seen order without repeats."""
    return list(dict.fromkeys(items))
