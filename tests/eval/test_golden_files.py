"""Every golden file loads under the schema, and every anchor it expects is a clause of the real index."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.harness import load_golden

GOLDEN_DIR = Path(__file__).resolve().parents[2] / "eval" / "golden"
FILES = sorted(GOLDEN_DIR.glob("*.jsonl"))


def test_the_held_out_sets_are_there():
    assert {
        "plain-heldout.jsonl",
        "plain-heldout-2.jsonl",
        "plain-heldout-3.jsonl",
        "plain-heldout-4.jsonl",
    } <= {f.name for f in FILES}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_golden_file_loads_with_unique_ids_and_resolving_anchors(path: Path, gb_index):
    items = load_golden(path)
    assert len({item.id for item in items}) == len(items)
    for item in items:
        anchors = set(item.expected_anchors) | {a for group in item.anchor_groups for a in group}
        missing = sorted(a for a in anchors if not gb_index.has_anchor(a))
        assert not missing, f"{path.name} {item.id}: {missing}"
        assert item.answerable == bool(item.expected_anchors)
