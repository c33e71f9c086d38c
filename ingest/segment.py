"""Cleaned text -> Clause and Definition records with exact spans.

Two ways of finding clause starts:

- licence texts (Ofgem's consolidated conditions) number paragraphs *inline*: '... Supplier.
  39.2 The requirement in paragraph 39.1 is subject to paragraphs 39.3, 39.4 ...'. Every
  ``N.N`` is a candidate; references are refused by the word before them (paragraph, of, and,
  ',' ...) and by what follows (a clause opens with a capital or '(Not used)'), and the survivors
  must form a sequence (39.1, 39.2, ... with small gaps): the longest such chain wins.
- outline texts (SEC, specs, guidance) put numbers at line starts: '2.5 Obligations in ...'.

Sub-paragraphs '(a)', '(ii)', 'ii.' inside a clause become child clauses ('39.4(a)(ii)'), read
with a stack of open lists so '(a)..(h)' restart per parent and references such as
'paragraph 39.7(a)' are never taken for a start. Every span satisfies ``text[start:end] ==
clause.text``; surrounding whitespace is removed by moving the span, never by editing text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from clausetrace.errors import NoClausesFoundError
from clausetrace.models import Clause, Definition, Source
from ingest.anchors import (
    CONDITION_HEADING,
    DEFINITION_VERB,
    DEFINITIONS_OPENING,
    DOT_ITEM_LEAD,
    GRAMMARS,
    LICENCE_INLINE,
    LINE_PATTERNS,
    OUTLINE_REFERENCE_WORDS,
    PART_HEADING,
    REFERENCE_PUNCT,
    REFERENCE_WORDS,
    SEC_SECTION_HEADING,
    SUB_LEAD,
    SUB_MARKER,
    TERM_CONNECTORS,
    TERM_WORD,
    licence_key,
    outline_key,
    roman_value,
)

T = TypeVar("T")

CLAUSE_OPENING = re.compile(r"\s+(?:[\"“‘'\[(]?[A-Z]|\.\s*[A-Z]|\((?:Not|not)\s+[Uu]sed)")
NOT_PART_LABEL = r"(?<!PART [A-Z])(?<!Part [A-Z])(?<!PART [A-Z][0-9])(?<!Part [A-Z][0-9])"  # 'PART A.'
SENTENCE_END = re.compile(rf"(?:{NOT_PART_LABEL}[.!?][\"”’')]?\s+|\n\s*\n)")
CONDITION_LABEL = re.compile(r"^(?:Standard\s+)?Condition\s+[0-9]{1,3}[A-Z]?[.:]?\s*")
HAS_LOWER = re.compile(r"[a-z]")
HEADING_VERBS = re.compile(r"\b(?:must|shall|may|is|are|applies|apply|does|do|will|has|have)\b")
HEADING_MAX_WORDS = 16
HEADING_CONNECTORS = frozenset("and of to for the in on with from by or a an at – - &".split())
SENTENCE_CONNECTORS = frozenset("the a an of to at in on for with by from and or".split())
HEADING_WORD = re.compile(r"^[\"“‘'(]?[A-Z][\w’'\-]*[,)]?$")
OUTLINE_HEADING_MAX_WORDS = 24
DOT_LEADER_TAIL = re.compile(r"(?:\.{4,}|…)\s*[0-9ivx]*\s*$")
PAGE_NUMBER_TAIL = re.compile(r"\s[0-9]{1,3}$")
DEFINITIONS_HEADING = re.compile(r"Definition|Interpretation", re.IGNORECASE)
TERM_MAX_WORDS = 10
CHAIN_WINDOW = 500  # how far back a clause number looks for the one it follows
STRONG_WEIGHT = 1.1  # a number right after a sentence end or at a block start is preferred


# ---- records ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Start:
    """A top-level clause start found in the text."""

    number: str
    start: int  # where the number begins
    body: int  # just after the number
    lead: int  # where the heading before it begins (== start when there is none)
    heading: str = ""
    part: str = ""


@dataclass(frozen=True, slots=True)
class Item:
    """A sub-paragraph found inside a clause body."""

    path: tuple[str, ...]  # ('a', 'ii')
    start: int
    end: int


# ---- generic helpers -------------------------------------------------------------------------


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Move a span's ends inwards past whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def best_chain(items: Sequence[T], follows: Callable[[T, T], bool], weight: Callable[[T], float]) -> list[T]:
    """Heaviest chain of items (kept in order) where each item ``follows`` the one before it.

    Predecessors are looked for among the previous ``CHAIN_WINDOW`` items only, which keeps a
    whole consolidated licence (thousands of candidates) fast.
    """
    if not items:
        return []
    score = [weight(item) for item in items]
    back: list[int | None] = [None] * len(items)
    for j, item in enumerate(items):
        for i in range(max(0, j - CHAIN_WINDOW), j):
            if score[i] + weight(item) > score[j] and follows(items[i], item):
                score[j], back[j] = score[i] + weight(item), i
    cursor: int | None = max(range(len(items)), key=lambda k: (score[k], -k))
    chain = []
    while cursor is not None:
        chain.append(items[cursor])
        cursor = back[cursor]
    return chain[::-1]


def previous_token(text: str, position: int) -> str:
    """The non-space token right before ``position`` (within 40 characters)."""
    window = text[max(0, position - 40) : position].rstrip()
    return window.split()[-1] if window.split() else ""


# ---- headings between licence clauses --------------------------------------------------------


def split_part(heading: str, anywhere: bool = False) -> tuple[str, str]:
    """Split 'PART A - ROLL-OUT DUTY ... The roll-out duty' into (part, heading).

    The part label must open the heading (``anywhere``: or follow a capitalised word, as after
    a wrapped condition title); 'Application of Part B' is a heading, not a part.
    """
    match = PART_HEADING.search(heading)
    if not match or (match.start() and not anywhere):
        return "", heading
    before = heading[: match.start()].split()
    if before and before[-1][:1].islower():
        return "", heading
    cut = match.end()
    for word in re.finditer(r"\S+", heading[match.end() :]):  # the part title: upper-case words
        if HAS_LOWER.search(word.group()):
            break
        cut = match.end() + word.end()
    part = heading[match.start() : cut].strip().rstrip(".:-–").strip()
    return part, heading[cut:].strip()


def title_case_run(text: str, floor: int, position: int) -> int:
    """Start of the run of Title-Case heading words ending at ``position`` (== position if none).

    A run that follows an article or preposition ('maintained at the Specified Frequency Band')
    is the end of a sentence, not a heading.
    """
    words = list(re.finditer(r"\S+", text[floor:position]))
    begin = position
    for word in reversed(words):
        token = word.group()
        if HEADING_WORD.match(token) and not token.endswith(","):
            begin = floor + word.start()
        elif token not in HEADING_CONNECTORS:
            break
    before = text[floor:begin].split()
    if before and before[-1] in SENTENCE_CONNECTORS:
        return position
    return begin


def looks_like_heading(candidate: str) -> bool:
    """A short run of words opening with a capital and without a verb of obligation."""
    words = candidate.split()
    return (
        0 < len(words) <= HEADING_MAX_WORDS
        and bool(re.match(r"[\"“‘'(]?[A-Z]", words[0]))
        and not HEADING_VERBS.search(candidate)
    )


def drop_title_tail(heading: str, title: str) -> str:
    """Remove the end of a wrapped condition title from the first heading.

    'Installation The Post-2020 Roll-out Duty' after a title ending '... Roll-out and
    Installation' -> 'The Post-2020 Roll-out Duty'.
    """
    heading = CONDITION_LABEL.sub("", heading, count=1)
    words, tail = heading.split(), title.split()
    for size in range(min(len(words), len(tail)), 0, -1):
        if words[:size] == tail[-size:]:
            return " ".join(words[size:])
    return heading


def heading_before(text: str, floor: int, position: int, title: str = "") -> tuple[int, str, str]:
    """(where the heading starts, part, heading) for the text between ``floor`` and a clause.

    ``title`` is the condition title, given for the first clause only: the text before it may
    end with the title's wrapped last words.
    """
    boundary = floor
    for match in SENTENCE_END.finditer(text, floor, position):
        boundary = match.end()
    candidate = " ".join(text[boundary:position].split())
    part, heading = split_part(candidate, anywhere=bool(title))
    if title:
        heading = drop_title_tail(heading, title.split(":", 1)[-1])
    if part and (not heading or looks_like_heading(heading)):
        part_match = PART_HEADING.search(text, boundary, position)
        lead = part_match.start() if part_match else boundary
        return trim_span(text, lead, position)[0], part, heading
    if heading and looks_like_heading(heading):
        return trim_span(text, boundary, position)[0], "", heading
    lead = title_case_run(text, boundary, position)
    return lead, "", " ".join(text[lead:position].split())


# ---- licence family --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Candidate:
    """An inline licence number that may open a clause."""

    cond: str
    para: str
    start: int
    end: int
    weight: float
    key: tuple[int, str, int, str]  # licence_key(cond, para), computed once


def is_reference(text: str, start: int) -> bool:
    """True when the word before a number makes it a cross-reference ('paragraph 39.1').

    A blank line in between ends the sentence: 'Generated Condition\n\n7.1 The' is a start.
    """
    token = previous_token(text, start)
    if not token or "\n\n" in text[max(0, start - 40) : start].rsplit(token, 1)[-1]:
        return False
    if token[-1] in REFERENCE_PUNCT or token.lower().strip("(") in REFERENCE_WORDS:
        return True
    return len(token) == 1 and token.islower()  # split-word artefact: 'paragrap h 49.23'


def licence_candidates(text: str, condition: str | None) -> list[Candidate]:
    """Inline numbers that are not references and open a sentence; of ``condition`` if given."""
    found = []
    for match in LICENCE_INLINE.finditer(text):
        if condition is not None and match["cond"] != condition:
            continue
        if is_reference(text, match.start()) or not CLAUSE_OPENING.match(text, match.end()):
            continue
        before = text[max(0, match.start() - 3) : match.start()].rstrip()
        weight = STRONG_WEIGHT if not before or before[-1] in ".;:)\n" else 1.0
        key = licence_key(match["cond"], match["para"])
        found.append(Candidate(match["cond"], match["para"], match.start(), match.end(), weight, key))
    return found


def licence_follows(max_gap: int) -> Callable[[Candidate, Candidate], bool]:
    """Sequence rule: same condition, higher paragraph within ``max_gap``; or a new condition."""

    def follows(prev: Candidate, cur: Candidate) -> bool:
        before, after = prev.key, cur.key
        if before[:2] == after[:2]:
            return after > before and after[2] - before[2] <= max_gap
        return after[:2] > before[:2] and after[2] <= max_gap

    return follows


def licence_chain(text: str, condition: str | None) -> list[Candidate]:
    """The heaviest in-sequence chain of clause-opening licence numbers.

    With ``condition`` (from the catalogue) only its numbers count. Without it the chain may
    pass from one condition to the next (a whole consolidated licence: 39.23 -> 39A.1 -> 40.1),
    so the condition of a single-condition file is inferred from its own numbering.
    """
    follows = licence_follows(GRAMMARS["licence"].max_gap)
    return best_chain(licence_candidates(text, condition), follows, lambda c: c.weight)


def licence_starts(text: str, source: Source) -> list[Start]:
    """Top-level paragraph starts of a licence text, with the headings printed before them."""
    chain = licence_chain(text, source.condition)
    titles = condition_titles(text, source)
    starts: list[Start] = []
    floor, part = 0, ""
    for candidate in chain:
        first = not starts or starts[-1].number.split(".")[0] != candidate.cond
        title = titles.get(candidate.cond, "") if first else ""
        lead, new_part, heading = heading_before(text, floor, candidate.start, title)
        part = new_part or ("" if first else part)
        number = f"{candidate.cond}.{candidate.para}"
        starts.append(Start(number, candidate.start, candidate.end, lead, heading, part))
        floor = candidate.end
    return starts


def numbering_found(text: str, family: str) -> list[str]:
    """Clause numbers the ``family`` grammar finds in ``text`` (used to detect a family)."""
    if GRAMMARS[family].inline:
        return [f"{c.cond}.{c.para}" for c in licence_chain(text, None)]
    return [start.number for start in outline_starts(text, family)]


def condition_titles(text: str, source: Source) -> dict[str, str]:
    """'39' -> 'Condition 39: Smart Metering System – ...' from the catalogue title or the text."""
    titles = {
        m["cond"]: f"Condition {m['cond']}: {m['title'].strip()}" for m in CONDITION_HEADING.finditer(text)
    }
    if source.condition:
        label = rf"condition {re.escape(source.condition)}:\s*(.+)$"
        match = re.search(label, source.title, re.IGNORECASE)
        if match:
            titles[source.condition] = f"Condition {source.condition}: {match.group(1).strip()}"
    return titles


# ---- outline families (sec, spec, guidance) --------------------------------------------------


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


# ---- sub-paragraphs --------------------------------------------------------------------------


def marker_readings(match: re.Match[str]) -> list[tuple[str, int]]:
    """Possible (level, ordinal) readings of a marker: '(i)' may be letter i or roman one."""
    if match["dot"]:
        value = roman_value(match["dot"])
        return [("roman", value)] if value else []
    label = match["paren"]
    readings = []
    value = roman_value(label)
    if value:
        readings.append(("roman", value))
    if len(label) == 1:
        readings.append(("alpha", ord(label) - ord("a") + 1))
    return readings


def label_of(match: re.Match[str]) -> str:
    """The label of a marker without its brackets or dot: 'a', 'ii'."""
    return str(match["dot"] or match["paren"])


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
    """A connector inside a term ('Beginning Of The Year Report'): a term word comes before it."""
    return index > 0 and bool(TERM_WORD.match(words[index - 1].group()))


def is_definitions_clause(start: Start, text: str) -> bool:
    """A clause that defines terms: a 'Definitions' heading or 'For the purposes of ...: Term'."""
    opening = text[start.body : start.body + 200].lstrip()
    return bool(DEFINITIONS_HEADING.search(start.heading) or DEFINITIONS_OPENING.match(opening))


def definition_spans(text: str, body: int, end: int) -> list[tuple[str, int, int]]:
    """(term, start, end) of each '<Term> means ...' entry in a definitions clause body."""
    heads: list[tuple[str, int]] = []
    floor = body
    for match in DEFINITION_VERB.finditer(text, body, end):
        begin = term_start(text, floor, match.start())
        floor = match.end()
        if begin is not None:
            heads.append((" ".join(text[begin : match.start()].split()), begin))
    spans = []
    for index, (term, begin) in enumerate(heads):
        stop = heads[index + 1][1] if index + 1 < len(heads) else end
        spans.append((term, *trim_span(text, begin, stop)))
    return spans


# ---- assembling Clause records ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pager:
    """Maps text offsets to printed page numbers."""

    offsets: tuple[tuple[int, int], ...]
    fallback: tuple[int | None, int | None] = (None, None)

    def pages(self, start: int, end: int) -> tuple[int | None, int | None]:
        """(first page, last page) of a span."""
        if not self.offsets:
            return self.fallback
        positions = [offset for offset, _ in self.offsets]
        first = self.offsets[max(0, bisect_right(positions, start) - 1)][1]
        last = self.offsets[max(0, bisect_right(positions, max(start, end - 1)) - 1)][1]
        return first, last


def page_range(pages: str | None) -> tuple[int | None, int | None]:
    """'446-453' -> (446, 453); '12' -> (12, 12); anything else -> (None, None)."""
    numbers = [int(n) for n in re.findall(r"[0-9]+", pages or "")]
    return (numbers[0], numbers[-1]) if numbers else (None, None)


def make_clause(
    text: str, source: Source, pager: Pager, number: str, span: tuple[int, int], **extra: object
) -> Clause:
    """A Clause whose text is exactly ``text[start:end]`` after trimming whitespace."""
    start, end = trim_span(text, *span)
    page_start, page_end = pager.pages(start, end)
    return Clause(
        doc_id=source.id,
        prefix=source.prefix,
        version=source.version,
        number=number,
        start=start,
        end=end,
        text=text[start:end],
        page_start=page_start,
        page_end=page_end,
        **extra,  # type: ignore[arg-type]
    )


def item_clauses(text: str, source: Source, pager: Pager, parent: Clause, items: list[Item]) -> list[Clause]:
    """Child Clause records (with grandchildren) for the sub-paragraph items of one clause."""
    numbers = {item.path: numbered(parent.number, item) for item in items}
    children: dict[tuple[str, ...], list[str]] = {}
    for item in items:
        children.setdefault(item.path[:-1], []).append(numbers[item.path])
    out = []
    for item in items:
        parent_number = numbers.get(item.path[:-1], parent.number)
        out.append(
            make_clause(
                text,
                source,
                pager,
                numbers[item.path],
                (item.start, item.end),
                title_path=parent.title_path,
                parent=parent_number,
                children=tuple(children.get(item.path, ())),
            )
        )
    return out


def span_ends(starts: list[Start], text: str, nested: bool) -> list[int]:
    """End of each top-level span: the next start's heading (or, nested, the next non-descendant)."""
    ends = []
    for index, start in enumerate(starts):
        stop = len(text)
        for later in starts[index + 1 :]:
            if not nested or not later.number.startswith(start.number + "."):
                stop = later.lead
                break
        ends.append(stop)
    return ends


