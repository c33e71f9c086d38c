"""corpus.fetch against the real mirror and a real HTTP server on 127.0.0.1 (no internet)."""

from __future__ import annotations

import errno
import functools
import hashlib
import os
import shutil
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest

from clausetrace.errors import FetchError
from clausetrace.models import Source
from corpus import fetch
from corpus.fetch import FetchResult, default_mirror, fetch_sources, file_sha256, summary
from ingest.sources import pinned

pytestmark = pytest.mark.corpus

# Small real documents served over HTTP (ids from corpus/sources.toml).
SERVED = ("esl-46a-2025-08-01", "esl-48-2025-08-01", "smda-266-v1.0")
ZERO_SHA = "0" * 64


# ---- helpers ------------------------------------------------------------------------------


def sha(data: bytes) -> str:
    """Hex sha256 of bytes."""
    return hashlib.sha256(data).hexdigest()


def leftovers(folder: Path) -> list[str]:
    """Every name in `folder` (final files and temp files alike)."""
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def with_url(source: Source, base: str, name: str | None = None) -> Source:
    """The source with its URL pointing at the local server."""
    return source.model_copy(update={"url": f"{base}/{quote(name or source.file or '')}"})


class QuietFolderHandler(SimpleHTTPRequestHandler):
    """Serves a folder; records User-Agent headers; no log noise."""

    user_agents: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        """Record the User-Agent, then serve the file."""
        self.user_agents.append(self.headers.get("User-Agent", ""))
        super().do_GET()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Silence request logging."""


class TruncatingHandler(BaseHTTPRequestHandler):
    """Declares the full Content-Length, sends half the body, then closes."""

    body = b""

    def do_GET(self) -> None:  # noqa: N802
        """Send a truncated response."""
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body[: len(self.body) // 2])
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Silence request logging."""


class StallingHandler(BaseHTTPRequestHandler):
    """Sends headers and a few bytes, then stalls until released."""

    release = threading.Event()

    def do_GET(self) -> None:  # noqa: N802
        """Stall mid-body."""
        self.send_response(200)
        self.send_header("Content-Length", "100000")
        self.end_headers()
        self.wfile.write(b"x" * 100)
        self.wfile.flush()
        self.release.wait(10)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Silence request logging."""


@contextmanager
def serve(handler: object) -> Iterator[str]:
    """Run a ThreadingHTTPServer on 127.0.0.1, port 0; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)  # type: ignore[arg-type]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


# ---- fixtures -----------------------------------------------------------------------------


@pytest.fixture
def served_sources(source_by_id: dict[str, Source]) -> list[Source]:
    """The pinned entries whose copies the local server holds."""
    return [source_by_id[i] for i in SERVED]


@pytest.fixture
def site(tmp_path: Path, corpus_dir: Path, served_sources: list[Source]) -> Iterator[str]:
    """A local HTTP server over a folder holding copies of real mirror files."""
    folder = tmp_path / "site"
    folder.mkdir()
    for source in served_sources:
        shutil.copyfile(corpus_dir / str(source.file), folder / str(source.file))
    QuietFolderHandler.user_agents = []
    with serve(functools.partial(QuietFolderHandler, directory=str(folder))) as base:
        yield base


@pytest.fixture
def dest(tmp_path: Path) -> Path:
    """Destination corpus folder (created by fetch)."""
    return tmp_path / "raw"


# ---- mirror -------------------------------------------------------------------------------


def test_mirror_fetches_every_pinned_file(catalogue, corpus_dir, dest):
    sources = pinned(catalogue)
    results = fetch_sources(sources, dest, corpus_dir, progress=False)
    assert len(sources) == 25
    assert [r.status for r in results] == ["fetched"] * 25
    for source, result in zip(sources, results, strict=True):
        path = dest / str(source.file)
        assert file_sha256(path) == source.sha256 == result.sha256
        assert result.bytes == path.stat().st_size > 0
        assert result.origin == str(corpus_dir / str(source.file))
        assert result.message == ""
    assert leftovers(dest) == sorted(str(s.file) for s in sources)


