"""Grounded, deterministic answers: sentences quoted from retrieved clauses, each cited, or a refusal.

No LLM is needed. Every sentence is a slice of a retrieved clause's stored text, and every
citation is built from a retrieved hit, so an answer cannot cite a clause it did not retrieve.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import replace

from clausetrace.answer.changes import change_answer, history_answer, is_history_question, version_asked
from clausetrace.answer.cite import citation, cross_references, notes
from clausetrace.answer.dates import date_definitions
from clausetrace.answer.duties import duties_of, more_parties
from clausetrace.answer.exceptions import exceptions_to
from clausetrace.answer.models import Answer, AnswerSentence
from clausetrace.answer.overview import outline
from clausetrace.answer.parallel import parallel_clauses
from clausetrace.answer.refuse import DIRECT, assess, question_vector
from clausetrace.answer.register_list import count_note, register_duties
from clausetrace.answer.table import impact_rows, impacted_parties
from clausetrace.answer.units import units_listing, units_sentence
from clausetrace.errors import NoVersionHeldError
from clausetrace.index import ClauseIndex
from clausetrace.index.sentences import Span, sentence_spans
from clausetrace.models import Clause
from clausetrace.query import Query, parse_query
from clausetrace.register.parties import DECIDERS, PARTY_RE, normalise_party, owed_by
from clausetrace.retrieve import Hit, HybridRetriever, make_retriever
from clausetrace.settings import Settings
from clausetrace.text import content_terms, is_normative, is_obligation

UNCERTAIN_BELOW = 0.5  # answers less likely than this to be supported carry a note
EXPANSION_SHARE = 0.5  # weight of a thesaurus expansion's term against the question's own
MEAN_WEIGHT = 2.0  # typical rarity weight of a question term (keeps overlap on the old scale)
POWER_BONUS = 0.5  # a sentence naming who decides, for 'who decides / who can extend' questions
QUOTED_FIRST = (*DIRECT, "term")  # hits asked for by name or by a quoted term: their sentences lead
MEANING_WEIGHT = 3.0  # weight of a sentence's cosine similarity to the question (its vector from ingest)
POWER_WORDS = re.compile(r"\b(may|direct\w*|specif\w*|consent\w*|approv\w*|determin\w*)\b", re.I)
LIST_INTENTS = (
    "who",
    "may",
    "list",
    "impact",
    "exception",
)  # questions whose complete answer has several parts


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
    as_of: str | None = None,
) -> Answer:
    """Answer a question from the index with cited sentences, or refuse.

    ``as_of`` (YYYY-MM-DD) answers from the versions in force on that date (per document, the
    latest consolidation dated on or before it); a date before every version is refused.
    """
    settings = settings or Settings()
    started = time.perf_counter()
    query = parse_query(question, index, settings.max_question_chars)
    retriever = retriever or make_retriever(index, settings)
    keep = index.keys_for_party(party) if party else None
    as_of, refusal = dated(query, retriever, index, as_of, prefix=prefix, keep=keep)
    if refusal:
        return refusal
    hits = retriever.search(query, k or settings.k, prefix=prefix, version=version, keep=keep, as_of=as_of)
    retrieved = time.perf_counter()
    answer = compose(query, hits, index, settings, as_of=as_of)
    if as_of:
        answer.notes.insert(0, as_of_note(as_of, answer, index))
    answer.timings = {
        "retrieve_ms": round((retrieved - started) * 1000, 2),
        "answer_ms": round((time.perf_counter() - retrieved) * 1000, 2),
        "total_ms": round((time.perf_counter() - started) * 1000, 2),
    }
    return answer


def dated(
    query: Query,
    retriever: HybridRetriever,
    index: ClauseIndex,
    as_of: str | None = None,
    *,
    prefix: str | None = None,
    keep: set[str] | None = None,
) -> tuple[str | None, Answer | None]:
    """The date to answer as of (the one given, else the end of the year of a version the question
    asks about: 'in the 2019 licence'), or a refusal when nothing held is that old."""
    why = ""
    if query.version_year and not as_of:
        as_of, why = version_asked(query, retriever.search(query, 5, prefix=prefix, keep=keep), index)
    if as_of and not why:
        try:
            index.in_force(as_of)
        except NoVersionHeldError as exc:
            why = str(exc)
    if not why:
        return as_of, None
    return as_of, Answer(question=query.text, understood=query.describe(), refused=True, reason=why)


def compose(
    query: Query, hits: list[Hit], index: ClauseIndex, settings: Settings, as_of: str | None = None
) -> Answer:
    """Build the answer from ranked hits: choose sentences, cite them, or refuse."""
    answer = _compose(query, hits, index, settings, as_of)
    answer.understood = query.describe() + (f"; as of {as_of}" if as_of else "")
    return answer


def as_of_note(as_of: str, answer: Answer, index: ClauseIndex) -> str:
    """'Answered as of 2020-01-01 from the versions in force then: ESL 39 2019-08-03.'"""
    sources = [index.documents[c.doc_id].source for c in answer.citations]
    cited = dict.fromkeys(" ".join(filter(None, (s.prefix, s.condition, s.version))) for s in sources)
    held = f": {', '.join(cited)}" if cited else ""
    return f"Answered as of {as_of} from the versions in force then (latest on or before it){held}."


def _compose(
    query: Query, hits: list[Hit], index: ClauseIndex, settings: Settings, as_of: str | None
) -> Answer:
    question = query.text
    if query.change_document:
        return change_answer(query, query.change_document, index, as_of)
    if is_history_question(query):
        answer = history_answer(query, hits, index)
        if answer:
            return answer
    if not hits:
        return Answer(question=question, refused=True, reason="nothing in the index matches it")
    chosen = choose_sentences(query, hits, index, *quote_limit(query, settings))
    reason, confidence, missing = assess(query, hits, index, quoted_spans(chosen))
    if reason:
        related = [citation(i + 1, h, index) for i, h in enumerate(hits[:3])]
        return Answer(question=question, refused=True, reason=reason, possibly_related=related)
    chosen = primary_first(chosen, index)
    listed = register_duties(query, index)
    if listed:  # quote the listed party's own clauses, not its neighbours'
        chosen = [item for item in chosen if _owes(query.party or "", item[0], index)] or chosen
    chosen = outline(
        query, hits, chosen, index, lambda pool, n, cut: choose_sentences(query, pool, index, n, cut)
    )
    chosen += [(h, _best_span(query, h, index)) for h in more_parties(query, hits, _keys(chosen), index)]
    chosen += impact_rows(query, hits, chosen, index)
    quoted = [h for h, _ in chosen]
    chosen += [
        (h, _best_span(query, h, index)) for h in parallel_clauses(query, quoted, _keys(chosen), index)
    ]
    chosen = [
        (h, _best_span(query, h, index)) for h in exceptions_to(query, hits, _keys(chosen), index)
    ] + chosen
    chosen += date_definitions(query, chosen, _keys(chosen), index)
    items = [pinpoint(query, hit, span, index) for hit, span in chosen]
    cited_hits = [h for (hit, _), item in zip(chosen, items, strict=True) for h in _with_item(hit, item)]
    listed_keys = dict.fromkeys(f"{o.anchor}@{o.version}" for o in listed)
    cited_hits += [Hit(clause=index.clauses[key], score=0.0, via="register") for key in listed_keys]
    units = units_listing(query, index)
    cited_hits += [Hit(clause=u.paragraphs[0], score=0.0, via="units") for u in units]
    by_key = {h.clause.key: h for h in hits} | {h.clause.key: h for h in cited_hits}
    cited = list(dict.fromkeys(h.clause.key for h in cited_hits))
    citations = [citation(i + 1, by_key[key], index) for i, key in enumerate(cited)]
    number = {c.key: c.n for c in citations}
    sentences = [units_sentence(units, number)] if units else []
    sentences += [
        sentence(_with_item(hit, item), span, number, index)
        for (hit, span), item in zip(chosen, items, strict=True)
    ]
    deciders, impacted = _deciders(query, sentences), _impacted(query, sentences)
    return Answer(
        question=question,
        refused=False,
        sentences=sentences,
        citations=citations,
        parties=list(
            dict.fromkeys([*deciders, *impacted, *(p for c in citations for p in index.parties_of(c.key))])
        ),
        deciders=deciders,
        impacted=impacted,
        duties=duties_of(query, citations, index),
        cross_references=cross_references(citations, index),
        notes=notes(citations, index)
        + ([count_note(query.party or "", listed, index)] if listed else [])
        + _uncertain(confidence, missing),
        confidence=confidence,
    )


def _owes(party: str, hit: Hit, index: ClauseIndex) -> bool:
    """True when a clause states a duty of the party."""
    return any(owed_by(p, party) for p in index.parties_of(hit.clause.key))


def _deciders(query: Query, sentences: list[AnswerSentence]) -> list[str]:
    """For 'who decides' questions: the holders of the powers the answer quotes."""
    return (
        list(dict.fromkeys(p for s in sentences for p in power_holders(s.text))) if query.asks_power else []
    )


def _impacted(query: Query, sentences: list[AnswerSentence]) -> list[str]:
    """For impact questions: the parties the quoted table rows say are impacted."""
    named = (p for s in sentences for p in impacted_parties(s.text))
    return list(dict.fromkeys(named)) if query.asks_impact else []


def _uncertain(confidence: float | None, missing: list[str]) -> list[str]:
    """A note for an answer the evidence only partly supports."""
    if confidence is None or confidence >= UNCERTAIN_BELOW:
        return []
    gap = f" The nearest clauses do not mention: {', '.join(missing)}." if missing else ""
    return [f"Partial answer (confidence {confidence:.2f}): check the cited clauses.{gap}"]


def pinpoint(query: Query, hit: Hit, span: tuple[int, int], index: ClauseIndex) -> Clause | None:
    """The lettered item of a quoted sentence that answers the question ('ESL 42.5(b)'), when one
    item shares more of the question's terms than every other item of that sentence."""
    items = [
        c
        for c in (
            index.clauses.get(f"{hit.clause.prefix} {n}@{hit.clause.version}") for n in hit.clause.children
        )
        if c is not None and span[0] <= c.start and c.end <= span[1]
    ]
    if len(items) < 2:
        return None
    scored = sorted(((len(query.terms & index.terms_of(c.key)), c) for c in items), key=lambda x: -x[0])
    best, runner_up = scored[0][0], scored[1][0]
    return scored[0][1] if best > runner_up else None


