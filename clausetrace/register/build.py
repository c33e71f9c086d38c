"""The obligation register of a corpus: clauses read once, qualifiers linked across clauses.

The decisions that pin extraction and linking are listed in :mod:`clausetrace.register.obligations`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from clausetrace.models import Clause, ParsedDocument
from clausetrace.register.obligations import MODAL_RE, Obligation, extract_obligations, resolve_references
from clausetrace.register.sentences import LEADING_NUMBER_RE, split_sentences

SCOPE_RE = re.compile(
    r"^(?P<subj>(?:The\s+requirements?\s+in\s+)?(?:[Pp]aragraphs?|This\s+paragraph)\b[^;:]*?)"
    r"\s+(?:applies|apply|has\s+effect)\b"
)
SUBJECT_TO_DECL_RE = re.compile(
    r"^The\s+requirements?\s+in\s+(?P<subj>.+?)\s+(?:is|are)\s+subject\s+to\s+(?P<obj>.+)$", re.S
)
THIS_PARAGRAPH_RE = re.compile(r"\bthis paragraph\b", re.I)


@dataclass(frozen=True, slots=True)
class Qualifier:
    """A clause that qualifies other clauses: 'subject_to' or 'scoped_by'."""

    kind: Literal["subject_to", "scoped_by"]
    targets: tuple[str, ...]
    anchors: tuple[str, ...]


def extract_qualifiers(clause: Clause, doc_text: str) -> list[Qualifier]:
    """'The requirement in paragraph X is subject to ...' and 'Paragraphs X to Y apply ...'."""
    text = doc_text[clause.start : clause.end]
    found = []
    for index, (a, b) in enumerate(split_sentences(text)):
        if index == 0 and (number := LEADING_NUMBER_RE.match(text[a:b])):
            a += number.end()
        qualifier = _qualifier(clause, text[a:b])
        if qualifier:
            found.append(qualifier)
    return found


def extraction_units(clauses: Iterable[Clause]) -> list[tuple[Clause, int]]:
    """Numbered clauses to read, each with the end of its own text (before nested numbered ones)."""
    numbered = sorted((c for c in clauses if not c.is_subclause), key=lambda c: (c.start, -c.end))
    units = []
    for i, clause in enumerate(numbered):
        inner = [c.start for c in numbered[i + 1 :] if clause.start < c.start < clause.end]
        units.append((clause, min(inner, default=clause.end)))
    return units


def build_register(docs: Sequence[ParsedDocument]) -> list[Obligation]:
    """Obligations of a corpus, in document order, with cross-clause qualifiers applied."""
    register: list[Obligation] = []
    for doc in docs:
        secondary = doc.source.family == "guidance"
        found: list[Obligation] = []
        qualifiers: list[Qualifier] = []
        for clause, end in extraction_units(doc.clauses):
            unit = _replace_span(clause, end)
            found += extract_obligations(unit, doc.text, secondary=secondary)
            qualifiers += extract_qualifiers(unit, doc.text)
        register += _apply_qualifiers(found, qualifiers)
    return register


# --- qualifiers and register linking --------------------------------------------------------


def _qualifier(clause: Clause, sentence: str) -> Qualifier | None:
    """A qualifier declared by one sentence, if it is one."""
    declared = SUBJECT_TO_DECL_RE.match(sentence)
    if declared:
        targets = resolve_references(declared["subj"], clause.prefix)
        anchors = resolve_references(declared["obj"], clause.prefix)
        return Qualifier("subject_to", tuple(targets), tuple(anchors)) if targets else None
    scope = SCOPE_RE.match(sentence)
    if not scope or re.search(r"\b(?:not|cease|which|it)\b", scope["subj"]) or MODAL_RE.search(scope["subj"]):
        return None
    targets = resolve_references(scope["subj"], clause.prefix)
    if not targets and THIS_PARAGRAPH_RE.fullmatch(scope["subj"].strip()):
        targets = [clause.anchor]
    return Qualifier("scoped_by", tuple(targets), (clause.anchor,)) if targets else None


def _apply_qualifiers(found: list[Obligation], qualifiers: list[Qualifier]) -> list[Obligation]:
    """Copy 'subject to' / 'applies' declarations onto the obligations they target."""
    extra: dict[tuple[str, str], list[str]] = {}
    for q in qualifiers:
        for target in q.targets:
            extra.setdefault((target, q.kind), []).extend(a for a in q.anchors if a != target)
    party_of = {o.anchor: o.party for o in found if o.modality != "exception"}
    linked = []
    for o in found:
        update: dict[str, object] = {
            kind: list(dict.fromkeys([*getattr(o, kind), *extra.get((o.anchor, kind), [])]))
            for kind in ("subject_to", "scoped_by")
        }
        if o.modality == "exception" and not o.party_text and o.exception_to:
            update["party"] = party_of.get(o.exception_to[0], o.party)
        linked.append(o.model_copy(update=update))
    return linked


def _replace_span(clause: Clause, end: int) -> Clause:
    """The clause cut to end at ``end`` (its own text, before nested numbered clauses)."""
    if end == clause.end:
        return clause
    return replace(clause, end=end, text=clause.text[: end - clause.start])
