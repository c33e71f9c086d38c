"""Anchors shared by every stage: clause-number building blocks, citation prefixes, and what a
user types ('esl 39.15 (a)', 'SLC 48.1') normalised to the canonical ``<PREFIX> <clause>``.

Segmentation grammars built from these blocks are in :mod:`ingest.anchors`; anchors mentioned
inside a question are read by :mod:`clausetrace.query`.
"""

from __future__ import annotations

import re

from clausetrace.errors import UnknownAnchorError

# ---- number building blocks ------------------------------------------------------------------

DIGITS = r"[0-9]{1,3}"
LETTER_SUFFIX = r"[A-Z]?"
CONDITION = rf"{DIGITS}{LETTER_SUFFIX}"  # 39, 39A, 44A
PARAGRAPH = rf"{DIGITS}{LETTER_SUFFIX}"  # 1, 15, 3A, 31B
SEC_SECTION = r"[A-Z][0-9]{1,2}"  # A1, F4, F12
ROMAN = r"(?=[ivx])x{0,3}(?:ix|iv|v?i{0,3})"  # i .. xxxix, never empty
SUB_LABEL = rf"(?:[a-z]|{ROMAN})"
SUB_PAREN = rf"\({SUB_LABEL}\)"  # (a), (ii)


def dotted(head: str, tail: str, min_tail: int, max_tail: int) -> str:
    """``head`` followed by ``min_tail``..``max_tail`` groups of ``.tail``."""
    return rf"{head}(?:\.{tail}){{{min_tail},{max_tail}}}"


LICENCE_NUMBER = rf"(?P<cond>{CONDITION})\.(?P<para>{PARAGRAPH})"
SEC_NUMBER = dotted(SEC_SECTION, DIGITS, 0, 2)
SPEC_NUMBER = dotted(r"[0-9]{1,2}", DIGITS, 0, 3)
GUIDANCE_NUMBER = dotted(r"[0-9]{1,2}", r"[0-9]{1,2}", 0, 2)


# ---- citation prefixes ---------------------------------------------------------------------

PREFIX_FAMILY: dict[str, str] = {
    "ESL": "licence",
    "GSL": "licence",
    "DCCL": "licence",
    "SEC": "sec",
    "SEC-M": "sec",
    "SEC-N": "sec",
    "SEC-P": "sec",
    "SMETS": "spec",
    "CHTS": "spec",
    "GBCS": "spec",
    "SMDA-266": "guidance",
}
KNOWN_PREFIXES = tuple(PREFIX_FAMILY)

# ---- user-typed anchors ----------------------------------------------------------------------

PREFIX_ALIASES = {"SMDA266": "SMDA-266", "SMDA 266": "SMDA-266", "DCC": "DCCL"}
# A SEC appendix as people write it: 'SEC-N', 'SEC Appendix N', 'Appendix N' (canonical 'SEC-N').
SEC_APPENDIX_PREFIX = r"sec\s*-\s*[a-z]\b|(?:sec\s+)?appendix\s+[a-z]\b"
SEC_APPENDIX_SPELLING = re.compile(r"^(?:SEC\s*-\s*|(?:SEC\s+)?APPENDIX\s+)(?P<letter>[A-Z])$")
ANCHOR_NOISE = (
    r"(?:(?:standard\s+)?(?:licence\s+)?(?:condition|section|paragraph|para|clause|slc|lc|appendix)\s*)?"
)
USER_NUMBER = r"[A-Za-z]?[0-9]{1,3}[A-Za-z]?(?:\s*\.\s*[0-9]{1,3}[A-Za-z]?)*|[A-Za-z]"
USER_SUBS = rf"(?:\s*\(\s*{SUB_LABEL}\s*\))*"
USER_ANCHOR = re.compile(
    rf"^\s*(?P<prefix>{SEC_APPENDIX_PREFIX}|smda[\s-]?266|esl|gsl|dccl?|sec|smets|chts|gbcs)?\s*"
    rf"{ANCHOR_NOISE}(?P<number>{USER_NUMBER})(?P<subs>{USER_SUBS})\s*$",
    re.IGNORECASE,
)
INNER_APPENDIX = r"[A-Z]"  # a SEC appendix's own appendices: 'SEC-N A', 'SEC-M H'
VALID_NUMBER = re.compile(
    rf"^(?:{LICENCE_NUMBER}|{SEC_NUMBER}|{SPEC_NUMBER}|{INNER_APPENDIX})(?:{SUB_PAREN})*$"
)


def normalise_prefix(raw: str) -> str:
    """Canonical spelling of a citation prefix ('smda 266' -> 'SMDA-266', 'Appendix N' -> 'SEC-N')."""
    upper = re.sub(r"\s+", " ", raw.strip().upper())
    appendix = SEC_APPENDIX_SPELLING.match(upper)
    if appendix:
        return f"SEC-{appendix['letter']}"
    return PREFIX_ALIASES.get(upper, PREFIX_ALIASES.get(upper.replace("-", ""), upper))


def prefix_family(prefix: str) -> str | None:
    """The numbering family of a citation prefix ('SEC-N' -> 'sec'), if known."""
    return PREFIX_FAMILY.get(prefix) or ("sec" if SEC_APPENDIX_SPELLING.match(prefix) else None)


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


def canonical_anchor(text: str) -> str:
    """'esl 39.15 (a)' -> 'ESL 39.15(a)'; unparseable text is returned stripped."""
    try:
        return format_anchor(*parse_anchor(text))
    except UnknownAnchorError:
        return " ".join(text.split())
