"""Markdown eval report with plots: recall@k curve, recall per document, latency histogram."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from eval.harness import EvalReport, save  # noqa: E402
from eval.metrics import QuestionResult, split_anchor  # noqa: E402

CURVE_K = range(1, 11)


def recall_curve(questions: list[QuestionResult]) -> list[float]:
    """Recall@k for k = 1..10 over answerable questions."""
    ranks = [q.hit_rank for q in questions if q.answerable]
    return [sum(1 for r in ranks if r is not None and r <= k) / max(len(ranks), 1) for k in CURVE_K]


def document_of(question: QuestionResult, golden_anchor: str | None) -> str:
    """'ESL 39' / 'SMDA-266' for grouping, from the first expected anchor."""
    if not golden_anchor:
        return "unanswerable"
    prefix, label = split_anchor(golden_anchor)
    return prefix if prefix != "ESL" else f"ESL {label.split('.')[0]}"


def per_document(report: EvalReport, expected: dict[str, list[str]]) -> dict[str, float]:
    """Recall@5 per document of the expected anchor."""
    groups: dict[str, list[bool]] = defaultdict(list)
    for q in report.questions:
        if q.answerable:
            anchors = expected.get(q.id) or [None]
            groups[document_of(q, anchors[0])].append(q.hit_rank is not None and q.hit_rank <= 5)
    return {doc: sum(hits) / len(hits) for doc, hits in sorted(groups.items())}


def _plot(path: Path, draw: object) -> None:
    figure, axes = plt.subplots(figsize=(6, 3.2), dpi=110)
    draw(axes)  # type: ignore[operator]
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


def write_report(report: EvalReport, folder: Path, expected: dict[str, list[str]]) -> Path:
    """Write report.md, report.json and three PNG plots into folder; returns the Markdown path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    save(report, folder / "report.json")
    curve = recall_curve(report.questions)
    _plot(
        folder / "recall_at_k.png",
        lambda ax: (
            ax.plot(list(CURVE_K), curve, marker="o"),
            ax.set(xlabel="k", ylabel="recall@k", ylim=(0, 1.02), title="Recall@k (answerable)"),
        ),
    )
    docs = per_document(report, expected)
    _plot(
        folder / "recall_per_document.png",
        lambda ax: (
            ax.barh(list(docs), list(docs.values())),
            ax.set(xlabel="recall@5", xlim=(0, 1.02), title="Recall@5 per document"),
        ),
    )
    latencies = [q.latency_ms for q in report.questions]
    _plot(
        folder / "latency.png",
        lambda ax: (
            ax.hist(latencies, bins=20),
            ax.set(xlabel="ms per question", ylabel="questions", title="End-to-end latency"),
        ),
    )
    path = folder / "report.md"
    path.write_text(_markdown(report, docs), encoding="utf-8")
    return path


def _markdown(report: EvalReport, docs: dict[str, float]) -> str:
    lines = [
        f"# clausetrace eval: {report.golden}",
        "",
        f"Mode {report.mode}, k={report.k}, index built {report.index_built_at}.",
        "",
        "| metric | value |",
        "|---|---|",
    ]
    lines += [
        f"| {k} | {v:.3f} |" if isinstance(v, float) else f"| {k} | {v} |" for k, v in report.metrics.items()
    ]
    lines += ["", "## Retrieval by mode", "", "| mode | R@1 | R@5 | R@10 | MRR@10 |", "|---|---|---|---|---|"]
    lines += [
        f"| {m} | {x['recall_at_1']:.3f} | {x['recall_at_5']:.3f} | {x['recall_at_10']:.3f} | "
        f"{x['mrr_at_10']:.3f} |"
        for m, x in report.modes.items()
    ]
    lines += [
        "",
        "![recall@k](recall_at_k.png)",
        "![per document](recall_per_document.png)",
        "![latency](latency.png)",
        "",
        "## Failures first",
        "",
        "| id | question | refused | hit rank | cited |",
        "|---|---|---|---|---|",
    ]
    for q in sorted(report.questions, key=failure_order):
        lines.append(
            f"| {q.id} | {q.question.replace('|', '/')} | {q.refused} | {q.hit_rank} | {', '.join(q.cited)} |"
        )
    return "\n".join(lines) + "\n"


def failure_order(q: QuestionResult) -> tuple[int, str]:
    failed = (q.answerable and (q.refused or not q.flags.citation_hit)) or (
        not q.answerable and not q.refused
    )
    return (0 if failed else 1, q.id)
