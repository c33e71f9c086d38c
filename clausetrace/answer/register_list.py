"""'List the DCC's obligations': every duty the obligation register holds for the party a list
question names, across every document and level of the hierarchy (latest versions), each cited, with
a count per document; narrowed to the question's topic when it names one ('the DCC's obligations on
certificate requests')."""

from __future__ import annotations

from collections import Counter

from clausetrace.answer.duties import duty_terms
from clausetrace.index import ClauseIndex
from clausetrace.models import Obligation
from clausetrace.query import Query
from clausetrace.register.parties import owed_by
from clausetrace.text import content_terms

GENERIC = content_terms(  # words of the request itself, not of its topic
    "list all every give show tell obligations obligation duties duty responsibilities responsibility "
    "requirements requirement things have has does what are main key own"
)
TOPIC_SHARE = 0.5  # of the question's topic terms a duty's action must state


def register_duties(query: Query, index: ClauseIndex) -> list[Obligation]:
    """For a list question naming a party: that party's duties in the latest version of every
    document, in register order (on the question's topic, when it has one)."""
    if query.intent != "list" or not query.party:
        return []
    topic = query.distinctive - GENERIC - content_terms(query.party)
    found = []
    for obligation in index.obligations:
        clause = index.clauses.get(f"{obligation.anchor}@{obligation.version}")
        if clause is None or not index.is_latest(clause) or not owed_by(obligation.party, query.party):
            continue
        if topic and len(topic & duty_terms(obligation.action)) < TOPIC_SHARE * len(topic):
            continue
        found.append(obligation)
    return found


def count_note(party: str, duties: list[Obligation], index: ClauseIndex) -> str:
    """'The register holds 3 duties of the DCC in the latest documents: SEC-M: 2, SMDA-266: 1 (as quoted).'"""
    per = Counter(index.documents[d.doc_id].source.label for d in duties)
    quoted = {index.documents[d.doc_id].source.label for d in duties if d.secondary}
    parts = ", ".join(f"{doc}: {n}" + (" (as quoted)" if doc in quoted else "") for doc, n in per.items())
    noun = "duty" if len(duties) == 1 else "duties"
    return f"The register holds {len(duties)} {noun} of the {party} in the latest documents: {parts}."
