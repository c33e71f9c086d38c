"""SEC appendices (M, N, P): numbered sections, the unnumbered opening, inner appendices, glossaries.

After the layout steps of :mod:`ingest.layout`, an appendix reads:

    Purpose and Scope                      -> clause '0' (the text before section 1, if any)
    1. Connection Mechanism                -> '1'; '1.1. Browser Policy' -> '1.1'
    2.3 SMKI Portal interface ...          -> '2.3'; '2.3.1.1 Submission of ...' -> '2.3.1.1'
    Appendix A Definitions                 -> 'A' (numbering inside an inner appendix stays in it)
    Ad Hoc Device CSR | Means a CSR ...    -> a definition of 'Ad Hoc Device CSR' in 'A'

Numbered headings must form one sequence; a second run starting again at '1' is refused
(NumberingRestartError); a glossary in which no term is found is refused by
:func:`ingest.subclauses.check_definitions`.
"""

from __future__ import annotations

import re

from clausetrace.errors import NumberingRestartError
from clausetrace.text import trim_span
from ingest.anchors import LINE_PATTERNS, outline_key
from ingest.outline import block_start, outline_follows, outline_reference
from ingest.spans import STRONG_WEIGHT, Start, best_chain

INNER_APPENDIX = re.compile(
    r"(?m)^[ \t]*Appendix (?P<letter>[A-Z])(?:[ \t]*\|)?[ \t]+(?P<title>[A-Z][^\n]*)$"
)
SECTION_OPENING = re.compile(r"[\[\"“‘'(]?[A-Z]")
HEADING_MAX_WORDS = 16
CONTINUATION_MAX_WORDS = 4
TITLE_CONTINUATION_WORDS = 6  # an inner appendix title may wrap onto a short line
TERMINAL = (".", ";", ":", ",")
CONNECTORS = frozenset("a an the of to in on for by via with and or from as at".split())
APPENDIX_MAX_GAP = 3
PREAMBLE = "0"
TABLE_DEFINITION = re.compile(r"(?m)^(?P<term>[^|\n]+?) \| (?P<meaning>[^\n]+)$")
TABLE_HEADER_TERM = "Term"


def appendix_starts(text: str) -> list[Start]:
    """Clause starts of a SEC appendix: opening text, numbered sections, inner appendices."""
    inner = inner_appendices(text)
    body_end = inner[0].lead if inner else len(text)
    numbered = numbered_sections(text, body_end)
    if not numbered:
        return []
    return preamble(text, numbered[0].lead) + numbered + inner


def inner_appendices(text: str) -> list[Start]:
    """'Appendix A Definitions' ... in letter order from A, at block starts."""
    found = [
        Start(m["letter"], m.start("letter"), m.end("letter"), m.start(), _appendix_heading(text, m))
        for m in INNER_APPENDIX.finditer(text)
        if previous_word(text, m.start()).lower() not in CONNECTORS
    ]
    first = next((n for n, start in enumerate(found) if start.number == "A"), len(found))
    return best_chain(found[first:], lambda a, b: ord(b.number) == ord(a.number) + 1, lambda _: 1.0)


def _appendix_heading(text: str, match: re.Match[str]) -> str:
    """'Appendix B Schema for Ad Hoc Device CSR Web Service interface' (a wrapped title joined)."""
    title = " ".join(match["title"].replace("|", " ").split())
    line = _next_line(text, match.end())
    wrapped = 0 < len(line.split()) <= TITLE_CONTINUATION_WORDS and not re.search(r"[.;:,|]", line)
    return f"Appendix {match['letter']} {title}" + (f" {line}" if wrapped else "")


def numbered_sections(text: str, end: int) -> list[Start]:
    """Numbered section headings before ``end`` that form one sequence ('1', '1.1', '2.3.1.10')."""
    found: list[Start] = []
    weights: dict[int, float] = {}
    for m in LINE_PATTERNS["spec"].finditer(text, 0, end):
        rest, start = m["rest"].strip(), m.start("number")
        if not SECTION_OPENING.match(rest) or outline_reference(text, start):
            continue
        body = m.end("number") + (1 if text.startswith(".", m.end("number")) else 0)
        heading = rest if len(rest.split()) <= HEADING_MAX_WORDS and not rest.endswith(TERMINAL) else ""
        if heading:
            heading += _continuation(text, m.end())
        found.append(Start(m["number"], start, body, start, heading))
        weights[start] = STRONG_WEIGHT if block_start(text, start) else 1.0
    chain = best_chain(found, outline_follows(APPENDIX_MAX_GAP), lambda s: weights[s.start])
    check_restart(text, found, chain, weights)
    return chain


def _continuation(text: str, position: int) -> str:
    """The next line, with a space, when it finishes a wrapped section heading: it starts in lower
    case, it is one word ('Subscriber'), or the heading stopped on a connector ('... by the')."""
    line = _next_line(text, position)
    words = line.split()
    if not words or len(words) > CONTINUATION_MAX_WORDS or line.endswith(TERMINAL) or "|" in line:
        return ""
    heading_end = text[:position].split()[-1].lower()
    if line[0].islower() or len(words) == 1 or heading_end in CONNECTORS:
        return f" {line}"
    return ""


def _next_line(text: str, position: int) -> str:
    """The line right after ``position``'s line ('' after a blank line)."""
    if not text.startswith("\n", position) or text.startswith("\n\n", position):
        return ""
    return text[position + 1 :].split("\n", 1)[0].strip()


def previous_word(text: str, position: int) -> str:
    """The word before ``position`` (on the lines before it)."""
    words = text[max(0, position - 60) : position].split()
    return words[-1] if words else ""


def check_restart(text: str, found: list[Start], chain: list[Start], weights: dict[int, float]) -> None:
    """Refuse a second sequence: a heading '1' at a block start, left out, after section 2 or later."""
    kept = {start.start for start in chain}
    for candidate in found:
        if candidate.start in kept or candidate.number != "1" or weights[candidate.start] < STRONG_WEIGHT:
            continue
        before = [s for s in chain if s.start < candidate.start]
        if before and outline_key(before[-1].number)[0] >= 2:
            line = text[candidate.start :].split("\n", 1)[0].strip()
            raise NumberingRestartError(
                "",
                f"the numbering starts again at '{line}' after section {before[-1].number}: "
                "no single numbered sequence found",
                "split the file into its documents, or remove a contents page left in the text",
            )


def preamble(text: str, first: int) -> list[Start]:
    """The text before section 1 ('Purpose and Scope ...') as clause '0', when there is any."""
    if not text[:first].strip():
        return []
    head = text[:first].strip().split("\n", 1)[0].strip()
    heading = head if len(head.split()) <= HEADING_MAX_WORDS and not head.endswith(TERMINAL) else ""
    return [Start(PREAMBLE, 0, 0, 0, heading)]


def table_definitions(text: str, body: int, end: int) -> list[tuple[str, int, int]]:
    """(term, start, end) of each 'Term | Meaning' row of a glossary table (the header row skipped)."""
    rows = []
    for m in TABLE_DEFINITION.finditer(text, body, end):
        term = " ".join(m["term"].split())
        if term != TABLE_HEADER_TERM:
            rows.append((term, *trim_span(text, m.start(), m.end())))
    return rows
