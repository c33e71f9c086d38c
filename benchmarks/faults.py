"""Fault test of index builds: SIGKILL the writer after every stage of a build and at random
moments while it writes, then check that the live generation still answers and `clausetrace
show` works; a full disk gives one clear line and changes nothing.

    python benchmarks/faults.py [--random 30] [--seed 12] [--json]

Writers are forked from this process (the model is never loaded: every vector is cached), so a
kill costs a build, not an interpreter start; a few kills also hit a real `clausetrace ingest`.
``tests/test_faults.py`` runs a short version.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

STAGES = (
    "locked",
    "embedded",
    "analysed",
    "vectors",
    "bm25",
    "documents",
    "register",
    "manifest",
    "renamed",
    "published",
    "pruned",
)
QUESTION = "Does my supplier have to give me an in-home display?"
ENV = {"PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


@dataclass
class FaultReport:
    """Every kill made and every check that failed after one."""

    kills: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0


def fork_writer(root: Path, docs: list, cache: Path, kill_at: str | None) -> tuple[int, int]:
    """Fork a process that builds a generation, writing each stage name to a pipe; it SIGKILLs
    itself right after `kill_at`. Returns (pid, read end of the pipe)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write)
        return pid, read
    os.close(read)
    code = 1
    try:
        _build_and_die(root, docs, cache, kill_at, write)
        code = 0
    finally:
        os._exit(code)


def _build_and_die(root: Path, docs: list, cache: Path, kill_at: str | None, pipe: int) -> None:
    from clausetrace.index import build_index, generations

    def stage(name: str) -> None:
        os.write(pipe, f"{name}\n".encode())
        if name == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    real_pointer = generations.write_pointer

    def write_pointer(folder: Path, generation: str) -> None:
        stage("renamed")  # the generation folder is in place, the pointer not yet swapped
        real_pointer(folder, generation)

    generations.write_pointer = write_pointer
    build_index(docs, root, cache, keep=2, on_stage=stage)


def kill_after_stage(root: Path, docs: list, cache: Path, stage: str) -> str:
    """Run a writer that kills itself after a stage; the last stage it reached."""
    pid, pipe = fork_writer(root, docs, cache, stage)
    return _reap(pid, pipe)


def kill_at_random(root: Path, docs: list, cache: Path, delay_s: float) -> str:
    """SIGKILL a writer `delay_s` after it starts writing (stage 'embedded'); the last stage reached."""
    pid, pipe = fork_writer(root, docs, cache, None)
    seen = b""
    while b"embedded\n" not in seen:
        chunk = os.read(pipe, 256)
        if not chunk:
            break
        seen += chunk
    time.sleep(delay_s)
    os.kill(pid, signal.SIGKILL)
    return _reap(pid, pipe, seen)


def _reap(pid: int, pipe: int, seen: bytes = b"") -> str:
    while chunk := os.read(pipe, 256):
        seen += chunk
    os.close(pipe)
    os.waitpid(pid, 0)
    stages = seen.decode().split()
    return stages[-1] if stages else "started"


