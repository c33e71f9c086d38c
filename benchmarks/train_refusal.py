"""Fit the refusal model: a logistic regression over retrieval features, chosen by cross-validation.

    python benchmarks/train_refusal.py [--index index] [--golden eval/golden/gb.jsonl ...]

Trains on the tuning questions only (by default ``benchmarks.tuning.TUNING``: the original golden
set, the new-documents set and the plain-language tuning sets; never a held-out set), with
the product's retriever (the GB learned ranker included; each question's vector goes through a GB
adapter fitted without its fold, so dense scores are out of fold as they are for new questions);
picks the regularisation and the threshold on out-of-fold predictions (the most unanswerable
questions refused while at most 2% of the answerable ones are) and writes
clausetrace/answer/refusal_model.json. The answer_style feature is itself a logistic model over
the question's vector and its products and distances with the closest sentence an answer would
quote (refuse.style_input): inside each fold it is fitted on that fold's training rows (its values
on those rows out of their own inner folds), so no row is scored by a style model that saw it.
Questions the hard rules decide (a named clause, an absent instrument) are left out of the fit.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.machine import describe  # noqa: E402
from benchmarks.train_gb_adapter import adapter_setting, fold_adapters, load_pairs  # noqa: E402
from benchmarks.train_gb_ranker import use_fold  # noqa: E402
from benchmarks.tuning import TUNING, refuse_held_out  # noqa: E402
from clausetrace.answer.quoting import choose_sentences, quote_limit, quoted_spans  # noqa: E402
from clausetrace.answer.refuse import (  # noqa: E402
    FEATURES,
    MODEL_FILE,
    NAMED,
    features,
    question_vector,
    style_input,
)
from clausetrace.index import load_index  # noqa: E402
from clausetrace.query import parse_query  # noqa: E402
from clausetrace.retrieve import make_retriever  # noqa: E402
from clausetrace.settings import Settings  # noqa: E402
from eval.harness import RETRIEVE_K, load_golden  # noqa: E402

C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0)
STYLE_C = 0.3  # regularisation of the answer-style model (chosen out of fold on the tuning sets)
MAX_FALSE_REFUSALS = 0.02  # out of fold; the 5% bar of the product with a margin for new wording


def collect(index_dir: Path, golden: list[Path]) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Feature rows (answer_style still 0), style inputs and labels (1 = answerable) of every
    question the hard rules leave open."""
    index, settings = load_index(index_dir), Settings()
    retriever = make_retriever(index, settings)
    adapters = fold_adapters(load_pairs(index, golden), adapter_setting())
    rows, styles, labels, ids = [], [], [], []
    for path in golden:
        for item in load_golden(path):
            use_fold(index, adapters, item.id)
            query = parse_query(item.question, index)
            hits = retriever.search(query, RETRIEVE_K)[: settings.k]
            if query.change_document or any(h.via in NAMED for h in hits) or query.absent or query.elsewhere:
                continue
            chosen = choose_sentences(query, hits, index, *quote_limit(query, settings))
            quoted = quoted_spans(chosen)
            values = features(query, hits, index, quoted) | {"answer_style": 0.0}
            rows.append([values[f] for f in FEATURES])
            vector = question_vector(query, index)
            styles.append(style_input(vector, index.sentence_vectors.closest(vector, quoted)))
            labels.append(int(item.answerable))
            ids.append(item.id)
    return np.array(rows), np.array(styles), np.array(labels), ids


def cost(labels: np.ndarray, answer: np.ndarray) -> float:
    """Share of unanswerable questions answered, when at most MAX_FALSE_REFUSALS of the answerable
    ones are refused (rates, so the many answerable questions do not drown the few unanswerable)."""
    false_refusals = float(np.mean(~answer[labels == 1]))
    wrong_answers = float(np.mean(answer[labels == 0]))
    return wrong_answers + false_refusals if false_refusals <= MAX_FALSE_REFUSALS else 2.0 + false_refusals


def style_model() -> LogisticRegression:
    """The answer-style model (unfitted): a logistic regression over style inputs."""
    return LogisticRegression(C=STYLE_C, class_weight="balanced", max_iter=3000)