def test_second_run_is_up_to_date_without_copying(catalogue, corpus_dir, dest):
    sources = pinned(catalogue)
    fetch_sources(sources, dest, corpus_dir, progress=False)
    before = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in dest.iterdir()}
    results = fetch_sources(sources, dest, corpus_dir, progress=False)
    assert {r.status for r in results} == {"up-to-date"}
    assert all(r.sha256 == s.sha256 for r, s in zip(results, sources, strict=True))
    assert {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in dest.iterdir()} == before


def test_corrupted_file_is_fetched_again(catalogue, corpus_dir, dest):
    sources = pinned(catalogue)
    fetch_sources(sources, dest, corpus_dir, progress=False)
    victim = dest / str(sources[3].file)
    victim.write_bytes(victim.read_bytes()[:-10] + b"corrupted!")
    results = fetch_sources(sources, dest, corpus_dir, progress=False)
    assert results[3].status == "fetched"
    assert [r.status for i, r in enumerate(results) if i != 3] == ["up-to-date"] * (len(sources) - 1)
    assert file_sha256(victim) == sources[3].sha256


def test_entries_without_file_are_skipped(catalogue, corpus_dir, dest):
    results = fetch_sources(catalogue, dest, corpus_dir, progress=False)
    assert len(results) == len(catalogue)
    skipped = [r for r in results if r.status == "skipped"]
    assert {r.id for r in skipped} == {s.id for s in catalogue if not s.file}
    assert all(r.file is None and "ingest" in r.message for r in skipped)
    fetched = len(results) - len(skipped)
    assert summary(results) == f"{fetched} fetched, 0 up-to-date, 0 failed, {len(skipped)} skipped"


def test_corrupt_mirror_copy_fails_and_writes_nothing(tmp_path, corpus_dir, source_by_id, dest):
    source = source_by_id["esl-40-2025-08-01"]
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    bad = (corpus_dir / str(source.file)).read_bytes().replace(b"In-Home", b"In-Hone", 1)
    (mirror / str(source.file)).write_bytes(bad)
    [result] = fetch_sources([source], dest, mirror, progress=False)
    assert result.status == "failed" and result.error == "ChecksumError"
    assert f"expected {str(source.sha256)[:12]}" in result.message
    assert f"got {sha(bad)[:12]}" in result.message
    assert "replace it" in result.message and "\n" not in result.message
    assert leftovers(dest) == []


def test_unpinned_file_is_fetched_with_a_warning(corpus_dir, source_by_id, dest):
    source = source_by_id["esl-42-2025-08-01"].model_copy(update={"sha256": None})
    [result] = fetch_sources([source], dest, corpus_dir, progress=False)
    assert result.status == "fetched"
    assert fetch.NO_CHECKSUM in result.message
    assert result.sha256 == file_sha256(dest / str(source.file))


def test_missing_mirror_folder_is_refused(tmp_path, catalogue, dest):
    with pytest.raises(FetchError, match="mirror folder not found"):
        fetch_sources(pinned(catalogue), dest, tmp_path / "no-such-mirror", progress=False)


def test_unsafe_file_name_is_refused(corpus_dir, source_by_id, tmp_path):
    source = source_by_id["esl-40-2025-08-01"].model_copy(update={"file": "../escape.txt"})
    [result] = fetch_sources([source], tmp_path / "raw", corpus_dir, progress=False)
    assert result.status == "failed" and "unsafe file name" in result.message
    assert not (tmp_path / "escape.txt").exists()


def test_progress_goes_to_stderr(capsys, catalogue, corpus_dir, dest):
    fetch_sources(pinned(catalogue)[:2], dest, corpus_dir, progress=True)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "fetch" in captured.err and "2/2" in captured.err


# ---- download -----------------------------------------------------------------------------


def test_download_verifies_sha256(site, served_sources, dest):
    sources = [with_url(s, site) for s in served_sources]
    results = fetch_sources(sources, dest, progress=False)
    assert [r.status for r in results] == ["fetched"] * len(sources)
    for source, result in zip(sources, results, strict=True):
        assert result.origin == source.url
        assert file_sha256(dest / str(source.file)) == source.sha256 == result.sha256
    assert leftovers(dest) == sorted(str(s.file) for s in sources)
    assert QuietFolderHandler.user_agents
    assert all(ua.startswith("clausetrace/") for ua in QuietFolderHandler.user_agents)


