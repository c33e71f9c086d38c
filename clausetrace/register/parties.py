"""Parties: who a modal binds, spelt canonically, and where in a sentence they are named.

The obligation register (:mod:`clausetrace.obligations`) asks this module three things about a
sentence: which party a piece of text names (:func:`normalise_party`: "the licensee" depends on
the licence, see ``LICENSEE_BY_PREFIX`` and :func:`licence_context`), which party opens the text
before a modal (:func:`opening_party`, over the :func:`segments` between commas, colons, 'that'
and '(a)'), and which other parties an action names (:func:`joint_in_action`,
:func:`counterparties`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clausetrace.models import Clause

LICENSEE = "Licensee"  # placeholder party, resolved per document
LICENSEE_BY_PREFIX: dict[str, str] = {"ESL": "Electricity Supplier", "GSL": "Gas Supplier", "DCCL": "DCC"}

PARTY_SPELLINGS: dict[str, tuple[str, ...]] = {
    "Device Manufacturer": (
        r"(?:Energy\s+)?Suppliers[’']\s+device\s+manufacturers?",
        r"(?:device|meter)\s+manufacturers?",
    ),
    "Electricity Supplier": (r"Relevant\s+Electricity\s+Suppliers?", r"Electricity\s+Suppliers?"),
    "Gas Supplier": (r"Relevant\s+Gas\s+Suppliers?", r"Gas\s+Suppliers?"),
    "Supplier": (
        r"Relevant\s+Suppliers?",
        r"Responsible\s+Suppliers?",
        r"Supplier\s+Part(?:y|ies)",
        r"Energy\s+Suppliers?",
        r"Suppliers?(?![\s-]+(?:Party|Parties|End|Licen|Led|Transfer|System))",
    ),
    "DCC Gateway Connection User": (r"DCC\s+Gateway\s+Connection\s+users?",),
    "DCC": (r"DCC(?!\s+(?:User|Licen[cs]e|Total|Services?|Systems?|Live|estate|Gateway|Service\s+Desk))",),
    # the SEC appendices' own voice ("Authorised Subscribers shall", "Any Party or RDP may")
    "Authorised Subscriber": (r"Authorised\s+Subscribers?",),
    "Authorised Responsible Officer": (r"Authorised\s+Responsible\s+Officers?", r"(?-i:AROs?)"),
    "Import Supplier": (r"Import\s+Suppliers?",),
    "Registration Authority": (r"Registration\s+Authority",),
    "RDP": (r"(?-i:RDPs?)",),
    "Party": (r"SEC\s+Part(?:y|ies)", r"(?<!Third )(?-i:Part(?:y|ies))(?!\s+Role)"),
    "SEC Panel": (r"SEC\s+Panel", r"Panel(?!\s+Information)"),
    "SMDA Sub-Committee": (r"SMDA\s+Sub-Committee", r"Sub-Committee"),
    "Authority": (r"Gas\s+and\s+Electricity\s+Markets\s+Authority", r"Authority", r"Ofgem"),
    "Secretary of State": (r"Secretary\s+of\s+State",),
    "Central Delivery Body": (r"(?:Smart\s+Metering\s+)?Central\s+Delivery\s+Body", r"SMCB"),
    LICENSEE: (r"licensee",),
}
DECIDERS = frozenset(  # parties that direct, specify, consent or decide rather than comply
    {"Authority", "Secretary of State", "SEC Panel", "SMDA Sub-Committee", "DCC", "Registration Authority"}
)
PARTY_ALT = "|".join(f"(?:{s})" for spellings in PARTY_SPELLINGS.values() for s in spellings)
DETERMINER = r"(?:(?:the|each|every|all|any|a|an)\s+(?:other\s+)?)"
PARTY_RE = re.compile(rf"\b(?:{PARTY_ALT})(?![’']s)\b", re.I)
PARTY_HEAD_RE = re.compile(rf"^[*_'\"‘“\s]*(?P<text>{DETERMINER}?(?:{PARTY_ALT}))(?![’']s)\b", re.I)
CO_PARTY_RE = re.compile(rf"^\s*(?:and|&|or)\s+(?P<text>{DETERMINER}?(?:{PARTY_ALT}))(?![’']s)\b", re.I)
JOINT_RE = re.compile(
    rf"(?:^|[,(]\s*|\)\s*)(?i:together\s+with)\s+{DETERMINER}?(?:[A-Z][\w-]*\s+){{0,3}}?"
    rf"(?P<text>(?i:{PARTY_ALT}))\b"
    r"(?:\s+and\s+(?:other\s+)?(?:[A-Z][\w-]*\s+){0,3}?(?:Suppliers?))?"
)
JOINT_ONLY_RE = re.compile(rf"together\s+with\s+{DETERMINER}?(?:[\w-]+\s+){{0,3}}?(?:{PARTY_ALT})", re.I)
PRONOUN_RE = re.compile(r"^[*\s]*(?P<text>it)\s*$", re.I)

REST_OK_RE = re.compile(
    r"^[\s*_]*(?:$|[,:(…]|\.\.\.|(?:for|of|in|under|at|with|which|who|whose|together|alone|also|"
    r"itself|jointly)\b)",
    re.I,
)
TAIL_PARTY_RE = re.compile(rf"\b{DETERMINER}?(?:{PARTY_ALT})[\s:]*(?:\([a-z]{{1,4}}\)\s*)?$", re.I)
CONDITION_LEAD_RE = re.compile(
    r"^(?:Where|If|Unless|Subject to|Save|Except|Without prejudice|Following|On|From|With effect|"
    r"In|During|Prior to|After|Before|Until|When|Once|Notwithstanding|Pursuant)\b",
    re.I,
)

BOUNDARY_RE = re.compile(
    r"[,;:]\s*|(?<!\bsteps )(?<!\bthings )(?<!\bmanner )(?<!\bextent )\bthat\s+"
    r"|(?:(?<=\s)|^)\([a-z]{1,4}\)\s*"
)
LEADING_FILLER_RE = re.compile(r"^(?:[\s*_'\"‘“,;:]+|(?:and|or|but)\b|\([a-z]{1,4}\))+", re.I)
TRAILING_FILLER_RE = re.compile(r"(?:[\s,;:*.]+|\b(?:and|or)\b|\([a-z]{1,4}\))+$", re.I)

LICENCE_CONTEXT_RES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("GSL", re.compile(r"\bGas\s+Suppl(?:y|ier)\s+Licen[cs]es?\b", re.I)),
    ("DCCL", re.compile(r"\bDCC\s+Licen[cs]e\b", re.I)),
    ("ESL", re.compile(r"\b(?:Electricity|Energy)\s+Supply\s+Licen[cs]es?\b", re.I)),
)


@dataclass(frozen=True, slots=True)
class Subject:
    """Parties resolved as the subject of one modal."""

    parties: tuple[tuple[str, str], ...]  # (normalised party, as written)
    joint: tuple[str, ...] = ()
    seg_start: int = 0  # where the subject's segment starts (sentence offset)
    head_end: int = 0  # where the written subject ends (sentence offset)


def normalise_party(text: str, prefix: str, licence: str | None = None) -> str:
    """Canonical party for a spelling; 'the licensee' depends on the licence (prefix or context)."""
    bare = re.sub(rf"^{DETERMINER}", "", text.strip(" *_'\"‘“"), flags=re.I)
    for canonical, spellings in PARTY_SPELLINGS.items():
        if any(re.fullmatch(s, bare, re.I) for s in spellings):
            if canonical == LICENSEE:
                return LICENSEE_BY_PREFIX.get(licence or prefix, LICENSEE)
            return canonical
    return bare


def licence_context(clause: Clause, text: str) -> str | None:
    """Licence a guidance passage is about, from the last licence named before the sentence."""
    context = " ".join([*clause.title_path, clause.heading, text])
    best: tuple[int, str] | None = None
    for prefix, pattern in LICENCE_CONTEXT_RES:
        for m in pattern.finditer(context):
            if best is None or m.start() > best[0]:
                best = (m.start(), prefix)
    return best[1] if best else None


# --- subject of a modal: party segments -----------------------------------------------------


def opening_party(sentence: str, start: int, modal: int, prefix: str, licence: str | None) -> Subject | None:
    """Party opening sentence[start:modal], directly or after an unpunctuated condition."""
    subject = _party_segment(sentence, start, modal, prefix, licence)
    return subject or _after_condition(sentence, start, modal, prefix, licence)


def _after_condition(
    sentence: str, start: int, modal: int, prefix: str, licence: str | None
) -> Subject | None:
    """'Where this paragraph applies the licensee must': a party right after an unpunctuated
    condition."""
    tail = TAIL_PARTY_RE.search(sentence, start, modal)
    lead = strip(sentence[start : tail.start()]) if tail else ""
    if not (tail and CONDITION_LEAD_RE.match(lead) and len(lead.split()) >= 3):
        return None
    subject = _party_segment(sentence, tail.start(), modal, prefix, licence)
    return subject


def segments(sentence: str, floor: int, stop: int) -> list[tuple[int, int]]:
    """Spans between boundaries (commas, colons, 'that', '(a)') in sentence[floor:stop]."""
    cuts = [floor]
    for m in BOUNDARY_RE.finditer(sentence, floor, stop):
        if sentence[m.start()] == ";" and m.start() > floor:
            cuts = [m.end()]
        else:
            cuts.append(m.end())
    starts = sorted(set(cuts))
    return [(a, b) for a, b in zip(starts, [*starts[1:], stop], strict=True)]


def _party_segment(sentence: str, start: int, modal: int, prefix: str, licence: str | None) -> Subject | None:
    """Subject when sentence[start:modal] opens with a party (or 'it' after one); else None."""
    filler = LEADING_FILLER_RE.match(sentence[start:modal])
    at = start + filler.end() if filler else start
    region = sentence[at:modal]
    if PRONOUN_RE.match(region):
        earlier = PARTY_RE.search(sentence, 0, at)
        if not earlier:
            return None
        return Subject(((normalise_party(earlier.group(), prefix, licence), "it"),), (), start, modal)
    head = PARTY_HEAD_RE.match(region)
    if not head:
        return None
    parties = [(normalise_party(head["text"], prefix, licence), head["text"])]
    rest, head_end = region[head.end() :], at + head.end()
    while co := CO_PARTY_RE.match(rest):
        parties.append((normalise_party(co["text"], prefix, licence), co["text"]))
        rest, head_end = rest[co.end() :], head_end + co.end()
    if not REST_OK_RE.match(rest):
        return None
    joint = tuple(normalise_party(j["text"], prefix, licence) for j in JOINT_RE.finditer(rest))
    return Subject(tuple(parties), joint, start, head_end)


# --- parties named in an action -------------------------------------------------------------


def joint_in_action(action: str, prefix: str, licence: str | None) -> list[str]:
    """Parties the action says it is done 'together with' (before its first ';')."""
    head = action.split(";", 1)[0]
    return [normalise_party(m["text"], prefix, licence) for m in JOINT_RE.finditer(head)]


def counterparties(action: str, own: list[str], prefix: str, licence: str | None) -> list[str]:
    """Other parties named in the action (e.g. 'submit to the Secretary of State')."""
    named = [normalise_party(m.group(), prefix, licence) for m in PARTY_RE.finditer(action)]
    return list(dict.fromkeys(p for p in named if p not in own and p != LICENSEE))


# --- small helpers --------------------------------------------------------------------------


def strip(text: str) -> str:
    """Text without leading/trailing fillers: punctuation, 'and', enumerators, asterisks."""
    text = LEADING_FILLER_RE.sub("", text)
    return TRAILING_FILLER_RE.sub("", text).strip()


def owed_by(owner: str, party: str) -> bool:
    """True when a duty's party is the named party or a kind of it ('Gas Supplier' for 'Supplier';
    'DCC Gateway Connection User' is not the DCC)."""
    owner, party = owner.lower(), party.lower()
    return owner == party or owner.endswith(" " + party)
