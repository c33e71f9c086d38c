"""Obligation register: who owes which obligation, and the sentence that says so.

Decisions (see tests/register/test_obligations.py for the cases that pin them):

- Unit of extraction: every numbered clause ('39.1', 'F4.3', '2.5'), over its full text including
  its lettered sub-paragraphs; lettered sub-clauses ('39.15(a)') are never fed separately, so a
  sentence is read once. Where a numbered clause's span encloses other numbered clauses (a
  guidance section '2' holding '2.1'..'2.9'), it keeps only the text before the first of them.
- One record per modal with a recognised party as its grammatical subject. "The DCC and each
  Supplier Party shall ..." gives one record per party (each is bound), with ``joint_with``
  naming the others; "the licensee, together with all other Relevant Suppliers, must ..." gives
  one record for the licensee with ``joint_with=['Supplier']``.
- Exceptions ("The requirement in paragraph 39.1 does not apply ...", "The licensee is not
  required to comply with paragraph 40.1 if ...") are records with modality 'exception' and
  ``exception_to`` anchors. "Nothing in this paragraph requires ..." is not an obligation.
- Qualifier clauses ("The requirement in paragraph 39.1 is subject to paragraphs 39.3 ...",
  "Paragraphs 39.15 to 39.20 apply to the licensee ...") make no record of their own:
  `build_register` copies them onto the obligations they qualify (``subject_to``,
  ``scoped_by``).
- 'the licensee' is resolved per document (ESL: Electricity Supplier, GSL: Gas Supplier, DCCL:
  DCC); in guidance, by the licence the surrounding text is about. Guidance records are
  ``secondary`` and carry ``quoted_from`` when the text names the provision it quotes.

Party spellings, 'the licensee' and the party segments before a modal are in
:mod:`clausetrace.register.parties`; sentence splitting in
:mod:`clausetrace.register.sentences`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clausetrace.models import Clause, Modality, Obligation
from clausetrace.register.parties import (
    CONDITION_LEAD_RE,
    DETERMINER,
    JOINT_ONLY_RE,
    JOINT_RE,
    LICENSEE,
    LICENSEE_BY_PREFIX,
    PARTY_ALT,
    TRAILING_FILLER_RE,
    Subject,
    counterparties,
    joint_in_action,
    licence_context,
    normalise_party,
    opening_party,
    segments,
    strip,
)
from clausetrace.register.sentences import LEADING_NUMBER_RE, NUM, split_sentences

PRIMARY_PREFIXES = frozenset(
    {"ESL", "GSL", "DCCL", "SEC", "SEC-M", "SEC-N", "SEC-P", "SMETS", "CHTS", "GBCS"}
)
NO_LICENSEE_PREFIX = "SEC"  # SEC, SEC-M, SEC-N ...: no 'licensee' to fall back on

REPORTED_RE = re.compile(r"\b(?:that|stated the following[^,;]*)$")
NO_INHERIT_RE = re.compile(r"\b(?:which|who|whom|whose|that)\s*:")

MODAL_RE = re.compile(
    r"\b(?:(?P<steps>(?:must|shall)(?:\s*:\s*(?:\([a-z]{1,4}\)\s*)?|\s+)take\s+all\s+reasonable\s+steps"
    r"(?:\s+to\b)?)"
    r"|(?P<notreq>(?:is|are|shall)\s+not\s+(?:be\s+)?required(?:\s+under\s+this\s+condition)?\s+to)\b"
    r"|(?P<neg>(?:must|shall)\s*:?\s+not)\b"
    r"|(?P<req>is\s+required\s+to)\b"
    r"|(?P<dna>does\s+not\s+apply)\b"
    r"|(?P<plain>must|shall|may))\b"
)
OBLIGATION_OF_RE = re.compile(
    rf"(?P<text>{DETERMINER}?(?:{PARTY_ALT}))(?:[’']s\s+|\s+ha(?:ve|s)\s+an?\s+(?:\w+\s+)?)"
    r"obligations?\s+[*_]*to\s+",
    re.I,
)
PLAIN_MODALITIES: dict[str, Modality] = {"must": "must", "shall": "shall", "may": "may"}
REQUIRES_RE = re.compile(
    rf"\b(?:requires|(?<=s\s)require)\s+(?P<text>{DETERMINER}?(?:{PARTY_ALT}))\s+to\s+"
    r"(?P<steps>[*_\s]*take\s+[*_\s]*all\s+reasonable\s+steps\s+to\s+)?",
    re.I,
)
EXPLETIVE_RE = re.compile(r"^\s+be\s+(?:deemed|considered|treated|construed|taken)\b")
PURPOSE_THAT_RE = re.compile(r"\b(?:ensure|provide|basis)\s+that\s*$")  # "... that X may": not a power
NOTHING_RE = re.compile(r"^[*\s]*Nothing\b")
DEFINITION_RE = re.compile(r"\b(?:[Mm]eans|[Hh]as the meaning|[Hh]ave the meaning)\b")


REF_SEP = r"(?:\s*,\s*(?:and\s+|or\s+)?|\.\s+|\s+(?:and|or|to)\s+)"
REF_LIST_RE = re.compile(
    rf"(?<![-\w])paragraphs?\s+(?:paragraphs?\s+)?(?P<refs>{NUM}(?:{REF_SEP}{NUM})*)", re.I
)
REF_TOKEN_RE = re.compile(rf"(?P<to>\bto\s+)?(?P<num>{NUM})")

DATE_OR_TERM = (
    r"(?:the\s+)?(?:\d{1,2}\s+[A-Z][a-z]+(?:\s+\d{4}|\s+in\s+each\s+year)?"
    r"|(?:[A-Z][\w-]*\s+){0,5}(?:Date|Day|Year|Period))"
)
INLINE_CONDITION_RES: tuple[re.Pattern[str], ...] = (
    re.compile(
        r"\b(?:by\s+no\s+later\s+than|no\s+later\s+than|on\s+or\s+(?:before|after)|by|before|"
        rf"with\s+effect\s+from|within|during)\s+{DATE_OR_TERM}"
    ),
    re.compile(r"\bas\s+soon\s+as\s+reasonably\s+practicable(?:\s+after\s+[^,;:()]+)?"),
    re.compile(r"\bsubject\s+to\s+(?:the\s+provisions\s+of\s+)?paragraphs?\s+[^;:()]+?(?=[,;:]|$)", re.I),
    re.compile(r"\bexcept\s+(?:in\s+the\s+circumstances\s+described\s+in|where|as)\s+[^,;:()]+"),
    re.compile(r"\b(?:unless|if(?!\s+any\b)|provided\s+that)\s+[^;:()]+"),
)
PARENTHETICAL_CONDITION_RE = re.compile(
    r"^,\s*(?P<cond>(?:where|if|unless|subject\s+to|in\s+respect\s+of|by|as\s+soon\s+as)\b[^,]*),\s*"
)
SCOPE_PHRASE_RE = re.compile(r"\bappl(?:y|ies)\b")
SUBJECT_TO_PHRASE_RE = re.compile(r"\b(?:subject to|except|save|unless)\b", re.I)

QUOTED_RES: tuple[tuple[str | None, re.Pattern[str]], ...] = (
    ("SEC", re.compile(r"\bSEC\s+Sections?\s+(?P<num>[A-Z]\d+(?:\.\d+)*)")),
    ("DCCL", re.compile(r"\bDCC\s+Licen[cs]e\s+Condition\s+(?P<num>\d+[A-Z]?\.\d+)", re.I)),
    (None, re.compile(r"\bLicen[cs]e\s+Condition\s+(?P<num>\d+[A-Z]?\.\d+)", re.I)),
    (None, re.compile(r"\b(?P<doc>SMETS|CHTS|GBCS)\b[^.\n]{0,40}?\bSection\s+(?P<num>\d+(?:\.\d+)+)")),
)


@dataclass(frozen=True, slots=True)
class Hit:
    """One modal occurrence in a sentence, with its subject once resolved."""

    start: int
    end: int
    modality: Modality
    subject: Subject | None
    seg_start: int  # start of the text that belongs to this hit (its subject or its segment)
    exception_to: tuple[str, ...] = ()


def extract_obligations(clause: Clause, doc_text: str, *, secondary: bool | None = None) -> list[Obligation]:
    """Obligations written in one clause (its whole text, sub-paragraphs included)."""
    text = doc_text[clause.start : clause.end]
    if secondary is None:
        secondary = clause.prefix not in PRIMARY_PREFIXES
    found: list[Obligation] = []
    for index, (a, b) in enumerate(split_sentences(text)):
        if index == 0 and (number := LEADING_NUMBER_RE.match(text[a:b])):
            a += number.end()
        licence = licence_context(clause, text[:b]) if secondary else None
        quoted = _quoted_from(text[:b], licence) if secondary else None
        found += _sentence_obligations(clause, text[a:b], clause.start + a, licence, secondary, quoted)
    return found


def resolve_references(text: str, prefix: str) -> list[str]:
    """Anchors of every 'paragraph(s) N' reference in ``text``; 'A to B' ranges are expanded."""
    anchors: list[str] = []
    for m in REF_LIST_RE.finditer(text):
        previous = None
        for token in REF_TOKEN_RE.finditer(m.group("refs")):
            numbers = _expand(previous, token["num"]) if token["to"] else [token["num"]]
            anchors += [f"{prefix} {n}" for n in numbers if f"{prefix} {n}" not in anchors]
            previous = token["num"]
    return anchors


# --- sentences -> hits -> obligations -------------------------------------------------------


def _sentence_obligations(
    clause: Clause,
    sentence: str,
    offset: int,
    licence: str | None,
    secondary: bool,
    quoted: str | None,
) -> list[Obligation]:
    """Obligation records of one sentence (``offset`` = its start in the document text)."""
    if NOTHING_RE.match(sentence):
        return []
    hits = [h for h in _hits(sentence, clause.prefix, licence) if h.subject or h.exception_to]
    hits = [h for h in hits if not DEFINITION_RE.search(sentence[: h.start])]
    records = []
    for i, hit in enumerate(hits):
        end = _action_end(sentence, hit, hits[i + 1] if i + 1 < len(hits) else None)
        lead_start = _action_end(sentence, hits[i - 1], hit) if i else 0
        records += _records(clause, sentence, offset, hit, lead_start, end, licence, secondary, quoted)
    return records


def _hits(sentence: str, prefix: str, licence: str | None) -> list[Hit]:
    """Modal occurrences of a sentence in order, each with its resolved subject (or None)."""
    raw = [(m.start(), m.end(), m) for m in MODAL_RE.finditer(sentence)]
    raw += [(m.start(), m.end(), m) for m in REQUIRES_RE.finditer(sentence)]
    raw += [(m.start(), m.end(), m) for m in OBLIGATION_OF_RE.finditer(sentence)]
    hits: list[Hit] = []
    for start, end, m in sorted(raw, key=lambda r: r[0]):
        if hits and start < hits[-1].end:
            continue
        floor = hits[-1].end if hits else 0
        hits.append(_hit(sentence, start, end, m, floor, hits[-1] if hits else None, prefix, licence))
    return hits


def _hit(
    sentence: str,
    start: int,
    end: int,
    m: re.Match[str],
    floor: int,
    previous: Hit | None,
    prefix: str,
    licence: str | None,
) -> Hit:
    """Resolve one modal match: modality, subject, and the anchors an exception names."""
    if m.re is REQUIRES_RE or m.re is OBLIGATION_OF_RE:
        return _reported_hit(start, end, m, prefix, licence)
    subject, seg_start = _subject(sentence, start, floor, previous, prefix, licence)
    if EXPLETIVE_RE.match(sentence[end:]):
        subject = None
    if m["plain"] == "may" and PURPOSE_THAT_RE.search(sentence, 0, seg_start):
        subject = None
    if m["dna"]:
        refs = resolve_references(sentence[floor:start], prefix)
        return Hit(start, end, "exception", subject, seg_start, tuple(refs))
    if m["notreq"]:
        refs = resolve_references(_clip(sentence[end:]), prefix)
        return Hit(start, end, "exception", subject, seg_start, tuple(refs) or ("",))  # "" keeps the hit
    return Hit(start, end, _modality(m), subject, seg_start)


def _reported_hit(start: int, end: int, m: re.Match[str], prefix: str, licence: str | None) -> Hit:
    """'requires the Licensee to ...' / "the Sub-Committee's obligation to ...": party after the verb."""
    text = m["text"]
    subject = Subject(((normalise_party(text, prefix, licence), text),), (), start, end)
    steps = m.re is REQUIRES_RE and m["steps"]
    return Hit(start, end, "take all reasonable steps" if steps else "is required to", subject, start)


def _modality(m: re.Match[str]) -> Modality:
    """Closed-set modality of a modal match."""
    if m["steps"]:
        return "take all reasonable steps"
    if m["req"]:
        return "is required to"
    if m["neg"]:
        return "must not" if m["neg"].lower().startswith("must") else "shall not"
    return PLAIN_MODALITIES[m["plain"].lower()]


def _subject(
    sentence: str, modal: int, floor: int, previous: Hit | None, prefix: str, licence: str | None
) -> tuple[Subject | None, int]:
    """The party a modal binds, and where the hit's own text starts: the segment right before the
    modal, else (segment empty) the previous modal's subject or the nearest earlier party segment."""
    spans = segments(sentence, floor, modal)
    seg_start, seg_end = spans[-1]
    segment = strip(sentence[seg_start:seg_end])
    if segment and not JOINT_ONLY_RE.fullmatch(segment):
        subject = opening_party(sentence, seg_start, modal, prefix, licence)
        return subject, (subject.seg_start if subject else seg_start)
    if previous is not None:
        inherit = not NO_INHERIT_RE.search(sentence, previous.end, seg_start)
        return (previous.subject if inherit else None), seg_start
    for start, _ in reversed(spans[:-1]):
        subject = opening_party(sentence, start, modal, prefix, licence)
        if subject:
            return subject, subject.seg_start
    return None, seg_start


