"""Shared by every page: safe text, the cached index, session state, labels, sidebar and footer."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import streamlit as st

from clausetrace.errors import ClausetraceError
from clausetrace.index import ClauseIndex, load_index, read_manifest
from clausetrace.models import IndexManifest, Source
from clausetrace.settings import Settings

APP_DIR = Path(__file__).resolve().parent.parent  # the project folder, where app.py lives

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
    index = load_index(Path(path), model=Settings().model)
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
