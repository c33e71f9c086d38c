"""The Evaluation page: metrics of the latest eval report against the golden set."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from clausetrace.errors import ClausetraceError
from clausetrace.index import ClauseIndex
from ui.common import APP_DIR, md_escape

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
    for col, (key, label) in zip(
        cards,
        [
            ("recall_at_5", "Recall@5"),
            ("citation_hit_rate", "Citation hit rate"),
            ("refusal_accuracy", "Refusal accuracy"),
            ("latency_ms_p50", "Latency p50 (ms)"),
        ],
        strict=True,
    ):
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
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "failed": failure_order(q)[0] == 0,
                    "id": q.id,
                    "question": q.question,
                    "answerable": q.answerable,
                    "refused": q.refused,
                    "hit rank": q.hit_rank,
                    "cited": ", ".join(q.cited),
                    "retrieved": ", ".join(q.retrieved[:5]),
                    "citation precision": q.citation_precision,
                    "latency ms": round(q.latency_ms),
                }
                for q in rows
            ]
        ),
        hide_index=True,
        width="stretch",
    )
