"""Sub-paragraphs '(a)', '(ii)', 'ii.' inside a clause body, and the '<Term> means ...' definitions.

Items are read with a stack of open lists so '(a)..(h)' restart per parent and references such
as 'paragraph 39.7(a)' are never taken for a start.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from clausetrace.errors import NoDefinitionsFoundError
from clausetrace.text import trim_span
from ingest.anchors import (
    DEFINITION_VERB,
    DEFINITIONS_OPENING,
    DOT_ITEM_LEAD,
    SUB_LEAD,
    SUB_MARKER,
    TERM_CONNECTORS,
    TERM_WORD,
    roman_value,
)
from ingest.licence import is_reference
from ingest.spans import Item, Start

DEFINITIONS_HEADING = re.compile(r"Definition|Interpretation", re.IGNORECASE)
GLOSSARY_APPENDIX = re.compile(r"^Appendix [A-Z] Definitions\b")  # a SEC appendix's glossary table
GLOSSARY_OPENING = re.compile(r"^In this [Ll]icence,? unless the context otherwise requires\s*:")
TERM_MAX_WORDS = 10
TERM_ASIDE = re.compile(
    r"\s*(?:\((?:or\s+)?[A-Z][\w-]*\)\s*\.?|\s+in\s+(?:relation|respect)\s+(?:to|of)\s+[^;:()]{1,60},)\s*$"
)
DESCRIBED_TERM = re.compile(
    r"(?<=[;.]\s)(?P<term>[A-Z][\w’'-]*(?:\s+(?:of|and|the|for|to|in|on|or)?\s*[A-Z][\w’'-]*){0,5})"
    r"\s+(?:is|are|includes|include)\s+(?=a\b|an\b|the\b|writing\b|any\b|[a-z])"
)


# ---- sub-paragraphs --------------------------------------------------------------------------


def marker_readings(match: re.Match[str]) -> list[tuple[str, int]]:
    """Possible (level, ordinal) readings of a marker: '(i)' may be letter i or roman one."""
    if match["dot"]:
        value = roman_value(match["dot"])
        return [("roman", value)] if value else []
    label = match["paren"] or match["close"]
    readings = []
    value = roman_value(label)
    if value:
        readings.append(("roman", value))
    if len(label) == 1:
        readings.append(("alpha", ord(label) - ord("a") + 1))
    return readings


def label_of(match: re.Match[str]) -> str:
    """The label of a marker without its brackets or dot: 'a', 'ii'."""
    return str(match["dot"] or match["paren"] or match["close"])


def marker_allowed(text: str, match: re.Match[str], body: int) -> bool:
    """A marker opens an item after a list boundary (':', ';', '; and' ...), at the body's start,
    or at a line start that does not continue a reference ('paragraph\n(b)')."""
    lead = text[max(body, match.start() - 16) : match.start()]
    if not text[body : match.start()].strip():
        return True
    pattern = DOT_ITEM_LEAD if match["dot"] else SUB_LEAD
    if pattern.search(lead):
        return True
    at_line_start = text[: match.start()].rstrip(" \t").endswith("\n")
    return at_line_start and not is_reference(text, match.start())


def parse_items(text: str, body: int, end: int, resets: Sequence[int] = ()) -> list[Item]:
    """Sub-paragraph items of one clause body, nested by a stack of open lists.

    An item's span starts after its label ('(a) ') and ends where the next item at the same or
    a higher level is labelled, at a reset (a new definition) or at the end of the body.
    """
    items: list[Item] = []
    stack: list[tuple[str, int, tuple[str, ...], int]] = []  # level, ordinal, path, text start
    used: set[tuple[str, ...]] = set()
    pending = sorted(resets)

    def close(depth: int, at: int) -> None:
        while len(stack) > depth:
            _, _, path, start = stack.pop()
            items.append(Item(path, start, max(start, at)))

    for match in SUB_MARKER.finditer(text, body, end):
        while pending and pending[0] <= match.start():
            close(0, pending.pop(0))
        if not marker_allowed(text, match, body):
            continue
        placed = place_marker(stack, marker_readings(match))
        if placed is None:
            continue
        depth, level, ordinal = placed
        parent = stack[depth - 1][2] if depth else ()
        path = (*parent, label_of(match))
        if path in used:
            continue
        close(depth, match.start())
        stack.append((level, ordinal, path, match.end()))
        used.add(path)
    for reset in pending:
        close(0, reset)
    close(0, end)
    kept = [item for item in items if text[item.start : item.end].strip()]
    return sorted(kept, key=lambda item: (item.start, len(item.path)))


def place_marker(
    stack: list[tuple[str, int, tuple[str, ...], int]], readings: list[tuple[str, int]]
) -> tuple[int, str, int] | None:
    """Where a marker goes: (stack depth, level, ordinal), or None when it is out of sequence."""
    for depth in range(len(stack) - 1, -1, -1):
        level, ordinal = stack[depth][:2]
        for reading in readings:
            if reading == (level, ordinal + 1):
                return depth, level, reading[1]
    levels = {entry[0] for entry in stack}
    for level, ordinal in readings:
        if ordinal == 1 and level not in levels:
            return len(stack), level, ordinal
    return None


# ---- definitions -----------------------------------------------------------------------------


def term_start(text: str, floor: int, verb: int) -> int | None:
    """Start of the Title-Case term right before a definition verb ('Advanced Meter means')."""
    words = list(re.finditer(r"\S+", text[floor:verb]))[-TERM_MAX_WORDS:]
    begin = None
    for index in range(len(words) - 1, -1, -1):
        token = words[index].group()
        if TERM_WORD.match(token):
            begin = floor + words[index].start()
        elif token in TERM_CONNECTORS and begin is not None and inner_connector(words, index):
            continue
        else:
            break
    return begin


def inner_connector(words: list[re.Match[str]], index: int) -> bool:
    """A connector inside a term ('Beginning Of The Year Report', 'Charges for the Supply of
    Electricity'): past any other connectors, a term word comes before it."""
    before = index - 1
    while before >= 0 and words[before].group() in TERM_CONNECTORS:
        before -= 1
    return before >= 0 and bool(TERM_WORD.match(words[before].group()))


def term_end(text: str, floor: int, verb: int) -> int:
    """Where the term before a verb ends: before '(or IHD)' or 'in relation to any premises,'."""
    window = text[floor:verb]
    aside = TERM_ASIDE.search(window)
    return floor + aside.start() if aside else verb


def is_definitions_clause(start: Start, text: str) -> bool:
    """A clause that defines terms: a 'Definitions' heading or 'For the purposes of ...: Term'."""
    opening = text[start.body : start.body + 200].lstrip()
    return bool(DEFINITIONS_HEADING.search(start.heading) or DEFINITIONS_OPENING.match(opening))


def definition_spans(text: str, body: int, end: int) -> list[tuple[str, int, int]]:
    """(term, start, end) of each '<Term> means ...' entry in a definitions clause body."""
    heads: list[tuple[str, int]] = []
    floor = body
    for match in DEFINITION_VERB.finditer(text, body, end):
        stop = term_end(text, floor, match.start())
        begin = term_start(text, floor, stop)
        floor = match.end()
        if begin is not None:
            heads.append((" ".join(text[begin:stop].split()), begin))
    if GLOSSARY_OPENING.match(text[body:end].lstrip()):
        heads = sorted({*heads, *described_terms(text, body, end)}, key=lambda head: head[1])
    spans = []
    for index, (term, begin) in enumerate(heads):
        stop = heads[index + 1][1] if index + 1 < len(heads) else end
        spans.append((term, *trim_span(text, begin, stop)))
    return spans


def described_terms(text: str, body: int, end: int) -> list[tuple[str, int]]:
    """Glossary entries with a weaker verb, right after an entry ends: '; Writing includes ...'."""
    return [(" ".join(m["term"].split()), m.start("term")) for m in DESCRIBED_TERM.finditer(text, body, end)]


def check_definitions(start: Start, text: str, definitions: Sequence[tuple[str, int, int]]) -> None:
    """A glossary (a SEC 'Appendix X Definitions', a licence's 'In this licence ...:' list) must
    define something: NoDefinitionsFoundError names what was not found."""
    opening = text[start.body : start.body + 200].lstrip()
    if definitions or not (GLOSSARY_APPENDIX.match(start.heading) or GLOSSARY_OPENING.match(opening)):
        return
    raise NoDefinitionsFoundError(
        "",
        f"clause {start.number} ('{start.heading or opening[:40]}') is a list of definitions but no "
        "defined term was found in it",
        "write its terms as 'Term | Meaning' rows or 'Term means ...'",
    )
