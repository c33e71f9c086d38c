"""Clause-level diff between two versions of a document, with PDF text-layer noise kept apart.

Clauses are matched by number and reported per numbered clause (a sub-clause's change shows in
its clause, with the sub-clause named). Two texts that are equal once whitespace and quote marks
are removed differ only by text-layer artefacts ("und er" / "under", "Non -MB" / "Non-MB") and are
``noise_only``. Word diffs of changed clauses are computed the same way, so a split word next to a
real change does not show as a change. Clauses are compared as the text layer had them
(``text_of``, e.g. :meth:`ParsedDocument.extracted`), so a split word that cleaning joined in one
version still shows as noise. Each changed clause is also said in words (``summary``, see
:mod:`clausetrace.trace.wording`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import accumulate
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from clausetrace.models import Clause, ParsedDocument
from clausetrace.trace.numbers import condition_of, top_level
from clausetrace.trace.wording import describe_change

QUOTES_RE = re.compile(r"[\"'`‘’“”„‟′″]")
WHITESPACE_RE = re.compile(r"\s+")
Op = Literal["replace", "insert", "delete"]
Status = Literal["added", "removed", "changed", "unchanged", "noise_only"]
TextOf = Callable[[Clause], str]
ADDED_PREVIEW_WORDS = 12


class WordOp(BaseModel):
    """One word-level edit: the old words and the new words at that place."""

    model_config = ConfigDict(extra="forbid")

    op: Op
    old: str = Field(description="Old words ('' for an insertion)")
    new: str = Field(description="New words ('' for a deletion)")
    old_index: int = Field(description="Index of the first old word")
    new_index: int = Field(description="Index of the first new word")

    def span(self) -> tuple[int, int, int, int]:
        """(first old word, past the last old word, first new word, past the last new word)."""
        return (
            self.old_index,
            self.old_index + len(self.old.split()),
            self.new_index,
            self.new_index + len(self.new.split()),
        )


class NoiseSnippet(BaseModel):
    """A place where the texts differ only by whitespace or quote marks."""

    model_config = ConfigDict(extra="forbid")

    old: str
    new: str


class SubclauseDetail(BaseModel):
    """Which sub-clauses of a changed clause were added, removed or changed."""

    model_config = ConfigDict(extra="forbid")

    added: list[str] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)
    changed: list[str] = Field(default_factory=list)


class ClauseDiff(BaseModel):
    """What happened to one numbered clause."""

    model_config = ConfigDict(extra="forbid")

    anchor: str
    status: Status
    ops: list[WordOp] = Field(default_factory=list, description="Word edits (changed clauses)")
    noise: list[NoiseSnippet] = Field(default_factory=list, description="Text-layer differences")
    subclauses: SubclauseDetail = Field(default_factory=SubclauseDetail)
    summary: str = Field(default="", description='The change in words, e.g. "39.23 was added"')
    old_text: str | None = None
    new_text: str | None = None


class DiffReport(BaseModel):
    """Differences between two versions of one document, clause by clause."""

    model_config = ConfigDict(extra="forbid")

    document: str = Field(description="Document compared, e.g. 'ESL 48'")
    from_version: str | None
    to_version: str | None
    added: list[ClauseDiff]
    removed: list[ClauseDiff]
    changed: list[ClauseDiff]
    unchanged: list[str]
    noise_only: list[ClauseDiff] = Field(description="Clauses differing only by text-layer noise")
    summary: dict[str, int] = Field(description="Count per status")
    substantive: bool = Field(description="Any clause added, removed or changed")


def diff_versions(old: Sequence[Clause], new: Sequence[Clause], text_of: TextOf | None = None) -> DiffReport:
    """Compare two versions' clauses by number; classify each numbered clause.

    ``text_of`` gives the text compared (default: the clause text); pass the text as extracted
    so that split words joined at cleaning count as noise.
    """
    text_of = text_of or _clause_text
    old_top, new_top = _numbered(old), _numbered(new)
    items = [
        _compare(number, old_top.get(number), new_top.get(number), (old, new), text_of)
        for number in _union(new_top, old_top)
    ]
    by_status: dict[str, list[ClauseDiff]] = {s: [] for s in Status.__args__}  # type: ignore[attr-defined]
    for item in items:
        by_status[item.status].append(item)
    return DiffReport(
        document=_document_name(old, new),
        from_version=old[0].version if old else None,
        to_version=new[0].version if new else None,
        added=by_status["added"],
        removed=by_status["removed"],
        changed=by_status["changed"],
        unchanged=[i.anchor for i in by_status["unchanged"]],
        noise_only=by_status["noise_only"],
        summary={status: len(found) for status, found in by_status.items()},
        substantive=any(by_status[s] for s in ("added", "removed", "changed")),
    )


def diff_documents(old: ParsedDocument, new: ParsedDocument) -> DiffReport:
    """Compare two parsed versions of one document as their text layers had them."""
    docs = {old.source.id: old, new.source.id: new}
    return diff_versions(old.clauses, new.clauses, lambda c: docs[c.doc_id].extracted(c.start, c.end))


def noise_key(text: str) -> str:
    """Text with whitespace and quote marks removed: equal keys differ only by noise."""
    return WHITESPACE_RE.sub("", QUOTES_RE.sub("", text))


def classify(old_text: str | None, new_text: str | None) -> Status:
    """Status of one pair of texts (None = absent)."""
    if old_text is None:
        return "added"
    if new_text is None:
        return "removed"
    if old_text == new_text:
        return "unchanged"
    return "noise_only" if noise_key(old_text) == noise_key(new_text) else "changed"


def word_diff(old_text: str, new_text: str) -> tuple[list[WordOp], list[NoiseSnippet]]:
    """Word edits between two texts, with text-layer noise separated out."""
    a, b = old_text.split(), new_text.split()
    ka, kb = [noise_key(w) for w in a], [noise_key(w) for w in b]
    ops: list[WordOp] = []
    noise: list[NoiseSnippet] = []
    matcher = difflib.SequenceMatcher(None, ka, kb, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            noise += [NoiseSnippet(old=x, new=y) for x, y in zip(a[i1:i2], b[j1:j2], strict=True) if x != y]
            continue
        if "".join(ka[i1:i2]) == "".join(kb[j1:j2]):  # e.g. a stray quote mark on its own
            noise.append(NoiseSnippet(old=" ".join(a[i1:i2]), new=" ".join(b[j1:j2])))
            continue
        i1, i2, j1, j2, trimmed = _trim_noise(ka, kb, i1, i2, j1, j2)
        noise += [NoiseSnippet(old=" ".join(a[s:e]), new=" ".join(b[t:u])) for s, e, t, u in trimmed]
        if i1 < i2 or j1 < j2:
            op: Op = "replace" if i1 < i2 and j1 < j2 else "delete" if i1 < i2 else "insert"
            ops.append(
                WordOp(op=op, old=" ".join(a[i1:i2]), new=" ".join(b[j1:j2]), old_index=i1, new_index=j1)
            )
    return ops, noise


def _trim_noise(
    ka: list[str], kb: list[str], i1: int, i2: int, j1: int, j2: int
) -> tuple[int, int, int, int, list[tuple[int, int, int, int]]]:
    """Shrink an edit block by leading/trailing words that match once joined ('und er'/'under')."""
    trimmed = []
    cut = _shared_edge(ka[i1:i2], kb[j1:j2])
    if cut:
        trimmed.append((i1, i1 + cut[0], j1, j1 + cut[1]))
        i1, j1 = i1 + cut[0], j1 + cut[1]
    cut = _shared_edge(ka[i1:i2][::-1], kb[j1:j2][::-1])
    if cut:
        trimmed.append((i2 - cut[0], i2, j2 - cut[1], j2))
        i2, j2 = i2 - cut[0], j2 - cut[1]
    return i1, i2, j1, j2, trimmed


def _shared_edge(a: list[str], b: list[str]) -> tuple[int, int] | None:
    """Longest (n, m) such that a[:n] and b[:m] join to the same characters."""
    ends_a = {length: n for n, length in enumerate(accumulate(map(len, a)), 1)}
    best = None
    for m, length in enumerate(accumulate(map(len, b)), 1):
        n = ends_a.get(length)
        if n is not None and "".join(a[:n]) == "".join(b[:m]):
            best = (n, m)
    return best


def _compare(
    number: str,
    old: Clause | None,
    new: Clause | None,
    versions: tuple[Sequence[Clause], Sequence[Clause]],
    text_of: TextOf,
) -> ClauseDiff:
    """The diff entry of one numbered clause."""
    clause = new or old
    assert clause is not None
    old_text, new_text = (text_of(c) if c else None for c in (old, new))
    status = classify(old_text, new_text)
    item = ClauseDiff(anchor=f"{clause.prefix} {number}", status=status)
    if status in ("added", "removed"):
        text = " ".join((new_text or old_text or "").split()[:ADDED_PREVIEW_WORDS])
        summary = f"{number} was {status} ('{text}…')"
        return item.model_copy(update={"old_text": old_text, "new_text": new_text, "summary": summary})
    if status == "unchanged" or old_text is None or new_text is None:
        return item
    ops, noise = word_diff(old_text, new_text)
    if status != "changed":
        return item.model_copy(update={"ops": ops, "noise": noise})
    detail = _subclause_detail(number, *versions, text_of)
    added = {c.number: text_of(c) for c in versions[1] if c.number in detail.added}
    said = describe_change(
        old_text.split(), new_text.split(), [op.span() for op in ops], detail.model_dump(), added
    )
    summary = f"{number}: {said}" if said else ""
    return item.model_copy(update={"ops": ops, "noise": noise, "subclauses": detail, "summary": summary})


def _clause_text(clause: Clause) -> str:
    return clause.text


def _subclause_detail(
    number: str, old: Sequence[Clause], new: Sequence[Clause], text_of: TextOf
) -> SubclauseDetail:
    """Sub-clauses of ``number`` added, removed or changed (noise ignored)."""
    before = {c.number: text_of(c) for c in old if c.is_subclause and top_level(c.number) == number}
    after = {c.number: text_of(c) for c in new if c.is_subclause and top_level(c.number) == number}
    detail = SubclauseDetail()
    for sub in _union(after, before):
        status = classify(before.get(sub), after.get(sub))
        if status in ("added", "removed", "changed"):
            getattr(detail, status).append(sub)
    return detail


def _numbered(clauses: Iterable[Clause]) -> dict[str, Clause]:
    """Numbered (top-level) clauses by number, in document order."""
    return {c.number: c for c in clauses if not c.is_subclause}


def _union(first: Mapping[str, object], second: Mapping[str, object]) -> list[str]:
    """Keys of ``first`` in order, then those only in ``second``."""
    return list(first) + [k for k in second if k not in first]


def _document_name(old: Sequence[Clause], new: Sequence[Clause]) -> str:
    """'ESL 48' for licence conditions; the prefix for other documents."""
    clauses = list(new) or list(old)
    if not clauses:
        return ""
    conditions = {condition_of(c.number) for c in clauses}
    prefix = clauses[0].prefix
    return f"{prefix} {conditions.pop()}" if len(conditions) == 1 else prefix