def test_download_with_wrong_sha256_fails_and_leaves_nothing(site, served_sources, dest):
    source = with_url(served_sources[0], site).model_copy(update={"sha256": ZERO_SHA})
    [result] = fetch_sources([source], dest, progress=False)
    assert result.status == "failed" and result.error == "ChecksumError"
    assert f"expected {ZERO_SHA[:12]}" in result.message
    assert f"got {str(served_sources[0].sha256)[:12]}" in result.message
    assert str(source.file) in result.message and "--mirror" in result.message
    assert leftovers(dest) == []


def test_download_404_fails_clearly(site, served_sources, dest):
    source = with_url(served_sources[0], site, "not-there.txt")
    [result] = fetch_sources([source], dest, progress=False)
    assert result.status == "failed" and result.error == "FetchError"
    assert "HTTP 404" in result.message and source.url in result.message
    assert leftovers(dest) == []


@pytest.mark.parametrize("pin", [True, False], ids=["pinned", "unpinned"])
def test_truncated_download_fails_and_leaves_nothing(corpus_dir, source_by_id, dest, pin):
    source = source_by_id["esl-47-2025-08-01"]
    body = (corpus_dir / str(source.file)).read_bytes()
    handler = type("Truncating", (TruncatingHandler,), {"body": body})
    with serve(handler) as base:
        update = {} if pin else {"sha256": None}
        [result] = fetch_sources([with_url(source, base).model_copy(update=update)], dest)
    assert result.status == "failed" and result.error == "FetchError"
    assert f"truncated download, got {len(body) // 2} of {len(body)} bytes" in result.message
    assert leftovers(dest) == []


def test_stalled_download_times_out(source_by_id, dest):
    source = source_by_id["esl-47-2025-08-01"]
    StallingHandler.release.clear()
    with serve(StallingHandler) as base:
        try:
            [result] = fetch_sources([with_url(source, base)], dest, progress=False, timeout=0.3)
        finally:
            StallingHandler.release.set()
    assert result.status == "failed" and "timed out" in result.message
    assert leftovers(dest) == []


def test_refused_connection_fails_clearly(source_by_id, dest):
    with socket.socket() as sock:  # bound but not listening: refuses, and nobody else can take it
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        source = with_url(source_by_id["esl-40-2025-08-01"], f"http://127.0.0.1:{port}")
        [result] = fetch_sources([source], dest, progress=False, timeout=5)
    assert result.status == "failed" and "cannot connect" in result.message


def test_missing_url_fails_clearly(source_by_id, dest):
    source = source_by_id["esl-40-2025-08-01"].model_copy(update={"url": ""})
    [result] = fetch_sources([source], dest, progress=False)
    assert result.status == "failed" and "no usable http(s) URL" in result.message


def test_unpinned_download_warns(site, served_sources, dest):
    source = with_url(served_sources[1], site).model_copy(update={"sha256": None})
    [result] = fetch_sources([source], dest, progress=False)
    assert result.status == "fetched" and fetch.NO_CHECKSUM in result.message
    assert result.sha256 == served_sources[1].sha256


def test_mirror_without_the_file_falls_back_to_url(tmp_path, corpus_dir, site, served_sources, dest):
    mirror = tmp_path / "partial-mirror"
    mirror.mkdir()
    in_mirror, not_in_mirror = served_sources[0], served_sources[1]
    shutil.copyfile(corpus_dir / str(in_mirror.file), mirror / str(in_mirror.file))
    sources = [with_url(in_mirror, site), with_url(not_in_mirror, site)]
    first, second = fetch_sources(sources, dest, mirror, progress=False)
    assert first.status == "fetched" and first.origin == str(mirror / str(in_mirror.file))
    assert second.status == "fetched" and second.origin == sources[1].url
    assert "not in mirror" in second.message
    assert file_sha256(dest / str(not_in_mirror.file)) == not_in_mirror.sha256