def check_live(root: Path, model) -> list[str]:  # noqa: ANN001
    """Problems with the live index after a kill: it must load, answer, cite and `show`."""
    from clausetrace.answer import ask
    from clausetrace.index import load_index
    from clausetrace.index.generations import current_id, generation_dir

    live = current_id(root)
    if live is None or not (generation_dir(root, live) / "manifest.json").exists():
        return [f"the pointer names no complete generation ({live})"]
    problems = []
    index = load_index(root, embed_model=model)
    answer = ask(QUESTION, index)
    if answer.refused or any(
        index.documents[c.doc_id].text[c.start : c.end] != c.text for c in answer.citations
    ):
        problems.append(f"generation {index.generation} answered badly: {answer.reason}")
    index.close()
    show = subprocess.run(
        [sys.executable, "-m", "clausetrace", "show", "ESL 39.1", "--index", str(root)],
        cwd=REPO,
        env=os.environ | ENV,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if show.returncode != 0 or "ESL 39.1" not in show.stdout:
        problems.append(f"show failed: {show.stderr.strip()}")
    return problems


def run_faults(
    root: Path,
    docs: list,
    cache: Path,
    model,
    stages=STAGES,
    random_kills: int = 3,
    seed: int = 12,  # noqa: ANN001
) -> FaultReport:
    """Kill writers after each stage and at random moments; check the live index after each kill."""
    report, started = FaultReport(), time.perf_counter()
    write_s = _write_duration(root, docs, cache)
    shuffle = random.Random(seed)
    plan = [("stage", s) for s in stages] + [
        ("random", shuffle.uniform(0, write_s)) for _ in range(random_kills)
    ]
    for kind, where in plan:
        if kind == "stage":
            last = kill_after_stage(root, docs, cache, where)
        else:
            last = kill_at_random(root, docs, cache, where)
        report.kills.append(f"{kind} {where if kind == 'stage' else f'{where:.3f}s'} (last stage {last})")
        report.failures += [f"after {report.kills[-1]}: {p}" for p in check_live(root, model)]
    report.failures += _recovers(root, docs, cache)
    report.seconds = time.perf_counter() - started
    return report


def _write_duration(root: Path, docs: list, cache: Path) -> float:
    """Seconds from 'embedded' to 'published' in one unkilled build (the window random kills hit)."""
    from clausetrace.index import build_index

    marks: dict[str, float] = {}
    build_index(docs, root, cache, keep=2, on_stage=lambda s: marks.setdefault(s, time.perf_counter()))
    return marks["published"] - marks["embedded"]


def _recovers(root: Path, docs: list, cache: Path) -> list[str]:
    """After the kills, one ingest runs to the end and leaves no partial folder or stale holder."""
    from clausetrace.index import build_index
    from clausetrace.index.generations import current_id, published
    from clausetrace.index.lock import holder

    manifest = build_index(docs, root, cache, keep=2)
    leftovers = [p.name for p in (root / "generations").iterdir() if p.name not in published(root)]
    problems = [f"left behind: {leftovers}"] if leftovers else []
    if current_id(root) != manifest.generation or holder(root):
        problems.append(f"after recovery: pointer {current_id(root)}, lock held by '{holder(root)}'")
    return problems


def ingest_with_file_limit(
    root: Path, corpus_dir: Path, cache: Path, limit_bytes: int
) -> subprocess.CompletedProcess:
    """`clausetrace ingest` with RLIMIT_FSIZE set (writes past the limit fail with EFBIG: a full disk)."""

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write instead of killing the process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    env = os.environ | ENV | {"CLAUSETRACE_CORPUS_DIR": str(corpus_dir), "CLAUSETRACE_CACHE_DIR": str(cache)}
    return subprocess.run(
        [sys.executable, "-m", "clausetrace", "ingest", "--index", str(root), "--json"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=limit,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--random", type=int, default=30, help="Kills at random moments of a build.")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus" / "raw")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from benchmarks.machine import describe
    from benchmarks.soak import corpus_docs
    from clausetrace.index import build_index
    from clausetrace.index.embed import LocalEmbedding

    docs, model = corpus_docs(args.corpus), LocalEmbedding()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "index"
        build_index(docs, root, REPO / ".cache")
        report = run_faults(root, docs, REPO / ".cache", model, random_kills=args.random, seed=args.seed)
        full = ingest_with_file_limit(root, args.corpus, REPO / ".cache", 256 * 1024)
    figures = {
        "machine": describe(),
        "ok": not report.failures and full.returncode == 1,
        "kills": len(report.kills),
        "failures": report.failures,
        "disk_full": full.stderr.strip().splitlines()[-1:],
        "seconds": round(report.seconds, 1),
    }
    print(
        json.dumps(figures, indent=2) if args.json else "\n".join(f"{k:>10}: {v}" for k, v in figures.items())
    )


if __name__ == "__main__":
    main()
