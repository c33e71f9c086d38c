"""clausetrace web app: cited answers, the obligation register, traces, clauses and evaluation.

Presentation only: answers, lookups, the register, the trace graph and version diffs come from the
clausetrace library; this file lays them out. Corpus and question text is always escaped before it
reaches st.markdown (no raw HTML anywhere). Run with `make app` or `streamlit run app.py`; the index
folder is CLAUSETRACE_INDEX_DIR (default ./index).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from clausetrace.answer import CANNOT_ANSWER, Answer, Citation, ask
from clausetrace.errors import ClausetraceError, QuestionRejectedError, UnknownAnchorError
from clausetrace.index import ClauseIndex, load_index, read_manifest
from clausetrace.lookup import ClauseView, get_clause, page_label
from clausetrace.models import IndexManifest, Source
from clausetrace.render import answer_markdown
from clausetrace.settings import Settings

APP_DIR = Path(__file__).resolve().parent
EXAMPLES = (
    "Does my supplier have to give me an in-home display?",
    "Who must ensure smart meters comply with the ESME Technical Specification?",
    "What does SLC 48.1 say?",
    "When does the duty to maintain a smart metering system apply?",
)
PAGES = ("Ask", "Obligations", "Trace", "Clause browser", "Evaluation")
SLUGS = {"ask": "Ask", "obligations": "Obligations", "trace": "Trace", "clause": "Clause browser",
         "evaluation": "Evaluation"}  # fmt: skip
ALL = "All"
LATEST = "Latest"
BUILD_COMMANDS = """\
make run            # installs, fetches the documents, builds the index and starts the app

# or, step by step in the project's virtual environment:
clausetrace fetch --mirror ../shared/corpus/raw
clausetrace ingest
streamlit run app.py"""

# ---------------------------------------------------------------- safe text

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=^\"'])")


def md_escape(text: str) -> str:
    """Text shown literally by st.markdown: markdown, HTML, LaTeX and directives are escaped."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def md_lines(text: str) -> str:
    """Escaped multi-line text: blank lines stay paragraphs, single newlines become line breaks."""
    paragraphs = re.split(r"\n\s*\n", text)
    return "\n\n".join("  \n".join(md_escape(line.strip()) for line in p.split("\n")) for p in paragraphs)


def md_marked(text: str) -> str:
    """Escaped text with every line highlighted (the sentence an answer quotes)."""
    pieces = [line.strip() for line in text.split("\n")]
    return "  \n".join(f":orange-background[{md_escape(p)}]" if p else "" for p in pieces)


