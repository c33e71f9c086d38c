"""One writer at a time: an fcntl lock on <root>/ingest.lock, naming its holder.

The kernel releases the lock when its holder exits, however it exits; the holder's pid and start
time stay in the file until the next writer clears them, so a lock left by a killed ingest is
recognised as stale (and said so) instead of blocking every later ingest.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from clausetrace.errors import IngestRunningError

LOCK_FILE = "ingest.lock"
_held: dict[Path, int] = {}  # roots this process holds the lock of -> nesting depth
_guard = threading.Lock()


@contextlib.contextmanager
def writer_lock(root: Path, notice: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the writer lock of an index root; IngestRunningError (one line) if another holds it.

    Re-entrant within a process (the CLI takes it before parsing, build_index again inside).
    ``notice`` receives one line when a stale lock of a killed writer is cleared.
    """
    root = Path(root).resolve()
    with _guard:
        if root in _held:
            _held[root] += 1
            nested = True
        else:
            nested = False
    if nested:
        try:
            yield
        finally:
            with _guard:
                _held[root] -= 1
        return
    fd = _acquire(root, notice)
    with _guard:
        _held[root] = 1
    try:
        yield
    finally:
        with _guard:
            del _held[root]
        os.ftruncate(fd, 0)
        os.close(fd)  # closing releases the flock


def holder(root: Path) -> str:
    """'pid N, started T' of the recorded holder, or '' when the lock file names nobody."""
    try:
        return (Path(root) / LOCK_FILE).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return ""


def _acquire(root: Path, notice: Callable[[str], None] | None) -> int:
    """Open and lock the lock file without waiting; record this process as the holder."""
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        who = holder(root) or "pid unknown"
        raise IngestRunningError(
            f"another ingest is running, {who}: the index at {root} is unchanged; try again when it ends"
        ) from None
    stale = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
    if stale and notice:
        notice(f"cleared a stale ingest lock ({stale}, no longer running)")
    started = datetime.now(UTC).isoformat(timespec="seconds")
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"pid {os.getpid()}, started {started}\n".encode(), 0)
    return fd
