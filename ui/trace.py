"""The Trace page: what a clause depends on and what refers to it, as a graph and tables."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import streamlit as st

from clausetrace.errors import UnknownAnchorError
from clausetrace.index import ClauseIndex
from ui.common import LATEST, dot_quote, go_to_clause, md_escape

# ---------------------------------------------------------------- Trace


RELATION_COLOURS = {
    "subject_to": "#1f5fa8",
    "exception_to": "#b3541e",
    "obliges_compliance_with": "#6a3d9a",
    "defines_term_used_in": "#2e7d32",
    "refers_to": "#555555",
}
MAX_GRAPH_EDGES = 60


@st.cache_resource(show_spinner="Reading cross-references…", max_entries=2)
def cached_graph(_index: ClauseIndex, path: str, built_at: str) -> Any:
    """The trace graph of the loaded index (built once per index)."""
    from clausetrace.trace.graph import TraceGraph

    return TraceGraph(_index.documents.values())


def page_trace(index: ClauseIndex) -> None:
    st.title("Trace")
    st.caption(
        "What a clause depends on (conditions it is subject to, exceptions, definitions, "
        "instruments it requires compliance with) and what refers to it."
    )
    graph = cached_graph(index, str(index.path), index.manifest.built_at)
    left, middle, right = st.columns([2, 2, 1])
    with_duties = sorted({o.anchor for o in index.obligations}, key=anchor_order)
    left.selectbox(
        "Clauses with obligations",
        with_duties,
        index=None,
        key="trace_pick",
        placeholder="Pick a clause",
        on_change=lambda: st.session_state.update(trace_anchor=st.session_state.trace_pick),
    )
    middle.text_input("…or type an anchor", key="trace_anchor", placeholder="e.g. ESL 39.1")
    version = right.selectbox("Version", [LATEST, *reversed(graph.versions)], key="trace_version")
    anchor = st.session_state.get("trace_anchor", "").strip()
    if not anchor:
        st.info("Pick or type a clause to trace, e.g. ESL 39.1. Until then: the hierarchy at a glance.")
        from ui.hierarchy import show_hierarchy

        show_hierarchy(index, key="trace_h")
        return
    try:
        pinned = None if version == LATEST else version
        result, impact = graph.trace(anchor, pinned), graph.impact(anchor, pinned)
    except UnknownAnchorError as exc:
        hint = f" Did you mean: {', '.join(exc.suggestions)}?" if exc.suggestions else ""
        st.error(f"Unknown clause {md_escape(exc.anchor)}.{md_escape(hint)}")
        return
    show_trace(index, result, impact)


def anchor_order(anchor: str) -> tuple[str, list[tuple[int, str]]]:
    """Sort 'ESL 39.2' before 'ESL 39.10' and 'ESL 39' before 'ESL 39A'."""
    prefix, _, number = anchor.partition(" ")
    parts = [re.match(r"(\d*)(.*)", p) for p in re.split(r"[.()]", number) if p]
    return prefix, [(int(m[1]) if m[1] else -1, m[2]) for m in parts if m]


def trace_edges(result: Any) -> list[tuple[str, Any]]:
    """(direction, edge) for every distinct edge of a trace, dependencies first."""
    groups = [
        ("depends on", result.depends_on),
        ("refers to", result.refers_to),
        ("referred to by", result.referred_by),
        ("guidance", result.guidance),
        ("term used by", result.terms_used_by),
    ]
    seen, out = set(), []
    for direction, edges in groups:
        for e in edges:
            key = (e.source, e.target, e.relation, e.via)
            if key not in seen:
                seen.add(key)
                out.append((direction, e))
    return out


def show_trace(index: ClauseIndex, result: Any, impact: Any) -> None:
    where = f"version {result.version}" if result.version else "not in the corpus"
    st.subheader(f"{result.anchor} · {where}")
    edges = trace_edges(result)
    counts = st.columns(4)
    counts[0].metric("Depends on", len(result.depends_on))
    counts[1].metric("Refers to", len(result.refers_to))
    counts[2].metric("Referred to by", len(result.referred_by))
    counts[3].metric("Affected by a change", len(impact.items), help="Followed transitively")
    if not edges:
        st.info("No cross-references to or from this clause were found.")
        return
    st.graphviz_chart(
        trace_dot(index, result.anchor, [e for _, e in edges[:MAX_GRAPH_EDGES]]), width="stretch"
    )
    st.caption(
        "Solid boxes are clauses in the corpus; dashed grey ones are instruments or clauses "
        "not in the corpus. Dotted edges are stated by guidance (secondary)."
    )
    if len(edges) > MAX_GRAPH_EDGES:
        st.caption(
            f"The graph shows the first {MAX_GRAPH_EDGES} of {len(edges)} edges; the table lists them all."
        )
    st.markdown("**Edges**")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "direction": d,
                    "from": e.source,
                    "relation": e.relation.replace("_", " "),
                    "to": e.target,
                    "in corpus": e.in_corpus,
                    "as written": e.text,
                    "stated in": e.via or e.source_detail,
                    "guidance": e.secondary,
                }
                for d, e in edges
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    if impact.items:
        st.markdown("**If this clause changes**, these clauses may need a look (nearest first):")
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "clause": i.anchor,
                        "steps away": i.depth,
                        "reached from": i.reached_from,
                        "relation": i.relation.replace("_", " "),
                        "as written": i.text,
                        "in corpus": i.in_corpus,
                        "guidance": i.secondary,
                    }
                    for i in impact.items
                ]
            ),
            hide_index=True,
            width="stretch",
        )
    if result.in_corpus:
        st.button(
            f"Read {result.anchor}",
            key="trace_read",
            on_click=go_to_clause,
            args=(result.anchor, result.version),
        )


def trace_dot(index: ClauseIndex, centre: str, edges: list[Any]) -> str:
    """Graphviz DOT of a trace: clause nodes, dashed grey external nodes, labelled edges."""
    nodes = dict.fromkeys([centre, *(n for e in edges for n in (e.source, e.target))])
    external = {n for n in nodes if not index.has_anchor(n)}
    lines = [
        "digraph trace {",
        "  rankdir=LR; bgcolor=transparent;",
        '  node [shape=box, style="rounded,filled", fillcolor="#f4f6fa", color="#8a99b3", '
        'fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    for node in nodes:
        lines.append(f"  {dot_quote(node)} [{node_style(index, node, node == centre, node in external)}];")
    for e in edges:
        colour = "#9e9e9e" if not e.in_corpus else RELATION_COLOURS.get(e.relation, "#555555")
        style = "dotted" if e.secondary else "dashed" if not e.in_corpus else "solid"
        label = e.relation.replace("_", " ") + (f"\n(via {e.via})" if e.via else "")
        lines.append(
            f"  {dot_quote(e.source)} -> {dot_quote(e.target)} [label={dot_quote(label)}, "
            f'color="{colour}", fontcolor="{colour}", style={style}];'
        )
    lines.append("}")
    return "\n".join(lines)


def node_style(index: ClauseIndex, node: str, centre: bool, external: bool) -> str:
    """DOT attributes of one node: label with the heading, centre highlighted, external dashed."""
    clauses = index.by_anchor.get(node)
    heading = clauses[0].heading if clauses and clauses[0].heading else ""
    label = node + ("\n" + "\n".join(wrap(heading, 26)[:2]) if heading else "")
    if external:
        label = f"{node}\n(not in corpus)"
        return f'label={dot_quote(label)}, style="rounded,dashed", color="#9e9e9e", fontcolor="#757575"'
    if centre:
        return f'label={dot_quote(label)}, fillcolor="#fff3c4", color="#b38600", penwidth=2'
    return f"label={dot_quote(label)}"


def wrap(text: str, width: int) -> list[str]:
    """Words of text in lines of at most width characters."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + len(word) < width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines
