"""'Which conditions deal with in-home displays?': every condition or document of the latest
versions whose paragraphs state the question's topic, with how many do, each cited to the first
paragraph that states it (a condition whose title names the topic first)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from clausetrace.answer.models import AnswerSentence
from clausetrace.index import ClauseIndex
from clausetrace.models import Clause
from clausetrace.query import Query
from clausetrace.text import content_terms

GENERIC = content_terms(  # words of the request itself, not of its topic
    "which what conditions condition documents document sections section parts part appendices appendix "
    "instruments deal deals dealing cover covers covering mention mentions talk about relate relates "
    "licence licences rules code standard"
)
MAX_UNITS = 8  # units listed at most
GLOSSARY = 5  # a clause holding more definitions than this is a glossary, which mentions every topic


@dataclass(frozen=True)
class Unit:
    """A condition or document that states the topic, with its paragraphs that do."""

    label: str  # 'ESL 40', 'SEC-M'
    title: str
    paragraphs: tuple[Clause, ...]
    titled: bool  # its title names the topic


def topic_variants(query: Query) -> list[frozenset[str]]:
    """The topic's terms as asked and as each thesaurus expansion words it."""
    topic = query.distinctive - GENERIC
    if not topic:
        return []
    return [frozenset(topic), *(frozenset(content_terms(e)) - GENERIC for e in query.expansions)]


def units_listing(query: Query, index: ClauseIndex) -> list[Unit]:
    """For a 'which conditions / documents' question: the units that state its topic, most first."""
    variants = [v for v in topic_variants(query) if v] if query.asks_units else []
    if not variants:
        return []
    glossaries = index.derived("glossaries", _glossaries)  # computed once per index
    units = []
    for doc in index.documents.values():
        paragraphs = [
            c
            for c in doc.clauses
            if not c.is_subclause
            and index.is_latest(c)
            and c.key not in glossaries
            and any(v <= index.terms_of(c.key) for v in variants)
        ]
        if paragraphs:
            titled = any(v <= content_terms(doc.source.title) for v in variants)
            units.append(Unit(doc.source.label, doc.source.title, tuple(paragraphs), titled))
    return sorted(units, key=lambda u: (not u.titled, -len(u.paragraphs)))[:MAX_UNITS]


def units_sentence(units: list[Unit], number: dict[str, int]) -> AnswerSentence:
    """'2 documents deal with it: ESL 40 (condition 40: Provision of an In-Home Display): 12 paragraphs,
    first ESL 40.1; …', cited to each first paragraph."""
    parts = [
        f"{u.label} ({u.title.split(', ', 1)[-1]}): {len(u.paragraphs)} "
        f"paragraph{'s' if len(u.paragraphs) > 1 else ''}, first {u.paragraphs[0].anchor}"
        for u in units
    ]
    noun = "document deals" if len(units) == 1 else "documents deal"
    return AnswerSentence(
        text=f"{len(units)} {noun} with it: " + "; ".join(parts) + ".",
        citations=sorted({number[u.paragraphs[0].key] for u in units}),
        anchors=[u.paragraphs[0].anchor for u in units],
        kind="summary",
    )


def _glossaries(index: ClauseIndex) -> frozenset[str]:
    """Keys of the clauses that hold more than GLOSSARY definitions."""
    held = Counter(f"{d.prefix} {d.number}@{d.version}" for d in index.definitions)
    return frozenset(key for key, n in held.items() if n > GLOSSARY)
