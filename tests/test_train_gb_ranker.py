"""GB ranker training: candidates and labels from the real index and golden files, folds fixed by id."""

from __future__ import annotations

import pytest

from benchmarks.train_gb_ranker import FEATURE_SETS, TUNING, collect, fold_of, matrix, recall, train
from clausetrace.retrieve import make_retriever
from clausetrace.settings import Settings

GB = TUNING[0]


@pytest.fixture(scope="module")
def rows(gb_index):
    retriever = make_retriever(gb_index, Settings(ranker=""))
    return collect(gb_index, retriever, [GB])[:60]


def test_held_out_sets_are_not_tuning_sets() -> None:
    assert all("heldout" not in path.name for path in TUNING)


def test_labels_mark_the_expected_clauses_and_folds_are_stable(gb_index, rows) -> None:
    assert rows and all(r.item.answerable and not r.item.as_of for r in rows)
    x, y, groups = matrix(rows, gb_index, 20, FEATURE_SETS["gb"])
    assert x.shape == (sum(groups), len(FEATURE_SETS["gb"])) and len(y) == sum(groups)
    with_label = [r for r in rows if any(r.item.expected_anchors[0] == h.clause.anchor for h in r.hits[:20])]
    assert with_label and 0 < y.mean() < 0.5
    assert {fold_of(r.item.id) for r in rows} == set(range(5)) and fold_of("G001") == fold_of("G001")


def test_a_ranker_fitted_on_real_rows_is_used_by_search(gb_index, rows) -> None:
    retriever = make_retriever(gb_index, Settings(ranker=""))
    fused = recall(rows, retriever)["gb"]
    retriever.ranker = train(rows, gb_index, {"features": "gb", "depth": 20, "booster": "regularised"})
    ranked = recall(rows, retriever)["gb"]
    assert len(fused) == len(ranked) == len(rows)
    assert sum(ranked) >= sum(fused)  # in sample: a ranker fitted on these rows orders them no worse
