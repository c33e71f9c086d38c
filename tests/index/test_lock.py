"""The writer lock: a second writer gets one line naming the first, a killed writer's lock is
recognised as stale and cleared, and the lock is re-entrant within one process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from clausetrace.errors import IngestRunningError
from clausetrace.index.lock import LOCK_FILE, holder, writer_lock

REPO = Path(__file__).resolve().parents[2]
HOLD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from clausetrace.index.lock import writer_lock
    with writer_lock(Path(sys.argv[1])):
        print("locked", flush=True)
        time.sleep(120)
    """
)


def hold_lock(root: Path) -> subprocess.Popen:
    """Another process holding the writer lock of root (until it is killed)."""
    env = os.environ | {"PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(root)], stdout=subprocess.PIPE, text=True, env=env
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "locked"
    return process


def test_a_second_writer_is_refused_in_one_line_naming_the_first(tmp_path):
    other = hold_lock(tmp_path)
    try:
        with pytest.raises(IngestRunningError) as error, writer_lock(tmp_path):
            pass
        message = str(error.value)
        assert message.startswith(f"another ingest is running, pid {other.pid}, started ")
        assert "unchanged" in message and "\n" not in message
    finally:
        other.kill()
        other.wait()


def test_a_killed_writers_lock_is_stale_and_cleared(tmp_path):
    other = hold_lock(tmp_path)
    other.send_signal(signal.SIGKILL)
    other.wait()
    assert holder(tmp_path).startswith(f"pid {other.pid}")
    notes: list[str] = []
    with writer_lock(tmp_path, notes.append):
        assert holder(tmp_path).startswith(f"pid {os.getpid()}")
    assert notes == [f"cleared a stale ingest lock (pid {other.pid}, " + notes[0].split(", ", 1)[1]]
    assert "no longer running" in notes[0]
    assert holder(tmp_path) == "", "a finished writer leaves the lock file empty"


def test_the_lock_is_re_entrant_within_a_process(tmp_path):
    with writer_lock(tmp_path), writer_lock(tmp_path):
        assert (tmp_path / LOCK_FILE).exists()
    with writer_lock(tmp_path):
        pass
