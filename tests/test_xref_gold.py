"""Reference extraction scored against ObliQA-XRef, with the hand review of pairs outside the gold.

Reads the benchmark data from ../shared/bench at run time (nothing from it is copied into the repo).
"""

from __future__ import annotations

import pytest

from benchmarks.obliqa_data import DEFAULT_DATA
from benchmarks.xref_gold import ADJUDICATED, DEFAULT_XREF, adjudicate, load_adjudicated, run, score_types

needs_data = pytest.mark.skipif(
    not (DEFAULT_DATA.is_dir() and DEFAULT_XREF.is_dir()), reason="ObliQA / ObliQA-XRef data not found"
)


def test_adjudicated_precision_counts_gold_and_judged_pairs_over_judged_ones() -> None:
    mine = {("s1", "t1"), ("s1", "t2"), ("s2", "t3"), ("s2", "t4"), ("s3", "t5")}
    gold = {("s1", "t1"), ("s9", "t9")}
    labels = {
        ("s1", "t2"): "correct-range-member",
        ("s2", "t3"): "correct-borderline",
        ("s2", "t4"): "wrong-target",
    }
    scores = adjudicate(mine, gold, labels)
    assert scores["judged"] == 3 and scores["unjudged"] == 1  # ("s3", "t5") was never reviewed
    assert scores["adjudicated_precision"] == round(3 / 4, 4)  # gold 1 + judged correct 2, over 4 judged
    assert scores["adjudicated_precision_strict"] == round(2 / 4, 4)


def test_score_types_without_a_review_reports_only_the_gold_precision() -> None:
    rows = [{"SourceID": "s1", "TargetID": "t1", "ReferenceType": "Internal"}]
    internal = score_types([("s1", "t1"), ("s1", "t2")], rows, {"s1": 1, "t1": 1, "t2": 1})[0]
    assert (internal.precision, internal.recall) == (0.5, 1.0)
    assert internal.adjudicated_precision is None


@needs_data
def test_every_predicted_internal_pair_outside_the_gold_is_reviewed() -> None:
    """When the extractor changes, the new pairs need a review before the adjudicated figure holds."""
    labels = load_adjudicated(ADJUDICATED)
    assert set(labels.values()) <= {"correct", "correct-range-member", "correct-borderline", "wrong-target"}
    internal = next(t for t in run(DEFAULT_DATA, DEFAULT_XREF, "rulebook").types if t.type == "Internal")
    assert internal.unjudged == 0
    assert internal.adjudicated_precision is not None and internal.adjudicated_precision >= 0.98
    assert internal.recall >= 0.94