def _action_end(sentence: str, hit: Hit, following: Hit | None) -> int:
    """Where a hit's action stops: at the next obligation's segment (or a ';' before it)."""
    if following is None:
        return len(sentence)
    stop = max(following.seg_start, hit.end)
    semicolon = sentence.find(";", hit.end, stop)
    return semicolon if semicolon >= 0 else stop


def _records(
    clause: Clause,
    sentence: str,
    offset: int,
    hit: Hit,
    lead_start: int,
    end: int,
    licence: str | None,
    secondary: bool,
    quoted: str | None,
) -> list[Obligation]:
    """One Obligation per party of a hit."""
    action, conditions = _action_and_conditions(sentence, hit, lead_start, end)
    parties = list(hit.subject.parties) if hit.subject else []
    if not parties and clause.prefix.startswith(NO_LICENSEE_PREFIX):
        return []  # the SEC binds whoever it names; there is no licensee to fall back on
    if not parties:
        parties = [(LICENSEE_BY_PREFIX.get(licence or clause.prefix, LICENSEE), "")]
    exception_to = [a for a in hit.exception_to if a]
    refs = [r for c in conditions for r in _condition_refs(c, clause.prefix)]
    names = [p for p, _ in parties]
    joint = [*(hit.subject.joint if hit.subject else ()), *joint_in_action(action, clause.prefix, licence)]
    return [
        Obligation(
            anchor=clause.anchor,
            doc_id=clause.doc_id,
            prefix=clause.prefix,
            version=clause.version,
            party=party,
            party_text=written,
            modality=hit.modality,
            action=action,
            conditions=conditions,
            exception_to=exception_to,
            subject_to=[r for r, kind in refs if kind == "subject_to" and r != clause.anchor],
            scoped_by=[r for r, kind in refs if kind == "scoped_by" and r != clause.anchor],
            joint_with=list(dict.fromkeys(n for n in [*names, *joint] if n != party)),
            counterparties=counterparties(action, [*names, *joint], clause.prefix, licence),
            secondary=secondary,
            quoted_from=quoted,
            sentence=sentence,
            start=offset,
            end=offset + len(sentence),
        )
        for party, written in parties
    ]


