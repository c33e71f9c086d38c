"""The Clause browser page: one clause with its context, and the Versions tab comparing versions."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import streamlit as st

from clausetrace.errors import UnknownAnchorError
from clausetrace.index import ClauseIndex
from clausetrace.index.lookup import ClauseView, get_clause
from ui.common import chosen_as_of, doc_label, go_to_clause, go_to_trace, md_escape, md_lines
from ui.obligations import register_frame
from ui.trace import anchor_order

# ---------------------------------------------------------------- Clause browser


def page_clauses(index: ClauseIndex) -> None:
    st.title("Clause browser")
    clause_tab, versions_tab = st.tabs(["Clause", "Versions"])
    with clause_tab:
        finder, shown = st.columns([1, 2], gap="large")
        with finder:
            st.text_input(
                "Go to anchor",
                key="clause_query",
                placeholder="e.g. ESL 39.15",
                on_change=lambda: st.session_state.update(clause_version=None),
            )
            browse(index)
        with shown:
            query = st.session_state.get("clause_query", "").strip()
            if query:
                show_clause(index, query, st.session_state.get("clause_version"))
            else:
                st.info("Type an anchor such as ESL 39.15, or pick a clause on the left.")
    with versions_tab:
        page_versions(index)


def browse(index: ClauseIndex) -> None:
    """Document → part/section → clause pickers; picking a clause opens it."""
    docs = sorted(index.documents.values(), key=lambda d: d.source.date, reverse=True)
    docs.sort(key=lambda d: (d.source.prefix, anchor_order(f"x {d.source.condition or ''}")[1]))
    labels = {doc_label(d.source): d for d in docs}
    doc = labels[st.selectbox("Document", list(labels), key="browse_doc")]
    groups = sections(doc)
    if not groups:
        return
    section = st.selectbox("Part or section", list(groups), key=f"browse_section_{doc.source.id}")
    anchors = groups[section]
    st.selectbox(
        "Clause",
        anchors,
        index=None,
        key=f"browse_clause_{doc.source.id}",
        placeholder="Pick a clause",
        on_change=pick_clause,
        args=(f"browse_clause_{doc.source.id}", doc.source.version),
    )


def pick_clause(key: str, version: str) -> None:
    anchor = st.session_state.get(key)
    if anchor:
        go_to_clause(anchor.split(" — ")[0], version)


def sections(doc: Any) -> dict[str, list[str]]:
    """Numbered clauses grouped by the first title level that varies in the document."""
    clauses = [c for c in doc.clauses if not c.is_subclause]
    depth = next((d for d in range(4) if len({_level(c, d) for c in clauses}) > 1), 0)
    groups: dict[str, list[str]] = {}
    current = "(start)"
    for c in clauses:
        current = _level(c, depth) or current
        title = f" — {c.heading}" if c.heading else ""
        groups.setdefault(current, []).append(f"{c.anchor}{title}"[:120])
    return groups


def _level(clause: Any, depth: int) -> str:
    """Title at one level of a clause's title path, without leading numbering ('2 Obligations')."""
    if len(clause.title_path) <= depth:
        return ""
    return re.sub(r"^\d+(\.\d+)*\.?\s+", "", clause.title_path[depth])


def show_clause(index: ClauseIndex, anchor: str, version: str | None) -> None:
    as_of = None if version else chosen_as_of()
    try:
        view = get_clause(index, anchor, version, as_of)
    except UnknownAnchorError as exc:
        hint = f" Did you mean: {', '.join(exc.suggestions)}?" if exc.suggestions else ""
        st.error(f"Unknown clause {md_escape(exc.anchor)}.{md_escape(hint)}")
        for i, s in enumerate(exc.suggestions[:5]):
            st.button(s, key=f"suggest_{i}", on_click=go_to_clause, args=(s.split(" @ ")[0],))
        return
    clause_view(index, view)


def clause_view(index: ClauseIndex, view: ClauseView) -> None:
    st.subheader(view.anchor)
    if view.title_path:
        st.caption(md_escape(" › ".join(view.title_path)))
    latest = "latest indexed" if view.latest else "a newer version is indexed"
    st.markdown(f"{md_escape(view.title)}  \nVersion **{md_escape(view.version)}** ({latest}) · {view.pages}")
    with st.container(border=True):
        st.markdown(md_lines(view.text))
    buttons = st.columns(3)
    if view.url:
        buttons[0].link_button("Official source", view.url, icon=":material/open_in_new:")
    buttons[1].button("Trace this clause", key="trace_clause", on_click=go_to_trace, args=(view.anchor,))
    for v in view.other_versions:
        buttons[2].button(
            f"Show version {v}", key=f"version_{v}", on_click=go_to_clause, args=(view.anchor, v)
        )
    related = [("Part of", [view.parent] if view.parent else []), ("Sub-paragraphs", view.children)]
    for title, anchors in related:
        if anchors:
            st.markdown(f"**{title}**")
            row = st.columns(min(len(anchors), 6))
            for i, a in enumerate(anchors):
                row[i % len(row)].button(
                    a, key=f"rel_{title}_{a}", on_click=go_to_clause, args=(a, view.version)
                )
    show_definitions(index, index.clauses[view.key])
    obligations = index.obligations_of(view.key)
    if obligations:
        st.markdown("**Obligations stated here**")
        st.dataframe(
            register_frame(index, obligations).drop(columns=["document", "version"]),
            hide_index=True,
            width="stretch",
        )


