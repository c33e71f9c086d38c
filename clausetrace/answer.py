"""Grounded, deterministic answers: sentences quoted from retrieved clauses, each cited, or a refusal.

No LLM is needed. Every sentence is a slice of a retrieved clause's stored text, and every
citation is built from a retrieved hit, so an answer cannot cite a clause it did not retrieve.
"""

from __future__ import annotations

import math
import time
import unicodedata
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from clausetrace.errors import QuestionRejectedError
from clausetrace.index import ClauseIndex
from clausetrace.models import Clause, ParsedDocument
from clausetrace.retrieve import Hit, HybridRetriever, Mode, mentioned_anchors
from clausetrace.settings import Settings
from clausetrace.text import SENTENCE_SPLIT, content_terms, is_obligation
from ingest.nodes import own_end

CANNOT_ANSWER = "The indexed documents do not answer this question."
DIRECT = ("anchor", "quote", "definition")  # hits the question asked for by name


class Citation(BaseModel):
    """A retrieved clause cited by an answer; its text is a slice of the stored document."""

    model_config = ConfigDict(extra="forbid")

    n: int = Field(description="Citation number used in the answer text, from 1")
    anchor: str = Field(description="Canonical anchor, e.g. 'ESL 39.1'")
    key: str = Field(description="Anchor@version: the index node key")
    doc_id: str
    title: str = Field(description="Document title")
    version: str
    latest: bool = Field(description="False when a newer version of this clause is indexed")
    page_start: int | None = None
    page_end: int | None = None
    url: str = Field(default="", description="Official source")
    heading: str = ""
    text: str = Field(description="Clause text, sliced from the stored document text")
    start: int = Field(description="Span of the clause in the stored document text")
    end: int
    score: float = Field(description="Fused retrieval score")
    dense: float = Field(description="Cosine similarity of the best node")
    via: str = Field(
        description="'anchor': the question named it; 'quote': it quotes the instrument named; else 'hybrid'"
    )
    secondary: bool = Field(
        default=False, description="Guidance quoting another instrument: a secondary citation"
    )
    quotes: list[str] = Field(default_factory=list, description="Instruments a secondary source quotes")


class AnswerSentence(BaseModel):
    """One sentence of the answer: quoted verbatim from a cited clause, or a cited diff summary."""

    model_config = ConfigDict(extra="forbid")

    text: str
    citations: list[int] = Field(description="Citation numbers supporting this sentence")
    anchors: list[str]
    kind: Literal["quote", "summary"] = Field(
        default="quote", description="'quote': a slice of the cited clause; 'summary': a version comparison"
    )
    start: int | None = Field(default=None, description="Span of a quote in its document's stored text")
    end: int | None = None
    obligation: bool = Field(default=False, description="States a duty (must / shall / ...)")


class CrossReference(BaseModel):
    """A reference made by a cited clause, resolved to an anchor when that is indexed."""

    model_config = ConfigDict(extra="forbid")

    from_anchor: str
    text: str = Field(description="The reference as written")
    target: str
    relation: str
    in_corpus: bool = Field(description="False: named but not indexed ('not in corpus')")


class Answer(BaseModel):
    """The outcome of a question: cited sentences, or a typed refusal with nearby clauses."""

    model_config = ConfigDict(extra="forbid")

    question: str
    refused: bool
    reason: str = Field(default="", description="Why the answer was refused, or notes on it")
    sentences: list[AnswerSentence] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    parties: list[str] = Field(default_factory=list, description="Who owes the obligations cited")
    cross_references: list[CrossReference] = Field(default_factory=list)
    possibly_related: list[Citation] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list, description="Version and secondary-source notes")
    timings: dict[str, float] = Field(default_factory=dict, description="Milliseconds per stage")

    @model_validator(mode="after")
    def _citations_exist(self) -> Answer:
        numbers = {c.n for c in self.citations}
        for sentence in self.sentences:
            if not set(sentence.citations) <= numbers or not sentence.citations:
                raise ValueError(f"sentence cites unknown citation: {sentence.citations}")
        return self

    @property
    def text(self) -> str:
        """The answer as plain text with [n] markers (or the refusal)."""
        if self.refused:
            return f"{CANNOT_ANSWER} {self.reason}".strip()
        body = " ".join(f"{s.text} [{', '.join(map(str, s.citations))}]" for s in self.sentences)
        who = f"Who: {', '.join(self.parties)}. " if self.parties else ""
        return who + body