def _action_and_conditions(sentence: str, hit: Hit, lead_start: int, end: int) -> tuple[str, list[str]]:
    """The action after the modal, and the condition phrases around it."""
    action = sentence[hit.end : end]
    if hit.modality == "exception":
        action = sentence[hit.start : hit.end] + " " + action
    conditions = []
    paren = PARENTHETICAL_CONDITION_RE.match(action)
    if paren:
        conditions.append(paren["cond"])
        action = action[paren.end() :]
    lead = strip(sentence[lead_start : hit.seg_start])
    if lead and (lead_start > 0 or (CONDITION_LEAD_RE.match(lead) and not REPORTED_RE.search(lead))):
        conditions.insert(0, lead)
    if hit.subject and hit.seg_start <= hit.subject.head_end < hit.start:
        middle = JOINT_RE.sub("", sentence[hit.subject.head_end : hit.start])
        if strip(middle) and not DEFINITION_RE.search(middle):
            conditions.append(strip(middle))
    for pattern in INLINE_CONDITION_RES:
        conditions += [strip(m.group()) for m in pattern.finditer(action)]
    return _clean(action), list(dict.fromkeys(c for c in conditions if c))


def _condition_refs(condition: str, prefix: str) -> list[tuple[str, str]]:
    """Anchors a condition names, tagged 'subject_to' or 'scoped_by' ('Where paragraph X applies')."""
    refs = []
    for part in re.split(r",\s+", condition):
        if SCOPE_PHRASE_RE.search(part):
            refs += [(anchor, "scoped_by") for anchor in resolve_references(part, prefix)]
        elif SUBJECT_TO_PHRASE_RE.search(part):
            refs += [(anchor, "subject_to") for anchor in resolve_references(part, prefix)]
    return refs


