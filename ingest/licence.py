"""Licence texts: inline 'N.N' clause starts told apart from references, and the headings before them.

Ofgem's consolidated conditions number paragraphs *inline*: '... Supplier. 39.2 The requirement
in paragraph 39.1 is subject to paragraphs 39.3, 39.4 ...'. Every ``N.N`` is a candidate;
references are refused by the word before them (paragraph, of, and, ',' ...) and by what follows
(a clause opens with a capital or '(Not used)'), and the survivors must form a sequence (39.1,
39.2, ... with small gaps): the longest such chain wins.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from clausetrace.models import Source
from clausetrace.text import trim_span
from ingest.anchors import (
    CONDITION_HEADING,
    GRAMMARS,
    LICENCE_INLINE,
    PART_HEADING,
    REFERENCE_PUNCT,
    REFERENCE_WORDS,
    licence_key,
)
from ingest.spans import STRONG_WEIGHT, Start, best_chain, previous_token

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