def test_fallback_failure_names_both_origins(tmp_path, site, served_sources, dest):
    mirror = tmp_path / "empty-mirror"
    mirror.mkdir()
    source = with_url(served_sources[0], site, "not-there.txt")
    [result] = fetch_sources([source], dest, mirror, progress=False)
    assert result.status == "failed"
    assert "not in mirror" in result.message and "HTTP 404" in result.message


def test_one_failure_does_not_stop_the_others(site, served_sources, dest):
    good_a, good_b = with_url(served_sources[0], site), with_url(served_sources[2], site)
    broken = with_url(served_sources[1], site, "not-there.txt")
    results = fetch_sources([good_a, broken, good_b], dest, progress=False)
    assert [r.status for r in results] == ["fetched", "failed", "fetched"]
    assert [r.id for r in results] == [good_a.id, broken.id, good_b.id]
    assert leftovers(dest) == sorted([str(good_a.file), str(good_b.file)])


# ---- atomicity ----------------------------------------------------------------------------


def test_failed_replace_keeps_previous_copy(monkeypatch, corpus_dir, source_by_id, dest):
    source = source_by_id["esl-45-2025-08-01"]
    dest.mkdir()
    previous = dest / str(source.file)
    previous.write_bytes(b"an earlier, complete copy\n")

    def crash(src: object, dst: object) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(fetch.os, "replace", crash)
    [result] = fetch_sources([source], dest, corpus_dir, progress=False)
    assert result.status == "failed" and "Input/output error" in result.message
    assert str(source.file) in result.message
    assert previous.read_bytes() == b"an earlier, complete copy\n"
    assert leftovers(dest) == [previous.name]


def test_interrupted_write_leaves_no_partial_file(monkeypatch, corpus_dir, source_by_id, dest):
    source = source_by_id["esl-45a-2025-08-01"]
    seen_mid_write: list[list[str]] = []
    real_chunks = fetch._file_chunks

    def interrupted(path: Path) -> Iterator[bytes]:
        for number, chunk in enumerate(real_chunks(path)):
            if number == 3:
                seen_mid_write.append(leftovers(dest))
                raise KeyboardInterrupt
            yield chunk

    monkeypatch.setattr(fetch, "CHUNK_SIZE", 1024)
    monkeypatch.setattr(fetch, "_file_chunks", interrupted)
    with pytest.raises(KeyboardInterrupt):
        fetch_sources([source], dest, corpus_dir, progress=False)
    [names] = seen_mid_write  # mid-write only a temp file exists, never the final name
    assert len(names) == 1 and names[0].endswith(".part") and names[0] != source.file
    assert leftovers(dest) == []


def test_disk_full_mid_write_fails_only_that_file(monkeypatch, corpus_dir, source_by_id, dest):
    sources = [source_by_id["esl-44-2025-08-01"], source_by_id["esl-44a-2025-08-01"]]
    dest.mkdir()
    previous = dest / str(sources[0].file)
    previous.write_bytes(b"previous copy")
    real_write = fetch._write_chunks
    calls = []

    def disk_full(chunks, out):
        calls.append(1)
        if len(calls) == 1:
            out.write(next(iter(chunks)))
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(chunks, out)

    monkeypatch.setattr(fetch, "_write_chunks", disk_full)
    first, second = fetch_sources(sources, dest, corpus_dir, progress=False)
    assert first.status == "failed" and "No space left on device" in first.message
    assert previous.read_bytes() == b"previous copy"
    assert second.status == "fetched"
    assert leftovers(dest) == sorted(str(s.file) for s in sources)


# ---- small API ----------------------------------------------------------------------------


def test_default_mirror_reads_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CLAUSETRACE_MIRROR", str(tmp_path))
    assert default_mirror() == tmp_path
    monkeypatch.setenv("CLAUSETRACE_MIRROR", "")
    assert default_mirror() is None
    monkeypatch.delenv("CLAUSETRACE_MIRROR")
    assert default_mirror() is None


def test_result_is_json_ready():
    result = FetchResult(id="x", file="x.txt", status="fetched", origin="m", bytes=3, sha256="ab")
    assert result.ok
    assert FetchResult.model_validate_json(result.model_dump_json()) == result
    with pytest.raises(ValueError):
        FetchResult(id="x", file=None, status="broken")  # type: ignore[arg-type]
