"""Questions about change, answered from the version diff and citing both versions.

- A named document ("How has condition 39 changed since 2019?"): the version of the named year
  (else the oldest) compared with the latest (or the one in force on ``as_of``), each changed
  clause said in words.
- No document named, but a change asked about with a year ("When did the 2020 roll-out deadline
  go?", "Has the duty in 48.1 changed since 2019?"): the clause whose change matches the
  question (its removed words first, then retrieval rank), with the first version that no longer
  has the old wording; an unchanged clause is said to read the same.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from clausetrace.answer.cite import citation, notes
from clausetrace.answer.models import Answer, AnswerSentence
from clausetrace.index import ClauseIndex
from clausetrace.index.lookup import clauses_of
from clausetrace.models import Clause, Source
from clausetrace.query import Query
from clausetrace.query.parse import CHANGE_CUE
from clausetrace.retrieve import Hit
from clausetrace.text import content_terms
from clausetrace.trace.diff import ClauseDiff, DiffReport, diff_versions

MAX_LISTED = 10
REMOVAL_CUE = re.compile(  # 'when did the 2020 deadline go', not 'the meter went in'
    r"\b(?:(?:go|gone|went)\b(?!\s+(?:in|into|ahead|on|through|round|up|out|back|off|wrong)\b)|"
    r"removed?|dropped|deleted|scrapped|replaced|disappear\w*)\b",
    re.I,
)
REMOVED_WEIGHT = 2.0  # a question word found in the words a change removed
RANK_WEIGHT = 2.0  # the clauses retrieved for the question, best first
NAMED_WEIGHT = 3.0  # the question writes the clause's number
MIN_MATCH = 1.0


@dataclass(frozen=True, slots=True)
class Versions:
    """One document compared between two of its versions."""

    document: str
    old: str
    new: str


def change_answer(query: Query, document: str, index: ClauseIndex, as_of: str | None = None) -> Answer:
    """Cited summary of a document's diff from the named year's version to the latest."""
    versions = compared_versions(index, document, query.dates, as_of)
    report = document_diff(index, versions)
    cited: list[Clause] = []
    sentences = [_summary(_verdict(report), cite(index, versions, [_first(report)], cited))]
    for items in (report.changed[:MAX_LISTED], report.added, report.removed):
        for item in items:
            sentences.append(_summary(_said(item), cite(index, versions, [item.anchor], cited)))
    if report.noise_only:
        sentences.append(_noise_sentence(report, index, versions, cited))
    return _answer(query.text, sentences, cited, index)


def is_history_question(query: Query) -> bool:
    """A question about change over time that names a year but no document with versions."""
    changed = [m for m in CHANGE_CUE.finditer(query.text) if not m.group().lower().startswith("differ")]
    cue = changed or REMOVAL_CUE.search(query.text)  # 'does it differ by rollout year' asks no history
    return bool(cue and query.dates and not query.change_document)


def version_asked(query: Query, hits: list[Hit], index: ClauseIndex) -> tuple[str | None, str]:
    """For a question about 'the 2016 licence': (the end of that year to answer as of, '') when the
    document it names, or else one of its top hits, was held in a version dated by then; otherwise
    (None, why not), naming the document it names or its first hit's."""
    if not query.version_year:
        return None, ""
    candidates = _named_sources(query, index) or [index.source_of(h.clause) for h in hits]
    if not candidates:
        return None, ""
    end = f"{query.version_year}-12-31"
    if any(_dates(index, source)[0] <= end for source in candidates):
        return end, ""
    first = candidates[0]
    return None, f"no {query.version_year} version of {first.label} is held; its versions are " + ", ".join(
        _dates(index, first)
    )


def _named_sources(query: Query, index: ClauseIndex) -> list[Source]:
    """The documents of the clauses and conditions a question names."""
    found = []
    for anchor in query.indexed:
        inside = [
            c for c in index.clauses.values() if c.anchor == anchor or c.anchor.startswith(anchor + ".")
        ]
        found += [index.source_of(inside[0])] if inside else []
    return found


def _dates(index: ClauseIndex, source: Source) -> list[str]:
    """Dates of the versions held of a source's document, oldest first."""
    return sorted(d.source.date for d in index.documents.values() if d.source.document == source.document)


