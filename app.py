"""clausetrace web app: cited answers, the obligation register, traces, clauses and evaluation.

Presentation only: answers, lookups, the register, the trace graph and version diffs come from the
clausetrace library; the pages in the ui package lay them out and this file routes between them.
Corpus and question text is always escaped before it reaches st.markdown (no raw HTML anywhere).
Run with `make app` or `streamlit run app.py`; the index folder is CLAUSETRACE_INDEX_DIR
(default ./index).
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from clausetrace.errors import ClausetraceError
from clausetrace.index import ClauseIndex
from ui.ask import page_ask
from ui.browse import page_clauses
from ui.common import footer, init_state, md_escape, open_index, sidebar
from ui.evaluation import page_evaluation
from ui.findings import page_findings
from ui.hierarchy import page_hierarchy
from ui.obligations import page_obligations
from ui.trace import page_trace

# ---------------------------------------------------------------- main

PAGE_FUNCTIONS: dict[str, Callable[[ClauseIndex], None]] = {
    "Ask": page_ask,
    "Obligations": page_obligations,
    "Trace": page_trace,
    "Clause browser": page_clauses,
    "Evaluation": page_evaluation,
    "Hierarchy": page_hierarchy,
    "Findings": page_findings,
}


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


if __name__ == "__main__":  # streamlit runs the script as __main__
    main()
