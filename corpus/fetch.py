"""Fill the corpus folder from a local mirror or the official URLs, verifying pinned sha256s.

Every file is written atomically: bytes go to a temporary file in the destination folder, are
hashed on the way, fsynced, checked against the catalogue and only then renamed over the final
name with ``os.replace``. An interrupted or rejected fetch never leaves a partial file behind.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, Literal

from pydantic import BaseModel, ConfigDict, Field
from tqdm import tqdm

from clausetrace.errors import ChecksumError, ClausetraceError, FetchError
from clausetrace.models import Source

MIRROR_ENV = "CLAUSETRACE_MIRROR"
USER_AGENT = "clausetrace/0.1 (corpus fetch; Python urllib)"
CHUNK_SIZE = 64 * 1024
SHORT_HASH = 12
NO_CHECKSUM = "no pinned checksum"

Status = Literal["fetched", "up-to-date", "failed", "skipped"]


class FetchResult(BaseModel):
    """What happened to one catalogue entry during a fetch (also the `--json` record)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="Catalogue id of the source")
    file: str | None = Field(description="File name under the corpus folder, if the entry has one")
    status: Status = Field(description="fetched, up-to-date, failed or skipped")
    origin: str = Field(
        default="", description="Mirror path or URL of the bytes; the local path when up-to-date"
    )
    bytes: int = Field(default=0, description="Size of the file now in place (0 unless ok)")
    sha256: str = Field(default="", description="sha256 of the file now in place (empty unless ok)")
    error: str = Field(default="", description="Error class of a failure, e.g. ChecksumError")
    message: str = Field(default="", description="One line: warning, fallback note or failure")

    @property
    def ok(self) -> bool:
        """True when the file is in place (fetched or already up to date)."""
        return self.status in ("fetched", "up-to-date")


def default_mirror() -> Path | None:
    """The mirror folder named by CLAUSETRACE_MIRROR, or None when it is unset or empty."""
    value = os.environ.get(MIRROR_ENV, "").strip()
    return Path(value).expanduser() if value else None


def fetch_sources(
    sources: list[Source],
    dest: Path,
    mirror: Path | None = None,
    *,
    progress: bool = True,
    timeout: float = 60.0,
) -> list[FetchResult]:
    """Fetch every source with a `file` into `dest`; one result per source, in order."""
    _check_folders(dest, mirror)
    results = []
    for source in tqdm(sources, desc="fetch", unit="file", file=sys.stderr, disable=not progress):
        results.append(fetch_source(source, dest, mirror, progress=progress, timeout=timeout))
    return results


def fetch_source(
    source: Source,
    dest: Path,
    mirror: Path | None = None,
    *,
    progress: bool = False,
    timeout: float = 60.0,
) -> FetchResult:
    """Fetch one source; failures come back as a 'failed' result, never as an exception."""
    if not source.file:
        note = "no local file in the catalogue; bring it with `clausetrace ingest PATH`"
        return FetchResult(id=source.id, file=None, status="skipped", message=note)
    try:
        return _fetch_file(source, source.file, dest, mirror, progress, timeout)
    except ClausetraceError as exc:
        return _failed(source, exc, _one_line(exc))
    except OSError as exc:  # disk full, permission denied ... while writing
        return _failed(source, exc, f"{source.file}: {exc.strerror or _one_line(exc)}")


def _failed(source: Source, exc: BaseException, message: str) -> FetchResult:
    """A 'failed' result naming the error class."""
    return FetchResult(
        id=source.id, file=source.file, status="failed", error=type(exc).__name__, message=message
    )


def summary(results: list[FetchResult]) -> str:
    """One line such as '19 fetched, 0 up-to-date, 0 failed, 8 skipped'."""
    statuses: tuple[Status, ...] = ("fetched", "up-to-date", "failed", "skipped")
    return ", ".join(f"{sum(r.status == s for r in results)} {s}" for s in statuses)


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    for chunk in _file_chunks(path):
        digest.update(chunk)
    return digest.hexdigest()


# ---- one source ---------------------------------------------------------------------------


def _fetch_file(
    source: Source, name: str, dest: Path, mirror: Path | None, progress: bool, timeout: float
) -> FetchResult:
    """Up-to-date check, then mirror copy, then URL download."""
    target = _target(dest, name)
    pinned = source.sha256.lower() if source.sha256 else None
    if pinned and target.is_file() and file_sha256(target) == pinned:
        return _ok(source, "up-to-date", str(target), target.stat().st_size, pinned, "")
    fallback = ""
    if mirror is not None:
        copy = mirror / name
        if copy.is_file():
            chunks = _file_chunks(copy)
            size, sha = _write_atomically(chunks, target, pinned, origin=f"mirror {mirror}")
            return _ok(source, "fetched", str(copy), size, sha, _checksum_note(source))
        fallback = f"not in mirror {mirror}, downloaded from the URL"
    try:
        size, sha = _download(source.url, target, pinned, timeout, progress)
    except FetchError as exc:
        raise FetchError(f"not in mirror {mirror}; {exc}" if fallback else str(exc)) from None
    message = "; ".join(note for note in (fallback, _checksum_note(source)) if note)
    return _ok(source, "fetched", source.url, size, sha, message)


def _ok(source: Source, status: Status, origin: str, size: int, sha: str, message: str) -> FetchResult:
    """A success result for the file now in place."""
    return FetchResult(
        id=source.id,
        file=source.file,
        status=status,
        origin=origin,
        bytes=size,
        sha256=sha,
        message=message,
    )


