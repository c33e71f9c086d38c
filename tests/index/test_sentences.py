"""Sentence vectors: every quotable sentence of the real corpus embedded at ingest, looked up by span."""

from __future__ import annotations

import numpy as np

from clausetrace.index.sentences import corpus_sentences, sentence_spans, span_text


def test_every_clause_sentence_and_definition_is_a_span(gb_index):
    docs = gb_index.documents
    spans = set(corpus_sentences(docs.values()))
    clause = gb_index.get_clause("ESL 39.1")
    doc = docs[clause.doc_id]
    assert {(clause.doc_id, s, e) for s, e in sentence_spans(clause, doc)} <= spans
    definition = gb_index.definitions[0]
    assert (definition.doc_id, definition.start, definition.end) in spans
    assert all(span_text(s, docs).strip() for s in spans)


def test_the_index_holds_a_vector_per_sentence_that_matches_its_text(gb_index):
    vectors = gb_index.sentence_vectors
    assert len(vectors) == gb_index.manifest.counts["sentences"] > len(gb_index.clauses)
    clause = gb_index.get_clause("ESL 50.3")
    span = (clause.doc_id, *sentence_spans(clause, gb_index.documents[clause.doc_id])[0])
    own = gb_index.embed_model.encode([span_text(span, gb_index.documents)])[0]
    assert vectors.similarities(own, [span])[span] > 0.999
    assert vectors.similarities(own, [("no-such-doc", 0, 1)]) == {}


def test_a_question_vector_is_computed_once_and_read_only(gb_index):
    model = gb_index.embed_model
    text = "Who must keep interoperability test evidence?"
    first = model.question_vector(text)
    assert model.question_vector(text) is first and not first.flags.writeable
    assert np.allclose(first, model.encode([text])[0], atol=1e-5)


def test_closest_gives_the_vector_of_the_most_similar_held_sentence(gb_index):
    vectors, docs = gb_index.sentence_vectors, gb_index.documents
    clause = gb_index.get_clause("ESL 50.3")
    spans = [(clause.doc_id, s, e) for s, e in sentence_spans(clause, docs[clause.doc_id])]
    other = gb_index.get_clause("ESL 39.1")
    spans += [(other.doc_id, *sentence_spans(other, docs[other.doc_id])[0])]
    own = gb_index.embed_model.encode([span_text(spans[-1], docs)])[0]
    assert np.allclose(vectors.closest(own, spans), vectors.vectors[vectors.rows[spans[-1]]])
    assert vectors.closest(own, [("no-such-doc", 0, 1)]) is None