def history_answer(query: Query, hits: list[Hit], index: ClauseIndex) -> Answer | None:
    """The change (or the lack of one) of the clause the question is about, in a document retrieved
    for it, or None if none fits."""
    ranked = {hit.clause.anchor: rank for rank, hit in enumerate(hits)}
    retrieved = {index.documents[hit.clause.doc_id].source.document for hit in hits}
    best: tuple[float, str, Versions] | None = None
    for versions in _documents_with_versions(index, query.dates):
        if versions.document not in retrieved:
            continue  # a year alone does not make another condition's change the subject
        report = document_diff(index, versions)
        for anchor, removed, text in _candidates(report, index, versions):
            score = _match(query, removed, text) + (
                RANK_WEIGHT / (1 + ranked[anchor]) if anchor in ranked else 0.0
            )
            if re.search(rf"(?<![\w.]){re.escape(anchor.split()[-1])}(?![\w.])", query.text):
                score += NAMED_WEIGHT  # 'the maintenance standard in 39.15'
            if best is None or score > best[0]:
                best = (score, anchor, versions)
    if best is None or best[0] < MIN_MATCH:
        return None
    return _clause_history(query, best[1], best[2], index)


# --- versions and diffs ----------------------------------------------------------------------


def compared_versions(
    index: ClauseIndex, document: str, dates: tuple[str, ...], as_of: str | None
) -> Versions:
    """The first version dated in the first year named (else the one in force that year, else the
    oldest), compared with the latest (or the one in force on ``as_of``)."""
    held = index.document_versions(document)
    dated = {v: _date(index, document, v) for v in held}
    old = held[0]
    if dates:
        year = dates[0][:4]
        in_year = [v for v in held if dated[v][:4] == year]
        before = [v for v in held if dated[v][:4] < year]
        old = in_year[0] if in_year else before[-1] if before else held[0]
    new = held[-1]
    if as_of:
        in_force = index.in_force(as_of)
        new = next((v for v in reversed(held) if _doc_id(index, document, v) in in_force), new)
    return Versions(document, old, new if new != old else held[-1])


def document_diff(index: ClauseIndex, versions: Versions) -> DiffReport:
    """The diff of one document between two versions, as the text layer had them."""
    old = clauses_of(index, versions.document, versions.old)
    new = clauses_of(index, versions.document, versions.new)
    return diff_versions(old, new, index.extracted)


def _documents_with_versions(index: ClauseIndex, dates: tuple[str, ...]) -> list[Versions]:
    """Every licence condition indexed in several versions, compared from the year named."""
    documents = {
        d.source.document
        for d in index.documents.values()
        if d.source.condition and d.source.family == "licence"
    }
    out = []
    for document in sorted(documents):
        if len(index.document_versions(document)) > 1:
            out.append(compared_versions(index, document, dates, None))
    return out


def _candidates(report: DiffReport, index: ClauseIndex, versions: Versions) -> list[tuple[str, str, str]]:
    """(anchor, words removed, clause text) of the clauses a history question may be about."""
    out = [
        (
            i.anchor,
            " ".join(op.old for op in i.ops),
            f"{i.summary} {index.get_clause(i.anchor, versions.new).text}",
        )
        for i in report.changed
    ]
    out += [(i.anchor, i.old_text or "", i.summary) for i in report.removed]
    for anchor in report.unchanged + [i.anchor for i in report.noise_only]:
        out.append((anchor, "", index.get_clause(anchor, versions.new).text))
    return out


def _match(query: Query, removed: str, text: str) -> float:
    """How well a change matches the question: its years and terms among the words it removed (a
    short edit counts more), then in the clause."""
    removed_terms = content_terms(removed) | set(re.findall(r"\b(?:19|20)[0-9]{2}\b", removed))
    wanted = set(query.distinctive) | {d[:4] for d in query.dates}
    specific = len(wanted & removed_terms) / math.sqrt(max(1, len(removed_terms)))  # a short edit says more
    return REMOVED_WEIGHT * specific + 0.5 * len(wanted & content_terms(text))