def with_style(
    x: np.ndarray, styles: np.ndarray, y: np.ndarray, train: np.ndarray, test: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Feature rows of train and test with answer_style filled in: out of fold (inner folds) on the
    train rows, from a style model fitted on all train rows on the test rows."""
    inner = StratifiedKFold(n_splits=5, shuffle=True, random_state=1)
    column = FEATURES.index("answer_style")
    a, b = x[train].copy(), x[test].copy()
    a[:, column] = cross_val_predict(
        style_model(), styles[train], y[train], cv=inner, method="predict_proba"
    )[:, 1]
    if len(test):
        b[:, column] = style_model().fit(styles[train], y[train]).predict_proba(styles[test])[:, 1]
    return a, b


def scaled_fit(a: np.ndarray, y: np.ndarray, c: float) -> tuple[LogisticRegression, np.ndarray, np.ndarray]:
    """The answerability model over standardised features, with the scaling."""
    mean, scale = a.mean(axis=0), a.std(axis=0) + 1e-9
    return (
        LogisticRegression(C=c, class_weight="balanced", max_iter=1000).fit((a - mean) / scale, y),
        mean,
        scale,
    )


def out_of_fold(x: np.ndarray, styles: np.ndarray, y: np.ndarray, c: float) -> np.ndarray:
    """Out-of-fold answer probabilities, the style model nested inside each fold."""
    proba = np.zeros(len(y))
    for train, test in StratifiedKFold(n_splits=5, shuffle=True, random_state=0).split(x, y):
        a, b = with_style(x, styles, y, train, test)
        model, mean, scale = scaled_fit(a, y[train], c)
        proba[test] = model.predict_proba((b - mean) / scale)[:, 1]
    return proba


def fit(x: np.ndarray, styles: np.ndarray, y: np.ndarray) -> dict[str, object]:
    """Best C and threshold by 5-fold out-of-fold cost; then both models refitted on all rows (the
    answerability model on out-of-fold answer_style values, as new questions will have them)."""
    best = None
    for c in C_GRID:
        proba = out_of_fold(x, styles, y, c)
        for threshold in np.linspace(0.05, 0.95, 91):
            score = cost(y, proba >= threshold)
            if best is None or score < best[0]:
                best = (score, c, float(threshold), proba)
    assert best is not None
    score, c, threshold, proba = best
    everything = np.arange(len(y))
    rows, _ = with_style(x, styles, y, everything, everything[:0])
    final, mean, scale = scaled_fit(rows, y, c)
    style = style_model().fit(styles, y)
    answer = proba >= threshold
    return {
        "features": list(FEATURES),
        "mean": mean.round(6).tolist(),
        "scale": scale.round(6).tolist(),
        "coef": final.coef_[0].round(6).tolist(),
        "intercept": round(float(final.intercept_[0]), 6),
        "threshold": round(threshold, 4),
        "C": c,
        "style": {
            "C": STYLE_C,
            "coef": [round(float(c), 6) for c in style.coef_[0]],  # float32 weights, stored to 6 places
            "intercept": round(float(style.intercept_[0]), 6),
        },
        "cv": {
            "rows": len(y),
            "unanswerable": int(np.sum(y == 0)),
            "refusal_accuracy": round(float(np.mean(~answer[y == 0])), 4),
            "false_refusal_rate": round(float(np.mean(~answer[y == 1])), 4),
            "cost": round(score, 4),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=Path("index"))
    parser.add_argument("--golden", type=Path, nargs="*", default=TUNING)
    parser.add_argument("--out", type=Path, default=MODEL_FILE)
    args = parser.parse_args()
    refuse_held_out(args.golden)
    started = time.perf_counter()
    x, styles, y, _ = collect(args.index, args.golden)
    model = fit(x, styles, y)
    model["trained_on"] = [p.name for p in args.golden]
    args.out.write_text(json.dumps(model, indent=2) + "\n", encoding="utf-8")
    print(f"machine: {describe()}")
    print(f"fitted on {model['cv']['rows']} questions in {time.perf_counter() - started:.1f}s -> {args.out}")
    print(json.dumps(model["cv"]), f"C={model['C']} threshold={model['threshold']}")
    print(dict(zip(FEATURES, model["coef"], strict=True)))


if __name__ == "__main__":
    main()
