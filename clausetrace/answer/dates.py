"""When-questions get the date behind a defined term: a quoted rule that runs 'until the ARS
Specified Date' or counts 'each Rollout Year' is followed by the definition that gives the date
(ESL 1.3: 'ARS Specified Date means 30 June 2021 or such later date ...'): the rule alone does not
say when."""

from __future__ import annotations

import re

from clausetrace.answer.overview import Chosen
from clausetrace.index import ClauseIndex
from clausetrace.query import Query
from clausetrace.retrieve import Hit

MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
DATED_RE = re.compile(rf"\b{MONTHS}\s+(?:19|20)\d\d\b")  # a definition that gives a date
DATE_ASKED_RE = re.compile(r"\b(?:dates?|deadline)\b", re.I)  # 'what dates did it run', 'the deadline'
MAX_DATES = 2  # date definitions added at most


def date_definitions(query: Query, chosen: Chosen, cited: set[str], index: ClauseIndex) -> Chosen:
    """For a question about when: the definitions, giving a date, of the terms the quoted sentences
    use as defined (one per defining clause, not cited yet), each quoting its definition, in the
    order the sentences use them."""
    if query.intent != "when" and not DATE_ASKED_RE.search(query.text):
        return []
    found: dict[str, tuple[Hit, tuple[int, int]]] = {}
    for hit, (start, end) in chosen:
        passage = index.documents[hit.clause.doc_id].text[start:end]
        for definition in index.definitions_used(hit.clause):
            key = f"{definition.anchor}@{definition.version}"
            dated = key not in cited and key in index.clauses and DATED_RE.search(definition.text)
            if dated and re.search(rf"\b{re.escape(definition.term)}\b", passage):
                span = (definition.start, definition.end)
                hit = Hit(clause=index.clauses[key], score=0.0, via="definition", span=span)
                found.setdefault(key, (hit, span))
    return list(found.values())[:MAX_DATES]
