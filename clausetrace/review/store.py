"""Reviews of extracted obligations in SQLite, with a hash-chained audit log.

A review is keyed by the clause key (``anchor@version``) and the obligation's identity (party,
modality and the start of its sentence), and remembers the sha256 of the clause text it was
made against: it survives a rebuilt index, and shows "text changed since review" when the clause
under it changes. Every action appends one audit row whose ``hash`` is
``sha256(prev_hash + canonical JSON of the row)``; the chain head is kept in ``meta`` and each
review row points at the audit row that produced it, so :meth:`ReviewStore.verify` finds an
edited, inserted or deleted row. Writes use optimistic concurrency: a writer names the revision
it read, and a stale write is refused with :class:`ReviewConflictError`.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from clausetrace.errors import ClausetraceError
from clausetrace.models import Modality

Status = Literal["accepted", "corrected", "rejected"]
GENESIS = "0" * 64
LOCK_TIMEOUT_S = 2.0
MAX_REVIEWER = 80
MAX_NOTE = 4000
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reviews (
    clause_key TEXT NOT NULL, identity TEXT NOT NULL, anchor TEXT NOT NULL, version TEXT NOT NULL,
    status TEXT NOT NULL, reviewer TEXT NOT NULL, note TEXT NOT NULL, corrections TEXT NOT NULL,
    clause_sha256 TEXT NOT NULL, sentence TEXT NOT NULL, at TEXT NOT NULL,
    revision INTEGER NOT NULL, audit_seq INTEGER NOT NULL, PRIMARY KEY (clause_key, identity));
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY, at TEXT NOT NULL, reviewer TEXT NOT NULL, action TEXT NOT NULL,
    clause_key TEXT NOT NULL, identity TEXT NOT NULL, payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS findings (
    id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, payload TEXT NOT NULL, at TEXT NOT NULL);
"""
CORRECTABLE = ("party", "modality", "action", "conditions")


class ReviewStoreError(ClausetraceError):
    """The review database cannot be used (locked, corrupt, unwritable); nothing was changed."""


class ReviewConflictError(ClausetraceError):
    """Someone else changed the review after the writer read it; the write was refused."""


class ReviewInputError(ClausetraceError):
    """A review action with missing or invalid fields (no reviewer, no note on a rejection ...)."""


class Review(BaseModel):
    """The current review of one extracted obligation."""

    model_config = ConfigDict(extra="forbid")

    clause_key: str = Field(description="Anchor@version of the clause, e.g. 'ESL 39.1@2025-08-01'")
    identity: str = Field(description="Which obligation of the clause: party | modality | sentence start")
    anchor: str
    version: str
    status: Status = Field(description="accepted, corrected or rejected")
    reviewer: str = Field(description="Name of the person who reviewed it")
    note: str = Field(default="", description="Reviewer's note, plain text")
    corrections: dict[str, Any] = Field(
        default_factory=dict, description="Corrected party, modality, action or conditions"
    )
    clause_sha256: str = Field(description="sha256 of the clause text the review was made against")
    sentence: str = Field(description="The sentence reviewed, as extracted")
    at: str = Field(description="UTC ISO time of the review")
    revision: int = Field(description="1 for the first review, +1 per change: the optimistic-lock etag")
    audit_seq: int = Field(description="Audit row that produced this state")


class ChainReport(BaseModel):
    """What ``review verify`` found."""

    model_config = ConfigDict(extra="forbid")

    ok: bool
    rows: int = Field(description="Audit rows read")
    head: str = Field(description="Hash of the last audit row")
    problems: list[str] = Field(default_factory=list)


