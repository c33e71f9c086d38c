"""Rows of the SMDA-266 section 4 table (instrument | who delivers | who is impacted) for questions
about who is affected or what non-compliance leads to: every row about the instruments asked about
(all rows when none is named), each quoted whole and cited to the table's clause."""

from __future__ import annotations

from clausetrace.index import ClauseIndex
from clausetrace.query import Query
from clausetrace.register.impact_table import (
    CELL_SEPARATOR,
    IMPACT_CELL_RE,
    IMPACT_TABLE_ANCHOR,
    row_instruments,
)
from clausetrace.register.parties import normalise_party
from clausetrace.retrieve import Hit

Span = tuple[int, int]
ROW_INTENTS = ("who", "list")  # questions the rows of a named instrument answer


def row_spans(hit: Hit, index: ClauseIndex) -> list[tuple[Span, tuple[str, ...]]]:
    """(document span, instrument prefixes) of each table row in the clause's own text."""
    doc = index.documents[hit.clause.doc_id]
    start = hit.clause.start
    rows = []
    for line in doc.text[start : doc.own_end(hit.clause)].splitlines(keepends=True):
        prefixes, _ = row_instruments(line.split(CELL_SEPARATOR)) if CELL_SEPARATOR in line else ((), 0)
        if prefixes:
            rows.append(((start, start + len(line.rstrip())), prefixes))
        start += len(line)
    return rows


def impact_rows(
    query: Query, hits: list[Hit], chosen: list[tuple[Hit, Span]], index: ClauseIndex
) -> list[tuple[Hit, Span]]:
    """Rows not yet quoted of the table among the retrieved clauses: for an impact question the
    rows of the instruments it names (all rows if none); for a who-question whose answer already
    quotes the table, the rows of the instruments it names."""
    table = next((h for h in hits if h.clause.anchor == IMPACT_TABLE_ANCHOR), None)
    if table is None:
        return []
    quoted = [span for hit, span in chosen if hit.clause.key == table.clause.key]
    if not (query.asks_impact or (quoted and query.intent in ROW_INTENTS)):
        return []
    rows = row_spans(table, index)
    asked = [r for r in rows if set(r[1]) & set(query.instruments)]
    if not asked and query.asks_impact:
        asked = rows
    return [(table, span) for span, _ in asked if not any(s < span[1] and span[0] < e for s, e in quoted)]


def impacted_parties(row: str) -> list[str]:
    """Parties a row's impact cells name ('Consumers: may not receive ...' -> 'Consumers')."""
    cells = [c.strip() for c in row.split(CELL_SEPARATOR)]
    return [normalise_party(c.split(":", 1)[0], "") for c in cells if IMPACT_CELL_RE.match(c)]
