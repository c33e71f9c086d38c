"""Words a question may use for what the documents call otherwise.

Three sources, merged into one `Thesaurus` per index:
- curated domain synonyms kept as data (`synonyms.toml`: "switch supplier" -> "Change of Supplier");
- acronyms: a fixed list plus every ``Long Form ("LF")`` the corpus itself spells out;
- titles and headings of the corpus: a question that shares most distinctive words of a
  condition's title ("change of supplier") names that condition as a place to look.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from clausetrace.index.store import ClauseIndex
from clausetrace.text import content_terms

SYNONYMS_FILE = Path(__file__).with_name("synonyms.toml")
ACRONYMS = {
    "IHD": "In-Home Display",
    "CH": "Communications Hub",
    "CHTS": "Communications Hub Technical Specification",
    "ESME": "Electricity Smart Metering Equipment",
    "GSME": "Gas Smart Metering Equipment",
    "DCC": "Data and Communications Company",
    "SEC": "Smart Energy Code",
    "SMETS": "Smart Metering Equipment Technical Specifications",
    "GBCS": "Great Britain Companion Specification",
    "CoS": "Change of Supplier",
    "PPMID": "Prepayment Meter Interface Device",
    "HCALCS": "HAN Connected Auxiliary Load Control Switch",
    "SAPC": "Standalone Auxiliary Proportional Controller",
    "SMDA": "Smart Meter Device Assurance",
    "SMS": "Smart Metering System",
    "SLC": "standard licence condition",
    "MAP": "Meter Asset Provider",
    "CSP": "Communications Service Provider",
    "ARS": "Advanced Roll-out Specified",
    "SoS": "Secretary of State",
    "Ofgem": "Authority",
}
ACRONYM_RE = re.compile(r"\b(" + "|".join(map(re.escape, ACRONYMS)) + r")\b")
SPELT_OUT_RE = re.compile(
    r"\b((?:[A-Z][\w-]+\s+){1,5}[A-Z][\w-]+)\s+\(\s*[\"“‘']?([A-Z][A-Za-z]{1,6})[\"”’']?\s*\)"
)
TITLE_NOISE = frozenset(content_terms("smart metering meter system systems condition relation matters"))
TITLE_SHARE = 0.6  # share of a title's distinctive words a question must use to name it
SAID_SHARE = 0.5  # a synonym whose wording the question mostly uses already adds nothing


def acronym_expansions(text: str) -> tuple[str, ...]:
    """Long forms of the fixed acronyms a text uses, in order of first use."""
    return tuple(dict.fromkeys(ACRONYMS[m.group(1)] for m in ACRONYM_RE.finditer(text)))


def expand_query(question: str) -> str:
    """The question with the long forms of its acronyms appended (DCC -> Data and Communications...)."""
    found = acronym_expansions(question)
    return question if not found else f"{question} ({'; '.join(found)})"


@dataclass(frozen=True, slots=True)
class Title:
    """A condition or section title with the anchor it heads and its distinctive words."""

    text: str
    anchor: str
    terms: frozenset[str]


@dataclass(frozen=True, slots=True)
class Thesaurus:
    """Synonym patterns, acronyms and titles of one corpus."""

    synonyms: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]
    acronyms: dict[str, str]
    titles: tuple[Title, ...]

    def expansions(self, text: str) -> tuple[str, ...]:
        """Document wording for the words of a text: synonyms and acronym long forms."""
        found: list[str] = []
        words = content_terms(text)
        for pattern, wording in self.synonyms:
            if pattern.search(text):
                found += [w for w in wording if not _mostly_said(w, words)]
        found += [self.acronyms[w] for w in re.findall(r"\b[A-Z][A-Za-z]{1,6}\b", text) if w in self.acronyms]
        return tuple(dict.fromkeys(f for f in found if f.lower() not in text.lower()))

    def titles_named(self, text: str) -> list[Title]:
        """Titles most of whose distinctive words the text uses (synonyms applied first)."""
        words = content_terms(text)
        for pattern, wording in self.synonyms:
            if pattern.search(text):
                words |= content_terms(" ".join(wording))
        return [t for t in self.titles if t.terms and len(t.terms & words) >= TITLE_SHARE * len(t.terms)]


def _mostly_said(wording: str, words: set[str]) -> bool:
    """True when the question already uses most of the wording's words (no paraphrase to bridge)."""
    terms = content_terms(wording)
    return bool(terms) and len(terms & words) > SAID_SHARE * len(terms)


@cache
def curated_synonyms() -> tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]:
    """The reviewed synonym file, compiled."""
    table = tomllib.loads(SYNONYMS_FILE.read_text(encoding="utf-8"))["synonyms"]
    return tuple((re.compile(rf"\b(?:{key})\b", re.I), tuple(value)) for key, value in table.items())


def build_thesaurus(index: ClauseIndex) -> Thesaurus:
    """The thesaurus of an index: curated synonyms plus what the corpus spells out and titles."""
    acronyms = dict(ACRONYMS)
    for doc in index.documents.values():
        for m in SPELT_OUT_RE.finditer(doc.text):
            long_form, short = " ".join(m.group(1).split()), m.group(2)
            if short.isupper() and long_form.split()[0][0] == short[0]:
                acronyms.setdefault(short, long_form)
    return Thesaurus(curated_synonyms(), acronyms, _titles(index))


def _titles(index: ClauseIndex) -> tuple[Title, ...]:
    """Condition and part titles (first of each title path), each with the anchor of its scope."""
    titles: dict[str, Title] = {}
    for clause in index.clauses.values():
        if not clause.title_path or not index.is_latest(clause):
            continue
        heading = clause.title_path[0]
        scope = clause.anchor.split(".")[0] if "." in clause.anchor else clause.anchor
        name = re.sub(r"^(?:Condition\s+\S+:|\d+)\s*", "", heading)
        terms = frozenset(index.distinctive_terms(content_terms(name)) - TITLE_NOISE)
        titles.setdefault(heading, Title(name, scope, terms))
    return tuple(titles.values())
