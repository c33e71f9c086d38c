"""When the retrieved clauses do not support an answer, and why.

Hard rules, then a calibrated decision:
- a clause, or a quotation of an instrument, the question names by number is an answer;
- a named clause that is neither indexed nor quoted is refused, naming it;
- a question about a place outside Great Britain that no indexed document names is refused: the
  licences and codes are Great Britain's;
- a question for a web address, an email address or a phone number is refused when the top clauses
  give none;
- a question about who is impacted when a rule is not met is answered when the SMDA-266 section 4
  table, which says exactly that, is among the top clauses;
- an instrument asked about that is not indexed is refused unless guidance quoting it is on topic;
- a question most of whose words the corpus never uses, and at most three it does, is off topic;
- otherwise a logistic model over retrieval features (dense similarity and its drop, coverage of
  the question's distinctive terms and their rarity, words and names the corpus never uses, an
  instrument named in words that is not indexed, a question for an amount or a period that the
  top clauses do not give, for a company, for what happens in practice, a document asked about by
  a title no indexed document has, a decision taken under a power that the top clauses leave to a
  direction or a published document, a definition found, the fused score, how close the sentences an
  answer would quote are to the question, and how much the question and the closest of them look like
  a question the corpus answers and its answer) gives the probability that the corpus answers.
  Its weights, feature scaling and threshold are data (`refusal_model.json`), fitted by
  `python benchmarks/train_refusal.py` with cross-validation on the tuning questions only.
"""

from __future__ import annotations

import json
import math
import re
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from clausetrace.index import ClauseIndex
from clausetrace.index.sentences import Span
from clausetrace.query import Query
from clausetrace.register.impact_table import IMPACT_TABLE_ANCHOR
from clausetrace.retrieve import Hit

DIRECT = ("anchor", "quote", "definition")  # hits the question asked for by name
NAMED = ("anchor", "quote")
OFF_TOPIC_UNKNOWN = 0.5  # more than this share of a question's terms unknown to the corpus,
OFF_TOPIC_KNOWN = 4  # and fewer known ones than this: off topic ('the offside rule in football')
ON_TOPIC_SHARE = 0.6  # of the question's distinctive terms, for guidance quoting an absent instrument
IMPACT_TOP = 3  # the impact table must rank this high for an impact question to be answered from it
DEFERRAL_RE = re.compile(  # the rule leaves the fact to a decision the corpus does not hold
    r"\b(?:specified|directed|published|determined|set\s+out|designated)\b[^.;]{0,60}"
    r"\b(?:direction|document|Secretary\s+of\s+State|Authority)\b|\bsuch\s+(?:later\s+)?(?:date|time|period|value|level)s?\s+as\b",
    re.I,
)
MODEL_FILE = Path(__file__).with_name("refusal_model.json")
FEATURES = (
    "best_dense",
    "dense_drop",
    "coverage",
    "weighted_coverage",
    "top_coverage",
    "missing_rarity",
    "unknown_words",
    "definition",
    "fused",
    "terms",
    "outside_instrument",
    "asks_amount",
    "unknown_names",
    "amount_unsupported",
    "asks_entity",
    "asks_current",
    "period_unsupported",
    "asks_event",
    "outside_title",
    "decision_deferred",
    "sentence_dense",
    "sentence_dense_mean",
    "answer_style",
)
NUMBER_WORDS = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty|\d+(?:\.\d+)?)"
)
UNITS = r"(?:working\s+|calendar\s+)?(?:days?|weeks?|months?|years?|hours?|minutes?|seconds?|MHz|kW\w*)"
MEASURE = rf"\b{NUMBER_WORDS}\s+{UNITS}\b"  # '15 working days', 'six months'
AMOUNT_TEXT_RE = re.compile(
    rf"£\s?\d|\d+(?:\.\d+)?\s?(?:%|per\s?cent)|{MEASURE}|\b\d{{1,3}}(?:,\d{{3}})+\b", re.I
)
CONTACT_TEXT_RE = re.compile(r"https?://|\bwww\.|\b[\w.-]+@[\w-]+\.[\w.]+|\b0\d{3}\s?\d{3}\s?\d{4}\b")
PERIOD_TEXT_RE = re.compile(  # a length of time the text gives, or 'as soon as reasonably practicable'
    rf"{MEASURE}|\b(?:as soon as|promptly|without (?:undue )?delay|immediately)\b", re.I
)