def sha256_text(text: str) -> str:
    """sha256 hex of a text (the clause text a review is made against)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def row_hash(prev_hash: str, row: dict[str, Any]) -> str:
    """Hash of one audit row: sha256 of the previous hash and the row's canonical JSON."""
    body = json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class ReviewStore:
    """Reviews, audit log and pinned findings in one SQLite file (created on first write)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    # --- connection and errors ---------------------------------------------------------------
    @contextmanager
    def _db(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        """A connection (a write transaction when ``write``); SQLite errors become one clear line."""
        if not write and not self.path.exists():
            con = sqlite3.connect(":memory:")
        else:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ReviewStoreError(f"Cannot create the folder of {self.path}: {exc}.") from exc
            con = sqlite3.connect(self.path, timeout=LOCK_TIMEOUT_S, isolation_level=None)
        try:
            con.executescript(SCHEMA)
            if write:
                con.execute("BEGIN IMMEDIATE")
            yield con
            if write:
                con.execute("COMMIT")
        except sqlite3.Error as exc:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise self._translate(exc) from exc
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
        finally:
            con.close()

    def _translate(self, exc: sqlite3.Error) -> ReviewStoreError:
        message = str(exc).lower()
        if "locked" in message or "busy" in message:
            return ReviewStoreError(
                f"The review database {self.path} is locked by another process; "
                "nothing was written, try again in a moment."
            )
        if isinstance(exc, sqlite3.OperationalError) and "unable to open" in message:
            return ReviewStoreError(
                f"Cannot open the review database {self.path}: check the folder is writable."
            )
        return ReviewStoreError(
            f"The review database {self.path} is unreadable ({exc}); it was left untouched: "
            "restore it from a backup or move it aside to start a new one."
        )

    # --- reading ------------------------------------------------------------------------------
    def reviews(self) -> list[Review]:
        """Every current review, by clause key."""
        with self._db() as con:
            rows = con.execute("SELECT * FROM reviews ORDER BY clause_key, identity").fetchall()
            names = [d[0] for d in con.execute("SELECT * FROM reviews LIMIT 0").description]
        return [_review(dict(zip(names, r, strict=True))) for r in rows]

    def get(self, clause_key: str, identity: str) -> Review | None:
        """The current review of one obligation, if any."""
        return next((r for r in self.reviews() if (r.clause_key, r.identity) == (clause_key, identity)), None)

    def audit(self) -> list[dict[str, Any]]:
        """The audit log, oldest first."""
        with self._db() as con:
            cur = con.execute("SELECT * FROM audit ORDER BY seq")
            names = [d[0] for d in cur.description]
            return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    # --- writing ------------------------------------------------------------------------------
    def record(
        self,
        target: dict[str, str],
        status: Status,
        reviewer: str,
        note: str = "",
        corrections: dict[str, Any] | None = None,
        expected_revision: int | None = None,
    ) -> Review:
        """Accept, correct or reject one obligation; ``expected_revision`` is the revision the
        writer read (0: it saw no review); None skips the check. Returns the new state."""
        reviewer, note, corrections = _checked(status, reviewer, note, corrections or {})
        key, identity = target["clause_key"], target["identity"]
        with self._db(write=True) as con:
            found = con.execute(
                "SELECT revision, reviewer, at FROM reviews WHERE clause_key=? AND identity=?",
                (key, identity),
            ).fetchone()
            current = found[0] if found else 0
            if expected_revision is not None and expected_revision != current:
                by = f" by {found[1]} at {found[2]}" if found else " (it was removed)"
                raise ReviewConflictError(
                    f"{target['anchor']} was reviewed{by} (revision {current}) after you read revision "
                    f"{expected_revision}; your change was not saved: reload it and review again."
                )
            state = {
                "clause_key": key,
                "identity": identity,
                "anchor": target["anchor"],
                "version": target["version"],
                "status": status,
                "reviewer": reviewer,
                "note": note,
                "corrections": corrections,
                "clause_sha256": target["clause_sha256"],
                "sentence": target["sentence"],
                "at": _now(),
                "revision": current + 1,
            }
            seq = self._append(con, state["at"], reviewer, status, key, identity, state)
            values = {**state, "corrections": json.dumps(corrections, sort_keys=True), "audit_seq": seq}
            columns, marks = ", ".join(values), ", ".join("?" * len(values))
            con.execute(f"INSERT OR REPLACE INTO reviews ({columns}) VALUES ({marks})", list(values.values()))
        return Review(**{**state, "audit_seq": seq})

    def _append(
        self,
        con: sqlite3.Connection,
        at: str,
        reviewer: str,
        action: str,
        key: str,
        identity: str,
        payload: dict,
    ) -> int:
        """Append one hash-chained audit row inside the caller's transaction; returns its seq."""
        head = dict(con.execute("SELECT key, value FROM meta").fetchall())
        seq, prev = int(head.get("head_seq", 0)) + 1, head.get("head_hash", GENESIS)
        row = {
            "seq": seq,
            "at": at,
            "reviewer": reviewer,
            "action": action,
            "clause_key": key,
            "identity": identity,
            "payload": json.dumps(payload, sort_keys=True, ensure_ascii=False),
        }
        digest = row_hash(prev, row)
        con.execute(
            "INSERT INTO audit (seq, at, reviewer, action, clause_key, identity, payload, prev_hash, hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*row.values(), prev, digest),
        )
        con.executemany(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
            [("head_seq", str(seq)), ("head_hash", digest)],
        )
        return seq

    # --- verification -------------------------------------------------------------------------
    def verify(self) -> ChainReport:
        """Recompute the audit chain; report every edited, inserted or deleted row."""
        rows = self.audit()
        with self._db() as con:
            head = dict(con.execute("SELECT key, value FROM meta").fetchall())
        problems: list[str] = []
        prev = GENESIS
        for expected_seq, row in enumerate(rows, start=1):
            if row["seq"] != expected_seq:
                problems.append(f"audit row {expected_seq} is missing (next row is {row['seq']})")
            if row["prev_hash"] != prev:
                problems.append(
                    f"audit row {row['seq']}: previous-hash link broken (row deleted or inserted)"
                )
            body = {
                k: row[k] for k in ("seq", "at", "reviewer", "action", "clause_key", "identity", "payload")
            }
            if row_hash(row["prev_hash"], body) != row["hash"]:
                problems.append(f"audit row {row['seq']}: content does not match its hash (edited)")
            prev = row["hash"]
        if rows and (head.get("head_seq") != str(rows[-1]["seq"]) or head.get("head_hash") != prev):
            problems.append(
                f"chain head is row {head.get('head_seq')}, but the log ends at row {rows[-1]['seq']}"
            )
        if not rows and head.get("head_seq"):
            problems.append(f"the audit log is empty but its head says {head['head_seq']} rows")
        problems += self._reviews_match(rows)
        return ChainReport(ok=not problems, rows=len(rows), head=prev, problems=problems)

    def _reviews_match(self, rows: list[dict[str, Any]]) -> list[str]:
        """Each review row equals the state its audit row recorded."""
        by_seq = {r["seq"]: r for r in rows}
        problems = []
        for review in self.reviews():
            row = by_seq.get(review.audit_seq)
            state = review.model_dump(exclude={"audit_seq"})
            if row is None or json.loads(row["payload"]) != state:
                problems.append(
                    f"review of {review.clause_key} ({review.identity}) differs from its audit row"
                )
        return problems

    # --- findings -----------------------------------------------------------------------------
    def pin(self, kind: str, payload: dict[str, Any]) -> int:
        """Persist one pinned finding; returns its id."""
        with self._db(write=True) as con:
            cur = con.execute(
                "INSERT INTO findings (kind, payload, at) VALUES (?, ?, ?)",
                (kind, json.dumps(payload, ensure_ascii=False), _now()),
            )
            return int(cur.lastrowid or 0)

    def findings(self) -> list[dict[str, Any]]:
        """Persisted findings, oldest first: {'id', 'kind', 'payload', 'at'}."""
        with self._db() as con:
            rows = con.execute("SELECT id, kind, payload, at FROM findings ORDER BY id").fetchall()
        return [{"id": i, "kind": k, "payload": json.loads(p), "at": a} for i, k, p, a in rows]

    def unpin(self, finding_id: int | None = None) -> None:
        """Remove one persisted finding (all of them when ``finding_id`` is None)."""
        with self._db(write=True) as con:
            if finding_id is None:
                con.execute("DELETE FROM findings")
            else:
                con.execute("DELETE FROM findings WHERE id=?", (finding_id,))