def _with_item(hit: Hit, item: Clause | None) -> list[Hit]:
    """A quoted clause's hit, followed by its answering item's (cited right after it)."""
    return [hit, replace(hit, clause=item)] if item else [hit]


def quote_limit(query: Query, settings: Settings) -> tuple[int, float]:
    """How many clauses to quote at most, and the share of the best sentence's score a clause's
    sentence needs: more, and less strictly, when the question asks for every party or item, or
    asks several things."""
    if query.intent in LIST_INTENTS or query.parts:
        return settings.list_sentences, settings.list_sentence_cutoff
    return settings.max_sentences, settings.sentence_cutoff


def quoted_spans(chosen: list[tuple[Hit, tuple[int, int]]]) -> list[Span]:
    """The chosen sentences as (doc_id, start, end) spans."""
    return [(hit.clause.doc_id, start, end) for hit, (start, end) in chosen]


def _keys(chosen: list[tuple[Hit, tuple[int, int]]]) -> set[str]:
    return {hit.clause.key for hit, _ in chosen}


def _best_span(query: Query, hit: Hit, index: ClauseIndex) -> tuple[int, int]:
    """The sentence of a clause sharing most terms with the question (rules preferred)."""
    doc = index.documents[hit.clause.doc_id]
    spans = [hit.span] if hit.span else sentence_spans(hit.clause, doc)

    def score(span: tuple[int, int]) -> float:
        passage = doc.text[span[0] : span[1]]
        return len(query.terms & content_terms(passage)) + (0.5 if is_normative(passage) else 0.0)

    return max(spans, key=score)


