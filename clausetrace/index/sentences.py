"""Sentence vectors: every sentence of every clause (and every definition), embedded at ingest.

The answer quotes sentences, not clauses, so how close the quoted sentences are to the question
says more about whether they answer it than the clause vector does. Embedding a handful of
sentences per question would cost about 50 ms on two cores; embedding all of them once at ingest
(through the embedding cache) costs a few seconds and a 4 MB file. A generation holds
``sentences.npy`` (float16 unit vectors, one row per span) and ``sentences.json`` (the spans as
``[doc_id, start, end]`` in document text).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from clausetrace.models import Clause, ParsedDocument
from clausetrace.text import SENTENCE_SPLIT

VECTORS_FILE = "sentences.npy"
SPANS_FILE = "sentences.json"
Span = tuple[str, int, int]  # (doc_id, start, end) in the document's cleaned text


def sentence_spans(clause: Clause, doc: ParsedDocument) -> list[tuple[int, int]]:
    """Spans (in document text) of the sentences of a clause's own text (not its child sections)."""
    text = doc.text[clause.start : doc.own_end(clause)]
    spans, start = [], 0
    for m in SENTENCE_SPLIT.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(clause.start + s, clause.start + e) for s, e in spans if text[s:e].strip()]


def corpus_sentences(docs: Iterable[ParsedDocument]) -> list[Span]:
    """Every quotable span of the corpus: the sentences of each clause and each definition."""
    spans: dict[Span, None] = {}
    for doc in docs:
        doc_id = doc.source.id
        for clause in doc.clauses:
            spans.update(dict.fromkeys((doc_id, s, e) for s, e in sentence_spans(clause, doc)))
        spans.update(dict.fromkeys((doc_id, d.start, d.end) for d in doc.definitions))
    return list(spans)


def span_text(span: Span, docs: dict[str, ParsedDocument]) -> str:
    """The text of a span."""
    doc_id, start, end = span
    return docs[doc_id].text[start:end]


def write_sentences(folder: Path, spans: list[Span], vectors: np.ndarray) -> None:
    """Persist the spans and their vectors into a generation folder."""
    np.save(folder / VECTORS_FILE, vectors.astype(np.float16))
    (folder / SPANS_FILE).write_text(json.dumps([list(s) for s in spans]), encoding="utf-8")


class SentenceVectors:
    """The sentence vectors of one generation, looked up by span."""

    def __init__(self, folder: Path) -> None:
        self.vectors = np.load(folder / VECTORS_FILE).astype(np.float32)
        spans = json.loads((folder / SPANS_FILE).read_text(encoding="utf-8"))
        self.rows = {(d, s, e): i for i, (d, s, e) in enumerate(spans)}

    def __len__(self) -> int:
        return len(self.rows)

    def similarities(self, vector: np.ndarray, spans: Iterable[Span]) -> dict[Span, float]:
        """Cosine similarity of a unit vector to each span held (spans not held are left out)."""
        held = [s for s in spans if s in self.rows]
        if not held:
            return {}
        values = self.vectors[[self.rows[s] for s in held]] @ vector
        return dict(zip(held, values.tolist(), strict=True))

    def closest(self, vector: np.ndarray, spans: Iterable[Span]) -> np.ndarray | None:
        """The vector of the held span closest to a unit vector (None when no span is held)."""
        close = self.similarities(vector, spans)
        return self.vectors[self.rows[max(close, key=close.__getitem__)]] if close else None