def check_question(question: str, max_chars: int) -> str:
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


def ask(
    question: str,
    index: ClauseIndex,
    settings: Settings | None = None,
    *,
    k: int | None = None,
    prefix: str | None = None,
    version: str | None = None,
    party: str | None = None,
    retriever: HybridRetriever | None = None,
) -> Answer:
    """Answer a question from the index with cited sentences, or refuse."""
    settings = settings or Settings()
    started = time.perf_counter()
    question = check_question(question, settings.max_question_chars)
    retriever = retriever or make_retriever(index, settings)
    keep = index.keys_for_party(party) if party else None
    hits = retriever.search(question, k or settings.k, prefix=prefix, version=version, keep=keep)
    retrieved = time.perf_counter()
    answer = compose(question, hits, index, settings)
    answer.timings = {
        "retrieve_ms": round((retrieved - started) * 1000, 2),
        "answer_ms": round((time.perf_counter() - retrieved) * 1000, 2),
        "total_ms": round((time.perf_counter() - started) * 1000, 2),
    }
    return answer


def make_retriever(index: ClauseIndex, settings: Settings, mode: Mode = "hybrid") -> HybridRetriever:
    """A retriever (hybrid unless another mode is asked for) configured from settings."""
    return HybridRetriever(
        index,
        mode=mode,
        candidates=settings.candidates,
        rrf_k=settings.rrf_k,
        dense_weight=settings.dense_weight,
        bm25_weight=settings.bm25_weight,
    )


def compose(question: str, hits: list[Hit], index: ClauseIndex, settings: Settings) -> Answer:
    """Build the answer from ranked hits: choose sentences, cite them, or refuse."""
    from clausetrace.changes import change_answer, changed_document

    document = changed_document(question, index)
    if document:
        return change_answer(question, document, index)
    if not hits:
        return Answer(question=question, refused=True, reason="nothing in the index matches it")
    reason = refusal_reason(question, hits, index, settings)
    if reason:
        related = [citation(i + 1, h, index) for i, h in enumerate(hits[:3])]
        return Answer(question=question, refused=True, reason=reason, possibly_related=related)
    chosen = primary_first(
        choose_sentences(question, hits, index, settings.max_sentences, settings.sentence_cutoff), index
    )
    cited = list(dict.fromkeys(hit.clause.key for hit, _ in chosen))
    by_key = {h.clause.key: h for h in hits}
    citations = [citation(i + 1, by_key[key], index) for i, key in enumerate(cited)]
    number = {c.key: c.n for c in citations}
    sentences = [sentence(hit, span, number[hit.clause.key], index) for hit, span in chosen]
    return Answer(
        question=question,
        refused=False,
        sentences=sentences,
        citations=citations,
        parties=list(dict.fromkeys(p for c in citations for p in index.parties_of(c.key))),
        cross_references=cross_references(citations, index),
        notes=notes(citations, index),
    )


def refusal_reason(question: str, hits: list[Hit], index: ClauseIndex, settings: Settings) -> str:
    """Why the evidence does not support an answer, or '' when it does."""
    if any(h.via in DIRECT for h in hits):
        return ""
    absent = [a for a in mentioned_anchors(question) if not index.has_anchor(a) and not index.quoting(a)]
    if absent:
        return f"{', '.join(absent)} is not in the indexed documents"
    best = max(h.dense for h in hits)
    if best < settings.min_dense_score:
        return f"no clause is close in meaning (best similarity {best:.2f} < {settings.min_dense_score:.2f})"
    terms = index.distinctive_terms(content_terms(question))
    if not terms:
        return ""
    covered = set().union(*(content_terms(h.clause.text) for h in hits[:3]))
    share = len(terms & covered) / len(terms)
    if share < settings.min_term_coverage:
        missing = ", ".join(sorted(terms - covered)[:5])
        return f"the nearest clauses do not mention the question's key terms ({missing})"
    return ""


def sentence_spans(clause: Clause, doc: ParsedDocument) -> list[tuple[int, int]]:
    """Spans (in document text) of the sentences of a clause's own text (not its child sections)."""
    text = doc.text[clause.start : own_end(clause, doc)]
    spans, start = [], 0
    for m in SENTENCE_SPLIT.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(clause.start + s, clause.start + e) for s, e in spans if text[s:e].strip()]


