"""Outline texts (SEC, specs, guidance): numbered headings at line starts that form a sequence."""

from __future__ import annotations

import re
from collections.abc import Callable

from ingest.anchors import GRAMMARS, LINE_PATTERNS, OUTLINE_REFERENCE_WORDS, SEC_SECTION_HEADING, outline_key
from ingest.spans import STRONG_WEIGHT, Start, best_chain, previous_token

OUTLINE_HEADING_MAX_WORDS = 24
DOT_LEADER_TAIL = re.compile(r"(?:\.{4,}|…)\s*[0-9ivx]*\s*$")
PAGE_NUMBER_TAIL = re.compile(r"\s[0-9]{1,3}$")


def is_outline_heading(number: str, rest: str, family: str) -> bool:
    """Whether a numbered line opens a clause/section (not a list item or a contents line)."""
    if DOT_LEADER_TAIL.search(rest) or not re.match(r"[\"“‘'(]?[A-Z]", rest):
        return False
    if family != "guidance":
        return True
    if PAGE_NUMBER_TAIL.search(rest):  # a contents line left in: '2.5 Obligations in the SEC 9'
        return False
    words = rest.split()
    if len(words) > OUTLINE_HEADING_MAX_WORDS or rest.endswith((";", ":", ",")) or ";" in rest:
        return False
    return not rest.endswith(".") or "." in number  # '1. The varying ...; and.' is a list item


def outline_follows(max_gap: int) -> Callable[[Start, Start], bool]:
    """Sequence rule for outline numbers: first child, next sibling, or an ancestor's sibling."""

    def follows(prev: Start, cur: Start) -> bool:
        before, after = outline_key(prev.number), outline_key(cur.number)
        if after <= before:
            return False
        if after[: len(before)] == before:  # going deeper: F4 -> F4.1, 2 -> 2.1
            return all(value <= max_gap for value in after[len(before) :])
        split = next(k for k, (x, y) in enumerate(zip(before, after, strict=False)) if x != y)
        tail_ok = all(value <= max_gap for value in after[split + 1 :])
        return after[split] - before[split] <= max_gap and tail_ok

    return follows


def block_start(text: str, position: int) -> bool:
    """True when a line opens a new block: text start, after a blank line or a finished sentence."""
    before = text[:position].rstrip(" \t")
    if not before or before.endswith("\n\n"):
        return True
    return before.rstrip()[-1:] in ".:;!?)"


def list_item(text: str, match: re.Match[str], expected: int | None) -> bool:
    """'1. The varying ...' after 'It sets out:' (and '2.' after it): a list item, not a section."""
    number = match["number"]
    if "." in number or not text.startswith(".", match.end("number")):
        return False
    return text[: match.start()].rstrip().endswith(":") or expected == int(number)


def outline_starts(text: str, family: str) -> list[Start]:
    """Numbered lines of an outline document that form a sequence, with their headings."""
    found: list[Start] = []
    weights: dict[int, float] = {}
    expected_item: int | None = None
    for match in LINE_PATTERNS[family].finditer(text):
        number, rest = match["number"], match["rest"].strip()
        start = match.start("number")
        if family == "guidance" and list_item(text, match, expected_item):
            expected_item = int(number) + 1
            continue
        if not is_outline_heading(number, rest, family) or outline_reference(text, start):
            continue
        heading = rest if family == "guidance" or not rest.endswith((".", ";", ":")) else ""
        if family != "guidance" and len(rest.split()) > OUTLINE_HEADING_MAX_WORDS // 2:
            heading = ""
        body = match.end("number") + (1 if text.startswith(".", match.end("number")) else 0)
        found.append(Start(number, start, body, start, heading))
        weights[start] = STRONG_WEIGHT if block_start(text, start) else 1.0
    return best_chain(found, outline_follows(GRAMMARS[family].max_gap), lambda s: weights[s.start])


def outline_reference(text: str, start: int) -> bool:
    """A line-start number that continues a reference from the line before ('Section\nF4.3')."""
    token = previous_token(text, start)
    return bool(token) and (token[-1] in ",&" or token.lower() in OUTLINE_REFERENCE_WORDS)


def sec_sections(text: str) -> list[tuple[int, str]]:
    """(offset, 'Section F ...') for each SEC section heading line."""
    return [(m.start(), m["title"].strip()) for m in SEC_SECTION_HEADING.finditer(text)]