def highlighted(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Markdown of text with the spans (offsets into text) highlighted; everything escaped."""
    out, pos = [], 0
    for start, end in sorted(spans):
        start, end = max(start, pos), min(end, len(text))
        if start >= end:
            continue
        out += [_edge(md_lines(text[pos:start])), md_marked(text[start:end])]
        pos = end
    out.append(_edge(md_lines(text[pos:])))
    return "".join(out)


def _edge(markdown: str) -> str:
    """Keep a space between a plain piece and a highlighted one."""
    return f"{markdown} " if markdown and not markdown.endswith("\n") else markdown


def dot_quote(text: str) -> str:
    """A double-quoted DOT string (node ids and labels)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


# ---------------------------------------------------------------- index and state


@st.cache_resource(show_spinner="Loading the index (first time only)…", max_entries=2)
def cached_index(path: str, built_at: str) -> ClauseIndex:
    """The shared, read-only index (reloaded when the folder is rebuilt), warmed for retrieval."""
    index = load_index(Path(path))
    _ = (index.vector_index, index.bm25)  # load model, FAISS and BM25 once, before sessions share them
    return index


def open_index() -> ClauseIndex | None:
    """The index, or None after showing how to build it."""
    path = Path(Settings().index_dir)
    try:
        manifest = read_manifest(path)
        return cached_index(str(path.resolve()), manifest.built_at)
    except ClausetraceError as exc:
        st.title("clausetrace")
        st.error(f"No usable index at `{md_escape(str(path))}`: {md_escape(str(exc))}")
        st.markdown("Build the index from the project folder, then reload this page:")
        st.code(BUILD_COMMANDS, language="bash")
        st.caption("The app reads the index folder named by CLAUSETRACE_INDEX_DIR (default ./index).")
        return None


def go_to_clause(anchor: str, version: str | None = None) -> None:
    """Button callback: open a clause in the Clause browser."""
    st.session_state.page = "Clause browser"
    st.session_state.clause_query = anchor
    st.session_state.clause_version = version
    st.session_state.clause_tab_hint = True


def go_to_trace(anchor: str) -> None:
    """Button callback: trace a clause."""
    st.session_state.page = "Trace"
    st.session_state.trace_anchor = anchor


def init_state() -> None:
    """First run of a session: start on the page (and clause) named in the URL, if any."""
    if "page" in st.session_state:
        return
    params = st.query_params
    st.session_state.page = SLUGS.get(params.get("page", ""), "Ask")
    if params.get("anchor"):
        st.session_state.clause_query = params["anchor"]
        st.session_state.trace_anchor = params["anchor"]


# ---------------------------------------------------------------- labels


def doc_label(source: Source) -> str:
    """'ESL 39 · 2025-08-01' or 'SMDA-266 · 1.0'."""
    name = f"{source.prefix} {source.condition}" if source.condition else source.prefix
    return f"{name} · {source.version}"


def short_title(source: Source) -> str:
    """The title without the licence name: 'Smart Metering System – Roll-out, ...'."""
    return source.title.split(": ", 1)[1] if source.condition and ": " in source.title else source.title


def prefixes(index: ClauseIndex) -> list[str]:
    return sorted({d.source.prefix for d in index.documents.values()})


def versions(index: ClauseIndex) -> list[str]:
    return sorted({d.source.version for d in index.documents.values()}, reverse=True)


def parties(index: ClauseIndex) -> list[str]:
    return sorted({o.party for o in index.obligations if o.party})


def chosen(key: str) -> str | None:
    """A sidebar filter's value, None for 'All'/'Latest'."""
    value = st.session_state.get(key)
    return None if value in (None, ALL, LATEST) else value


# ---------------------------------------------------------------- sidebar and footer


def sidebar(index: ClauseIndex) -> str:
    """Navigation and the filters shared by Ask and Obligations; returns the page name."""
    with st.sidebar:
        st.markdown("## clausetrace")
        st.caption("Cited answers from GB smart-metering regulation")
        page = st.radio("Page", PAGES, key="page", label_visibility="collapsed")
        st.divider()
        st.markdown("**Filters** (Ask and Obligations)")
        st.selectbox(
            "Document",
            [ALL, *prefixes(index)],
            key="f_prefix",
            help="Only clauses of this document (citation prefix).",
        )
        st.selectbox(
            "Version",
            [LATEST, *versions(index)],
            key="f_version",
            help="Latest: the newest indexed version of every clause.",
        )
        st.selectbox(
            "Party",
            [ALL, *parties(index)],
            key="f_party",
            help="Only clauses with an obligation owed by this party.",
        )
    st.query_params["page"] = next(s for s, name in SLUGS.items() if name == page)
    return page


def footer(manifest: IndexManifest) -> None:
    """What the answers are drawn from: documents, versions, build time, model."""
    by_prefix: dict[str, set[str]] = {}
    for s in manifest.sources:
        by_prefix.setdefault(s.prefix, set()).add(s.version)
    held = "; ".join(f"{p} {', '.join(sorted(v))}" for p, v in sorted(by_prefix.items()))
    st.divider()
    st.caption(
        f"Index: {manifest.counts.get('documents', len(manifest.sources))} documents "
        f"({md_escape(held)}) · {manifest.counts.get('clauses', 0)} clauses · built "
        f"{md_escape(manifest.built_at)} · model {md_escape(manifest.model)} · "
        f"clausetrace {md_escape(manifest.clausetrace_version)}"
    )


# ---------------------------------------------------------------- Ask


def use_example() -> None:
    """Example pill callback: fill the question box and ask it."""
    example = st.session_state.get("examples")
    if example:
        st.session_state.question = example
        st.session_state.ask_now = True
    st.session_state.examples = None


def page_ask(index: ClauseIndex) -> None:
    st.title("Ask")
    st.caption(
        "Answers quote the indexed licence conditions and guidance word for word; every "
        "sentence cites the clause it comes from. If the documents do not answer, it says so."
    )
    st.pills("Try an example", EXAMPLES, key="examples", on_change=use_example)
    with st.form("ask_form", border=False):
        st.text_area(
            "Your question",
            key="question",
            height=90,
            placeholder="e.g. Must a supplier fix a faulty in-home display?",
        )
        submitted = st.form_submit_button("Ask", type="primary")
    if submitted or st.session_state.pop("ask_now", False):
        run_question(index, st.session_state.get("question", ""))
    if st.session_state.get("ask_error"):
        st.error(f"Question not accepted: {md_escape(st.session_state.ask_error)}.")
    elif st.session_state.get("answer") is not None:
        show_answer(st.session_state.answer, st.session_state.get("answer_filters", ""))


def run_question(index: ClauseIndex, question: str) -> None:
    """Ask the library; keep the answer (or the rejection) in this user's session."""
    prefix, version, party = chosen("f_prefix"), chosen("f_version"), chosen("f_party")
    filters = {"document": prefix, "version": version, "party": party}
    st.session_state.answer, st.session_state.ask_error = None, None
    try:
        with st.spinner("Searching the documents…"):
            st.session_state.answer = ask(
                question, index, Settings(), prefix=prefix, version=version, party=party
            )
    except QuestionRejectedError as exc:
        st.session_state.ask_error = str(exc)
    used = [f"{k} {v}" for k, v in filters.items() if v]
    st.session_state.answer_filters = ", ".join(used)


def show_answer(answer: Answer, filters: str) -> None:
    st.markdown(f"**Question:** {md_escape(answer.question)}")
    if filters:
        st.caption(f"Filters: {md_escape(filters)}")
    if answer.refused:
        show_refusal(answer)
    else:
        if any(s.kind == "quote" for s in answer.sentences):
            show_parties(answer.parties)
        with st.container(border=True):
            anchors = citation_names(answer)
            for s in answer.sentences:
                badges = " ".join(f":blue-badge[{n} · {md_escape(anchors[n])}]" for n in s.citations)
                text = md_escape(" ".join(s.text.split()))
                if s.kind == "summary":  # a version comparison, not a quotation
                    text = f":material/compare_arrows: _{text}_"
                st.markdown(f"{text} {badges}")
        for note in answer.notes:
            st.caption(md_escape(note))
        st.subheader("Sources")
        for c in answer.citations:
            citation_expander(c, quoted_spans(answer, c))
        show_cross_references(answer)
    st.download_button(
        "Download answer (Markdown)",
        answer_markdown(answer),
        file_name="answer.md",
        mime="text/markdown",
        on_click="ignore",
        icon=":material/download:",
    )


def citation_names(answer: Answer) -> dict[int, str]:
    """Badge text per citation number: the anchor, with its version when two versions are cited."""
    counts: dict[str, int] = {}
    for c in answer.citations:
        counts[c.anchor] = counts.get(c.anchor, 0) + 1
    return {c.n: c.anchor + (f" @ {c.version}" if counts[c.anchor] > 1 else "") for c in answer.citations}


def quoted_spans(answer: Answer, c: Citation) -> list[tuple[int, int]]:
    """Spans (relative to the citation's text) of the answer sentences quoting it."""
    return [
        (s.start - c.start, s.end - c.start)
        for s in answer.sentences
        if c.n in s.citations
        and s.start is not None
        and s.end is not None
        and c.start <= s.start
        and s.end <= c.end
    ]


def show_parties(names: list[str]) -> None:
    """Who owes the obligations cited: the first thing a compliance lead looks for."""
    if names:
        badges = " ".join(f":green-badge[{md_escape(p)}]" for p in names)
        st.markdown(f"#### Who must act: {badges}")
    else:
        st.markdown("#### Who must act: :gray-badge[not stated in the cited clauses]")


def show_refusal(answer: Answer) -> None:
    st.warning(
        f"**Not answered.** {CANNOT_ANSWER} Reason: {md_escape(answer.reason)}.", icon=":material/block:"
    )
    if answer.possibly_related:
        st.markdown("**Nearest clauses** (for orientation; they do not answer the question)")
        for c in answer.possibly_related:
            citation_expander(c, [])


def citation_expander(c: Citation, spans: list[tuple[int, int]]) -> None:
    """One cited clause: where it is, its text with the quoted sentence highlighted, the source."""
    flag = " · secondary" if c.secondary else ""
    label = f"[{c.n}] {c.anchor} · {c.heading or c.title.split(', ', 1)[-1]}"[:110]
    with st.expander(f"{md_escape(label)} · version {c.version}{flag}", icon=":material/article:"):
        latest = "" if c.latest else " (a newer version is indexed)"
        st.markdown(
            f"**{md_escape(c.anchor)}** — {md_escape(c.title)}  \nVersion "
            f"{md_escape(c.version)}{latest} · {page_label(c.page_start, c.page_end)}"
        )
        if c.secondary:
            quoted = ", ".join(c.quotes) or "another instrument"
            st.info(
                f"Secondary citation: this is guidance quoting {md_escape(quoted)}. Check the "
                "quoted instrument itself before relying on it.",
                icon=":material/info:",
            )
        with st.container(border=True):
            st.markdown(highlighted(c.text, spans))
        left, right = st.columns(2)
        if c.url:
            left.link_button("Official source", c.url, icon=":material/open_in_new:")
        right.button(
            "Open in Clause browser",
            key=f"open_{c.n}_{c.key}",
            on_click=go_to_clause,
            args=(c.anchor, c.version),
        )


def show_cross_references(answer: Answer) -> None:
    if not answer.cross_references:
        return
    st.subheader("Cross-references")
    st.caption("Clauses and instruments the cited clauses refer to.")
    for i, r in enumerate(answer.cross_references):
        left, right = st.columns([4, 1])
        text = f"{md_escape(r.from_anchor)} → **{md_escape(r.target)}** · {r.relation.replace('_', ' ')}"
        left.markdown(text)
        if r.in_corpus:
            right.button(f"Open {r.target}", key=f"xref_{i}", on_click=go_to_clause, args=(r.target,))
        else:
            right.markdown(":gray-badge[not in corpus]")


# ---------------------------------------------------------------- Obligations


def page_obligations(index: ClauseIndex) -> None:
    from clausetrace.register import filter_register, to_csv

    st.title("Obligations")
    st.caption(
        "Every duty, power and exception found in the indexed documents, with the party "
        "that owes it. Click a column heading to sort; the sidebar filters apply."
    )
    register = filter_register(
        index.obligations, party=chosen("f_party"), prefix=chosen("f_prefix"), version=chosen("f_version")
    )
    left, middle, right = st.columns([2, 2, 1])
    modalities = sorted({o.modality for o in register})
    picked = left.multiselect("Modality", modalities, placeholder="All modalities")
    search = middle.text_input("Search actions", placeholder="e.g. in-home display")
    latest = right.toggle(
        "Latest only", value=chosen("f_version") is None, help="Hide obligations of superseded versions."
    )
    rows = [
        o
        for o in register
        if (not picked or o.modality in picked)
        and (not search or search.lower() in (o.action + " " + o.sentence).lower())
        and (not latest or index.versions(o.anchor)[:1] == [o.version])
    ]
    if not rows:
        st.info("No obligation matches these filters.")
        return
    frame = register_frame(index, rows)
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        column_config={
            "action": st.column_config.TextColumn("action", width="large"),
            "secondary": st.column_config.CheckboxColumn("guidance", help="Read from guidance"),
        },
    )
    st.download_button(
        "Download CSV",
        to_csv(rows),
        file_name="obligations.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
    )
    st.caption(f"{len(rows)} obligations shown of {len(index.obligations)} in the index.")
    by_party, by_doc = st.columns(2)
    with by_party:
        st.markdown("**Per party**")
        st.bar_chart(frame["party"].value_counts().rename("obligations"), horizontal=True)
    with by_doc:
        st.markdown("**Per document**")
        st.bar_chart(frame["document"].value_counts().rename("obligations"), horizontal=True)