# --- small helpers --------------------------------------------------------------------------


def _quoted_from(text: str, licence: str | None) -> str | None:
    """Anchor of the last provision a guidance passage names at or before the sentence."""
    best: tuple[int, str] | None = None
    for prefix, pattern in QUOTED_RES:  # on a tie the earlier (more specific) pattern wins
        for m in pattern.finditer(text):
            doc = prefix or m.groupdict().get("doc") or licence or "ESL"
            if best is None or m.end() > best[0]:
                best = (m.end(), f"{doc} {m['num']}")
    return best[1] if best else None


def _expand(first: str | None, last: str) -> list[str]:
    """'39.15 to 39.20' -> every number between, when both ends share the condition number."""
    a = re.fullmatch(r"(\d+[A-Z]?)\.(\d+)", first or "")
    b = re.fullmatch(r"(\d+[A-Z]?)\.(\d+)", last)
    if not (a and b) or a[1] != b[1] or int(b[2]) <= int(a[2]):
        return [last]
    return [f"{a[1]}.{n}" for n in range(int(a[2]) + 1, int(b[2]) + 1)]


def _clip(text: str) -> str:
    """Text up to the first ';' (the reach of one list item)."""
    return text.split(";", 1)[0]


def _clean(action: str) -> str:
    """Readable action: leading ':' and fillers and markdown asterisks dropped, spaces collapsed."""
    action = re.sub(r"\s+", " ", action.replace("*", "")).strip()
    action = re.sub(r"^[:,\s]+", "", action)
    return TRAILING_FILLER_RE.sub("", action).rstrip(". ").strip()