def power_holders(passage: str) -> list[str]:
    """Deciding parties named in a sentence that grants a power ('as the Secretary of State may
    direct', 'specified by the Authority')."""
    if not POWER_WORDS.search(passage):
        return []
    named = (normalise_party(m.group(), "") for m in PARTY_RE.finditer(passage))
    return list(dict.fromkeys(p for p in named if p in DECIDERS))


def choose_sentences(
    query: Query, hits: list[Hit], index: ClauseIndex, limit: int, cutoff: float
) -> list[tuple[Hit, tuple[int, int]]]:
    """Best sentence per useful clause: at most limit, within cutoff of the best. A sentence scores
    by the rare question terms it shares, its closeness in meaning to the question, being a rule (a
    duty, a permission or an exemption; a heading scores less), naming who decides when that is
    asked, and its clause's rank."""
    weights = term_weights(query, index)
    norm = math.sqrt(math.fsum(weights.values()) or 1.0) * math.sqrt(MEAN_WEIGHT)
    vector = question_vector(query, index)
    scored = []
    for rank, hit in enumerate(hits):
        doc = index.documents[hit.clause.doc_id]
        spans = [hit.span] if hit.span else sentence_spans(hit.clause, doc)
        meaning = index.sentence_vectors.similarities(vector, [(hit.clause.doc_id, *span) for span in spans])
        for span in spans:
            passage = doc.text[span[0] : span[1]]
            overlap = math.fsum(weights.get(t, 0.0) for t in content_terms(passage)) / norm
            bonus = 0.5 if is_normative(passage) else -0.5 if is_heading(passage) else 0.0
            if query.asks_power and power_holders(passage):
                bonus += POWER_BONUS
            prior = 1.5 if hit.via in QUOTED_FIRST else 1.0 / (1 + rank)
            close = MEANING_WEIGHT * meaning.get((hit.clause.doc_id, *span), 0.0)
            scored.append((overlap + close + bonus + prior, rank, hit, span))
    best_per_clause: dict[str, tuple[float, int, Hit, tuple[int, int]]] = {}
    for item in sorted(scored, key=lambda x: -x[0]):
        best_per_clause.setdefault(item[2].clause.key, item)
    top = sorted(best_per_clause.values(), key=lambda x: -x[0])[:limit]
    floor = top[0][0] * cutoff
    return [(hit, span) for score, rank, hit, span in sorted(top, key=lambda x: x[1]) if score >= floor]


def term_weights(query: Query, index: ClauseIndex) -> dict[str, float]:
    """Question terms weighted by rarity in the corpus (terms of the thesaurus expansions at
    EXPANSION_SHARE of their weight): a rare word matched says more than 'supplier'."""
    weights = {t: index.rarity(t) * EXPANSION_SHARE for t in query.expanded_terms - query.terms}
    return weights | {t: index.rarity(t) for t in query.terms}


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


def sentence(
    cited: list[Hit], span: tuple[int, int], number: dict[str, int], index: ClauseIndex
) -> AnswerSentence:
    """An answer sentence quoted from a clause (the first hit), cited to it and to the item that
    answers the question, if one does."""
    hit = cited[0]
    text = index.documents[hit.clause.doc_id].text[span[0] : span[1]]
    return AnswerSentence(
        text=text,
        citations=[number[h.clause.key] for h in cited],
        anchors=[h.clause.anchor for h in cited],
        start=span[0],
        end=span[1],
        obligation=is_obligation(text),
    )
