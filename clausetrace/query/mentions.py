"""Anchors named inside a question, in the spellings people type: 'SLC 48.1', 'standard condition
39', 'Licence Condition 39.1', 'Section F4.3', 'DCC Licence Condition 22.2', 'gas licence 33.1', and
the SEC appendices: 'SEC-N 1.1', 'SEC Appendix M 2.2', 'Appendix N paragraph 2.1.2'."""

from __future__ import annotations

import re

from clausetrace.anchors import normalise_number

NUMBER = r"\d+[A-Z]?(?:\.\d+[A-Z]?)*(?:\s?\([a-z]{1,4}\))*"
APPENDIX = re.compile(
    r"\b(?:SEC\s*-\s*(?P<hyphen>[A-Z])|(?:SEC\s+)?Appendix\s+(?P<word>[A-Z]))\b"
    r"(?:,?\s+(?:paragraph|para\.?|section|clause)s?)?\s+(?P<num>\d+(?:\.\d+)*(?:\s?\([a-z]{1,4}\))*)",
    re.IGNORECASE,
)
PREFIXED = re.compile(
    r"\b(ESL|GSL|DCCL|SEC|SMETS|CHTS|GBCS|SMDA-266)\s+(?:Section\s+)?([A-Z]?" + NUMBER + r")",
    re.IGNORECASE,
)
LICENCE_WORDS = re.compile(  # 'paragraphs 41.14 and 41.15 of the DCC Licence' names two DCCL paragraphs
    r"\b(?P<dcc>DCC\s+)?(?P<gas>gas\s+(?:supply\s+)?)?(?:standard\s+)?(?:licence\s+)?"
    r"(?:SLC|LC|conditions?|paragraphs?|paras?\.?)\s+(?P<nums>"
    + NUMBER
    + r"(?:(?:,|,?\s+and|,?\s+or)\s+"
    + NUMBER
    + r")*)(?P<of>\s+of\s+(?:the\s+)?(?P<dcc_of>DCC\s+)?(?P<gas_of>gas\s+(?:supply\s+)?)?licen[cs]e)?",
    re.IGNORECASE,
)
LISTED = re.compile(NUMBER)
SEC_SECTION = re.compile(r"\bSection\s+(?P<num>[A-Z]\d*(?:\.\d+)*(?:\([a-z]+\))*)\b")
INSTRUMENTS = (  # (prefix, spelling): documents people name without a clause number
    ("GSL", r"gas\s+(?:supply\s+|supplier(?:'?s)?\s+)?licen[cs]e"),
    ("DCCL", r"DCC(?:['’]s)?\s+(?:own\s+)?licen[cs]e"),
    ("ESL", r"electricity\s+(?:supply\s+|supplier(?:'?s)?\s+)?licen[cs]e"),
    ("SEC", r"smart\s+energy\s+code|SEC(?!\s*-)"),
    ("SMETS", r"SMETS\s*[12]?|(?:smart\s+metering\s+equipment\s+)?technical\s+specifications?"),
    ("CHTS", r"CHTS|communications\s+hub\s+technical\s+specifications?"),
    ("GBCS", r"GBCS|(?:great\s+britain|GB)\s+companion\s+specification"),
)
ACTS = r"(?:Energy|Electricity|Gas)\s+Act"
NAMED_RES = tuple(
    (prefix, re.compile(rf"\b(?:{spelling})\b", re.IGNORECASE))
    for prefix, spelling in (*INSTRUMENTS, ("ACT", ACTS))
)
SOURCE_LEAD = r"(?:what\s+does|does|do|did|under|in|according\s+to|by)\s+(?:the\s+)?"
DOCUMENT_NOUN = (
    r"(?:Specifications?|Policy|Procedures?|Code|Act|Regulations?|Directive|Document|Guidance|Plan|"
    r"Standard|Agreement|Scheme|Arrangements|RAPP|GDPR|Framework|Methodology|Statement|Rules)"
)
TITLE_WORD = r"(?:[A-Z][\w'’&-]*|of|and|for|on|to|in)"
SOURCE_TITLE = re.compile(  # 'what does the SMKI Recovery Procedure require', 'under the Retail Energy Code'
    rf"\b(?i:what\s+(?:\w+\s+){{0,4}}(?:does|do|did)|does|do|did|under|in|according\s+to|by)\s+(?i:the\s+)?"
    rf"(?:SEC(?:'s|’s)?\s+)?(?P<title>[A-Z][\w'’&-]*\s+(?:{TITLE_WORD}\s+){{0,6}}{DOCUMENT_NOUN})\b"
)
GUIDANCE_ASKED = re.compile(  # 'according to the SMDA note', 'where does the SMDA note say ...'
    r"\b(?:according\s+to|going\s+by|based\s+on)\s+(?:the\s+)?(?:SMDA(?:-?266)?|interoperability\s+guidance)\b|"
    r"\bSMDA(?:-?266)?(?:'s|’s)?\s+(?:note|guidance|document|paper)\b|\binteroperability\s+guidance\b",
    re.I,
)
ASKING_SPLIT = re.compile(r"(?<=[.!?])\s+")
SOURCE_RES = tuple(
    (prefix, re.compile(rf"\b{SOURCE_LEAD}(?:{spelling})\b", re.IGNORECASE))
    for prefix, spelling in INSTRUMENTS
)


