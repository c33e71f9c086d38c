"""Index generations: immutable folders, one atomic pointer to the live one, leases, pruning.

An index root holds::

    CURRENT                  id of the live generation (written beside, then os.replace)
    generations/<id>/        one complete index; never modified once published
    generations/<id>.tmp-*   a build in progress (a dead builder's is removed by the next writer)
    ingest.lock              the writer lock (see clausetrace.index.lock)

Readers pin a generation with a shared ``flock`` on its LEASE file, held for as long as the
loaded index lives; the kernel drops it when the process exits, so a killed reader never leaves a
stale lease. A writer deletes an old generation only after taking an exclusive lock on its lease.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import weakref
from pathlib import Path

from clausetrace.errors import IndexMismatchError, IndexMissingError

POINTER = "CURRENT"
GENERATIONS = "generations"
LEASE = "LEASE"
STAGING = ".tmp-"
DELETING = ".deleting-"


def current_id(root: Path) -> str | None:
    """The live generation id named by the pointer, or None when nothing is published."""
    try:
        return (Path(root) / POINTER).read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def generation_dir(root: Path, generation: str) -> Path:
    """Folder of one generation."""
    return Path(root) / GENERATIONS / generation


def is_legacy(root: Path) -> bool:
    """True for an index folder of the old layout (files directly in the folder, no pointer)."""
    root = Path(root)
    return (root / "manifest.json").exists() and root.parent.name != GENERATIONS


def live_dir(root: Path) -> Path:
    """The folder to read: the live generation, or root itself when it is one generation's folder."""
    root = Path(root)
    generation = current_id(root)
    if generation is not None:
        return generation_dir(root, generation)
    if root.parent.name == GENERATIONS and (root / "manifest.json").exists():
        return root
    if is_legacy(root):
        raise IndexMismatchError(
            f"{root} is an index of the old single-folder layout: run `clausetrace ingest` once to "
            "migrate it into a generation"
        )
    raise IndexMissingError(f"no index at {root}: build one with `clausetrace ingest`")


def published(root: Path) -> list[str]:
    """Ids of the complete generations on disk, oldest first."""
    folder = Path(root) / GENERATIONS
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and p.name.isdigit())


def next_id(root: Path) -> str:
    """A new generation id, after every one on disk (the caller holds the writer lock)."""
    folder = Path(root) / GENERATIONS
    names = [p.name.split(".", 1)[0] for p in folder.iterdir()] if folder.is_dir() else []
    return f"{max((int(n) for n in names if n.isdigit()), default=0) + 1:06d}"


def staging_dir(root: Path, generation: str) -> Path:
    """An empty folder to build one generation in, beside the published ones."""
    folder = Path(root) / GENERATIONS / f"{generation}{STAGING}{os.getpid()}"
    folder.mkdir(parents=True)
    return folder


def publish(root: Path, staging: Path, generation: str) -> Path:
    """Make a fully written staging folder the live generation: sync, rename, swap the pointer."""
    (staging / LEASE).touch()
    _sync_tree(staging)
    final = generation_dir(root, generation)
    os.rename(staging, final)
    _fsync_dir(final.parent)
    write_pointer(root, generation)
    return final


def write_pointer(root: Path, generation: str) -> None:
    """Point CURRENT at a generation in one atomic step."""
    root = Path(root)
    tmp = root / f"{POINTER}{STAGING}{os.getpid()}"
    with tmp.open("w", encoding="utf-8") as out:
        out.write(generation + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, root / POINTER)
    _fsync_dir(root)


def remove_partial(root: Path) -> list[str]:
    """Remove builds and deletions a dead writer left behind (the caller holds the writer lock)."""
    root = Path(root)
    leftovers = [p for p in (root / GENERATIONS).glob("*") if STAGING in p.name or DELETING in p.name]
    leftovers += list(root.glob(f"{POINTER}{STAGING}*"))
    for path in leftovers:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    return [p.name for p in leftovers]


def prune(root: Path, keep: int) -> list[str]:
    """Delete generations older than the newest `keep` (never the live one) that no reader pins."""
    live = current_id(root)
    old = [g for g in published(root)[: -max(keep, 1)] if g != live]
    return [g for g in old if _delete_unpinned(generation_dir(root, g))]


def _delete_unpinned(folder: Path) -> bool:
    """Delete a generation folder unless a reader holds its lease; True when deleted."""
    try:
        lease = os.open(folder / LEASE, os.O_RDONLY)
    except FileNotFoundError:
        lease = None  # a generation without a lease file was never readable through a pin
    try:
        if lease is not None:
            fcntl.flock(lease, fcntl.LOCK_EX | fcntl.LOCK_NB)
        doomed = folder.with_name(f"{folder.name}{DELETING}{os.getpid()}")
        os.rename(folder, doomed)
        shutil.rmtree(doomed)
        return True
    except BlockingIOError:
        return False
    finally:
        if lease is not None:
            os.close(lease)


class Lease:
    """A reader's pin on one generation: a shared flock on its LEASE file.

    Released by close(), or when the lease is garbage-collected, or when the process exits.
    """

    def __init__(self, folder: Path, fd: int) -> None:
        self.folder = folder
        self._release = weakref.finalize(self, os.close, fd)

    @property
    def generation(self) -> str:
        """The pinned generation id."""
        return self.folder.name

    @property
    def held(self) -> bool:
        """True until the lease is released."""
        return self._release.alive

    def close(self) -> None:
        """Release the pin (idempotent)."""
        self._release()


def pin(root: Path, attempts: int = 5) -> tuple[Path, Lease | None]:
    """The live generation folder and a lease on it; a lone generation folder is read unpinned."""
    for _ in range(attempts):
        folder = live_dir(root)
        try:
            fd = os.open(folder / LEASE, os.O_RDONLY)
        except FileNotFoundError:
            if current_id(root) is None:  # a generation folder given directly, read as it is
                return folder, None
            continue  # pruned between reading the pointer and opening it: read the pointer again
        fcntl.flock(fd, fcntl.LOCK_SH)
        with contextlib.suppress(FileNotFoundError):
            if os.stat(folder / LEASE).st_ino == os.fstat(fd).st_ino:
                return folder, Lease(folder, fd)
        os.close(fd)
    raise IndexMissingError(f"the index at {root} kept changing while opening it: try again")


def _sync_tree(folder: Path) -> None:
    """fsync every file and folder below folder, so a published generation survives a power cut."""
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        else:
            _fsync_dir(path)
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
