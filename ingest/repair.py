"""Words split by the PDF text layer ('pr emises', 'In -Home', 'paragrap h 49. 24'), joined again.

A split is joined only when the joined form is a word of the vocabulary (it occurs whole at least
``MIN_WHOLE`` times) and its fragments are not both words: 'install ed' -> 'installed' ('ed' is no
word), 'Dome stic' -> 'Domestic', but never 'any one' (two words) or 'Part B and' ('B' is a single
letter next to a word). A fragment counts as a word when it occurs outside the splits found. Each
join is recorded as a `Repair`, so the text as extracted can be rebuilt (version diffs compare it).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from clausetrace.models import Repair

TOKEN = re.compile(r"[A-Za-z](?:[A-Za-z’'-]*[A-Za-z])?")
SPLIT_TOKEN = re.compile(r"\S+")
LETTERS = re.compile(r"[A-Za-z]+")
TRAILING_PUNCT = re.compile(r"[,.;:)’”'\"]+$")
HYPHEN_SPLIT = re.compile(r"(?<![\w-])(?P<a>[A-Za-z](?:[\w-]*[A-Za-z])?)(?: -|- )(?P<b>[A-Za-z]+)(?![\w-])")
NUMBER_SPLIT = re.compile(
    r"\b(?:[Pp]aragrap ?hs?|[Cc]ondition)\s+(?P<num>(?P<a>[0-9]{1,2}[A-Z]?\.) (?P<b>[0-9]{1,3}[A-Z]?))\b"
)
NUMBER_TOKEN = re.compile(r"\b[0-9]{1,2}[A-Z]?\.[0-9]{1,3}[A-Z]?\b")
MIN_WHOLE = 2  # a joined form must occur whole at least this often
SINGLE_LETTER_WORDS = frozenset({"a", "i"})


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Whole-word counts of a corpus, and how often each token is a fragment of a split."""

    counts: Counter[str]
    fragments: Counter[str]
    numbers: frozenset[str]

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Vocabulary:
        """Count the words of ``texts`` (case-insensitive), then the fragments of joinable splits."""
        texts = list(texts)
        counts = Counter(t.lower() for text in texts for t in TOKEN.findall(text))
        numbers = frozenset(n for text in texts for n in NUMBER_TOKEN.findall(text))
        fragments: Counter[str] = Counter()
        plain = cls(counts, fragments, numbers)
        for text in texts:
            for a, b, *_ in letter_pairs(text):
                if plain.known(a + b):
                    fragments.update((a.lower(), b.lower()))
        return cls(counts, fragments, numbers)

    def known(self, word: str) -> bool:
        """True when ``word`` occurs whole often enough to be a word of the corpus."""
        return self.counts[word.lower()] >= MIN_WHOLE

    def is_word(self, token: str) -> bool:
        """True when a token is a word by itself: 'a', 'I', or a token seen outside the splits."""
        lower = token.lower()
        if len(lower) == 1:
            return lower in SINGLE_LETTER_WORDS
        return self.counts[lower] - self.fragments[lower] > 0

    def joins(self, a: str, b: str) -> bool:
        """Whether 'a b' is a split of the word 'ab'."""
        if not self.known(a + b):
            return False
        word_a, word_b = self.is_word(a), self.is_word(b)
        if word_a and word_b:
            return False
        return not ((word_a and len(b) == 1) or (word_b and len(a) == 1))


def letter_pairs(text: str) -> Iterator[tuple[str, str, int, int]]:
    """Adjacent letter-only tokens one space apart: (a, b, start of a, end of b)."""
    tokens = list(SPLIT_TOKEN.finditer(text))
    for first, second in zip(tokens, tokens[1:], strict=False):
        if second.start() != first.end() + 1 or text[first.end()] != " ":
            continue
        a, b = first.group(), TRAILING_PUNCT.sub("", second.group())
        if LETTERS.fullmatch(a) and LETTERS.fullmatch(b):
            yield a, b, first.start(), second.start() + len(b)


def candidate_repairs(text: str, vocabulary: Vocabulary) -> list[tuple[int, int, str]]:
    """(start, end, joined) for every split in ``text`` the vocabulary can join, non-overlapping."""
    found = [(s, e, a + b) for a, b, s, e in letter_pairs(text) if vocabulary.joins(a, b)]
    for m in HYPHEN_SPLIT.finditer(text):
        joined = f"{m['a']}-{m['b']}"
        if vocabulary.known(joined):
            found.append((m.start(), m.end(), joined))
    for m in NUMBER_SPLIT.finditer(text):
        joined = m["a"] + m["b"]
        if joined in vocabulary.numbers:
            found.append((m.start("num"), m.end("num"), joined))
    chosen: list[tuple[int, int, str]] = []
    for start, end, joined in sorted(found):
        if not chosen or start >= chosen[-1][1]:
            chosen.append((start, end, joined))
    return chosen


def repair_text(text: str, vocabulary: Vocabulary) -> tuple[str, list[Repair]]:
    """The text with its splits joined, and where each join now is (offsets into the result)."""
    parts: list[str] = []
    repairs: list[Repair] = []
    position = out = 0
    for start, end, joined in candidate_repairs(text, vocabulary):
        parts.append(text[position:start])
        out += start - position
        parts.append(joined)
        repairs.append(Repair(out, out + len(joined), text[start:end]))
        out += len(joined)
        position = end
    parts.append(text[position:])
    return "".join(parts), repairs