def choose_sentences(
    question: str, hits: list[Hit], index: ClauseIndex, limit: int, cutoff: float
) -> list[tuple[Hit, tuple[int, int]]]:
    """Best sentence per useful clause (obligations first): at most limit, within cutoff of the best."""
    terms = content_terms(question)
    scored = []
    for rank, hit in enumerate(hits):
        doc = index.documents[hit.clause.doc_id]
        text = doc.text
        for span in [hit.span] if hit.span else sentence_spans(hit.clause, doc):
            passage = text[span[0] : span[1]]
            overlap = len(terms & content_terms(passage)) / math.sqrt(len(terms) or 1)
            bonus = 0.5 if is_obligation(passage) else -0.5 if is_heading(passage) else 0.0
            prior = 1.5 if hit.via in DIRECT else 1.0 / (1 + rank)
            scored.append((overlap + bonus + prior, rank, hit, span))
    best_per_clause: dict[str, tuple[float, int, Hit, tuple[int, int]]] = {}
    for item in sorted(scored, key=lambda x: -x[0]):
        best_per_clause.setdefault(item[2].clause.key, item)
    top = sorted(best_per_clause.values(), key=lambda x: -x[0])[:limit]
    floor = top[0][0] * cutoff
    return [(hit, span) for score, rank, hit, span in sorted(top, key=lambda x: x[1]) if score >= floor]


def primary_first(
    chosen: list[tuple[Hit, tuple[int, int]]], index: ClauseIndex
) -> list[tuple[Hit, tuple[int, int]]]:
    """Quote the instruments before guidance about them; drop guidance that only quotes a cited clause."""
    primary = [item for item in chosen if index.source_of(item[0].clause).family != "guidance"]
    cited = {hit.clause.anchor for hit, _ in primary}
    guidance = [
        item
        for item in chosen
        if item not in primary and not set(index.quoted_instruments(item[0].clause)) & cited
    ]
    return primary + guidance


def is_heading(passage: str) -> bool:
    """A short line without closing punctuation: a heading, not an answer."""
    return len(passage.split()) < 15 and not passage.rstrip().endswith((".", ";", ":", ")"))


def citation(n: int, hit: Hit, index: ClauseIndex) -> Citation:
    """A Citation for a retrieved hit; the text is sliced from the stored document."""
    clause, source = hit.clause, index.source_of(hit.clause)
    quotes = index.quoted_instruments(clause) if source.family == "guidance" else []
    return Citation(
        n=n,
        anchor=clause.anchor,
        key=clause.key,
        doc_id=clause.doc_id,
        title=source.title,
        version=clause.version,
        latest=index.is_latest(clause),
        page_start=clause.page_start,
        page_end=clause.page_end,
        url=source.url,
        heading=clause.heading,
        text=index.documents[clause.doc_id].text[clause.start : clause.end],
        start=clause.start,
        end=clause.end,
        score=round(hit.score, 6),
        dense=round(hit.dense, 4),
        via=hit.via,
        secondary=bool(quotes),
        quotes=quotes,
    )


def sentence(hit: Hit, span: tuple[int, int], n: int, index: ClauseIndex) -> AnswerSentence:
    """An answer sentence quoted from a clause, with its citation number."""
    text = index.documents[hit.clause.doc_id].text[span[0] : span[1]]
    return AnswerSentence(
        text=text,
        citations=[n],
        anchors=[hit.clause.anchor],
        start=span[0],
        end=span[1],
        obligation=is_obligation(text),
    )


def cross_references(citations: list[Citation], index: ClauseIndex) -> list[CrossReference]:
    """References made by the cited clauses, marked in corpus or not."""
    refs = []
    for c in citations:
        for ref in index.references_from(c.key):
            refs.append(
                CrossReference(
                    from_anchor=c.anchor,
                    text=ref.text,
                    target=ref.target,
                    relation=ref.relation,
                    in_corpus=index.has_anchor(ref.target),
                )
            )
    return list({(r.from_anchor, r.target): r for r in refs}.values())


def notes(citations: list[Citation], index: ClauseIndex) -> list[str]:
    """Which versions were used, and which citations are secondary."""
    out = []
    versions = sorted({f"{c.anchor.split()[0]} {c.version}" for c in citations})
    out.append(f"Versions cited: {', '.join(versions)} (latest indexed unless pinned).")
    for c in citations:
        if c.secondary:
            missing = [q for q in c.quotes if not index.has_anchor(q)]
            if missing:
                out.append(
                    f"{c.anchor} is guidance quoting {', '.join(missing)}: a secondary citation; "
                    "the quoted instrument is not in the corpus."
                )
    return out