def _checked(
    status: str, reviewer: str, note: str, corrections: dict[str, Any]
) -> tuple[str, str, dict[str, Any]]:
    """Validated reviewer, note and corrections for one action."""
    reviewer, note = " ".join((reviewer or "").split()), (note or "").strip()
    if status not in get_args(Status):
        raise ReviewInputError(f"Unknown review status '{status}': use accepted, corrected or rejected.")
    if not reviewer:
        raise ReviewInputError("A review needs the reviewer's name.")
    if len(reviewer) > MAX_REVIEWER or len(note) > MAX_NOTE:
        raise ReviewInputError(
            f"Reviewer name (≤ {MAX_REVIEWER}) or note (≤ {MAX_NOTE} characters) too long."
        )
    if status == "rejected" and not note:
        raise ReviewInputError("A rejection needs a note saying why.")
    unknown = set(corrections) - set(CORRECTABLE)
    if unknown:
        raise ReviewInputError(f"Cannot correct {sorted(unknown)}: only {', '.join(CORRECTABLE)}.")
    corrections = {k: v for k, v in corrections.items() if v not in (None, "", [])}
    if status == "corrected" and not corrections:
        raise ReviewInputError("A correction needs a corrected party, modality, action or conditions.")
    if status != "corrected" and corrections:
        raise ReviewInputError("Only a correction carries corrected fields.")
    if "modality" in corrections and corrections["modality"] not in get_args(Modality):
        raise ReviewInputError(
            f"Unknown modality '{corrections['modality']}': one of {', '.join(get_args(Modality))}."
        )
    if "conditions" in corrections and isinstance(corrections["conditions"], str):
        corrections["conditions"] = [c.strip() for c in corrections["conditions"].split(";") if c.strip()]
    return reviewer, note, corrections


def _review(row: dict[str, Any]) -> Review:
    return Review(**{**row, "corrections": json.loads(row["corrections"])})
