"""A learned ranking of the fused clauses: LightGBM lambdarank over cheap evidence features.

The retriever fuses dense and BM25 rankings into clause hits; the ranker re-orders the first
``depth`` of them from features it reads off each hit, the question and the index (no model call):
the fused, dense and BM25 scores and ranks, the share of the question's terms in the clause and in its
title and heading, a clause number the question names, the clause's length, and its cross-reference
links to the other top clauses; GB models add the thesaurus and rarity-weighted term shares, a
condition title the question uses, guidance, the register's duties and the party asked about
(GB_FEATURES). Models are LightGBM text files in ``clausetrace/retrieve/models/`` (trained by
``benchmarks/train_gb_ranker.py`` and ``benchmarks/train_ranker.py``) with a JSON beside them
naming the features and depth.
"""

from __future__ import annotations

import functools
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

import numpy as np

from clausetrace.errors import ClausetraceError
from clausetrace.index import ClauseIndex
from clausetrace.query import Query
from clausetrace.query.parse import Intent
from clausetrace.retrieve.hits import Hit

MODELS_DIR = Path(__file__).resolve().parent / "models"
RANKERS = {  # name -> (model file, the script that trains it)
    "obliqa-lambdarank": (MODELS_DIR / "ranker-obliqa.txt", "benchmarks/train_ranker.py"),
    "gb-lambdarank": (MODELS_DIR / "ranker-gb.txt", "benchmarks/train_gb_ranker.py"),
}
FEATURES = (
    "fused_rank",
    "fused_share",
    "dense",
    "dense_gap",
    "dense_rank",
    "bm25",
    "bm25_share",
    "bm25_rank",
    "log_words",
    "term_share",
    "distinctive_share",
    "title_share",
    "number_named",
    "links_in",
    "links_out",
    "via_reference",
    "query_terms",
)
GB_FEATURES = FEATURES + (  # evidence the GB corpus adds: thesaurus, rarity, titles, register
    "expanded_share",
    "weighted_share",
    "titled",
    "guidance",
    "duties",
    "party_owes",
    "intent",
)
INTENTS = get_args(Intent)
LINK_WINDOW = 10  # links counted to and from the first 10 fused clauses


@dataclass
class LearnedRanker:
    """A LightGBM booster that re-orders the first ``depth`` fused clauses."""

    booster: Any
    depth: int
    names: tuple[str, ...] = FEATURES

    def rerank(self, query: Query, hits: list[Hit], index: ClauseIndex) -> list[Hit]:
        """The hits with the first ``depth`` re-ordered by the model (ties keep the fused order)."""
        head, tail = hits[: self.depth], hits[self.depth :]
        if len(head) < 2:
            return hits
        scores = self.booster.predict(features(query, head, index, self.names), num_threads=1)
        order = np.argsort(-scores, kind="stable")
        return [head[i] for i in order] + tail


@functools.cache
def load_ranker(name: str) -> LearnedRanker:
    """A shipped ranker by name (loaded once per process)."""
    import lightgbm

    if name not in RANKERS:
        raise ClausetraceError(f"unknown ranker {name!r}: choose from {', '.join(RANKERS)}")
    path, trainer = RANKERS[name]
    if not path.exists():
        raise ClausetraceError(f"ranker model missing: {path} (run python {trainer})")
    meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    names = tuple(meta["features"])
    if names not in (FEATURES, GB_FEATURES):
        raise ClausetraceError(f"{path.name} was trained on other features: retrain it")
    return LearnedRanker(lightgbm.Booster(model_file=str(path)), int(meta["depth"]), names)


