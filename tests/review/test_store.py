"""The review store: actions, optimistic concurrency, the hash-chained audit log, bad databases."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from clausetrace.review.store import (
    ReviewConflictError,
    ReviewInputError,
    ReviewStore,
    ReviewStoreError,
    sha256_text,
)

TARGET = {
    "clause_key": "ESL 39.1@2025-08-01",
    "identity": "Electricity Supplier | must | 39.1 The licensee must take all reasonable steps",
    "anchor": "ESL 39.1",
    "version": "2025-08-01",
    "clause_sha256": sha256_text("hand-written clause text"),
    "sentence": "The licensee must take all reasonable steps ...",
}
OTHER = {**TARGET, "clause_key": "ESL 40.1@2025-08-01", "anchor": "ESL 40.1", "identity": "x | must | y"}


@pytest.fixture
def store(tmp_path: Path) -> ReviewStore:
    return ReviewStore(tmp_path / "reviews.sqlite3")


def test_accept_correct_reject_keep_the_latest_state_and_every_action(store):
    first = store.record(TARGET, "accepted", "Ada Lovelace", expected_revision=0)
    second = store.record(
        TARGET,
        "corrected",
        "Ada Lovelace",
        "party is the supplier",
        {"party": "Gas Supplier", "conditions": "a; b"},
        expected_revision=1,
    )
    assert (first.revision, second.revision) == (1, 2)
    assert second.corrections == {"party": "Gas Supplier", "conditions": ["a", "b"]}
    store.record(OTHER, "rejected", "Grace", "not an obligation")
    assert [r.status for r in store.reviews()] == ["corrected", "rejected"]
    assert [a["action"] for a in store.audit()] == ["accepted", "corrected", "rejected"]
    assert store.verify().ok


def test_reading_a_missing_database_creates_nothing(tmp_path):
    store = ReviewStore(tmp_path / "none" / "reviews.sqlite3")
    assert store.reviews() == [] and store.verify().ok
    assert not store.path.exists()


@pytest.mark.parametrize(
    ("status", "reviewer", "note", "corrections", "message"),
    [
        ("accepted", "  ", "", None, "reviewer"),
        ("rejected", "Ada", "", None, "note"),
        ("corrected", "Ada", "", {}, "correction needs"),
        ("corrected", "Ada", "", {"modality": "ought to"}, "Unknown modality"),
        ("corrected", "Ada", "", {"sentence": "x"}, "Cannot correct"),
        ("accepted", "Ada", "", {"party": "DCC"}, "Only a correction"),
        ("approved", "Ada", "", None, "Unknown review status"),
    ],
    ids=[
        "no-reviewer",
        "reject-without-note",
        "empty-correction",
        "bad-modality",
        "uncorrectable-field",
        "accept-with-corrections",
        "unknown-status",
    ],
)
def test_bad_actions_are_refused_and_nothing_is_written(store, status, reviewer, note, corrections, message):
    with pytest.raises(ReviewInputError, match=message):
        store.record(TARGET, status, reviewer, note, corrections)
    assert store.audit() == []


def test_a_stale_write_is_a_conflict_naming_who_changed_it(store):
    store.record(TARGET, "accepted", "Ada", expected_revision=0)
    # Grace read the item before Ada's review (revision 0) and now writes
    with pytest.raises(
        ReviewConflictError, match=r"reviewed by Ada .*revision 1.* after you read revision 0"
    ):
        store.record(TARGET, "rejected", "Grace", "wrong party", expected_revision=0)
    assert store.get(TARGET["clause_key"], TARGET["identity"]).reviewer == "Ada"
    assert len(store.audit()) == 1


def test_concurrent_writers_of_one_item_exactly_one_wins(store):
    store.record(OTHER, "accepted", "setup")  # create the file and schema first
    outcomes: list[str] = []
    barrier = threading.Barrier(4)

    def write(name: str) -> None:
        barrier.wait()
        try:
            store.record(TARGET, "accepted", name, expected_revision=0)
            outcomes.append("saved")
        except ReviewConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=write, args=(f"r{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict"] * 3 + ["saved"]
    assert store.verify().ok


def tamper(path: Path, sql: str) -> None:
    con = sqlite3.connect(path)
    con.execute(sql)
    con.commit()
    con.close()


@pytest.fixture
def chained(store) -> ReviewStore:
    store.record(TARGET, "accepted", "Ada")
    store.record(OTHER, "rejected", "Grace", "not a duty")
    store.record(TARGET, "corrected", "Ada", "", {"action": "install a meter"})
    assert store.verify().ok
    return store


@pytest.mark.parametrize(
    ("sql", "problem"),
    [
        ("UPDATE audit SET reviewer='Mallory' WHERE seq=1", "audit row 1: content does not match"),
        ("DELETE FROM audit WHERE seq=2", "audit row 2 is missing"),
        ("DELETE FROM audit WHERE seq=3", "chain head is row 3"),
        ("UPDATE reviews SET status='accepted' WHERE anchor='ESL 40.1'", "differs from its audit row"),
        ("UPDATE audit SET payload=replace(payload, 'Grace', 'Eve') WHERE seq=2", "audit row 2: content"),
    ],
    ids=["edited-reviewer", "deleted-middle", "deleted-last", "edited-review-row", "edited-payload"],
)
def test_verify_detects_a_tampered_database(chained, sql, problem):
    tamper(chained.path, sql)
    report = chained.verify()
    assert not report.ok
    assert any(problem in p for p in report.problems), report.problems


def test_a_corrupt_database_is_one_clear_error_and_left_untouched(tmp_path):
    path = tmp_path / "reviews.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    before = path.read_bytes()
    store = ReviewStore(path)
    with pytest.raises(ReviewStoreError, match="unreadable.*left untouched"):
        store.reviews()
    with pytest.raises(ReviewStoreError, match="unreadable"):
        store.record(TARGET, "accepted", "Ada")
    assert path.read_bytes() == before


def test_a_locked_database_is_one_clear_error_and_nothing_is_lost(store, monkeypatch):
    import clausetrace.review.store as module

    monkeypatch.setattr(module, "LOCK_TIMEOUT_S", 0.2)
    store.record(TARGET, "accepted", "Ada")
    holder = sqlite3.connect(store.path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(ReviewStoreError, match="locked by another process; nothing was written"):
            store.record(OTHER, "accepted", "Grace")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert [r.anchor for r in store.reviews()] == ["ESL 39.1"]
    assert store.verify().ok


def test_findings_are_pinned_listed_and_removed(store):
    first = store.pin("clause", {"anchor": "ESL 39.1"})
    store.pin("answer", {"question": "q"})
    assert [f["kind"] for f in store.findings()] == ["clause", "answer"]
    store.unpin(first)
    assert [f["kind"] for f in store.findings()] == ["answer"]
    store.unpin()
    assert store.findings() == []
