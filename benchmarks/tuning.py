"""The GB tuning questions and their cross-validation folds, shared by the trainers (held-out sets never)."""

from __future__ import annotations

import hashlib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TUNING = [
    REPO / "eval" / "golden" / name
    for name in (
        "gb.jsonl",
        "new-docs.jsonl",
        "plain-tune.jsonl",
        "plain-tune-2.jsonl",
        "plain-tune-3.jsonl",
        "plain-tune-4.jsonl",
        "plain-tune-5.jsonl",
        "plain-tune-6.jsonl",
        "plain-tune-7.jsonl",
        "plain-tune-8.jsonl",
    )
]
FOLDS = 5


def fold_of(question_id: str) -> int:
    """Cross-validation fold of a question, fixed by its id."""
    return int(hashlib.sha256(("gb-fold" + question_id).encode()).hexdigest()[:8], 16) % FOLDS


def refuse_held_out(golden: list[Path]) -> None:
    """Stop a trainer asked to learn from a held-out set."""
    if any("heldout" in path.name for path in golden):
        raise SystemExit("refusing to train on a held-out set")