def _clause_history(query: Query, anchor: str, versions: Versions, index: ClauseIndex) -> Answer:
    """Sentences on one clause: what changed (and in which version), or that it reads the same."""
    held = [v for v in index.document_versions(versions.document) if v in index.versions(anchor)]
    cited: list[Clause] = []
    new = index.get_clause(anchor, versions.new)
    item = [i for i in document_diff(index, versions).changed if i.anchor == anchor]
    if not item:
        text = f"{anchor} reads the same in the versions of {versions.old} and {versions.new}."
        sentences = [_summary(text, cite(index, versions, [anchor], cited))]
        sentences.append(_quote(new, index, cited))
        return _answer(query.text, sentences, cited, index)
    first = _first_changed(index, anchor, held, versions.old)
    said = item[0].summary.split(": ", 1)[-1]
    text = (
        f"{anchor}: {said}. The version of {first} is the first held with the new wording; "
        f"the version of {versions.old} still had the old one."
    )
    later = Versions(versions.document, versions.old, first)
    sentences = [_summary(text, cite(index, later, [anchor], cited))]
    if first != versions.new:
        sentences.append(
            _summary(f"The latest version held is {versions.new}.", cite(index, versions, [anchor], cited))
        )
    return _answer(query.text, sentences, cited, index)


def _first_changed(index: ClauseIndex, anchor: str, held: list[str], old: str) -> str:
    """The first version after ``old`` whose clause differs from it (not only by noise)."""
    base = index.get_clause(anchor, old)
    for version in held[held.index(old) + 1 :]:
        if diff_versions([base], [index.get_clause(anchor, version)], index.extracted).changed:
            return version
    return held[-1]


# --- sentences and citations -----------------------------------------------------------------


def cite(index: ClauseIndex, versions: Versions, anchors: list[str], cited: list[Clause]) -> list[int]:
    """Citation numbers of each anchor in whichever of the two versions has it."""
    found = [
        index.get_clause(a, v)
        for a in anchors
        for v in (versions.old, versions.new)
        if v in index.versions(a)
    ]
    cited.extend(c for c in found if c not in cited)
    return [cited.index(c) + 1 for c in found]


def _answer(
    question: str, sentences: list[AnswerSentence], cited: list[Clause], index: ClauseIndex
) -> Answer:
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


def _quote(clause: Clause, index: ClauseIndex, cited: list[Clause]) -> AnswerSentence:
    """The clause's first sentence, quoted from its stored text."""
    text = index.documents[clause.doc_id].text
    end = clause.start + len(clause.text.split(". ", 1)[0]) + 1
    end = min(end, clause.end)
    if clause not in cited:
        cited.append(clause)
    return AnswerSentence(
        text=text[clause.start : end],
        citations=[cited.index(clause) + 1],
        anchors=[],
        start=clause.start,
        end=end,
    )


def _verdict(report: DiffReport) -> str:
    counts = ", ".join(f"{n} {status.replace('_', ' ')}" for status, n in report.summary.items() if n)
    change = "has substantive changes" if report.substantive else "has no substantive change"
    return (
        f"Comparing {report.document} as of {report.from_version} with {report.to_version} clause by "
        f"clause, it {change} ({counts})."
    )


def _said(item: ClauseDiff) -> str:
    """'ESL 39.1 changed: the deadline ... .' from the diff's words, or the edits when none."""
    label = {"changed": "changed", "added": "was added", "removed": "was removed"}[item.status]
    if item.summary:
        detail = item.summary.split(": ", 1)[-1] if item.status == "changed" else item.summary
        return f"{item.anchor} {label}: {detail}."
    edits = "; ".join(f"'{op.old}' -> '{op.new}'" for op in item.ops[:3])
    return f"{item.anchor} {label}" + (f" ({edits})." if edits else ".")


def _noise_sentence(
    report: DiffReport, index: ClauseIndex, versions: Versions, cited: list[Clause]
) -> AnswerSentence:
    anchors = [i.anchor for i in report.noise_only[:MAX_LISTED]]
    examples = "; ".join(
        f"'{n.old}' vs '{n.new}'" for i in report.noise_only[:MAX_LISTED] for n in i.noise[:1]
    )
    text = f"{', '.join(anchors)} differ only by PDF text-layer splits ({examples}), not in wording."
    return _summary(text, cite(index, versions, anchors, cited))


def _first(report: DiffReport) -> str:
    items = report.changed + report.added + report.noise_only
    return items[0].anchor if items else report.unchanged[0]


def _summary(text: str, numbers: list[int]) -> AnswerSentence:
    return AnswerSentence(text=text, citations=sorted(set(numbers)), anchors=[], kind="summary")


def _date(index: ClauseIndex, document: str, version: str) -> str:
    return next(
        d.source.date
        for d in index.documents.values()
        if d.source.document == document and d.source.version == version
    )


def _doc_id(index: ClauseIndex, document: str, version: str) -> str:
    return next(
        d.source.id
        for d in index.documents.values()
        if d.source.document == document and d.source.version == version
    )
