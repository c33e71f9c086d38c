"""Service benchmark: `clausetrace serve` under concurrent clients asking the golden questions,
with no ingest running and while `clausetrace ingest` publishes a new generation.

    python benchmarks/bench_service.py [--index index] [--clients 16] [--seconds 30] [--json]

Prints throughput (answers/s), p50/p95 latency per request and the server's peak memory, with the
machine named and its load average when the run began (the machine is shared). The index root is
copied first, so the ingest never touches --index.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.machine import describe  # noqa: E402
from benchmarks.service import Load, ask_load, golden_questions, running_server  # noqa: E402
from clausetrace.settings import Settings  # noqa: E402
from eval.metrics import percentile  # noqa: E402


def figures(load: Load) -> dict:
    """Throughput and latency of one load run."""
    return {
        "requests": load.requests,
        "failures": len(load.failures),
        "answers_per_s": round(load.requests / max(load.seconds, 1e-9), 1),
        "latency_ms_p50": round(percentile(load.latencies_ms, 50), 1),
        "latency_ms_p95": round(percentile(load.latencies_ms, 95), 1),
        "generations": sorted(load.generations),
    }


def during_ingest(url: str, root: Path, clients: int, corpus: Path) -> tuple[Load, float]:
    """Load while a real `clausetrace ingest` runs (and a few seconds after); the ingest's wall time."""
    stop, result = threading.Event(), {}

    def clients_loop() -> None:
        result["load"] = ask_load(url, golden_questions(), clients, 600, stop=stop)

    thread = threading.Thread(target=clients_loop)
    thread.start()
    env = os.environ | {"PYTHONPATH": str(REPO), "CLAUSETRACE_CORPUS_DIR": str(corpus)}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "clausetrace", "ingest", "--index", str(root), "--json"],
        cwd=REPO,
        env=env,
        capture_output=True,
        check=True,
        timeout=600,
    )
    ingest_s = time.perf_counter() - started
    stop.wait(3)
    stop.set()
    thread.join()
    return result["load"], ingest_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=Settings().index_dir)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--corpus", type=Path, default=Settings().corpus_dir)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "index"
        shutil.copytree(args.index, root)
        with running_server(root, Path(tmp) / "serve.log") as server:
            ask_load(server.url, golden_questions(), 2, 5)  # warm-up
            steady = ask_load(server.url, golden_questions(), args.clients, args.seconds)
            busy, ingest_s = during_ingest(server.url, root, args.clients, args.corpus)
            peak = server.peak_rss_mb()
    report = {
        "machine": describe(),
        "load_average_1m": round(load_before, 1),
        "clients": args.clients,
        "no_ingest": figures(steady),
        "during_ingest": figures(busy) | {"ingest_s": round(ingest_s, 1)},
        "server_peak_rss_mb": round(peak, 1),
    }
    lines = "\n".join(f"{k:>18}: {v}" for k, v in report.items())
    print(json.dumps(report, indent=2) if args.json else lines)


if __name__ == "__main__":
    main()