def features(query: Query, hits: list[Hit], index: ClauseIndex, quoted: list[Span]) -> dict[str, float]:
    """Retrieval evidence for one question and the sentences an answer would quote, as named numbers
    (all of FEATURES but answer_style, which the fitted model adds)."""
    dense = sorted((h.dense for h in hits), reverse=True) or [0.0]
    close = list(index.sentence_vectors.similarities(question_vector(query, index), quoted).values())
    close = close or [dense[0]]
    terms = query.distinctive
    covered = set().union(*(index.terms_of(h.clause.key) for h in hits[:3])) if hits else set()
    words = query.terms
    unknown = [t for t in words if t not in index.term_df]
    top = index.terms_of(hits[0].clause.key) if hits else set()
    rarity = {t: index.rarity(t) for t in words}
    weight = math.fsum(rarity.values()) or 1.0
    missing = [rarity[t] for t in words if t not in covered]
    return {
        "best_dense": dense[0],
        "dense_drop": dense[0] - dense[min(2, len(dense) - 1)],
        "coverage": len(terms & covered) / len(terms) if terms else 1.0,
        "weighted_coverage": math.fsum(rarity[t] for t in words if t in covered) / weight,
        "top_coverage": len(terms & top) / len(terms) if terms else 1.0,
        "missing_rarity": max(missing, default=0.0),
        "unknown_words": len(unknown) / len(words) if words else 0.0,
        "definition": float(any(h.via == "definition" for h in hits)),
        "fused": max((h.score for h in hits if h.via not in DIRECT), default=0.0) * 100,
        "terms": math.log1p(len(terms)),
        "outside_instrument": _instrument_gap(query, hits[:3], index),
        "asks_amount": float("amount" in query.asks_for),
        "unknown_names": float(sum(w.lower() not in index.vocabulary for w in query.names)),
        "amount_unsupported": float(
            "amount" in query.asks_for and not any(AMOUNT_TEXT_RE.search(h.clause.text) for h in hits[:3])
        ),
        "asks_entity": float("entity" in query.asks_for),
        "asks_current": float("current" in query.asks_for),
        "period_unsupported": float(
            "period" in query.asks_for and not any(PERIOD_TEXT_RE.search(h.clause.text) for h in hits[:3])
        ),
        "asks_event": float("event" in query.asks_for),
        "outside_title": float(bool(query.outside_titles)),
        "decision_deferred": float(
            "decision" in query.asks_for and any(DEFERRAL_RE.search(h.clause.text) for h in hits[:3])
        ),
        "sentence_dense": max(close),
        "sentence_dense_mean": math.fsum(close) / len(close),
    }


def question_vector(query: Query, index: ClauseIndex) -> np.ndarray:
    """The question's base-model vector (retrieval has computed it already)."""
    return index.embed_model.question_vector(query.search_text)


def style_input(vector: np.ndarray, sentence: np.ndarray | None) -> np.ndarray:
    """What the style model reads: the question's vector, and its products and distances with the
    closest sentence an answer would quote (zeros for a sentence when none would be quoted)."""
    sentence = np.zeros_like(vector) if sentence is None else sentence
    return np.concatenate([vector, vector * sentence, np.abs(vector - sentence)])


def answer_style(vector: np.ndarray, sentence: np.ndarray | None, model: dict[str, object]) -> float:
    """How much a question and the sentence closest to it look like a question the corpus answers
    and its answer: a logistic model over style_input, fitted on the tuning questions ("how many
    responses did the consultation get", "has Ofgem ever fined" read as questions about events and
    figures that rules do not record, and a sentence on the topic that does not say it)."""
    style: dict[str, Any] = model["style"]  # type: ignore[assignment]
    z = float(np.dot(np.asarray(style["coef"], dtype=np.float32), style_input(vector, sentence)))
    return 1.0 / (1.0 + math.exp(-(z + float(style["intercept"]))))


@cache
def load_model(path: Path = MODEL_FILE) -> dict[str, object]:
    """The fitted refusal model (weights over FEATURES, scaling, threshold)."""
    return json.loads(path.read_text(encoding="utf-8"))


def answer_probability(values: dict[str, float], model: dict[str, object]) -> float:
    """Probability that the corpus answers, from the logistic model."""
    mean, scale, coef = model["mean"], model["scale"], model["coef"]
    z = float(model["intercept"])  # type: ignore[arg-type]
    for i, name in enumerate(FEATURES):
        z += coef[i] * (values[name] - mean[i]) / scale[i]  # type: ignore[index]
    return 1.0 / (1.0 + math.exp(-z))


