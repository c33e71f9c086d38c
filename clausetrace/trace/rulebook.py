"""References in rulebooks numbered by dotted rules ('Rule 15.9.4', 'section 33 of FSMR', '7.1.2(1)(c)').

GB licences and codes have their own finders (:mod:`clausetrace.trace.references`); this grammar is
for rulebooks such as the ADGM ones of the ObliQA benchmark, whose instrument names are data
(``instruments``: name or abbreviation -> prefix), never code. A reference either has a lead word
('Rule', 'section', 'paragraph', 'Chapter', 'Part', 'App') or is a bare number of three or more
levels ('3.11.1'); 'of/in <instrument>' after it, or '<instrument> Rule' before it, names another
instrument. Targets are '<prefix> <number>' with sub-paragraphs kept ('ADGM-17 58(2)(b)'): the
caller resolves them to the nearest clause it holds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

RULE_NUM = r"[A-Z]?\d+[A-Z]?(?:\.\d+[A-Z]?)*"  # 15.9.4, A4.6.14, 3.6A.1, 33
RULE_SUBS = r"(?:\s?\((?:\d{1,3}|[a-z]{1,4}|[A-Z])\))*"  # (1)(c), (b)(iii)
RULE_MORE_SUBS = r"(?:\s*(?:,|&|and|or)\s*\((?:\d{1,3}|[a-z]{1,4})\))*"  # '206(1)(b) and (c)'
RULE_ITEM = RULE_NUM + RULE_SUBS + RULE_MORE_SUBS
RULE_SEP = r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|to)\s+|\s*[–-]\s*)"
LEADS = r"Rules?|[Pp]aragraphs?|[Ss]ections?|[Cc]hapters?|Parts?|Articles?|APP|App(?:endix)?"
BARE_NUM = r"(?<![\w.$%/-])[A-Z]?\d{1,3}[A-Z]?(?:\.\d{1,3}[A-Z]?){2,}" + RULE_SUBS + r"(?![\w%]|\.\d)"
ABBREVIATION_RE = re.compile(r"[A-Z]{2,6}")
FOREIGN_RE = re.compile(  # 'of the Insolvency Regulations', 'of Part 3 of the Companies Regulations'
    r"\s*,?\s+(?:of|in|under)\s+(?:of\s+)?(?:(?:Part|Chapter)\s+\w+\s+of\s+)?(?:the\s+)?"
    r"(?:[A-Z][\w'’-]*\s+){1,6}(?:Regulations|Guidance|Law|Act|Rules|Rulebook|Decree|Decision|Code)\b"
)
RANGE_RE = re.compile(r"\s+to\s+|\s*[–-]\s*")


@dataclass(frozen=True, slots=True)
class RuleHit:
    """One reference phrase: its span in the clause text, the instrument prefix and the numbers."""

    start: int
    end: int
    prefix: str
    numbers: tuple[str, ...]


def instrument_pattern(instruments: Mapping[str, str]) -> str:
    """Alternation of instrument names, longest first, optionally followed by '(ABBR)'."""
    if not instruments:
        return r"(?!)"
    names = sorted(instruments, key=len, reverse=True)
    spelled = "|".join(
        re.escape(n) if ABBREVIATION_RE.fullmatch(n) else rf"(?i:{re.escape(n)})" for n in names
    )
    abbreviations = "|".join(re.escape(n) for n in names if ABBREVIATION_RE.fullmatch(n))
    titled = rf"(?:[A-Z][\w'’–-]*\s+(?:(?:of|and|for|the|&)\s+)*){{1,8}}\((?:{abbreviations or '(?!)'})\)"
    return rf"(?:{titled}|(?:{spelled})(?:\s*\([A-Z]{{2,6}}\))?)"


def rulebook_grammar(instruments: Mapping[str, str]) -> re.Pattern[str]:
    """Lead-word or bare-number references, with an instrument before or after them."""
    inst = instrument_pattern(instruments)
    abbreviations = "|".join(
        sorted((re.escape(n) for n in instruments if ABBREVIATION_RE.fullmatch(n)), key=len, reverse=True)
    )
    items = rf"{RULE_ITEM}(?:{RULE_SEP}(?:(?:{LEADS})\s+)?{RULE_ITEM})*"
    numbered = rf"{RULE_NUM}\.\d+{RULE_SUBS}{RULE_MORE_SUBS}(?:{RULE_SEP}{RULE_ITEM})*"  # 'GEN 3.3.31'
    after = rf"(?:\s*,?\s+(?:of|in|under)\s+(?:the\s+)?(?P<after>{inst}))?"
    return re.compile(
        rf"(?:\b(?:(?P<before>{inst})\s+)?(?P<lead>{LEADS})\s+(?P<list>{items})"
        rf"|\b(?P<abbr>{abbreviations or '(?!)'})\s+(?P<numbered>{numbered})"
        rf"|(?P<bare>{BARE_NUM})){after}"
    )


def rulebook_hits(
    text: str, own: str, instruments: Mapping[str, str], grammar: re.Pattern[str]
) -> list[RuleHit]:
    """Every rule reference in a clause's text, in order; ``own`` prefixes internal ones."""
    hits = []
    lookup = {k.lower(): v for k, v in instruments.items()}
    for m in grammar.finditer(text):
        named = m.group("before") or m.group("abbr") or m.group("after")
        if not named and FOREIGN_RE.match(text, m.end()):
            continue  # a rule of an instrument this corpus does not hold
        prefix = _instrument(named, lookup) if named else own
        numbers = expand_rules(m.group("list") or m.group("numbered") or m.group("bare"))
        lead = (m.group("lead") or "").rstrip("s")
        if lead in ("Part", "APP", "App", "Appendix"):
            numbers = [f"{'Part' if lead == 'Part' else 'APP'} {n}" for n in numbers]
        if numbers:
            hits.append(RuleHit(m.start(), m.end(), prefix, tuple(numbers)))
    return hits