def features(
    query: Query, hits: list[Hit], index: ClauseIndex, names: tuple[str, ...] = FEATURES
) -> np.ndarray:
    """One row of ``names`` (FEATURES or GB_FEATURES) per hit, in hit order."""
    top_fused = max((h.score for h in hits), default=0.0) or 1.0
    top_dense = max((h.dense for h in hits), default=0.0)
    top_bm25 = max((h.bm25 for h in hits), default=0.0) or 1.0
    dense_rank = _ranks([h.dense for h in hits])
    bm25_rank = _ranks([h.bm25 for h in hits])
    window = [h.clause.key for h in hits[:LINK_WINDOW]]
    links_in = _links_in(window, index)
    named = _named_numbers(query.text)
    terms = query.terms or frozenset({""})
    rows = []
    for i, hit in enumerate(hits):
        clause, key = hit.clause, hit.clause.key
        own = index.terms_of(key)
        rows.append(
            (
                i + 1,
                hit.score / top_fused,
                hit.dense,
                hit.dense - top_dense,
                dense_rank[i],
                hit.bm25,
                hit.bm25 / top_bm25,
                bm25_rank[i],
                math.log1p(len(clause.text.split())),
                len(terms & own) / len(terms),
                len(query.distinctive & own) / max(len(query.distinctive), 1),
                len(terms & index.title_terms_of(key)) / len(terms),
                float(clause.number in named),
                links_in.get(key, 0),
                sum(k in window for k in index.linked(key)),
                float(hit.via == "reference"),
                len(query.terms),
            )
        )
    base = np.asarray(rows, dtype=np.float64).reshape(len(hits), len(FEATURES))
    if names == FEATURES:
        return base
    return np.hstack([base, _gb_features(query, hits, index)])


def _gb_features(query: Query, hits: list[Hit], index: ClauseIndex) -> np.ndarray:
    """The GB_FEATURES after FEATURES: expanded and rarity-weighted term shares, a condition title
    the question uses, guidance, the register's duties and whether the party asked about owes one."""
    expanded = query.expanded_terms or query.terms or frozenset({""})
    weights = {t: index.rarity(t) for t in query.terms}
    total = math.fsum(weights.values()) or 1.0
    titled = tuple(t + "." for t in query.titled)
    party = (query.party or "").lower()
    rows = []
    for hit in hits:
        clause, key = hit.clause, hit.clause.key
        own = index.terms_of(key)
        rows.append(
            (
                len(expanded & own) / len(expanded),
                math.fsum(w for t, w in weights.items() if t in own) / total,
                float(bool(titled) and clause.anchor.startswith(titled)),
                float(index.source_of(clause).family == "guidance"),
                len(index.obligations_of(key)),
                float(bool(party) and any(party in p.lower() for p in index.parties_of(key))),
                INTENTS.index(query.intent),
            )
        )
    return np.asarray(rows, dtype=np.float64).reshape(len(hits), len(GB_FEATURES) - len(FEATURES))


def _ranks(values: list[float]) -> list[int]:
    """1-based rank of each value, highest first (a zero, i.e. absent, ranks last)."""
    order = sorted(range(len(values)), key=lambda i: -values[i])
    ranks = [0] * len(values)
    for rank, i in enumerate(order, start=1):
        ranks[i] = rank if values[i] > 0 else len(values) + 1
    return ranks


def _links_in(window: list[str], index: ClauseIndex) -> dict[str, int]:
    """How many of the window's clauses refer to each clause."""
    counts: dict[str, int] = {}
    for key in window:
        for target in index.linked(key):
            counts[target] = counts.get(target, 0) + 1
    return counts


NUMBER_RE = re.compile(r"(?<![\w.])[A-Z]?\d+[A-Z]?(?:\.\d+[A-Z]?)+(?:\s?\([0-9a-z]{1,4}\))*")


def _named_numbers(text: str) -> set[str]:
    """Clause numbers written in a question ('Rule 3.2.1' -> '3.2.1'), in both spellings of sub-parts."""
    found = {m.group().replace(" ", "") for m in NUMBER_RE.finditer(text)}
    return found | {re.sub(r"(?<=\d)\(", ".(", n) for n in found}
