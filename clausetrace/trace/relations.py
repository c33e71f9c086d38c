"""How a reference relates its clause to the target ('subject to', 'does not apply', 'comply with'),
and the subject of a 'subject to' reference, read from the words around it."""

from __future__ import annotations

import re

from clausetrace.models import Reference, Relation
from clausetrace.trace.grammar import (
    CARVE_OUT_RE,
    COMPLY_RE,
    CONTEXT_CHARS,
    HEDGED_RE,
    MAX_GAP,
    MODAL_RE,
    NOT_APPLY_RE,
    SENTENCE_END_RE,
    SUBJECT_LEAD_RE,
    SUBJECT_TO_RE,
)


def read_relation(doc_text: str, start: int, end: int) -> Relation:
    """Read the relation from the words just before and after a reference."""
    sentence_start = _sentence_start(doc_text, start)
    before = doc_text[sentence_start:start]
    after = doc_text[end : end + 120]
    if SUBJECT_TO_RE.search(before):
        return "subject_to"
    if NOT_APPLY_RE.match(after):
        return "exception_to"
    phrases = list(COMPLY_RE.finditer(before))
    if phrases and _imposes_compliance(before, phrases[-1]):
        return "obliges_compliance_with"
    return "refers_to"


def _imposes_compliance(before: str, phrase: re.Match[str]) -> bool:
    """'must ... comply with [the] X': a duty (or definition) governs the phrase, nothing hedges it."""
    gap = before[phrase.end() :]
    lead = before[: phrase.start()]
    return (
        len(gap) <= MAX_GAP
        and ";" not in gap
        and not CARVE_OUT_RE.search(gap)
        and not HEDGED_RE.search(lead)
        and MODAL_RE.search(lead) is not None
    )


def _sentence_start(doc_text: str, pos: int) -> int:
    """Offset where the sentence holding ``pos`` begins (bounded look-back)."""
    window_start = max(0, pos - CONTEXT_CHARS)
    ends = list(SENTENCE_END_RE.finditer(doc_text, window_start, pos))
    return ends[-1].end() if ends else window_start


def with_subjects(refs: list[Reference], doc_text: str) -> list[Reference]:
    """Fill ``subject`` of 'subject_to' refs from 'The requirement in paragraph X is subject to'."""
    out = []
    for i, ref in enumerate(refs):
        if ref.relation == "subject_to":
            subject = _named_subject(refs[:i], ref, doc_text)
            ref = ref.model_copy(update={"subject": subject}) if subject else ref
        out.append(ref)
    return out


def _named_subject(earlier: list[Reference], ref: Reference, doc_text: str) -> str | None:
    """Target of the reference just before ``ref`` in its sentence, if led by 'requirement in'."""
    sentence_start = _sentence_start(doc_text, ref.start)
    for prev in reversed(earlier):
        if prev.start == ref.start:
            continue  # another item of the same list
        if prev.start < sentence_start:
            return None
        lead = doc_text[max(0, prev.start - 30) : prev.start]
        return prev.target if SUBJECT_LEAD_RE.search(lead) else None
    return None