def _instrument(named: str, lookup: Mapping[str, str]) -> str:
    """Prefix of a named instrument ('Market Rules (MKT)' -> its prefix)."""
    named = " ".join(named.split())
    abbreviation = re.search(r"\(([A-Z]{2,6})\)$", named)
    if abbreviation and abbreviation.group(1).lower() in lookup:
        return lookup[abbreviation.group(1).lower()]
    return lookup.get(re.sub(r"\s*\([A-Z]{2,6}\)$", "", named).lower(), "")


def expand_rules(written: str) -> list[str]:
    """'17.1 to 17.6' -> 17.1..17.6; '47-54' -> 47..54; '206(1)(b) and (c)' -> 206(1)(b); in order."""
    items: list[str] = []
    pos = 0
    for m in re.finditer(rf"({RULE_NUM}{RULE_SUBS}){RULE_MORE_SUBS}", written):
        gap, pos = written[pos : m.start()], m.end()
        number = re.sub(r"\s+", "", m.group(1))
        if items and RANGE_RE.fullmatch(gap):
            items.extend(_range(items[-1], number)[1:])
        else:
            items.append(number)
    return list(dict.fromkeys(items))


def _range(low: str, high: str) -> list[str]:
    """Every rule from low to high when only the last level differs (at most 50), else the two ends."""
    lo, hi = low.rpartition("."), high.rpartition(".")
    if lo[0] == hi[0] and lo[2].isdigit() and hi[2].isdigit():
        a, b = int(lo[2]), int(hi[2])
        if a < b <= a + 50:
            return [f"{lo[0]}{lo[1]}{n}" for n in range(a, b + 1)]
    return [low, high]


def passage_key(number: str) -> str:
    """A clause number in the form references write it: 'Part 16.199.(1)' -> '199(1)', '4.8.' -> '4.8'."""
    number = re.sub(r"^(?:Part\s+\w+\.)?(?:Chapter\s+\w+\.)?(?:APP\d+\.)?", "", number.strip())
    number = re.sub(r"^(\d+)\)$", r"\1", number)  # guidance paragraphs '47)'
    return re.sub(r"\.(?=\()|\.$", "", number).replace(" ", "")


def resolve_rule(number: str, keys: Mapping[str, str]) -> str | None:
    """The clause a written number points at: itself, else its nearest enclosing sub-paragraph level."""
    if number in keys:
        return keys[number]
    key = passage_key(number)
    while key:
        if key in keys:
            return keys[key]
        stripped = re.sub(r"\([^()]+\)$", "", key)
        if stripped == key:
            return None
        key = stripped
    return None
