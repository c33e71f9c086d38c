"""Small text helpers shared by every stage: terms, sentences, modals, spans."""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

WORD = re.compile(r"[A-Za-z][A-Za-z0-9-]+")
SENTENCE_SPLIT = re.compile(r"(?<=[a-z0-9)\]*][.])\s+(?=[A-Z(*])|\s*\n\s*\n\s*")
OBLIGATION = re.compile(
    r"\b(must|shall|is required to|are required to|all reasonable steps|is obliged to)\b", re.I
)
RELIEF = re.compile(  # a permission or an exemption: what a licensee may do or need not do
    r"\b(?:may|is not required to|are not required to|need not|is not obliged to|does not apply|"
    r"do not apply|is exempt|are exempt)\b",
    re.I,
)
STOPWORDS = frozenset(
    """a about above after again all also am an and any are as at be because been before being
    between both but by can could did do does doing down during each few for from further had has
    have having he her here hers him his how i if in into is it its itself just me more most my no
    nor not now of off on once only or other our out over own same she should so some such than
    that the their them then there these they this those through to too under until up very was we
    were what when where which while who whom why will with would you your yours there's what's
    tell say says said please does do did i'm we're my me our""".split()
)

_stemmer = Stemmer.Stemmer("english")


@lru_cache(maxsize=4096)
def _stem(word: str) -> str:
    return _stemmer.stemWord(word)


def content_terms(text: str) -> set[str]:
    """Stemmed, lower-cased content words of a text (stopwords and 1-2 letter words dropped)."""
    words = (w.lower() for w in WORD.findall(text))
    return {_stem(w) for w in words if len(w) > 2 and w not in STOPWORDS}


def is_obligation(sentence: str) -> bool:
    """True when a sentence states a duty (must, shall, is required to, all reasonable steps)."""
    return bool(OBLIGATION.search(sentence))


def is_normative(sentence: str) -> bool:
    """True when a sentence states a duty, a permission or an exemption (a rule, not a description)."""
    return is_obligation(sentence) or bool(RELIEF.search(sentence))


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Move a span's ends inwards past whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