def mentioned_anchors(text: str) -> list[str]:
    """Anchors a text names ('SLC 39.1' -> 'ESL 39.1', 'Section F4.3' -> 'SEC F4.3'), in order.

    A SEC appendix spelling claims its words first, so 'Appendix N paragraph 2.1.2' is 'SEC-N
    2.1.2' and never also a licence paragraph.
    """
    names: list[str] = []
    claimed: list[tuple[int, int]] = []
    for m in APPENDIX.finditer(text):
        letter = (m["hyphen"] or m["word"]).upper()
        names.append(f"SEC-{letter} {normalise_number(m['num'])}")
        claimed.append(m.span())

    def free(m: re.Match[str]) -> bool:
        return not any(m.start() < end and start < m.end() for start, end in claimed)

    for m in filter(free, PREFIXED.finditer(text)):
        names.append(f"{m.group(1).upper()} {normalise_number(m.group(2))}")
    for m in filter(free, LICENCE_WORDS.finditer(text)):
        prefix = "DCCL" if m["dcc"] or m["dcc_of"] else "GSL" if m["gas"] or m["gas_of"] else "ESL"
        names += [f"{prefix} {normalise_number(n)}" for n in LISTED.findall(m["nums"])]
    for m in filter(free, SEC_SECTION.finditer(text)):
        names.append(f"SEC {normalise_number(m.group('num'))}")
    return list(dict.fromkeys(names))


def source_instruments(text: str) -> list[str]:
    """Prefixes of the instruments a question asks *about* without a clause number: 'does the gas
    supply licence oblige ...', 'under the DCC licence ...' -> ['GSL'], ['DCCL']. An instrument
    named as an object ('comply with the SEC') is not a source, nor one a question asks the guidance
    about in the sentence that asks ('going by the SMDA note, where in the gas licence ...', 'where in
    the SMETS does the SMDA note say ...': the guidance is the source)."""
    if GUIDANCE_ASKED.search(_asking(text)):
        return []
    return [prefix for prefix, pattern in SOURCE_RES if pattern.search(text)]


def _asking(text: str) -> str:
    """The sentences of a question that ask (end in '?'), else all of it: 'The SMDA note quotes the
    gas licence. How does the gas licence define it?' asks the gas licence, not the note."""
    return " ".join(s for s in ASKING_SPLIT.split(text) if s.endswith("?")) or text


def source_titles(text: str) -> list[str]:
    """Titles of documents a question asks *about*, in capitals and ending in a document word: 'what
    does the SMKI Recovery Procedure require' -> ['SMKI Recovery Procedure']."""
    return list(dict.fromkeys(m["title"] for m in SOURCE_TITLE.finditer(text)))


def named_instruments(text: str) -> list[str]:
    """Prefixes of the instruments a text names in words ('the gas supply licence' -> 'GSL'; an Act
    of Parliament -> 'ACT')."""
    return [prefix for prefix, pattern in NAMED_RES if pattern.search(text)]