def register_frame(index: ClauseIndex, rows: list[Any]) -> pd.DataFrame:
    """The register as a table: party, modality, document, anchor, version, action."""
    return pd.DataFrame([{
        "party": o.party, "modality": o.modality,
        "document": doc_label(index.documents[o.doc_id].source) if o.doc_id in index.documents else o.prefix,
        "anchor": o.anchor, "version": o.version, "action": o.action,
        "conditions": "; ".join(o.conditions), "secondary": o.secondary,
    } for o in rows])  # fmt: skip


# ---------------------------------------------------------------- Trace


RELATION_COLOURS = {
    "subject_to": "#1f5fa8", "exception_to": "#b3541e", "obliges_compliance_with": "#6a3d9a",
    "defines_term_used_in": "#2e7d32", "refers_to": "#555555",
}  # fmt: skip
MAX_GRAPH_EDGES = 60


@st.cache_resource(show_spinner="Reading cross-references…", max_entries=2)
def cached_graph(_index: ClauseIndex, path: str, built_at: str) -> Any:
    """The trace graph of the loaded index (built once per index)."""
    from clausetrace.graph import TraceGraph

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
        st.info("Pick or type a clause to trace, e.g. ESL 39.1.")
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
    groups = [("depends on", result.depends_on), ("refers to", result.refers_to),
              ("referred to by", result.referred_by), ("guidance", result.guidance),
              ("term used by", result.terms_used_by)]  # fmt: skip
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
    st.dataframe(pd.DataFrame([{
        "direction": d, "from": e.source, "relation": e.relation.replace("_", " "), "to": e.target,
        "in corpus": e.in_corpus, "as written": e.text, "stated in": e.via or e.source_detail,
        "guidance": e.secondary,
    } for d, e in edges]), hide_index=True, width="stretch")  # fmt: skip
    if impact.items:
        st.markdown("**If this clause changes**, these clauses may need a look (nearest first):")
        st.dataframe(pd.DataFrame([{
            "clause": i.anchor, "steps away": i.depth, "reached from": i.reached_from,
            "relation": i.relation.replace("_", " "), "as written": i.text, "in corpus": i.in_corpus,
            "guidance": i.secondary,
        } for i in impact.items]), hide_index=True, width="stretch")  # fmt: skip
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
    try:
        view = get_clause(index, anchor, version)
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
    obligations = index.obligations_of(view.key)
    if obligations:
        st.markdown("**Obligations stated here**")
        st.dataframe(
            register_frame(index, obligations).drop(columns=["document", "version"]),
            hide_index=True,
            width="stretch",
        )


