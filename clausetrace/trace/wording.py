"""A clause's change between two versions, said in words.

The word edits of :func:`clausetrace.trace.diff.word_diff` are merged when only a few words
separate them and widened to whole capitalised terms, then said as a reader would:

- a date replaced: "the deadline '31 December 2020' was replaced by the ARS Specified Date";
- a word added before a term: "'Smart Metering System' became 'Relevant Smart Metering System'";
- other short edits: "'X' became 'Y'", "'X' was removed", "'Y' was added";
- added or removed sub-paragraphs: "sub-paragraphs (g) and (h) were added".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

DATE_RE = re.compile(
    r"\b[0-9]{1,2} (?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December) (?:19|20)[0-9]{2}\b"
)
DEADLINE_CUE = re.compile(r"\b(?:before|by|prior to|later than|until)\s*$", re.I)
DETERMINERS = frozenset({"the", "a", "an"})
MINOR_WORDS = frozenset({"", "and", "or", "the", "a", "an", "of", "to", "in"})
TERM_WORD = re.compile(r"^[A-Z][\w’'-]*[,;.]?$")
EDGE_PUNCT = " ,;:."
MERGE_GAP = 3  # edits this many equal words apart are said as one
MAX_QUOTED = 14  # longer edits are quoted up to this many words
MAX_PHRASES = 3
MAX_SUB_QUOTED = 40  # an added sub-paragraph is quoted up to this many words


@dataclass(frozen=True, slots=True)
class Edit:
    """One said edit: old words a[i1:i2] became new words b[j1:j2]."""

    i1: int
    i2: int
    j1: int
    j2: int


def describe_change(
    old: Sequence[str],
    new: Sequence[str],
    edits: Sequence[tuple[int, int, int, int]],
    subs: dict[str, list[str]],
    texts: dict[str, str] | None = None,
) -> str:
    """The change of one clause in words ('' when nothing can be said); ``texts`` holds the text
    of each added sub-paragraph, which is quoted."""
    added = [s[s.rfind("(") :] for s in subs.get("added", [])]
    phrases = [say(old, new, edit) for edit in merge(edits)]
    said = [p for p in phrases if p and not any(label in p for label in added)][:MAX_PHRASES]
    for kind in ("added", "removed"):
        if subs.get(kind):
            said.append(sub_paragraphs(kind, subs[kind], texts or {}))
    return "; ".join(said)


def sub_paragraphs(kind: str, numbers: Sequence[str], texts: dict[str, str]) -> str:
    """'sub-paragraphs (g) and (h) were added: (g) '...'; (h) '...'' (quotes for added ones)."""
    labels = [n[n.find("(") :] for n in numbers]
    plural = len(labels) > 1
    said = f"sub-paragraph{'s' if plural else ''} {and_list(labels)} {'were' if plural else 'was'} {kind}"
    quotes = [
        (label, clip(texts[n], MAX_SUB_QUOTED))
        for label, n in zip(labels, numbers, strict=True)
        if n in texts
    ]
    if not quotes:
        return said
    if not plural:
        return f"{said}: '{quotes[0][1]}'"
    return f"{said}: " + "; ".join(f"{label} '{text}'" for label, text in quotes)


def merge(edits: Sequence[tuple[int, int, int, int]]) -> list[Edit]:
    """Edits in order, those at most MERGE_GAP equal words apart joined into one."""
    merged: list[Edit] = []
    for i1, i2, j1, j2 in sorted(edits):
        last = merged[-1] if merged else None
        if last and i1 - last.i2 <= MERGE_GAP and j1 - last.j2 <= MERGE_GAP:
            merged[-1] = Edit(last.i1, i2, last.j1, j2)
        else:
            merged.append(Edit(i1, i2, j1, j2))
    return merged


def say(old: Sequence[str], new: Sequence[str], edit: Edit) -> str:
    """One edit in words; '' for edits of punctuation or of a lone small word ('and')."""
    edit = widen(old, new, shrink(old, new, edit))
    before, after = phrase(old[edit.i1 : edit.i2]), phrase(new[edit.j1 : edit.j2])
    if before == after or {before.lower(), after.lower()} <= MINOR_WORDS:
        return ""
    short = len(before.split()) <= MAX_QUOTED
    if short and DATE_RE.search(before) and not DATE_RE.search(after):
        lead = " ".join(old[max(0, edit.i1 - 3) : edit.i1])
        what = "the deadline" if DEADLINE_CUE.search(lead) else "the date"
        return f"{what} '{before}' was replaced by {as_term(new, edit.j1, after)}"
    if before and after:
        return f"'{clip(before)}' became '{clip(after)}'"
    return f"'{clip(after)}' was added" if after else f"'{clip(before)}' was removed"


def shrink(old: Sequence[str], new: Sequence[str], edit: Edit) -> Edit:
    """Drop words both sides of an edit share at its edges once punctuation is ignored ('apply.')."""
    i1, i2, j1, j2 = edit.i1, edit.i2, edit.j1, edit.j2
    while i1 < i2 and j1 < j2 and old[i1].strip(EDGE_PUNCT) == new[j1].strip(EDGE_PUNCT):
        i1, j1 = i1 + 1, j1 + 1
    while i2 > i1 and j2 > j1 and old[i2 - 1].strip(EDGE_PUNCT) == new[j2 - 1].strip(EDGE_PUNCT):
        i2, j2 = i2 - 1, j2 - 1
    return Edit(i1, i2, j1, j2)


def as_term(words: Sequence[str], start: int, text: str) -> str:
    """A defined term as a reader says it ('the ARS Specified Date'); other text quoted."""
    if not all(TERM_WORD.match(word) for word in text.split()):
        return f"'{clip(text)}'"
    if start > 0 and words[start - 1].lower() in DETERMINERS:
        return f"{words[start - 1]} {text}"
    return f"the {text}"


def clip(text: str, limit: int = MAX_QUOTED) -> str:
    """A phrase cut to ``limit`` words, with an ellipsis when cut."""
    words = text.split()
    return " ".join(words) if len(words) <= limit else " ".join(words[:limit]) + " …"


def widen(old: Sequence[str], new: Sequence[str], edit: Edit) -> Edit:
    """Widen an edit over the capitalised term it cuts into ('Relevant' + 'Smart Metering System')."""
    i1, i2, j1, j2 = edit.i1, edit.i2, edit.j1, edit.j2
    while i2 < len(old) and j2 < len(new) and old[i2] == new[j2] and TERM_WORD.match(new[j2]):
        if not (i2 > i1 and TERM_WORD.match(old[i2 - 1]) or j2 > j1 and TERM_WORD.match(new[j2 - 1])):
            break
        i2, j2 = i2 + 1, j2 + 1
    while i1 > 0 and j1 > 0 and old[i1 - 1] == new[j1 - 1] and TERM_WORD.match(new[j1 - 1]):
        if not (i1 < i2 and TERM_WORD.match(old[i1]) or j1 < j2 and TERM_WORD.match(new[j1])):
            break
        i1, j1 = i1 - 1, j1 - 1
    return Edit(i1, i2, j1, j2)


def phrase(words: Sequence[str]) -> str:
    """Words as a quoted phrase, without punctuation at its edges."""
    return " ".join(words).strip(EDGE_PUNCT)


def and_list(items: Sequence[str]) -> str:
    """'(g)', '(h)' -> '(g) and (h)'; three or more with commas."""
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
