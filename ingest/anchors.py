"""Anchor grammars: named regex constants per numbering family, composed by small builders.

Families (see ``corpus/sources.toml``):

- licence: ``39.1``, ``39.15``, ``44A.3A`` with sub-paragraphs ``(a)``, ``(ii)`` -> ``39.4(a)(ii)``
- sec: SEC sections ``A1``, ``F4.3``, ``F12.4``, ``F4.3(a)``; SEC appendices ``1``, ``2.3.1.10``,
  ``2.3.1.7(a)(ii)`` and inner appendices ``A`` .. ``H`` (:mod:`ingest.sec`)
- spec: numbered specification clauses ``4.2.1``, ``5.3.2`` (SMETS, CHTS, GBCS)
- guidance: section headings ``2``, ``2.5`` at line starts (SMDA-266)

The number building blocks and what a user types (``parse_anchor``) live in
:mod:`clausetrace.anchors`, shared with the query stage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clausetrace.anchors import (
    CONDITION,
    GUIDANCE_NUMBER,
    LICENCE_NUMBER,
    ROMAN,
    SEC_NUMBER,
    SPEC_NUMBER,
    SUB_LABEL,
)

# ---- building blocks -------------------------------------------------------------------------

# Words that, right before a number, make it a cross-reference rather than a clause start.
REFERENCE_WORDS = frozenset(
    """paragraph paragraphs paragrap para paras sub-paragraph sub-paragraphs subparagraph
    condition conditions slc slcs lc clause clauses section sections schedule part of and or
    to under in with by see per at from than nor via including include includes &""".split()
)
OUTLINE_REFERENCE_WORDS = frozenset(
    "paragraph paragraphs section sections clause clauses condition conditions schedule part".split()
)
REFERENCE_PUNCT = frozenset(",&(–-/")


def inline(pattern: str) -> str:
    """``pattern`` standing alone inside running text (not part of a longer number or word)."""
    return rf"(?<![\w.]){pattern}(?![\w]|\.[0-9])"


def at_line_start(pattern: str) -> str:
    """``pattern`` at the start of a line (after optional indentation), then the line's rest."""
    return rf"(?m)^[ \t]*{pattern}\.?[ \t]+(?P<rest>\S[^\n]*)$"


# ---- the numbers of each family --------------------------------------------------------------

LICENCE_INLINE = re.compile(inline(LICENCE_NUMBER))
SEC_LINE = re.compile(at_line_start(rf"(?P<number>{SEC_NUMBER})"))
SPEC_LINE = re.compile(at_line_start(rf"(?P<number>{SPEC_NUMBER})"))
GUIDANCE_LINE = re.compile(at_line_start(rf"(?P<number>{GUIDANCE_NUMBER})"))
SEC_SECTION_HEADING = re.compile(r"(?m)^[ \t]*(?P<title>Section [A-Z]\b[^\n]*)$")
CONDITION_HEADING = re.compile(
    rf"(?m)^[ \t]*(?:Standard\s+)?Condition\s+(?P<cond>{CONDITION})[.:]\s+(?P<title>[^\n]*)$"
)
PART_HEADING = re.compile(r"\b(?:PART|Part)\s+[A-Z][0-9]?\b\s*[.:\-–]?")

# Sub-paragraph markers: '(a)' / '(iv)' not glued to a number or word, 'ii.' list items, and
# 'a)' at a line start (the SEC appendices' lists).
SUB_MARKER = re.compile(
    rf"(?<![\w)\]])\((?P<paren>{SUB_LABEL})\)(?=\s)|(?<![\w.])(?P<dot>{ROMAN})\.(?=\s)"
    r"|(?m:^)[ \t]*(?P<close>[a-z])\)(?=\s)"
)
# What may precede a sub-paragraph marker: a list boundary, or '; and' / ', or'.
SUB_LEAD = re.compile(r"(?:[:;.]|[;,:]\s*(?:and|or|nor|plus))\s*$")
DOT_ITEM_LEAD = re.compile(r"(?:[:;]|\b(?:and|or|nor))\s*$")

# Definitions: '<Term> means ...', '<Term> has the meaning ...'.
DEFINITION_VERB = re.compile(
    r"\s(?:shall\s+)?(?:means|mean|has the meaning|have the meaning|have the meanings"
    r"|is defined|are defined|[Aa]s defined|has(?=:))\b"
)
DEFINITIONS_OPENING = re.compile(r"^(?:For the purposes of[^:.]{0,80}|In this [Cc]ondition):\s*[\"“‘']?[A-Z]")
TERM_CONNECTORS = frozenset("of and the to for in on with by or a an".split())
TERM_WORD = re.compile(r"^[\"“‘']?[A-Z][\w’'\-]*[\"”’']?$")

# ---- family grammar table --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Grammar:
    """How one family numbers its clauses."""

    family: str
    number: str  # regex of a clause number (no sub-paragraphs)
    inline: bool  # True: clause numbers run inline in paragraphs (licence texts)
    subclauses: bool  # True: (a)/(i) sub-paragraphs become child clauses
    max_gap: int  # largest jump between consecutive numbers accepted as a sequence


GRAMMARS: dict[str, Grammar] = {
    "licence": Grammar("licence", LICENCE_NUMBER, True, True, 3),
    "sec": Grammar("sec", SEC_NUMBER, False, True, 99),
    "spec": Grammar("spec", SPEC_NUMBER, False, True, 3),
    "guidance": Grammar("guidance", GUIDANCE_NUMBER, False, False, 3),
}

LINE_PATTERNS: dict[str, re.Pattern[str]] = {
    "sec": SEC_LINE,
    "spec": SPEC_LINE,
    "guidance": GUIDANCE_LINE,
}


# ---- small helpers shared by segmentation ----------------------------------------------------

ROMAN_VALUES = {"i": 1, "v": 5, "x": 10}


def roman_value(label: str) -> int | None:
    """Integer value of a lower-case roman numeral, or None if it is not one."""
    if not label or not re.fullmatch(ROMAN, label):
        return None
    total = 0
    for char, after in zip(label, label[1:] + " ", strict=True):
        value = ROMAN_VALUES[char]
        total += -value if ROMAN_VALUES.get(after, 0) > value else value
    return total


def licence_key(cond: str, para: str) -> tuple[int, str, int, str]:
    """Sort key of a licence number: '44A.3A' -> (44, 'A', 3, 'A')."""
    return (
        int(cond.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")),
        cond.lstrip("0123456789"),
        int(para.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")),
        para.lstrip("0123456789"),
    )


def outline_key(number: str) -> tuple[int, ...]:
    """Sort key of an outline number: 'F4.3' -> (70, 4, 3); '2.5' -> (2, 5)."""
    head, *rest = number.split(".")
    if head[:1].isalpha():
        return (ord(head[0]), int(head[1:]), *map(int, rest))
    return (int(head), *map(int, rest))