def version_groups(index: ClauseIndex) -> dict[str, list[Any]]:
    """Documents indexed in several versions, oldest first: {'ESL 39': [doc 2022, doc 2025]}."""
    groups: dict[str, list[Any]] = {}
    for doc in index.documents.values():
        s = doc.source
        groups.setdefault(f"{s.prefix} {s.condition}" if s.condition else s.title, []).append(doc)
    return {k: sorted(v, key=lambda d: d.source.date) for k, v in sorted(groups.items()) if len(v) > 1}


def page_versions(index: ClauseIndex) -> None:
    from clausetrace.diff import diff_versions

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
    report = diff_versions(docs[old].clauses, docs[new].clauses)
    show_diff(index, report, docs[old], docs[new])


def show_diff(index: ClauseIndex, report: Any, old_doc: Any, new_doc: Any) -> None:
    counts = st.columns(5)
    for col, status in zip(counts, ("added", "removed", "changed", "noise_only", "unchanged"),
                           strict=True):  # fmt: skip
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


# ---------------------------------------------------------------- Evaluation


def report_path() -> Path | None:
    """The eval report to show: CLAUSETRACE_EVAL_REPORT, else eval/reports, else the committed baseline."""
    named = os.environ.get("CLAUSETRACE_EVAL_REPORT")
    if named:
        return Path(named)
    candidates = [APP_DIR / "eval" / "reports" / n for n in ("latest.json", "report.json")]
    return next((p for p in [*candidates, APP_DIR / "eval" / "baseline.json"] if p.exists()), None)


