"""The Findings page: answers and clauses pinned for drafting, exported as Markdown and Word, and
the traceability matrix as CSV and XLSX. Findings live in session state."""

from __future__ import annotations

from typing import Any

import streamlit as st

from clausetrace.errors import ClausetraceError
from clausetrace.index import ClauseIndex
from ui.common import md_escape, md_lines

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def pinned() -> list[Any]:
    return st.session_state.setdefault("findings", [])


def pin_clause(index: ClauseIndex, anchor: str, version: str | None = None) -> None:
    """Button callback: pin a clause (errors shown on the next run)."""
    from clausetrace.anchors import canonical_anchor
    from clausetrace.review.findings import clause_finding

    try:
        pinned().append(clause_finding(index, canonical_anchor(anchor), version))
    except ClausetraceError as exc:
        st.session_state.findings_error = str(exc)


def pin_answer(index: ClauseIndex) -> None:
    from clausetrace.review.findings import answer_finding

    answer = st.session_state.get("answer")
    if answer is not None and not answer.refused:
        pinned().append(answer_finding(index, answer))


def page_findings(index: ClauseIndex) -> None:
    from clausetrace.review.findings import matrix_csv, matrix_rows, matrix_xlsx, to_docx, to_markdown
    from ui.review import reviewed

    st.title("Findings")
    st.caption(
        "Pin answers and clauses, then export them for drafting: every quote is verbatim and footnoted."
    )
    a, b = st.columns([3, 1])
    a.text_input("Pin a clause", key="pin_anchor", placeholder="e.g. ESL 48.1")
    b.button("Pin clause", on_click=lambda: pin_clause(index, st.session_state.pin_anchor))
    answer = st.session_state.get("answer")
    if answer is not None and not answer.refused:
        st.button(
            f"Pin the last answer: {answer.question[:60]}",
            key="pin_answer",
            on_click=pin_answer,
            args=(index,),
        )
    if error := st.session_state.pop("findings_error", None):
        st.error(md_escape(error))
    findings = pinned()
    for n, finding in enumerate(findings):
        with st.container(border=True):
            st.markdown(f"**{md_escape(finding.title)}**")
            for quote in finding.quotes:
                st.markdown(md_lines(quote.text))
                st.caption(md_escape(quote.note()))
            st.button("Remove", key=f"unpin_{n}", on_click=findings.pop, args=(n,))
    if findings:
        c1, c2 = st.columns(2)
        c1.download_button(
            "Download Markdown",
            to_markdown(findings),
            file_name="findings.md",
            mime="text/markdown",
            on_click="ignore",
        )
        c2.download_button(
            "Download Word", to_docx(findings), file_name="findings.docx", mime=DOCX_MIME, on_click="ignore"
        )
    else:
        st.info("Nothing pinned yet: pin a clause above, or ask a question and pin the answer.")
    st.subheader("Traceability matrix")
    st.caption("Obligation → party → clause → level → quoted in → review status, for the whole register.")
    result = reviewed(index, index.obligations)
    if result is None:
        return
    rows = matrix_rows(result[0])
    m1, m2 = st.columns(2)
    m1.download_button(
        "Download matrix CSV",
        matrix_csv(rows),
        file_name="traceability.csv",
        mime="text/csv",
        on_click="ignore",
    )
    m2.download_button(
        "Download matrix XLSX",
        matrix_xlsx(rows),
        file_name="traceability.xlsx",
        mime=XLSX_MIME,
        on_click="ignore",
    )