def outline_parent(number: str, known: set[str]) -> str | None:
    """The nearest enclosing outline number present in the document ('2.5' -> '2')."""
    parts = number.split(".")
    for size in range(len(parts) - 1, 0, -1):
        candidate = ".".join(parts[:size])
        if candidate in known:
            return candidate
    return None


def title_paths(starts: list[Start], text: str, source: Source) -> list[tuple[str, ...]]:
    """Condition / part / heading (licence) or section / ancestors / heading (outline)."""
    paths = []
    if source.family == "licence":
        titles = condition_titles(text, source)
        for start in starts:
            cond = start.number.split(".")[0]
            parts = (titles.get(cond, f"Condition {cond}"), start.part, start.heading)
            paths.append(tuple(p for p in parts if p))
        return paths
    by_number = {start.number: start for start in starts}
    sections = sec_sections(text) if source.family == "sec" else []
    for start in starts:
        chain: list[str] = []
        cursor = outline_parent(start.number, set(by_number))
        while cursor:
            ancestor = by_number[cursor]
            chain.insert(0, f"{ancestor.number} {ancestor.heading}".strip())
            cursor = outline_parent(cursor, set(by_number))
        section = [title for offset, title in sections if offset < start.start][-1:]
        paths.append(tuple(p for p in (*section, *chain, start.heading) if p))
    return paths


