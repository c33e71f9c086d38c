"""Sentences of clause text: where they end in typed and in page-wrapped text."""

from __future__ import annotations

import re

from clausetrace.text import trim_span

NUM = r"\d+[A-Z]?\.\d+[A-Z]?(?:\([a-z]{1,4}\))*"
SENTENCE_END_RE = re.compile(r"[.?!][*'\"’”)]*\s+(?=[*'\"‘“]*[A-Z])|\s*\n\s*")
WRAPPED_SENTENCE_END_RE = re.compile(r"[.?!][*'\"’”)]*\s+(?=[*'\"‘“(]*[A-Z(])|\s*\n\s*\n\s*")
WRAP_RE = re.compile(r"[\w,]\n(?=[\w(])")  # a line that stops mid-sentence
WRAPPED_SHARE = 0.5


def is_wrapped(text: str) -> bool:
    """True when most line breaks of ``text`` fall mid-sentence (a PDF's lines, not paragraphs)."""
    breaks = len(re.findall(r"(?<!\n)\n(?!\n)", text))
    return breaks > 0 and len(WRAP_RE.findall(text)) >= WRAPPED_SHARE * breaks


ABBREVIATIONS = frozenset({"e.g", "i.e", "no", "reg", "etc", "cf", "viz", "para", "paras", "ltd", "co"})
LEADING_NUMBER_RE = re.compile(rf"^\s*(?:{NUM}|\d+(?:\.\d+)*\.?)\s+")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of ``text``, trimmed; 'e.g.', 'No.' and clause numbers do not split.

    A line break ends a sentence, except in text wrapped at a page width (the SEC appendices'
    lines stop mid-sentence), where only sentence ends and blank lines do.
    """
    spans, start = [], 0
    pattern = WRAPPED_SENTENCE_END_RE if is_wrapped(text) else SENTENCE_END_RE
    for m in pattern.finditer(text):
        word = re.search(r"([\w.]+)[.?!]?$", text[start : m.start() + 1])
        if m.group().strip() and word and word.group(1).lower().rstrip(".") in ABBREVIATIONS:
            continue
        end = m.start() + 1 if m.group().strip() else m.start()
        spans.append((start, end))
        start = m.end()
    spans.append((start, len(text)))
    return [s for s in (trim_span(text, a, b) for a, b in spans) if s[1] > s[0]]
