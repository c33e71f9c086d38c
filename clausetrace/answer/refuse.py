"""When the retrieved clauses do not support an answer, and why.

Two hard rules, then a calibrated decision:
- a clause, or a quotation of an instrument, the question names by number is an answer;
- a named instrument that is neither indexed nor quoted is refused, naming it;
- otherwise a logistic model over retrieval features (dense similarity and its drop, coverage of
  the question's distinctive terms, words the corpus never uses, a definition found, the fused
  score) gives the probability that the corpus answers. Its weights, feature scaling and
  threshold are data (`refusal_model.json`), fitted by `python benchmarks/train_refusal.py` with
  cross-validation on the tuning questions only.
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path

from clausetrace.index import ClauseIndex
from clausetrace.query import Query
from clausetrace.retrieve import Hit
from clausetrace.text import content_terms

DIRECT = ("anchor", "quote", "definition")  # hits the question asked for by name
NAMED = ("anchor", "quote")
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
)


def features(query: Query, hits: list[Hit], index: ClauseIndex) -> dict[str, float]:
    """Retrieval evidence for one question, as named numbers."""
    dense = sorted((h.dense for h in hits), reverse=True) or [0.0]
    terms = query.distinctive
    covered = set().union(*(content_terms(h.clause.text) for h in hits[:3])) if hits else set()
    words = query.terms
    unknown = [t for t in words if t not in index.term_df]
    top = content_terms(hits[0].clause.text) if hits else set()
    rarity = {t: -math.log(index.term_df.get(t, 0.5 / max(len(index.clauses), 1))) for t in words}
    weight = sum(rarity.values()) or 1.0
    missing = [rarity[t] for t in words if t not in covered]
    return {
        "best_dense": dense[0],
        "dense_drop": dense[0] - dense[min(2, len(dense) - 1)],
        "coverage": len(terms & covered) / len(terms) if terms else 1.0,
        "weighted_coverage": sum(rarity[t] for t in words if t in covered) / weight,
        "top_coverage": len(terms & top) / len(terms) if terms else 1.0,
        "missing_rarity": max(missing, default=0.0),
        "unknown_words": len(unknown) / len(words) if words else 0.0,
        "definition": float(any(h.via == "definition" for h in hits)),
        "fused": max((h.score for h in hits if h.via not in DIRECT), default=0.0) * 100,
        "terms": math.log1p(len(terms)),
    }


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


def assess(query: Query, hits: list[Hit], index: ClauseIndex) -> tuple[str, float | None, list[str]]:
    """(why to refuse or '', probability that the corpus answers, distinctive terms not found)."""
    if any(h.via in NAMED for h in hits):
        return "", None, []
    if query.absent:
        return f"{', '.join(query.absent)} is not in the indexed documents", None, []
    model = load_model()
    probability = answer_probability(features(query, hits, index), model)
    found = set().union(*(content_terms(h.clause.text) for h in hits[:3])) if hits else set()
    missing = sorted(query.distinctive - found)[:5]
    if probability >= float(model["threshold"]):  # type: ignore[arg-type]
        return "", probability, missing
    why = f"the nearest clauses do not support an answer (confidence {probability:.2f})"
    return why + (f"; not found: {', '.join(missing)}" if missing else ""), probability, missing