def page_evaluation(index: ClauseIndex) -> None:
    st.title("Evaluation")
    st.caption("How well the service answers a golden set of questions with known answers.")
    path = report_path()
    if path is None or not path.exists():
        st.info("No evaluation report yet. Produce one from the project folder:")
        st.code(
            "clausetrace eval --report eval/reports\n# or save the JSON where the app looks:\n"
            "clausetrace eval --save eval/reports/latest.json",
            language="bash",
        )
        return
    from eval.harness import load_report

    try:
        report = load_report(path)
    except ClausetraceError as exc:
        st.error(md_escape(str(exc)))
        return
    show_report(report, path)


def show_report(report: Any, path: Path) -> None:
    from eval.report import CURVE_K, failure_order, recall_curve

    st.caption(
        f"{md_escape(str(path))} · golden set {md_escape(report.golden)} · mode "
        f"{report.mode} · k={report.k} · index built {md_escape(report.index_built_at)}"
    )
    m = report.metrics
    cards = st.columns(4)
    for col, (key, label) in zip(cards, [("recall_at_5", "Recall@5"), ("citation_hit_rate",
                                 "Citation hit rate"), ("refusal_accuracy", "Refusal accuracy"),
                                 ("latency_ms_p50", "Latency p50 (ms)")], strict=True):  # fmt: skip
        value = m.get(key)
        col.metric(
            label, "—" if value is None else f"{value:.3f}" if key != "latency_ms_p50" else f"{value:.0f}"
        )
    metrics_col, chart_col = st.columns(2)
    metrics_col.dataframe(
        pd.DataFrame({"metric": list(m), "value": [float(v) for v in m.values()]}),
        hide_index=True,
        width="stretch",
    )
    curve = pd.DataFrame({"k": list(CURVE_K), "recall@k": recall_curve(report.questions)})
    with chart_col:
        st.markdown("**Recall@k** (answerable questions)")
        st.line_chart(curve, x="k", y="recall@k")
    if report.modes:
        st.markdown("**Retrieval by mode**")
        st.dataframe(pd.DataFrame(report.modes).T, width="stretch")
    st.markdown("**Per question** (failures first)")
    rows = sorted(report.questions, key=failure_order)
    st.dataframe(pd.DataFrame([{
        "failed": failure_order(q)[0] == 0, "id": q.id, "question": q.question,
        "answerable": q.answerable, "refused": q.refused, "hit rank": q.hit_rank,
        "cited": ", ".join(q.cited), "retrieved": ", ".join(q.retrieved[:5]),
        "citation precision": q.citation_precision, "latency ms": round(q.latency_ms),
    } for q in rows]), hide_index=True, width="stretch")  # fmt: skip


# ---------------------------------------------------------------- main

PAGE_FUNCTIONS: dict[str, Callable[[ClauseIndex], None]] = {
    "Ask": page_ask, "Obligations": page_obligations, "Trace": page_trace,
    "Clause browser": page_clauses, "Evaluation": page_evaluation,
}  # fmt: skip


def main() -> None:
    st.set_page_config(page_title="clausetrace", page_icon=":material/gavel:", layout="wide")
    index = open_index()
    if index is None:
        return
    init_state()
    page = sidebar(index)
    try:
        PAGE_FUNCTIONS[page](index)
    except ClausetraceError as exc:
        st.error(md_escape(str(exc)))
    footer(index.manifest)


if __name__ == "__main__":  # streamlit runs the script as __main__; tests import the helpers
    main()
