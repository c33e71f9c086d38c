"""The Hierarchy page (and the Trace page's default view): levels, instruments, duties, links."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from clausetrace.index import ClauseIndex
from clausetrace.settings import Settings
from ui.common import ALL, LATEST, dot_quote, go_to_clause, md_escape, parties

LEVEL_COLOURS = {
    "licences": "#e8f0fb",
    "sec": "#eef7ee",
    "specs": "#fdf3e6",
    "gbcs": "#f3eefa",
    "guidance": "#f5f5f5",
}


@st.cache_resource(show_spinner=False, max_entries=2)
def catalogue(path: str) -> list[Any]:
    from ingest.sources import load_catalogue

    return load_catalogue(Settings().sources_file)


@st.cache_resource(show_spinner="Reading cross-references…", max_entries=2)
def hierarchy_graph(_index: ClauseIndex, path: str, built_at: str) -> Any:
    """The trace graph of the loaded index, from the references stored at ingest (built once)."""
    from clausetrace.trace.graph import TraceGraph

    return TraceGraph(_index.documents.values(), _index.references)


def page_hierarchy(index: ClauseIndex) -> None:
    st.title("Hierarchy")
    show_hierarchy(index, key="h")


def show_hierarchy(index: ClauseIndex, key: str = "h") -> None:
    """Picture first, then per level its instruments, duties per party, delivers and impacted."""
    from clausetrace.review.hierarchy import build_hierarchy

    graph = hierarchy_graph(index, str(index.path), index.manifest.built_at)
    st.caption(
        "Licences → SEC main body → technical specifications → GBCS, with guidance beside them. "
        "Boxes are instruments; arrows are the provisions that carry an obligation down a level."
    )
    left, right = st.columns(2)
    party = left.selectbox("Party", [ALL, *parties(index)], key=f"{key}_party")
    version = right.selectbox("Version", [LATEST, *reversed(graph.versions)], key=f"{key}_version")
    h = build_hierarchy(
        index,
        graph,
        catalogue(str(Settings().sources_file)),
        party=None if party == ALL else party,
        version=None if version == LATEST else version,
    )
    st.graphviz_chart(hierarchy_dot(h), width="stretch")
    for level in [*h.levels, h.guidance]:
        show_level(level, key)
    if h.links:
        st.subheader("Links down a level")
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "from": k.source,
                        "to": k.target,
                        "relation": k.relation.replace("_", " "),
                        "as written": k.text,
                        "stated in": k.via or k.source,
                        "secondary": k.secondary,
                    }
                    for k in h.links
                ]
            ),
            hide_index=True,
            width="stretch",
        )
        openable = sorted({k.source if k.in_corpus else (k.via or k.source) for k in h.links})
        pick = st.selectbox("Open a linking clause", openable, key=f"{key}_link")
        st.button("Open in the Clause browser", key=f"{key}_link_go", on_click=go_to_clause, args=(pick,))


def show_level(level: Any, key: str) -> None:
    st.subheader(f"{level.title} · {level.obligations} obligations")
    columns = st.columns(max(len(level.instruments), 1))
    for column, inst in zip(columns, level.instruments, strict=False):
        with column:
            where = f"in corpus ({', '.join(inst.versions)})" if inst.in_corpus else "not in corpus"
            st.markdown(f"**{md_escape(inst.prefix)}** · {md_escape(where)}")
            st.caption(md_escape(inst.title))
            target = inst.first_clause or (inst.quoted_in[0] if inst.quoted_in else None)
            if target:
                label = f"Open {inst.prefix}" if inst.first_clause else f"Quoted in {target}"
                st.button(
                    label, key=f"{key}_{level.key}_{inst.prefix}", on_click=go_to_clause, args=(target,)
                )
    if level.parties:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "party": p.party,
                        "in corpus": ", ".join(p.primary),
                        "only quoted by guidance": ", ".join(p.secondary),
                    }
                    for p in level.parties
                ]
            ),
            hide_index=True,
            width="stretch",
        )
    if level.delivers or level.impacted:
        a, b = st.columns(2)
        a.markdown(
            "**Who delivers (SMDA-266 4)**  \n" + "  \n".join(f"· {md_escape(c)}" for c in level.delivers)
        )
        b.markdown("**Who is impacted**  \n" + "  \n".join(f"· {md_escape(c)}" for c in level.impacted))


def hierarchy_dot(h: Any) -> str:
    """DOT: one cluster per level, instrument boxes, aggregated link edges, guidance beside."""
    lines = [
        "digraph hierarchy {",
        "  rankdir=TB; bgcolor=transparent; compound=true; newrank=true;",
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    for level in [*h.levels, h.guidance]:
        lines.append(
            f"  subgraph cluster_{level.key} {{ label={dot_quote(level.title)}; "
            f'style="rounded,filled"; fillcolor="{LEVEL_COLOURS[level.key]}"; color="#b0b8c8";'
        )
        for inst in level.instruments:
            count = sum(
                1 for p in level.parties for a in p.primary + p.secondary if a.startswith(inst.prefix + " ")
            )
            where = "in corpus" if inst.in_corpus else "not in corpus"
            label = f"{inst.prefix}\n{where}\n{count} obligations"
            style = "" if inst.in_corpus else ', style="rounded,dashed,filled", fillcolor="#ffffff"'
            lines.append(f"    {dot_quote(inst.prefix)} [label={dot_quote(label)}{style}];")
        lines.append("  }")
    pairs: dict[tuple[str, str], list[str]] = {}
    for k in h.links:
        pairs.setdefault((k.source.split(" ")[0], k.target.split(" ")[0]), []).append(k.source)
    for (a, b), sources in pairs.items():
        names = ", ".join(dict.fromkeys(sources))
        label = names if len(names) < 40 else names[:37] + "…"
        lines.append(f'  {dot_quote(a)} -> {dot_quote(b)} [label={dot_quote(label)}, color="#6a3d9a"];')
    quoted = sorted({i.prefix for lv in h.levels for i in lv.instruments if i.quoted_in})
    for prefix in quoted:
        lines.append(
            f'  "SMDA-266" -> {dot_quote(prefix)} [style=dotted, color="#9e9e9e", arrowhead=none, '
            'constraint=false, label="quotes", fontcolor="#9e9e9e"];'
        )
    lines.append("}")
    return "\n".join(lines)
