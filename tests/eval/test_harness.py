"""The eval harness on the real index: golden set runs, thresholds gate, compare reports changes."""

from __future__ import annotations

import json

import pytest

from clausetrace.errors import ClausetraceError
from eval import harness
from eval.metrics import REQUIRED_METRICS


@pytest.fixture(scope="module")
def report(gb_index):
    return harness.evaluate(gb_index, progress=False)


def test_metrics_keys(report):
    assert REQUIRED_METRICS <= set(report.metrics)
    assert set(report.modes) == {"bm25", "dense", "hybrid"}
    assert len(report.questions) == report.metrics["n"]


def test_ci_gate_thresholds_hold(report):
    """The CI gate: metrics must not drop below eval/thresholds.toml."""
    assert harness.check_thresholds(report.metrics) == []


def test_every_expected_anchor_resolves_in_the_index(gb_index):
    for item in harness.load_golden(harness.DEFAULT_GOLDEN):
        for anchor in item.expected_anchors:
            assert gb_index.has_anchor(anchor), f"{item.id}: {anchor} not in the index"


def test_compare_lists_changes_and_deltas(report):
    worse = report.model_copy(deep=True)
    first = next(q for q in worse.questions if q.answerable and q.retrieved)
    lost = first.retrieved.pop(0)
    first.refused = not first.refused
    worse.metrics["recall_at_1"] = report.metrics["recall_at_1"] - 0.5
    comparison = harness.compare(worse, report, "baseline.json")
    change = next(c for c in comparison.changes if c.id == first.id)
    assert change.lost == [lost] and change.refusal[0] != change.refusal[1]
    assert comparison.deltas["recall_at_1"] == pytest.approx(-0.5)


def test_thresholds_fail_below_minimum(tmp_path):
    limits = tmp_path / "t.toml"
    limits.write_text("[min]\nrecall_at_5 = 0.9\n[max]\nfalse_refusal_rate = 0.1\n")
    failures = harness.check_thresholds({"recall_at_5": 0.5, "false_refusal_rate": 0.2}, limits)
    assert len(failures) == 2


def test_bad_golden_line_names_the_line(tmp_path):
    golden = tmp_path / "g.jsonl"
    golden.write_text(json.dumps({"id": "X1", "question": "q"}) + "\n")
    with pytest.raises(ClausetraceError, match=":1:"):
        harness.load_golden(golden)


def test_report_writes_markdown_and_plots(report, tmp_path):
    from eval.report import write_report

    expected = {q.id: q.expected_anchors for q in harness.load_golden(harness.DEFAULT_GOLDEN)}
    path = write_report(report, tmp_path, expected)
    assert "recall_at_5" in path.read_text()
    for png in ("recall_at_k.png", "recall_per_document.png", "latency.png"):
        assert (tmp_path / png).stat().st_size > 1000


def test_a_question_about_a_version_not_held_is_graded_as_the_answer_refuses_it(gb_index, tmp_path):
    golden = tmp_path / "versions.jsonl"
    rows = [
        {"id": "V1", "question": "What did standard condition 39 say in the 2016 consolidated licence?"},
        {"id": "V2", "question": "Under the 2019 licence, what did SLC 39.1 require?", "answerable": True},
    ]
    blank = {"answerable": False, "expected_anchors": [], "expected_parties": [], "answer_contains": []}
    golden.write_text("".join(json.dumps({**blank, **row}) + "\n" for row in rows))
    report = harness.evaluate(gb_index, golden, compare_modes=False, progress=False)
    graded = {q.id: q for q in report.questions}
    assert graded["V1"].refused and not graded["V2"].refused
    assert graded["V2"].retrieved[0] == "ESL 39.1"
