"""Anchor grammars: named regex constants per numbering family, composed by small builders.

Families (see ``corpus/sources.toml``):

- licence: ``39.1``, ``39.15``, ``44A.3A`` with sub-paragraphs ``(a)``, ``(ii)`` -> ``39.4(a)(ii)``
- sec: SEC sections ``A1``, ``F4.3``, ``F12.4``, ``F4.3(a)``
- spec: numbered specification clauses ``4.2.1``, ``5.3.2`` (SMETS, CHTS, GBCS)
- guidance: section headings ``2``, ``2.5`` at line starts (SMDA-266)

Also the user-facing side: ``parse_anchor`` / ``format_anchor`` normalise what a user types.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clausetrace.errors import UnknownAnchorError

# ---- building blocks -------------------------------------------------------------------------

DIGITS = r"[0-9]{1,3}"
LETTER_SUFFIX = r"[A-Z]?"
CONDITION = rf"{DIGITS}{LETTER_SUFFIX}"  # 39, 39A, 44A
PARAGRAPH = rf"{DIGITS}{LETTER_SUFFIX}"  # 1, 15, 3A, 31B
SEC_SECTION = r"[A-Z][0-9]{1,2}"  # A1, F4, F12
ROMAN = r"(?=[ivx])x{0,3}(?:ix|iv|v?i{0,3})"  # i .. xxxix, never empty
SUB_LABEL = rf"(?:[a-z]|{ROMAN})"
SUB_PAREN = rf"\({SUB_LABEL}\)"  # (a), (ii)

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


def dotted(head: str, tail: str, min_tail: int, max_tail: int) -> str:
    """``head`` followed by ``min_tail``..``max_tail`` groups of ``.tail``."""
    return rf"{head}(?:\.{tail}){{{min_tail},{max_tail}}}"


def inline(pattern: str) -> str:
    """``pattern`` standing alone inside running text (not part of a longer number or word)."""
    return rf"(?<![\w.]){pattern}(?![\w]|\.[0-9])"


def at_line_start(pattern: str) -> str:
    """``pattern`` at the start of a line (after optional indentation), then the line's rest."""
    return rf"(?m)^[ \t]*{pattern}\.?[ \t]+(?P<rest>\S[^\n]*)$"


# ---- the numbers of each family --------------------------------------------------------------

LICENCE_NUMBER = rf"(?P<cond>{CONDITION})\.(?P<para>{PARAGRAPH})"
SEC_NUMBER = dotted(SEC_SECTION, DIGITS, 0, 2)
SPEC_NUMBER = dotted(r"[0-9]{1,2}", DIGITS, 0, 3)
GUIDANCE_NUMBER = dotted(r"[0-9]{1,2}", r"[0-9]{1,2}", 0, 2)

LICENCE_INLINE = re.compile(inline(LICENCE_NUMBER))
SEC_LINE = re.compile(at_line_start(rf"(?P<number>{SEC_NUMBER})"))
SPEC_LINE = re.compile(at_line_start(rf"(?P<number>{SPEC_NUMBER})"))
GUIDANCE_LINE = re.compile(at_line_start(rf"(?P<number>{GUIDANCE_NUMBER})"))
SEC_SECTION_HEADING = re.compile(r"(?m)^[ \t]*(?P<title>Section [A-Z]\b[^\n]*)$")
CONDITION_HEADING = re.compile(
    rf"(?m)^[ \t]*(?:Standard\s+)?Condition\s+(?P<cond>{CONDITION})[.:]\s+(?P<title>[^\n]*)$"
)
PART_HEADING = re.compile(r"\b(?:PART|Part)\s+[A-Z][0-9]?\b\s*[.:\-–]?")

# Sub-paragraph markers: '(a)' / '(iv)' not glued to a number or word, and 'ii.' list items.
SUB_MARKER = re.compile(rf"(?<![\w)\]])\((?P<paren>{SUB_LABEL})\)(?=\s)|(?<![\w.])(?P<dot>{ROMAN})\.(?=\s)")
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

PREFIX_FAMILY: dict[str, str] = {
    "ESL": "licence",
    "GSL": "licence",
    "DCCL": "licence",
    "SEC": "sec",
    "SMETS": "spec",
    "CHTS": "spec",
    "GBCS": "spec",
    "SMDA-266": "guidance",
}
KNOWN_PREFIXES = tuple(PREFIX_FAMILY)

# ---- user-typed anchors ----------------------------------------------------------------------

PREFIX_ALIASES = {"SMDA266": "SMDA-266", "SMDA 266": "SMDA-266", "DCC": "DCCL"}
ANCHOR_NOISE = r"(?:(?:standard\s+)?(?:licence\s+)?(?:condition|section|paragraph|para|clause|slc|lc)\s*)?"
USER_NUMBER = r"[A-Za-z]?[0-9]{1,3}[A-Za-z]?(?:\s*\.\s*[0-9]{1,3}[A-Za-z]?)*"
USER_SUBS = rf"(?:\s*\(\s*{SUB_LABEL}\s*\))*"
USER_ANCHOR = re.compile(
    rf"^\s*(?P<prefix>smda[\s-]?266|esl|gsl|dccl?|sec|smets|chts|gbcs)?\s*{ANCHOR_NOISE}"
    rf"(?P<number>{USER_NUMBER})(?P<subs>{USER_SUBS})\s*$",
    re.IGNORECASE,
)
VALID_NUMBER = re.compile(rf"^(?:{LICENCE_NUMBER}|{SEC_NUMBER}|{SPEC_NUMBER})(?:{SUB_PAREN})*$")


def normalise_prefix(raw: str) -> str:
    """Canonical spelling of a citation prefix ('smda 266' -> 'SMDA-266')."""
    upper = re.sub(r"\s+", " ", raw.strip().upper())
    return PREFIX_ALIASES.get(upper, PREFIX_ALIASES.get(upper.replace("-", ""), upper))


def normalise_number(raw: str) -> str:
    """Canonical clause number: no spaces, upper-case letters in the number, lower-case labels."""
    compact = re.sub(r"\s+", "", raw)
    head, _, subs = compact.partition("(")
    return head.upper() + (f"({subs.lower()}" if subs else "")


def parse_anchor(text: str) -> tuple[str | None, str]:
    """Split a typed anchor into (prefix, number): 'esl 39.15 (a)' -> ('ESL', '39.15(a)')."""
    match = USER_ANCHOR.match(text)
    if not match:
        raise UnknownAnchorError(text.strip())
    prefix = normalise_prefix(match["prefix"]) if match["prefix"] else None
    number = normalise_number(match["number"] + match["subs"])
    if not VALID_NUMBER.match(number):
        raise UnknownAnchorError(text.strip())
    return prefix, number


def format_anchor(prefix: str | None, number: str) -> str:
    """The canonical anchor string, e.g. ('ESL', '39.15(a)') -> 'ESL 39.15(a)'."""
    return f"{prefix} {number}" if prefix else number


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
