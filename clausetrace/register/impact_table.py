"""The SMDA-266 section 4 table as data: per instrument level, who delivers the obligations and who
is impacted when they are not met ('Consumers: may not receive intended smart metering benefits').
"""

from __future__ import annotations

import html
import re

IMPACT_TABLE_ANCHOR = "SMDA-266 4"
# SMDA-266 section 4 names instruments in words; these map a table cell to prefixes
TABLE_INSTRUMENTS = (
    (re.compile(r"ENERGY SUPPLY LICEN[CS]E", re.I), ("ESL", "GSL")),
    (re.compile(r"DCC LICEN[CS]E", re.I), ("DCCL",)),
    (re.compile(r"MAIN BODY SEC|SMART ENERGY CODE", re.I), ("SEC",)),
    (re.compile(r"^SMETS\b"), ("SMETS",)),
    (re.compile(r"^CHTS\b"), ("CHTS",)),
    (re.compile(r"^GBCS\b"), ("GBCS",)),
)
IMPACT_CELL_RE = re.compile(r"^[\w’' ]{2,30}:\s")
TAG_RE = re.compile(r"<[^>]+>")
CELL_SEPARATOR = " | "  # how ingest's table_cells step joins the cells of a table row


def impact_table(text: str) -> list[tuple[tuple[str, ...], list[str], list[str]]]:
    """Rows of SMDA-266 section 4: (instrument prefixes, relevant to, non-compliance impacts).

    Reads cells as ingest writes them (' | ', see ``ingest.clean.table_cells``), ``<p>`` cells or
    tab-separated cells, tags stripped and entities unescaped; a row whose
    first cell names no instrument (the heading row, prose) is skipped."""
    rows = []
    for line in text.splitlines():
        if "<p>" in line:
            cells = re.findall(r"<p>(.*?)</p>", line, re.S)
        else:
            cells = line.split(CELL_SEPARATOR) if CELL_SEPARATOR in line else line.split("\t")
        cells = [" ".join(html.unescape(TAG_RE.sub(" ", c)).split()) for c in cells]
        cells = [c for c in cells if c]
        prefixes, used = row_instruments(cells)
        cells = cells[used:]
        if prefixes and cells:
            relevant = [c for c in cells if not IMPACT_CELL_RE.match(c)]
            impacts = [c for c in cells if IMPACT_CELL_RE.match(c)]
            rows.append((tuple(prefixes), relevant, impacts))
    return rows


def row_instruments(cells: list[str]) -> tuple[tuple[str, ...], int]:
    """Instrument prefixes the leading cells of a row name, and how many cells name them."""
    prefixes: tuple[str, ...] = ()
    used = 0
    while used < len(cells) and (named := table_instrument(cells[used].strip())):
        prefixes += named
        used += 1
    return prefixes, used


def table_instrument(cell: str) -> tuple[str, ...]:
    """Prefixes of the instrument a short table cell names ('SMETS (SEC Schedule 9)' -> SMETS)."""
    return next(
        (prefixes for pattern, prefixes in TABLE_INSTRUMENTS if pattern.search(cell) and len(cell) < 40), ()
    )