def assess(
    query: Query, hits: list[Hit], index: ClauseIndex, quoted: list[Span]
) -> tuple[str, float | None, list[str]]:
    """(why to refuse or '', probability that the corpus answers, distinctive terms not found), given
    the hits and the sentences an answer would quote from them."""
    if any(h.via in NAMED for h in hits):
        return "", None, []
    if query.absent:
        return _absent_reason(query.absent, index), None, []
    if "contact" in query.asks_for and not any(CONTACT_TEXT_RE.search(h.clause.text) for h in hits[:3]):
        return "the nearest clauses give no web address, email address or phone number", None, []
    if query.elsewhere:
        why = "the indexed documents are Great Britain's licences and codes; they do not cover "
        return why + ", ".join(query.elsewhere), None, []
    if answers_impact(query, hits):
        return "", None, []
    if query.absent_sources and not _quoted_on_topic(query, hits[:3], index):
        return _absent_reason(query.absent_sources, index), None, []
    unknown = sorted(t for t in query.terms if t not in index.term_df)
    known = len(query.terms) - len(unknown)
    if len(unknown) > OFF_TOPIC_UNKNOWN * len(query.terms) and known < OFF_TOPIC_KNOWN:
        return (
            f"most of the question's words ({', '.join(unknown[:5])}) are not used in the indexed documents",
            None,
            [],
        )
    model = load_model()
    values = features(query, hits, index, quoted)
    vector = question_vector(query, index)
    values["answer_style"] = answer_style(vector, index.sentence_vectors.closest(vector, quoted), model)
    probability = answer_probability(values, model)
    found = set().union(*(index.terms_of(h.clause.key) for h in hits[:3])) if hits else set()
    missing = sorted(query.distinctive - found)[:5]
    if probability >= float(model["threshold"]):  # type: ignore[arg-type]
        return "", probability, missing
    why = f"the nearest clauses do not support an answer (confidence {probability:.2f})"
    why += "".join(f"; {title} is not in the indexed documents" for title in query.outside_titles)
    return why + (f"; not found: {', '.join(missing)}" if missing else ""), probability, missing


def answers_impact(query: Query, hits: list[Hit]) -> bool:
    """An impact question (not after an amount, a name or an event) whose top clauses include the
    SMDA-266 section 4 table, which states who is impacted when each instrument is not met."""
    return (
        query.asks_impact
        and not query.asks_for
        and any(h.clause.anchor == IMPACT_TABLE_ANCHOR for h in hits[:IMPACT_TOP])
    )


def _instrument_gap(query: Query, hits: list[Hit], index: ClauseIndex) -> float:
    """0 when the question names no instrument outside the index; else 1 minus the best share of
    its distinctive terms in a top hit that refers to such an instrument ('the technical
    specification' is close to 0 when ESL 39.20, which names it, answers a question on versions)."""
    outside = set(query.outside_instruments)
    if not outside:
        return 0.0
    naming = [
        h
        for h in hits
        if any(r.target.split(" ", 1)[0] in outside for r in index.references_from(h.clause.key))
    ]
    return 1.0 - max((_topic_share(query, h, index) for h in naming), default=0.0)


def _topic_share(query: Query, hit: Hit, index: ClauseIndex) -> float:
    """Share of the question's distinctive terms that a hit's clause has."""
    return len(query.distinctive & index.terms_of(hit.clause.key)) / (len(query.distinctive) or 1)


def _quoted_on_topic(query: Query, hits: list[Hit], index: ClauseIndex) -> bool:
    """True when a hit is guidance quoting an instrument the question asks about, on the question's
    topic (it has most of the question's distinctive terms): a secondary answer."""
    starts = tuple(p + " " for p in query.absent_sources)
    return any(
        _topic_share(query, hit, index) >= ON_TOPIC_SHARE
        and any(q.startswith(starts) for q in index.quoted_instruments(hit.clause))
        for hit in hits
    )


def _absent_reason(absent: tuple[str, ...], index: ClauseIndex) -> str:
    """Why a question naming instruments the corpus lacks is refused, with the clauses that cite them."""
    citing = [c.anchor for a in absent for c in index.referring(a)]
    where = f"; indexed clauses that refer to it: {', '.join(dict.fromkeys(citing[:6]))}" if citing else ""
    return f"{', '.join(absent)} is not in the indexed documents{where}"