def _checksum_note(source: Source) -> str:
    """The warning for entries without a pinned sha256, else ''."""
    if source.sha256:
        return ""
    return f"{NO_CHECKSUM}: content not verified; pin its sha256 in corpus/sources.toml"


def _target(dest: Path, name: str) -> Path:
    """Final path of `name` in `dest`; refuses names that would escape the folder."""
    if not name or Path(name).name != name or name in (".", ".."):
        raise FetchError(f"{name!r}: unsafe file name in the catalogue; use a plain file name")
    return dest / name


def _check_folders(dest: Path, mirror: Path | None) -> None:
    """Create `dest`; refuse a mirror that is not a folder (a typo would mean many downloads)."""
    if mirror is not None and not mirror.is_dir():
        raise FetchError(f"mirror folder not found: {mirror}; check --mirror or {MIRROR_ENV}")
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FetchError(f"{dest}: cannot create the corpus folder ({exc.strerror})") from None


def _one_line(exc: BaseException) -> str:
    """An exception as a single line of text."""
    text = str(exc) or type(exc).__name__
    return " ".join(text.split())


# ---- bytes in -----------------------------------------------------------------------------


def _file_chunks(path: Path) -> Iterator[bytes]:
    """The bytes of a local file, chunk by chunk."""
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_SIZE):
            yield chunk


def _download(
    url: str, target: Path, expected: str | None, timeout: float, progress: bool
) -> tuple[int, str]:
    """Stream `url` into `target` atomically, with a byte progress bar."""
    if not url.startswith(("http://", "https://")):
        raise FetchError(f"{target.name}: no usable http(s) URL in the catalogue ({url!r})")
    try:
        with _open_url(url, timeout) as response:
            length = _content_length(response)
            with _byte_bar(target.name, length, progress) as bar:
                chunks = _response_chunks(response, url, length, bar.update)
                return _write_atomically(chunks, target, expected, origin=url)
    except urllib.error.HTTPError as exc:
        problem = f"HTTP {exc.code} {exc.reason}; check the URL in corpus/sources.toml"
        raise FetchError(f"{url}: {problem}") from None
    except urllib.error.URLError as exc:
        problem = f"cannot connect ({exc.reason}); check the network or use --mirror DIR"
        raise FetchError(f"{url}: {problem}") from None
    except (TimeoutError, http.client.HTTPException, ConnectionError) as exc:
        raise FetchError(f"{url}: download interrupted ({_one_line(exc)}); try again") from None


def _byte_bar(name: str, total: int | None, progress: bool) -> tqdm:
    """A transient bytes progress bar on stderr."""
    return tqdm(
        total=total,
        unit="B",
        unit_scale=True,
        unit_divisor=1024,
        leave=False,
        desc=name[:40],
        file=sys.stderr,
        disable=not progress,
    )


def _open_url(url: str, timeout: float) -> http.client.HTTPResponse:
    """Open `url` with our User-Agent; raises urllib errors."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    return urllib.request.urlopen(request, timeout=timeout)  # scheme checked in _download


def _content_length(response: http.client.HTTPResponse) -> int | None:
    """Declared body size, or None when the server does not say."""
    value = response.headers.get("Content-Length")
    return int(value) if value and value.strip().isdigit() else None


def _response_chunks(
    response: http.client.HTTPResponse, url: str, length: int | None, tick: Callable[[int], object]
) -> Iterator[bytes]:
    """Body chunks; raises FetchError if fewer bytes arrive than Content-Length declared."""
    received = 0
    while chunk := response.read(CHUNK_SIZE):
        received += len(chunk)
        tick(len(chunk))
        yield chunk
    if length is not None and received != length:
        raise FetchError(f"{url}: truncated download, got {received} of {length} bytes; try again")


# ---- bytes out ----------------------------------------------------------------------------


def _write_atomically(
    chunks: Iterable[bytes], target: Path, expected: str | None, *, origin: str
) -> tuple[int, str]:
    """Write chunks to a temp file beside `target`, verify sha256, fsync, then os.replace."""
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            size, got = _write_chunks(chunks, out)
            out.flush()
            os.fsync(out.fileno())
        _verify(target.name, expected, got, origin)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)
    return size, got


def _write_chunks(chunks: Iterable[bytes], out: BinaryIO) -> tuple[int, str]:
    """Write every chunk to `out`; returns the size and hex sha256 of what was written."""
    digest, size = hashlib.sha256(), 0
    for chunk in chunks:
        out.write(chunk)
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


def _verify(name: str, expected: str | None, got: str, origin: str) -> None:
    """Raise ChecksumError when a pinned sha256 does not match the bytes received."""
    if not expected or got == expected:
        return
    problem = (
        f"sha256 mismatch for the copy from {origin} "
        f"(expected {expected[:SHORT_HASH]}…, got {got[:SHORT_HASH]}…); nothing written"
    )
    if origin.startswith(("http://", "https://")):
        remedy = "The URL may serve another document (e.g. the full PDF): use --mirror DIR"
    else:
        remedy = "The mirror copy is not the pinned version: replace it"
    raise ChecksumError(name, problem, f"{remedy}, or update sha256 in corpus/sources.toml")


def _fsync_dir(folder: Path) -> None:
    """Persist a rename on POSIX; a no-op where directories cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
