"""A question, parsed once: what it names, asks and means. Every later stage reads the `Query`.

`parse_query(text, index)` cleans the text (rejecting empty or over-long questions), finds the
anchors it names and what the index knows of them, its intent, its content terms and their
expansions, a party and a date if it names them, and whether it asks about a change.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from clausetrace.errors import QuestionRejectedError
from clausetrace.index.store import ClauseIndex
from clausetrace.models import Definition
from clausetrace.query.mentions import mentioned_anchors, named_instruments, source_instruments, source_titles
from clausetrace.query.vocabulary import ACRONYMS, acronym_expansions, build_thesaurus
from clausetrace.register.parties import LICENSEE, PARTY_ALT, PARTY_RE, normalise_party
from clausetrace.text import content_terms

Intent = Literal["change", "exception", "definition", "who", "may", "when", "impact", "list", "what"]

WHAT_IS_RE = re.compile(r"^(?:what|who)\s+(?:is|are)\s+(?:an?\s+|the\s+)?(?:[\w'’-]+\s*){1,6}\??$", re.I)
MEANING_CUE = re.compile(  # 'what exactly is a comms hub', 'in licence terms, who is that', 'stand for'
    r"\b(?:what\s+(?:exactly|actually|precisely)\s+(?:is|are)|who\s+(?:exactly\s+)?is\s+that|stands?\s+for)\b",
    re.I,
)
CHANGE_CUE = re.compile(  # not 'changeover', 'change supplier', 'changed her mind'
    r"\b(chang(?:e|ed|es|ing)\b(?!\s+(?:of\s+)?(?:(?:their|her|his|my|our|your|energy|electricity|gas)\s+)*"
    r"(?:suppliers?|mind|hands))|differ\w*|amend\w*|updated?|since (?:19|20)\d\d|"
    r"between (?:the )?(?:19|20)\d\d|new in)\b",
    re.I,
)
DATE_RE = re.compile(r"\b(?:19|20)\d\d(?:-\d\d-\d\d)?\b")
VERSION_YEAR_RE = re.compile(  # 'in the 2016 consolidated licence', 'the 2019 version', 'as it stood in 2019'
    r"\b(?:in|under|of|from) the ((?:19|20)\d\d) (?:consolidated )?(?:licen[cs]e|version|conditions)\b|"
    r"\b((?:19|20)\d\d) (?:version|consolidation|consolidated licen[cs]e)\b|"
    r"\bas (?:it )?(?:stood|read|was) in ((?:19|20)\d\d)\b",
    re.I,
)
ASKS_FOR: tuple[tuple[str, re.Pattern[str]], ...] = (  # the kind of fact a question wants
    (  # a web address, an email address or a phone number itself, not a rule about contact details
        "contact",
        re.compile(
            r"\b(?:what|which)(?:'s|\s+is|\s+are)?\s+(?:the\s+)?(?:actual\s+|exact\s+)?(?:web\s*address|url|"
            r"website(?:\s+address)?|e-?mail(?:\s+address)?|(?:tele)?phone\s+number|postal\s+address)",
            re.I,
        ),
    ),
    (
        "amount",
        re.compile(
            r"\b(how much|how many|cost\w*|price\w*|average|fines?|penalt\w*|fees?|budget|VAT|"
            r"what (?:percentage|proportion|share|rate|level|amount))\b",
            re.I,
        ),
    ),
    (
        "entity",
        re.compile(
            r"\b(which (?:\w+ )?(?:companies|company|organisations?|firms?|providers?|manufacturers?|"
            r"apps?|products?|brands?|models?|test houses?|labs?|laborator\w+|vendors?)|"
            r"who (?:is|are) (?:its|their|the) (?:chief|chair|ceo|directors?|owners?)|who owns)\b",
            re.I,
        ),
    ),
    ("current", re.compile(r"\b(right now|currently|today|this year|so far|at the moment|yet)\b", re.I)),
    (
        "period",
        re.compile(
            r"\b(how long|how quickly|how soon|how many (?:days|weeks|months|years|hours)|within how|"
            r"time limit|retention period|\d+\s?(?:or \d+\s?)?hours?)\b",
            re.I,
        ),
    ),
    (  # a decision taken under a power ('has the Secretary of State set a date', 'what value did it fix')
        "decision",
        re.compile(
            r"\b((?:has|have|did)\s+(?:the\s+)?(?:government|secretary\s+of\s+state|ofgem|authority|dcc|panel)\b"
            r"[^?]{0,40}\b(?:set|fix\w*|issu\w*|publish\w*|approv\w*|specif\w*|direct\w*|push\w*|"
            r"extend\w*|designat\w*|grant\w*)|what\s+(?:value|figure|tolerance)|"
            r"on\s+what\s+date\s+did)\b",
            re.I,
        ),
    ),
    (  # what happened or happens in practice, which rules do not record
        "event",
        re.compile(
            r"\b(ever|going to|due to (?:publish|be|come)|next (?:update|review|version|revision)|"
            r"in practice|usually|typically|on average|historically|recently)\b",
            re.I,
        ),
    ),
)
POWER_CUE = re.compile(  # who-questions about a decision, not a duty: 'who decides', 'who can push it back'
    r"\b(decid\w*|decision|sets?|specif\w*|direct\w*|approv\w*|consent\w*|grant\w*|determin\w*|"
    r"move|push\w* back|extend\w*|permission|waive\w*|relax\w*|lower\w*|agree\w*|appoint\w*)\b",
    re.I,
)
OVERVIEW_CUE = re.compile(  # 'give me an overview', 'walk me through', 'in broad terms': a unit's outline
    r"\b(overview|rundown|run-down|walk (?:me |us )?through|in a nutshell|in short|"
    r"in broad (?:terms|strokes)|broadly|big picture|overall picture|the gist|summar(?:y|ise|ize)|sum up|"
    r"short version|quick map|outline|high[- ]level|what happens (?:to|when|if|after)|"
    r"how does\b[^?]{0,60}\bwork)\b",
    re.I,
)
DUTIES_OF_RE = re.compile(  # 'the DCC's obligations', "a supplier's duties"
    rf"\b(?:{PARTY_ALT})(?=[’']s\s+(?:own\s+|main\s+|key\s+)?(?:obligations?|dut(?:y|ies)|responsibilit\w+|"
    r"jobs?|roles?|requirements?)\b)",
    re.I,
)
UNITS_CUE = re.compile(  # 'which conditions deal with ...': a list of conditions or documents
    r"\b(?:which|what)\s+(?:(?:standard|licence|smart\s+metering|other|of\s+the)\s+)*"
    r"(?:conditions|documents|sections|parts|appendices|instruments)\b",
    re.I,
)
IMPACT_CUE = re.compile(r"\b(affect\w*|impact\w*|consequences?)\b", re.I)
NON_COMPLIANCE_CUE = re.compile(  # 'if our meters don't meet SMETS', 'turn out not to conform', 'aren't met'
    r"\b(non-?complian\w*|non-?conform\w*|not\s+(?:to\s+)?(?:compl|conform)\w*|"
    r"(?:don't|do not|doesn't|does not|fail\w*\s+to)\s+(?:compl\w*|conform\w*|meet)|"
    r"(?:aren't|are not|isn't|is not|not)\s+met|suffer\w*)\b",
    re.I,
)
ELSEWHERE_RE = re.compile(  # places outside Great Britain, whose rules the GB licences and codes are not
    r"\b(?:Northern\s+Ireland|(?:Republic\s+of\s+)?Ireland|Belfast|Dublin|Isle\s+of\s+Man|Channel\s+Islands|"
    r"Jersey|Guernsey|France|Germany|Spain|Italy|Netherlands|Belgium|Denmark|Sweden|Norway|European\s+Union|"
    r"EU|United\s+States|USA|America|Canada|Australia|New\s+Zealand|India|Japan|China)\b"
)
IN_GB_RE = re.compile(r"\b(?:Great\s+Britain|England|Scotland|Wales)\b")  # 'moved from Belfast to Wales'
QUOTED_RE = re.compile(r"(?<!\w)['‘\"“]([^'’\"”]{2,60}?)['’\"”](?!\w)")  # 'Electricity Meter', “SEC Panel”
ASKS_WORD = (  # the words a question opens with
    r"(?:what|how|who|whom|when|which|where|why|does|do|did|is|are|can|could|must|should|will|has|have|may)"
)
ASKS_RE = re.compile(rf"{ASKS_WORD}\b", re.I)
PART_SPLIT = re.compile(  # 'Who do we tell, and how long have we got?': a question that asks several things
    rf"\?\s+(?=[A-Z])|\.\s+(?={ASKS_WORD}\b)|[,;:]\s+(?:and\s+|or\s+|but\s+)?(?={ASKS_WORD}\b)|"
    rf"\s+and\s+(?={ASKS_WORD}\b)",
    re.I,
)
NAME_RE = re.compile(r"(?<![.?!]\s)(?<!^)\b[A-Z][a-z]{2,}\b")  # a capitalised word inside a sentence
INTENT_CUES: tuple[tuple[Intent, re.Pattern[str]], ...] = (
    ("change", CHANGE_CUE),
    (  # 'are we let off', 'do we still have to', "doesn't need to": whether a duty does not apply
        "exception",
        re.compile(
            r"\b(exception\w*|exempt\w*|does not apply|not (?:have|required) to|still (?:have|need|got) to|"
            r"let off|off the hook|excused|waiv\w*|carve[- ]outs?|"
            r"(?:don'?t|do not|doesn'?t|does not|no longer) (?:have|need) to)\b",
            re.I,
        ),
    ),
    ("definition", re.compile(r"\b(meaning|mean|means|defin\w*|counts? as|what is an?)\b", re.I)),
    ("who", re.compile(r"\b(who|whom|which (?:part(?:y|ies)|licensees?|suppliers?|bod(?:y|ies)))\b", re.I)),
    ("may", re.compile(r"\b(may|can|allowed|permitted|entitled)\b", re.I)),
    ("when", re.compile(r"\b(when|by what date|deadline|how (?:long|soon|often))\b", re.I)),
    ("impact", IMPACT_CUE),
    (
        "list",
        re.compile(
            r"\b(list|which conditions|overview|all the|what are the|what happens|how does|"
            r"in a nutshell|summar\w*|what (?:reports|documents|information)|"
            r"what\b[^?]{0,60}\b(?:include|contain|cover|go into))\b",
            re.I,
        ),
    ),
)


@dataclass(frozen=True, slots=True)
class Query:
    """Everything later stages need to know about one question; none of them reads the raw text."""

    text: str  # the cleaned question
    search_text: str  # what BM25 and the embedder read: the text plus its acronyms' long forms
    intent: Intent
    mentioned: tuple[str, ...] = ()  # anchors named, canonical, in order ('SLC 48.1' -> 'ESL 48.1')
    indexed: tuple[str, ...] = ()  # named anchors the index holds (a clause, or a condition of clauses)
    scopes: tuple[str, ...] = ()  # indexed anchors that are not clauses themselves: 'ESL 40'
    quoted: tuple[str, ...] = ()  # named anchors not indexed but quoted by guidance ('SEC F4.3')
    absent: tuple[str, ...] = ()  # named anchors neither indexed nor quoted
    instruments: tuple[str, ...] = ()  # instruments named in words ('GSL', 'SEC', 'ACT')
    outside_instruments: tuple[str, ...] = ()  # of those, the ones the index does not hold
    absent_sources: tuple[str, ...] = ()  # instruments asked about that the index does not hold ('GSL')
    outside_titles: tuple[
        str, ...
    ] = ()  # document titles asked about that no indexed title has ('SMKI RAPP')
    asks_for: frozenset[str] = frozenset()  # 'contact', 'amount', 'entity', 'current', 'period', ...
    names: tuple[str, ...] = ()  # capitalised words inside the question ('Netherlands', 'Ofgem')
    parts: tuple[str, ...] = ()  # the things it asks, when it asks several ('who do we tell', 'how long')
    elsewhere: tuple[str, ...] = ()  # places outside Great Britain it asks about that no document names
    terms: frozenset[str] = frozenset()  # stemmed content terms
    distinctive: frozenset[str] = frozenset()  # content terms that are not ubiquitous in the corpus
    expansions: tuple[str, ...] = ()  # document wording added to the search text (synonyms, acronyms)
    expanded_terms: frozenset[str] = frozenset()  # terms plus the content terms of the expansions
    titled: tuple[str, ...] = ()  # conditions / sections whose title the question uses
    asks_definition: bool = False
    asks_power: bool = False  # a who-question about who decides, directs or consents
    asks_impact: bool = False  # who is affected, or what follows from non-compliance
    asks_overview: bool = False  # an overview of a condition, part or section
    asks_units: bool = False  # which conditions or documents deal with a topic
    definitions: tuple[Definition, ...] = ()  # of terms it quotes; of all it names if asked a meaning
    party: str | None = None  # a party it names, canonical ('DCC', 'Authority')
    dates: tuple[str, ...] = ()  # years or ISO dates it names
    version_year: str | None = None  # the year of a version it asks about ('in the 2019 licence')
    change_document: str | None = None  # for a change question: the document with several versions

    def describe(self) -> str:
        """'who-question about ESL 48.1, party DCC; expanded: DCC -> Data and Communications Company'."""
        parts = [f"{self.intent}-question"]
        if self.mentioned:
            parts[0] += f" about {', '.join(self.mentioned)}"
        if self.party:
            parts.append(f"party {self.party}")
        if self.change_document:
            parts.append(f"changes to {self.change_document}")
        if self.dates:
            parts.append(f"dates {', '.join(self.dates)}")
        if self.elsewhere:
            parts.append(f"asks about {', '.join(self.elsewhere)} (outside Great Britain)")
        if self.version_year:
            parts.append(f"asks for the {self.version_year} version")
        if self.definitions and not self.asks_definition:
            parts.append(f"looks up {', '.join(dict.fromkeys(d.term for d in self.definitions))}")
        if self.asks_power:
            parts.append("asks who decides")
        if self.asks_impact:
            parts.append("asks who is impacted")
        if self.asks_overview:
            parts.append("asks for an overview")
        if self.asks_units:
            parts.append("asks which documents")
        if self.parts:
            parts.append(f"asks {len(self.parts)} things")
        text = ", ".join(parts)
        return text + (f"; expanded: {'; '.join(self.expansions)}" if self.expansions else "")


def clean_question(question: str, max_chars: int) -> str:
    """Normalise a question; reject empty or over-long ones. Markup is kept as plain text."""
    cleaned = "".join(ch for ch in question if unicodedata.category(ch)[0] != "C" or ch in "\n\t")
    cleaned = " ".join(cleaned.split())
    if not cleaned:
        raise QuestionRejectedError("the question is empty: type a question about the documents")
    if len(cleaned) > max_chars:
        raise QuestionRejectedError(
            f"the question has {len(cleaned)} characters; the limit is {max_chars}: shorten it"
        )
    return cleaned


def intent_of(text: str) -> Intent:
    """The first intent whose cue the text has, in priority order; 'what' otherwise."""
    return next((intent for intent, cue in INTENT_CUES if cue.search(text)), "what")


def named_party(text: str) -> str | None:
    """The first party a text names, canonical; 'the licensee' alone names no one in particular.
    A possessive names the party when duties follow ('the DCC's obligations')."""
    for m in sorted([*PARTY_RE.finditer(text), *DUTIES_OF_RE.finditer(text)], key=lambda m: m.start()):
        party = normalise_party(m.group(), "")
        if party != LICENSEE:
            return party
    return None


def parse_query(text: str, index: ClauseIndex, max_chars: int = 2000) -> Query:
    """Parse a question once against an index (QuestionRejectedError for empty or over-long text)."""
    cleaned = clean_question(text, max_chars)
    mentioned = tuple(mentioned_anchors(cleaned))
    indexed = tuple(a for a in mentioned if index.has_anchor(a))
    outside = [a for a in mentioned if a not in indexed]
    quoted = tuple(a for a in outside if index.quoting(a))
    thesaurus = index.derived("thesaurus", build_thesaurus)
    long_forms = acronym_expansions(cleaned)
    expansions = tuple(e for e in thesaurus.expansions(cleaned) if e not in long_forms)
    version_year = _version_year(cleaned)
    topic = VERSION_YEAR_RE.sub(" ", cleaned) if version_year else cleaned  # 'in the 2019 licence': no topic
    terms = frozenset(content_terms(topic))
    expanded = terms | content_terms(" ".join(expansions))
    intent = intent_of(cleaned)
    asks_definition = intent == "definition" or bool(WHAT_IS_RE.match(cleaned) or MEANING_CUE.search(cleaned))
    in_quotes = [d for m in QUOTED_RE.finditer(cleaned) for d in _quoted_definitions(m.group(1), index)]
    named = tuple(named_instruments(cleaned))
    return Query(
        text=cleaned,
        search_text=f"{cleaned} ({'; '.join(long_forms)})" if long_forms else cleaned,
        intent=intent,
        mentioned=mentioned,
        indexed=indexed,
        scopes=tuple(a for a in indexed if a not in index.by_anchor),
        quoted=quoted,
        absent=tuple(a for a in outside if a not in quoted),
        instruments=named,
        outside_instruments=tuple(p for p in named if not _holds(index, p)),
        asks_for=frozenset(kind for kind, cue in ASKS_FOR if cue.search(cleaned)),
        names=tuple(NAME_RE.findall(cleaned)),
        parts=_parts(cleaned),
        elsewhere=_elsewhere(cleaned, index),
        absent_sources=tuple(p for p in source_instruments(cleaned) if not _holds(index, p)),
        outside_titles=tuple(t for t in source_titles(cleaned) if not _has_title(index, t)),
        terms=terms,
        distinctive=frozenset(index.distinctive_terms(set(terms))),
        expansions=expansions,
        expanded_terms=frozenset(expanded),
        titled=tuple(dict.fromkeys(t.anchor for t in thesaurus.titles_named(cleaned))),
        asks_definition=asks_definition,
        asks_power=intent == "who" and bool(POWER_CUE.search(cleaned)),
        asks_impact=bool(IMPACT_CUE.search(cleaned) or NON_COMPLIANCE_CUE.search(cleaned)),
        asks_overview=bool(OVERVIEW_CUE.search(cleaned)),
        asks_units=bool(UNITS_CUE.search(cleaned)),
        definitions=_definitions(cleaned, expansions, in_quotes, index, asks_definition),
        party=named_party(cleaned),
        dates=tuple(dict.fromkeys(DATE_RE.findall(cleaned))),
        version_year=version_year,
        change_document=_changed_document(cleaned, indexed, index),
    )


def _definitions(
    text: str, expansions: tuple[str, ...], in_quotes: list[Definition], index: ClauseIndex, asked: bool
) -> tuple[Definition, ...]:
    """Definitions of the terms a question quotes; when it asks a meaning, also of those it names,
    or names in other words ('comms hub' -> Communications Hub)."""
    named = index.defined_in(" ; ".join((text, *expansions))) if asked else []
    return tuple(dict.fromkeys(in_quotes + named))


def _parts(text: str) -> tuple[str, ...]:
    """The questions a question asks, when it asks several ('who do we tell', 'how long have we
    got'; each opening with a question word and with two content words); none when it asks one
    ('As a new supplier, do we ...' is one question with its context)."""
    parts = [p.strip(" ?,;:.") for p in PART_SPLIT.split(text)]
    asked = [p for p in parts if ASKS_RE.match(p) and len(content_terms(p)) >= 2]
    return tuple(asked) if len(asked) >= 2 else ()


def _elsewhere(text: str, index: ClauseIndex) -> tuple[str, ...]:
    """Places outside Great Britain a question asks about ('in Belfast') that no indexed document
    names; none when it names a part of Great Britain too."""
    if IN_GB_RE.search(text):
        return ()
    found = (" ".join(m.group().split()) for m in ELSEWHERE_RE.finditer(text))
    return tuple(dict.fromkeys(p for p in found if not set(p.lower().split()) <= index.vocabulary))


def _version_year(text: str) -> str | None:
    """The year of the version a question asks about, unless it asks what changed."""
    found = VERSION_YEAR_RE.search(text)
    return None if not found or CHANGE_CUE.search(text) else next(g for g in found.groups() if g)


def _quoted_definitions(text: str, index: ClauseIndex) -> list[Definition]:
    """Glossary entries of a quoted term, or of the long form of a quoted acronym ('SAPC')."""
    return index.definitions_of(text) or index.definitions_of(ACRONYMS.get(text.strip(), ""))


def _holds(index: ClauseIndex, prefix: str) -> bool:
    """True when the index holds the instrument (the SEC: any of its parts)."""
    return any(p == prefix or p.startswith(prefix + "-") for p in index.prefixes)


def _has_title(index: ClauseIndex, title: str) -> bool:
    """True when an indexed document's title contains the title ('SMKI Code of Connection')."""
    wanted = title.lower()
    return any(wanted in d.source.title.lower() for d in index.documents.values())


def _changed_document(text: str, indexed: tuple[str, ...], index: ClauseIndex) -> str | None:
    """The document a change question is about, when several versions of it are indexed."""
    if not CHANGE_CUE.search(text):
        return None
    for anchor in indexed:
        document = anchor.split(".")[0]
        if len(index.document_versions(document)) > 1:
            return document
    return None
