"""References in rulebooks numbered by dotted rules ('Rule 15.9.4', 'section 33 of FSMR', '7.1.2(1)(c)').

GB licences and codes have their own finders (:mod:`clausetrace.trace.references`); this grammar is
for rulebooks such as the ADGM ones of the ObliQA benchmark, whose instrument names are data
(``instruments``: name or abbreviation -> prefix), never code. A reference either has a lead word
('Rule', 'section', 'paragraph', 'Chapter', 'Part', 'App') or is a bare number of three or more
levels ('3.11.1'); 'of/in <instrument>' after it (past a locator 'in Part 8' or a title in
brackets), '<instrument> Rule' before it, or a short title ('the Guidance on Mining') names another
instrument; 'of this Guidance' or 'this Part 3' names the document itself, and a rule of an
instrument the corpus does not hold ('of those Regulations', 'of the PRMS') is no reference here.
An unnamed number takes the instrument its clause names it with elsewhere, and a document's unnamed
sections it does not hold go to the instrument it names them with (the Code of Market Conduct's
'section 92' is FSMR's). Targets are '<prefix> <number>' with sub-paragraphs kept
('ADGM-17 58(2)(b)'): the caller resolves them to the nearest clause it holds.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

INVISIBLE = str.maketrans(dict.fromkeys("\u200b\u200e\u200f\u2060\ufeff", " "))  # marks kept in PDF text
RULE_NUM = r"[A-Z]?\d+[A-Z]?(?:\.(?:[A-Z]\.)?\d+[A-Z]?)*"  # 15.9.4, A4.6.14, 3.6A.1, 33, 15.11.A.1
RULE_SUBS = r"(?:\s?\((?:\d{1,3}|[a-z]{1,4}|[A-Z])\))*"  # (1)(c), (b)(iii)
RULE_MORE_SUBS = r"(?:\s*(?:,|&|and|or|to|[–-])\s*\((?:\d{1,3}|[a-z]{1,4})\))*"  # '(1)(b) and (c)', '(1)-(2)'
RULE_ITEM = RULE_NUM + RULE_SUBS + RULE_MORE_SUBS
RULE_SEP = r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|to)\s+|\s*[–-]\s*)"
LEADS = (
    r"[Rr]ules?|RULES?|(?:[Ss]ub-?)?[Pp]aragraphs?|(?:[Ss]ub-?)?[Ss]ections?|SECTIONS?|[Cc]hapters?|CHAPTERS?"
    r"|Parts?|PARTS?|Articles?|APP|App(?:endix)?"
)
LEAD_GAP = r"(?:\s+|(?<=APP|App)(?=\d))"  # 'Rule 2.1', and 'App5' written without a space
BARE_NUM = r"(?<![\w.$%/-])[A-Z]?\d{1,3}[A-Z]?(?:\.\d{1,3}[A-Z]?){2,}" + RULE_SUBS + r"(?![\w%]|\.\d)"
# 'of Part 8', 'in App 4', 'of Schedule 1': where the numbers sit, said before the instrument
LOCATOR = r"\)?\s*,?\s+(?:of|in)\s+(?P<loc>(?i:Part|Chapter|Schedule|App(?:endix)?)\s*\d+[A-Z]?)\b"
TITLE = r"\([^()]{1,60}\)"  # 'Chapter 3 (instead of Chapter 2) of MKT', 'section 92 (Market Abuse) of FSMR'
ISSUER = r"[A-Z]{2,6}"  # 'the FSRA Conduct of Business Rulebook'
PARAGRAPH_NUMBER_RE = re.compile(r"\d+\)")  # a guidance note's paragraph number: '47)'
CONTAINERS = ("schedule", "part", "chapter")  # numbered afresh inside the one above: 'Part 12.Chapter 3'
ABBREVIATION_RE = re.compile(r"[A-Z]{2,6}")
FOREIGN_RE = re.compile(  # 'of the Insolvency Regulations', 'of Part 3 of the Companies Regulations'
    r"\s*,?\s+(?:(?:of|in|under)\s+(?:of\s+)?(?:(?:Part|Chapter)\s+\w+\s+of\s+)?(?:the\s+)?"
    r"(?:(?:[A-Z][\w'’-]*\s+){1,6}(?:Regulations|Guidance|Law|Act|Rules|Rulebook|Decree|Decision|Code|Standards?)\b"
    r"|(?:Guidance|Rules|Regulations|Code)\s+(?:on|for)\s+[A-Z]"  # 'of the Guidance on Mining'
    r"|[A-Z][A-Z\d]{1,9}\b(?![’']s)"  # an abbreviation not held: 'section 3.3 of the PRMS'
    r"|(?:those|that|such)\s+(?:Regulations|Rules|Rulebook|Act|Law|Code|Guidance)\b)"  # named before
    r"|therein\b)"
)
OWN_RE = re.compile(  # 'paragraph 25 of this Guidance', 'Part 2 (Basic Requirements) of this Chapter'
    rf"\)?(?:\s*{TITLE})?\s*,?\s+(?:of|in|under)\s+(?:this|these)\s+(?:[A-Z][\w'’-]*\s+){{0,3}}?"
    r"(?:Guidance(?:\s+[Nn]otes?)?|Rules|Rulebook|Regulations|Code|[Dd]ocument|Manual|Policy|Chapter|Part)\b"
)
THIS_BEFORE_RE = re.compile(r"\b(?:this|these)\s+$")  # 'this Part 3', 'this Rule 3.6.2'
UNITS = ("rule", "section", "paragraph", "article")  # numbered through an instrument, unlike its Parts
SHORT_TITLE_RE = re.compile(  # 'of the Guidance on Mining', 'of the Guidance on Petroleum Disclosures'
    r"\s*,?\s+(?:of|in|under)\s+the\s+(?P<kind>Guidance|Rules|Regulations|Code)\s+(?:on|for)\s+"
    r"(?P<words>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,4})"
)
INNER_LEAD_RE = re.compile(rf"(?:{LEADS}){LEAD_GAP}")
RANGE_RE = re.compile(r"\s+to\s+|\s*[–-]\s*")


@dataclass(frozen=True, slots=True)
class RuleHit:
    """One reference phrase: its span in the clause text, the instrument prefix and the numbers.

    ``lead`` is the kind of lead word ('rule', 'section', 'part', ...; '' for a bare number) and
    ``named`` says the text names the instrument (another one, or this one as 'of this Guidance').
    """

    start: int
    end: int
    prefix: str
    numbers: tuple[str, ...]
    lead: str = ""
    named: bool = False


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
    items = rf"{RULE_ITEM}(?:{RULE_SEP}(?:(?:{LEADS}){LEAD_GAP})?{RULE_ITEM})*"
    numbered = rf"{RULE_NUM}\.\d+{RULE_SUBS}{RULE_MORE_SUBS}(?:{RULE_SEP}{RULE_ITEM})*"  # 'GEN 3.3.31'
    named_after = rf"(?:\s*{TITLE})?\s*,?\s+(?:of|in|under)\s+(?:the\s+)?(?:{ISSUER}\s+)?(?P<after>{inst})"
    tight = rf"\s+(?P<tight>{abbreviations or '(?!)'})\b(?![\s.]*\d)"  # 'the section 58(2) FSMR power'
    after = rf"(?:{LOCATOR})?(?:{named_after}|{tight})?"
    return re.compile(
        rf"(?:\b(?:(?P<before>{inst}),?\s+)?(?P<lead>{LEADS}){LEAD_GAP}(?P<list>{items})"
        rf"|\b(?P<abbr>{abbreviations or '(?!)'})\s+(?P<numbered>{numbered})"
        rf"|(?P<bare>{BARE_NUM})){after}"
    )


def rulebook_hits(
    text: str, own: str, instruments: Mapping[str, str], grammar: re.Pattern[str]
) -> list[RuleHit]:
    """Every rule reference in a clause's text, in order; ``own`` prefixes internal ones.

    A list whose later items have their own lead word ('COBS Rule 17.2.2 and paragraph 25 of this
    Guidance') gives those items to the instrument written after them; an unnamed number that the
    same clause also writes with an instrument ('Section 58(2)(b) ... Section 58(2)(b) of FSMR') is
    that instrument's.
    """
    scan = text.translate(INVISIBLE)  # same length: spans stay those of the text
    hits = []
    lookup = {k.lower(): v for k, v in instruments.items()}
    for m in grammar.finditer(scan):
        named = m.group("before") or m.group("abbr") or m.group("after") or m.group("tight")
        prefix, end = _instrument(named, lookup) if named else own, m.end()
        own_after = not (m.group("after") or m.group("tight")) and OWN_RE.match(scan, end) is not None
        if not named and THIS_BEFORE_RE.search(scan, max(0, m.start() - 8), m.start()):
            own_after = True  # 'this Part 3 ...': the whole list is this document's
        if not named and not own_after:
            short = SHORT_TITLE_RE.match(scan, end)
            titled = _short_title(short["kind"], short["words"], instruments) if short else ""
            if short and titled:
                named, prefix, end = short.group(), titled, short.end()
            elif FOREIGN_RE.match(scan, end):
                continue  # a rule of an instrument this corpus does not hold
        written = m.group("list") or m.group("numbered") or m.group("bare")
        segments = _segments(written, _lead_kind(m.group("lead") or ""))
        tail = _tail(segments)  # the items an 'of Part 12' or 'of this Guidance' after them speaks of
        groups: dict[str, tuple[str, list[str]]] = {}  # prefix -> (lead of its first items, numbers)
        for i, (lead, numbers) in enumerate(segments):
            numbers = _with_lead(numbers, lead)
            if i >= tail and m.group("loc"):
                numbers = _located(numbers, lead, m.group("loc"))
            mine = own if own_after and i >= tail and (tail > 0 or not named) else prefix
            groups.setdefault(mine, (lead, []))[1].extend(numbers)
        for mine, (lead, numbers) in groups.items():
            if not numbers:
                continue
            explicit = bool(named) and mine == prefix or own_after and mine == own
            hits.append(RuleHit(m.start(), end, mine, tuple(dict.fromkeys(numbers)), lead, explicit))
    return _same_clause_instruments(hits, own)


def _short_title(kind: str, words: str, instruments: Mapping[str, str]) -> str:
    """The one instrument a short title names: 'the Guidance on Mining' is the guidance whose title
    has 'Mining' ('Guidance – Disclosure Requirements for Mining Reporting Entities'); '' if none or
    several. Words match on their first six letters ('Disclosures' ~ 'Disclosure')."""
    stems = [w.lower()[:6] for w in words.split()]
    found = {
        prefix
        for name, prefix in instruments.items()
        if kind.lower() in name.lower() and all(stem in name.lower() for stem in stems)
    }
    return found.pop() if len(found) == 1 else ""


def _lead_kind(lead: str) -> str:
    """'Sub-sections' -> 'section', 'Rules' -> 'rule', 'APP' / 'Appendix' -> 'app', '' -> ''."""
    kind = re.sub(r"^sub-?", "", lead.lower()).rstrip("s")
    return "app" if kind.startswith("app") else kind


def _segments(written: str, first_lead: str) -> list[tuple[str, list[str]]]:
    """A written list cut where a new lead word starts ('Rule 17.2.2 and paragraph 25'): (lead, numbers)."""
    cuts = [(m.start(), m.end(), _lead_kind(m.group().strip())) for m in INNER_LEAD_RE.finditer(written)]
    segments, pos, lead = [], 0, first_lead
    for start, end, next_lead in cuts:
        segments.append((lead, expand_rules(written[pos:start])))
        pos, lead = end, next_lead
    segments.append((lead, expand_rules(written[pos:])))
    return [s for s in segments if s[1]] or [(first_lead, [])]


def _tail(segments: list[tuple[str, list[str]]]) -> int:
    """Index of the first of the trailing segments that share the last one's lead word."""
    tail = len(segments) - 1
    while tail > 0 and segments[tail - 1][0] == segments[-1][0]:
        tail -= 1
    return tail


def _located(numbers: list[str], lead: str, locator: str) -> list[str]:
    """'chapter 3 of Part 12' -> 'Part 12.Chapter 3' (chapters are numbered afresh in each Part);
    rules and sections are numbered through the instrument, so 'section 92 in Part 8' stays 92."""
    kind, number = re.match(r"(\D+?)\s*(\d+[A-Z]?)$", locator).groups()  # type: ignore[union-attr]
    kind = _lead_kind(kind)
    if lead not in CONTAINERS or kind not in CONTAINERS or CONTAINERS.index(kind) >= CONTAINERS.index(lead):
        return numbers
    return [f"{kind.title()} {number}.{lead.title()} {n.removeprefix('Part ')}" for n in numbers]


def _with_lead(numbers: list[str], lead: str) -> list[str]:
    """Part and appendix numbers keep their lead word: 'Part 3', 'APP 4' (not rule 3, rule 4)."""
    if lead == "part":
        return [f"Part {n}" for n in numbers]
    if lead == "app":
        return [f"APP {n}" for n in numbers]
    return numbers


def _same_clause_instruments(hits: list[RuleHit], own: str) -> list[RuleHit]:
    """An unnamed number takes the instrument the same clause names it with (same kind of lead)."""
    named = {
        (_kin(h.lead), _top(n)): h.prefix for h in hits if h.named and h.prefix != own for n in h.numbers
    }
    out = []
    for hit in hits:
        if not hit.named and hit.prefix == own:
            prefix = next((named[k] for n in hit.numbers if (k := (_kin(hit.lead), _top(n))) in named), own)
            hit = replace(hit, prefix=prefix)
        out.append(hit)
    return out


def _kin(lead: str) -> str:
    """Lead kinds that number the same units: 'Rule 6.2' and a bare 'MKT 6.2'."""
    return "rule" if lead in ("", "rule") else lead


def _top(number: str) -> str:
    """A number without its sub-paragraphs: '58(2)(b)' -> '58'."""
    return number.split("(", 1)[0]


@dataclass(frozen=True, slots=True)
class OwnClauses:
    """A document's own clause numbers in the form references write them (``passage_key``).

    A guidance note numbered by paragraphs ('11)') has paragraphs, not chapters, sections or rules:
    'Chapter 11 of the Rules' there is not its paragraph 11, so for a lead word other than
    'paragraph' (or none) only the clauses not numbered that way count.
    """

    every: frozenset[str]
    units: frozenset[str]  # without the guidance paragraphs

    @classmethod
    def of(cls, numbers: Iterable[str]) -> OwnClauses:
        """From the clause numbers as the document writes them ('47)', 'Part 16.199.(1)', '4.8.#2')."""
        written = [n.split("#", 1)[0] for n in numbers]
        every = {k for n in written for k in (n, passage_key(n))}
        units = {k for n in written if not PARAGRAPH_NUMBER_RE.fullmatch(n) for k in (n, passage_key(n))}
        return cls(frozenset(every), frozenset(units))

    def holds(self, number: str, lead: str) -> bool:
        """Whether a number written after a lead of this kind is one of the document's clauses."""
        keys = self.every if lead in ("", "paragraph") else self.units
        return resolve_rule(number, dict.fromkeys(keys, "")) is not None

    def only_paragraph(self, number: str, lead: str) -> bool:
        """Whether the number is only one of the document's paragraphs, which this lead cannot mean."""
        return not self.holds(number, lead) and self.holds(number, "paragraph")


def default_instruments(hits: Iterable[RuleHit], own: str, clauses: OwnClauses) -> dict[str, str]:
    """Lead kind -> the instrument a document's unnamed references of that kind mean, when it has one.

    The Code of Market Conduct writes 'section 92' for section 92 of FSMR: most of its unnamed
    'section' numbers are not its own clauses and the instrument it names with 'section' is, at
    least twice and in two of three named ones, FSMR. Only for units numbered through an instrument
    (rules, sections, paragraphs, articles): a rulebook's own Parts and Chapters often have no
    clause of their own ('Part 4 (Calculating Capital Resources)' of a PRU chapter).
    """
    named: dict[str, Counter[str]] = {}
    unnamed, resolved = Counter[str](), Counter[str]()
    for hit in hits:
        if hit.named:
            named.setdefault(hit.lead, Counter())[hit.prefix] += 1
        elif hit.prefix == own:
            unnamed[hit.lead] += 1
            resolved[hit.lead] += any(clauses.holds(n, hit.lead) for n in hit.numbers)
    defaults = {}
    for lead, counts in named.items():
        prefix, count = counts.most_common(1)[0]
        if lead in UNITS and prefix != own and count >= 2 and 3 * count >= 2 * counts.total():
            if 2 * resolved[lead] < unnamed[lead]:
                defaults[lead] = prefix
    return defaults


def with_default_instruments(
    hits: list[RuleHit], own: str, defaults: Mapping[str, str], clauses: OwnClauses
) -> list[RuleHit]:
    """Unnamed hits that are not the document's own clauses: given its default instrument for their
    lead word; left out when they could only be read as one of its paragraphs (an unnamed
    instrument's 'Chapter 11'), kept otherwise (a rule the corpus lacks)."""
    out = []
    for hit in hits:
        if not hit.named and hit.prefix == own and not any(clauses.holds(n, hit.lead) for n in hit.numbers):
            if hit.lead in defaults:
                hit = replace(hit, prefix=defaults[hit.lead])
            elif any(clauses.only_paragraph(n, hit.lead) for n in hit.numbers):
                continue
        out.append(hit)
    return out


def _instrument(named: str, lookup: Mapping[str, str]) -> str:
    """Prefix of a named instrument ('Market Rules (MKT)' -> its prefix)."""
    named = " ".join(named.split())
    abbreviation = re.search(r"\(([A-Z]{2,6})\)$", named)
    if abbreviation and abbreviation.group(1).lower() in lookup:
        return lookup[abbreviation.group(1).lower()]
    return lookup.get(re.sub(r"\s*\([A-Z]{2,6}\)$", "", named).lower(), "")


def expand_rules(written: str) -> list[str]:
    """'17.1 to 17.6' -> 17.1..17.6; '47-54' -> 47..54; '206(1)(b) and (c)' -> 206(1)(b), 206(1)(c);
    '15.11.A.1' -> 15.11A.1; in order."""
    items: list[str] = []
    pos = 0
    for m in re.finditer(rf"({RULE_NUM}{RULE_SUBS})({RULE_MORE_SUBS})", written):
        gap, pos = written[pos : m.start()], m.end()
        number = re.sub(r"\.([A-Z])\.(?=\d)", r"\1.", re.sub(r"\s+", "", m.group(1)))
        if items and RANGE_RE.fullmatch(gap):
            items.extend(_range(items[-1], number)[1:])
        else:
            items.append(number)
        if number.endswith(")"):  # '(3) or (4)': the same rule's other sub-paragraphs
            items.extend(re.sub(r"\([^()]+\)$", f"({sub})", number) for sub in re.findall(r"\((\w+)\)", m[2]))
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
    number = re.sub(r"^PART\b", "Part", number.strip())  # 'PART 5.16.4' -> '16.4', 'PART 4' -> 'Part4'
    number = re.sub(r"^(?:Part\s+\w+\.)?(?:Chapter\s+\w+\.)?(?:APP\d+\.)?", "", number)
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