def segment(
    text: str, source: Source, page_offsets: Sequence[tuple[int, int]] = (), path: str | None = None
) -> tuple[tuple[Clause, ...], tuple[Definition, ...]]:
    """Find the clauses, sub-clauses and definitions of one cleaned document."""
    grammar = GRAMMARS[source.family]
    starts = licence_starts(text, source) if grammar.inline else outline_starts(text, source.family)
    if not starts:
        raise NoClausesFoundError(
            path or source.file or source.id,
            f"no {source.family} clause numbering found",
            "check --family/--prefix",
        )
    pager = Pager(tuple(page_offsets), page_range(source.pages))
    nested = not grammar.inline
    known = {start.number for start in starts}
    ends = span_ends(starts, text, nested)
    paths = title_paths(starts, text, source)
    kids: dict[str, list[str]] = {}
    for start in starts:
        parent = outline_parent(start.number, known) if nested else None
        if parent:
            kids.setdefault(parent, []).append(start.number)
    clauses: list[Clause] = []
    definitions: list[Definition] = []
    for start, end, title_path in zip(starts, ends, paths, strict=True):
        own_end = next((s.lead for s in starts if s.start > start.start), end) if nested else end
        resets, defs = [], []
        if is_definitions_clause(start, text):
            defs = definition_spans(text, start.body, own_end)
            resets = [begin for _, begin, _ in defs]
        items = parse_items(text, start.body, own_end, resets) if grammar.subclauses else []
        top_items = [numbered(start.number, item) for item in items if len(item.path) == 1]
        clause = make_clause(
            text,
            source,
            pager,
            start.number,
            (start.body, end),
            title_path=title_path,
            heading=start.heading,
            parent=outline_parent(start.number, known) if nested else None,
            children=tuple(top_items) + tuple(kids.get(start.number, [])),
        )
        clauses.append(clause)
        clauses.extend(item_clauses(text, source, pager, clause, items))
        definitions.extend(
            Definition(term, source.id, source.prefix, source.version, start.number, s, e, text[s:e])
            for term, s, e in defs
        )
    return tuple(sorted(clauses, key=lambda c: (c.start, -c.end))), tuple(definitions)


def numbered(parent: str, item: Item) -> str:
    """Number of a sub-paragraph item under ``parent``: '39.4' + ('a', 'ii') -> '39.4(a)(ii)'."""
    return parent + "".join(f"({label})" for label in item.path)
