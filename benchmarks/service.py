"""Run `clausetrace serve` in a subprocess and drive it with concurrent HTTP clients.

Shared by the API tests, the load test and ``bench_service.py``. The server binds port 0 and
reports the port it got (no free-port race); every request loop is bounded in count and time and
sends traffic to 127.0.0.1 only.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "eval" / "golden" / "gb.jsonl"
START_TIMEOUT_S = 180
SERVING = re.compile(r"on (http://127\.0\.0\.1:\d+)")


def golden_questions() -> list[str]:
    """The golden set's questions, in file order."""
    return [json.loads(line)["question"] for line in GOLDEN.read_text().splitlines() if line.strip()]


@dataclass
class Server:
    """A running `clausetrace serve`: its URL, process and log file."""

    url: str
    process: subprocess.Popen
    log: Path

    def peak_rss_mb(self) -> float:
        """The server's peak resident memory so far (VmHWM), in MiB."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024  # type: ignore[union-attr]


@contextmanager
def running_server(root: Path, log: Path, slots: int | None = None) -> Iterator[Server]:
    """`python -m clausetrace serve --port 0 --index root`, stopped (SIGTERM, then SIGKILL) afterwards."""
    env = os.environ | {"PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    command = [sys.executable, "-m", "clausetrace", "serve", "--port", "0", "--index", str(root)]
    command += ["--slots", str(slots)] if slots else []
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield Server(_wait_ready(process, log), process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_ready(process: subprocess.Popen, log: Path) -> str:
    """The server's URL once /health answers; raises with the log's tail if it never does."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"serve exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        found = SERVING.search(log.read_text())
        if found and "startup complete" in log.read_text():
            with httpx.Client(timeout=30) as client:
                if client.get(f"{found.group(1)}/health").status_code == 200:
                    return found.group(1)
        time.sleep(0.2)
    raise RuntimeError(f"serve not ready after {START_TIMEOUT_S}s:\n{log.read_text()[-3000:]}")


@dataclass
class Load:
    """What concurrent clients saw: latencies, failures and the generations that answered."""

    latencies_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    generations: set[str] = field(default_factory=set)
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    def record(self, started: float, response: httpx.Response | None, problem: str = "") -> None:
        with self.lock:
            self.latencies_ms.append((time.perf_counter() - started) * 1000)
            if response is not None:
                self.generations.add(response.headers.get("x-clausetrace-generation", ""))
                if response.status_code != 200:
                    problem = f"{response.status_code}: {response.text[:300]}"
            if problem:
                self.failures.append(problem)


def ask_load(
    url: str,
    questions: list[str],
    clients: int,
    seconds: float,
    max_requests: int = 10_000,
    stop: threading.Event | None = None,
    load: Load | None = None,
) -> Load:
    """`clients` threads POST /ask with the questions in turn until `seconds` pass, `max_requests`
    are sent or `stop` is set; results go into `load` (watchable while it runs)."""
    load, deadline, stop = load or Load(), time.monotonic() + seconds, stop or threading.Event()
    counter = iter(range(max_requests))

    def client(offset: int) -> None:
        with httpx.Client(base_url=url, timeout=120) as http:
            for n in counter:
                if time.monotonic() > deadline or stop.is_set():
                    return
                started = time.perf_counter()
                try:
                    response = http.post("/ask", json={"question": questions[(n + offset) % len(questions)]})
                except httpx.HTTPError as exc:
                    load.record(started, None, f"{type(exc).__name__}: {exc}")
                    continue
                load.record(started, response)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i * 7,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    load.seconds = time.perf_counter() - started
    return load