def show_definitions(index: ClauseIndex, clause: Any) -> None:
    """The definitions of the defined terms a clause uses (condition 1's glossary, for instance)."""
    used = index.definitions_used(clause)
    if not used:
        return
    with st.expander(f"Defined terms used here ({len(used)})", icon=":material/menu_book:"):
        for i, d in enumerate(sorted(used, key=lambda d: d.term.lower())):
            left, right = st.columns([5, 1])
            left.markdown(f"**{md_escape(d.term)}** · {md_escape(d.anchor)} · version {md_escape(d.version)}")
            left.caption(md_escape(" ".join(d.text.split())))
            right.button(
                d.anchor, key=f"def_{i}_{d.anchor}", on_click=go_to_clause, args=(d.anchor, d.version)
            )


def version_groups(index: ClauseIndex) -> dict[str, list[Any]]:
    """Documents indexed in several versions, oldest first: {'ESL 39': [doc 2022, doc 2025]}."""
    groups: dict[str, list[Any]] = {}
    for doc in index.documents.values():
        s = doc.source
        groups.setdefault(f"{s.prefix} {s.condition}" if s.condition else s.title, []).append(doc)
    return {k: sorted(v, key=lambda d: d.source.date) for k, v in sorted(groups.items()) if len(v) > 1}


def page_versions(index: ClauseIndex) -> None:
    from clausetrace.trace.diff import diff_versions

    groups = version_groups(index)
    if not groups:
        st.info("Every document is indexed in one version only: nothing to compare.")
        return
    left, middle, right = st.columns([2, 1, 1])
    name = left.selectbox("Document", list(groups), key="diff_doc")
    docs = {d.source.version: d for d in groups[name]}
    labels = list(docs)
    old = middle.selectbox("From version", labels, index=0, key=f"diff_from_{name}")
    new = right.selectbox("To version", labels, index=len(labels) - 1, key=f"diff_to_{name}")
    if old == new:
        st.info("Pick two different versions.")
        return
    report = diff_versions(docs[old].clauses, docs[new].clauses, index.extracted)
    show_diff(index, report, docs[old], docs[new])


def show_diff(index: ClauseIndex, report: Any, old_doc: Any, new_doc: Any) -> None:
    counts = st.columns(5)
    for col, status in zip(counts, ("added", "removed", "changed", "noise_only", "unchanged"), strict=True):
        col.metric(status.replace("_", " ").capitalize(), report.summary.get(status, 0))
    if not report.substantive:
        st.success(
            f"No substantive change to {md_escape(report.document)} between "
            f"{report.from_version} and {report.to_version}."
        )
    new_text = {c.anchor: c.text for c in new_doc.clauses}
    for title, items in (("Added", report.added), ("Removed", report.removed)):
        for item in items:
            with st.expander(f"{title}: {md_escape(item.anchor)}"):
                st.markdown(md_lines(item.new_text or item.old_text or ""))
    for item in report.changed:
        with st.expander(f"Changed: {md_escape(item.anchor)}", expanded=len(report.changed) <= 3):
            if item.summary:
                st.markdown(f"**{md_escape(item.summary)}**")
            st.markdown(word_diff_markdown(new_text.get(item.anchor, ""), item.ops))
            subs = item.subclauses
            for kind in ("added", "removed", "changed"):
                if getattr(subs, kind):
                    st.caption(f"Sub-paragraphs {kind}: {md_escape(', '.join(getattr(subs, kind)))}")
    if report.noise_only:
        st.markdown("**Text-layer noise only** (not real changes: split words, spacing, quote marks)")
        st.dataframe(
            pd.DataFrame(
                [{"clause": i.anchor, "old": n.old, "new": n.new} for i in report.noise_only for n in i.noise]
            ),
            hide_index=True,
            width="stretch",
        )


def word_diff_markdown(new_text: str, ops: list[Any]) -> str:
    """The new text with insertions highlighted and deletions struck through (all escaped)."""
    words = new_text.split()
    out, pos = [], 0
    for op in sorted(ops, key=lambda o: o.new_index):
        out.append(md_escape(" ".join(words[pos : op.new_index])))
        if op.old:
            out.append(f":red[~~{md_escape(op.old)}~~]")
        if op.new:
            out.append(f":green-background[**{md_escape(op.new)}**]")
        pos = op.new_index + len(op.new.split()) if op.new else op.new_index
    out.append(md_escape(" ".join(words[pos:])))
    return " ".join(p for p in out if p)
