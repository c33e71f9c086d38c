"""Questions about change ('what changed in condition 48 since 2022?'), answered from the diff."""

from __future__ import annotations

from clausetrace.answer.cite import citation, notes
from clausetrace.answer.models import Answer, AnswerSentence
from clausetrace.index import ClauseIndex
from clausetrace.index.lookup import clauses_of
from clausetrace.models import Clause
from clausetrace.retrieve import Hit
from clausetrace.trace.diff import ClauseDiff, DiffReport, diff_versions

MAX_LISTED = 4


def change_answer(question: str, document: str, index: ClauseIndex) -> Answer:
    """Cited summary of the oldest-to-latest diff of a document: both versions are cited."""
    versions = index.document_versions(document)
    old, new = versions[0], versions[-1]
    report = diff_versions(clauses_of(index, document, old), clauses_of(index, document, new))
    cited: list[Clause] = []

    def cite(anchors: list[str]) -> list[int]:
        """Citation numbers of each anchor in whichever of the two versions has it."""
        found = [index.get_clause(a, v) for a in anchors for v in (old, new) if v in index.versions(a)]
        cited.extend(c for c in found if c not in cited)
        return [cited.index(c) + 1 for c in found]

    sentences = [_summary(_verdict(report), cite([_first(report)]))]
    for label, items in (
        ("changed wording", report.changed),
        ("was added", report.added),
        ("was removed", report.removed),
    ):
        for item in items[:MAX_LISTED]:
            sentences.append(_summary(f"{item.anchor} {label}{_ops(item)}.", cite([item.anchor])))
    if report.noise_only:
        anchors = [i.anchor for i in report.noise_only[:MAX_LISTED]]
        examples = "; ".join(
            f"'{n.old}' vs '{n.new}'" for i in report.noise_only[:MAX_LISTED] for n in i.noise[:1]
        )
        sentences.append(
            _summary(
                f"{', '.join(anchors)} differ only by PDF text-layer splits ({examples}), not in wording.",
                cite(anchors),
            )
        )
    citations = [citation(n, Hit(clause=c, score=1.0, via="diff"), index) for n, c in enumerate(cited, 1)]
    for sentence in sentences:
        sentence.anchors = list(dict.fromkeys(citations[n - 1].anchor for n in sentence.citations))
    return Answer(
        question=question,
        refused=False,
        sentences=sentences,
        citations=citations,
        notes=notes(citations, index),
    )


def _verdict(report: DiffReport) -> str:
    counts = ", ".join(f"{n} {status.replace('_', ' ')}" for status, n in report.summary.items() if n)
    change = "has substantive changes" if report.substantive else "has no substantive change"
    return (
        f"Comparing {report.document} as of {report.from_version} with {report.to_version} clause by "
        f"clause, it {change} ({counts})."
    )


def _first(report: DiffReport) -> str:
    items = report.changed + report.noise_only
    return items[0].anchor if items else report.unchanged[0]


def _ops(item: ClauseDiff) -> str:
    edits = [f"'{op.old}' -> '{op.new}'" for op in item.ops[:3]]
    return f" ({'; '.join(edits)})" if edits else ""


def _summary(text: str, numbers: list[int]) -> AnswerSentence:
    return AnswerSentence(text=text, citations=sorted(set(numbers)), anchors=[], kind="summary")
