"""Who owes what in the cited clauses, read from the obligation register, one line per party.

Each duty points at the smallest clause whose text holds the sentence that states it
('ESL 41.10(a)', not all of 41.10). Duties read from guidance are secondary and name the
instrument the guidance quotes ('GSL 42.1, as quoted in SMDA-266 2.3').
"""

from __future__ import annotations

from functools import lru_cache

from clausetrace.answer.models import Citation, Duty
from clausetrace.index import ClauseIndex
from clausetrace.models import Clause, Obligation
from clausetrace.query import Query, acronym_expansions
from clausetrace.register.parties import owed_by
from clausetrace.retrieve import Hit
from clausetrace.text import content_terms

PARTY_INTENTS = ("who", "may", "list")
MATCH_SHARE = 0.5  # share of the question's distinctive terms a duty must state to answer it
SAME_DUTY = 0.5  # term overlap (Jaccard) of two actions that state the same duty


def duties_of(query: Query, citations: list[Citation], index: ClauseIndex) -> list[Duty]:
    """Duties of the cited clauses that match the question (all of them if none does), one per
    (party, action, clause), in citation order; for a list question naming a party, that party's."""
    found: dict[tuple[str, str, str], Duty] = {}
    for citation in citations:
        for obligation in index.obligations_of(citation.key):
            duty = _duty(obligation, citation.n, index)
            found.setdefault((duty.party, duty.action, duty.anchor), duty)
    duties = list(found.values())
    if query.intent == "list" and query.party:  # 'list the DCC's obligations': every one of the DCC's
        owed = [d for d in duties if owed_by(d.party, query.party)]
        if owed:
            return owed
    matching = [d for d in duties if matches(query, d.action)]
    return matching or duties


def matches(query: Query, action: str) -> bool:
    """True when an action states most of the question's distinctive terms (acronyms spelt out)."""
    terms = query.distinctive or query.terms
    return bool(terms) and len(terms & duty_terms(action)) >= MATCH_SHARE * len(terms)


def more_parties(query: Query, hits: list[Hit], cited: set[str], index: ClauseIndex) -> list[Hit]:
    """For who / may / list questions: retrieved clauses not yet cited whose register duties match
    the question and name a party the cited clauses do not; then the clauses anywhere in the
    register that put the same duty on another party (the DCC Licence's 'be a party to the SEC'
    beside the supply licences')."""
    if query.intent not in PARTY_INTENTS:
        return []
    named = {p for key in cited for p in index.parties_of(key)}
    extra = []
    for hit in hits:
        if hit.clause.key in cited:
            continue
        parties = {o.party for o in index.obligations_of(hit.clause.key) if matches(query, o.action)}
        if parties - named:
            extra.append(hit)
            named |= parties
    asked = [
        duty_terms(o.action)
        for key in cited | {h.clause.key for h in extra}
        for o in index.obligations_of(key)
        if matches(query, o.action)
    ]
    for obligation in index.obligations if asked else []:
        key = f"{obligation.anchor}@{obligation.version}"
        clause = index.clauses.get(key)
        if obligation.party in named or clause is None or not index.is_latest(clause):
            continue
        if max(_jaccard(duty_terms(obligation.action), terms) for terms in asked) >= SAME_DUTY:
            extra.append(Hit(clause=clause, score=0.0, via="same-duty"))
            named.add(obligation.party)
    return extra


@lru_cache(maxsize=4096)  # one entry per action of the register and the actions asked about
def duty_terms(action: str) -> frozenset[str]:
    """Content terms of a duty's action, acronyms with their long forms ('SEC' and 'Smart Energy Code')."""
    return frozenset(content_terms(" ".join((action, *acronym_expansions(action)))))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def smallest_clause(obligation: Obligation, index: ClauseIndex) -> Clause | None:
    """The innermost clause of the obligation's document and version holding its sentence start."""
    inside = [
        c
        for c in index.documents[obligation.doc_id].clauses
        if c.start <= obligation.start < c.end
        and (c.anchor == obligation.anchor or c.anchor.startswith(obligation.anchor + "("))
    ]
    return min(inside, key=lambda c: c.end - c.start, default=None)


def _duty(obligation: Obligation, n: int, index: ClauseIndex) -> Duty:
    clause = smallest_clause(obligation, index)
    return Duty(
        party=obligation.party,
        modality=obligation.modality,
        action=obligation.action,
        anchor=clause.anchor if clause else obligation.anchor,
        version=obligation.version,
        citation=n,
        secondary=obligation.secondary,
        quoted_from=obligation.quoted_from,
    )
