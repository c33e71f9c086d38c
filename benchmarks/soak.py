"""Soak test of index generations: reader processes ask golden questions without pause while a
writer publishes K new generations; every answer must come back, and its citations must resolve
in the generation that produced it.

    python benchmarks/soak.py [--readers 4] [--rebuilds 10] [--keep 2] [--json]

Readers are forked from one process after it loaded the model (no inference before the fork).
The writer alternates between the whole corpus and the corpus without SMDA-266, so successive
generations hold different nodes (the mix that used to raise KeyError). Readers follow the
pointer with LiveIndex between questions. ``tests/test_soak.py`` runs a short version.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

DROPPED = "smda-266-v1.0"  # left out of every other generation
READY_TIMEOUT_S = 240


@dataclass
class ReaderResult:
    """What one reader process saw."""

    answers: int = 0
    errors: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    generations: list[str] = field(default_factory=list)


@dataclass
class SoakReport:
    """The whole run: readers' results, generations published, wall time."""

    readers: list[ReaderResult]
    published: list[str]
    seconds: float

    @property
    def answers(self) -> int:
        return sum(r.answers for r in self.readers)

    @property
    def ok(self) -> bool:
        """No error, every citation resolved, every reader moved across generations."""
        return all(not r.errors and not r.unresolved and len(r.generations) > 1 for r in self.readers)


def unresolved_citations(answer, index) -> list[str]:  # noqa: ANN001
    """Citations of an answer that do not resolve in the index (generation) that produced it."""
    held = {s.id for s in index.manifest.sources}
    bad = []
    for c in [*answer.citations, *answer.possibly_related]:
        clause = index.clauses.get(c.key)
        text = index.documents[c.doc_id].text[c.start : c.end] if c.doc_id in index.documents else None
        if c.doc_id not in held or clause is None or text != c.text:
            bad.append(f"{index.generation}: {c.key}")
    if not (index.path / "manifest.json").exists():
        bad.append(f"{index.generation}: generation folder gone while pinned")
    return bad


def fork_readers(root: Path, work: Path, count: int, max_seconds: float) -> None:
    """Load the model once, then fork `count` reader processes (each pins its own generations)."""
    from clausetrace.answer import ask  # noqa: F401  (imported before forking, once)
    from clausetrace.index.embed import LocalEmbedding

    model = LocalEmbedding()
    _ = model.model  # weights loaded, no inference yet: safe to fork
    children = []
    for i in range(count):
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                reader(root, work, i, max_seconds, model)
                code = 0
            finally:
                os._exit(code)
        children.append(pid)
    for pid in children:
        os.waitpid(pid, 0)


def reader(root: Path, work: Path, i: int, max_seconds: float, model) -> None:  # noqa: ANN001
    """Ask golden questions until the stop file appears; write a ReaderResult as JSON."""
    from benchmarks.service import golden_questions
    from clausetrace.answer import ask
    from clausetrace.index import LiveIndex, load_index

    live, result = LiveIndex(root, warm=False), ReaderResult()
    live._index = load_index(root, embed_model=model).warm()
    questions, deadline = golden_questions(), time.monotonic() + max_seconds
    stop, n = work / "stop", 17 * i
    while not stop.exists() and time.monotonic() < deadline:
        question = questions[n % len(questions)]
        n += 1
        try:
            index = live.current()  # one generation for the whole answer
            if result.answers == 1:
                (work / f"ready-{i}").touch()  # answered once from the first generation
            if index.generation not in result.generations:
                result.generations.append(index.generation)
                (work / f"seen-{i}-{index.generation}").touch()
            result.unresolved += unresolved_citations(ask(question, index), index)
            result.answers += 1
        except Exception:  # noqa: BLE001  (any failure is what the soak looks for)
            result.errors.append(traceback.format_exc(limit=3))
    (work / f"reader-{i}.json").write_text(json.dumps(asdict(result)))


def writer(root: Path, docs: list, cache: Path, rebuilds: int, keep: int, pause_s: float) -> list[str]:
    """Publish `rebuilds` generations, alternating the corpus with and without one document."""
    from clausetrace.index import build_index

    smaller = [d for d in docs if d.source.id != DROPPED]
    published = []
    for i in range(rebuilds):
        manifest = build_index(smaller if i % 2 == 0 else docs, root, cache, keep=keep)
        published.append(manifest.generation)
        time.sleep(pause_s)
    return published


def corpus_docs(corpus_dir: Path) -> list:
    """The pinned catalogue documents, parsed."""
    from ingest import ingest_corpus
    from ingest.sources import load_catalogue, pinned

    docs, _ = ingest_corpus(pinned(load_catalogue(REPO / "corpus" / "sources.toml")), corpus_dir)
    return docs


def run_soak(
    root: Path,
    docs: list,
    cache: Path,
    readers: int = 3,
    rebuilds: int = 3,
    keep: int = 2,
    pause_s: float = 0.5,
    max_seconds: float = 600,
) -> SoakReport:
    """Start reader processes on an index root, publish `rebuilds` generations, collect the results."""
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="soak-"))
    stop = work / "stop"
    env = os.environ | {"PYTHONPATH": str(REPO), "TOKENIZERS_PARALLELISM": "false"}
    env |= {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    command = [sys.executable, str(Path(__file__).resolve()), "readers", str(root), str(work)]
    command += [str(readers), str(max_seconds)]
    process = subprocess.Popen(command, cwd=REPO, env=env, stderr=subprocess.DEVNULL)
    try:
        _wait_ready([work / f"ready-{i}" for i in range(readers)], process)
        published = writer(root, docs, cache, rebuilds, keep, pause_s)
        _wait_ready([work / f"seen-{i}-{published[-1]}" for i in range(readers)], process)
    finally:
        stop.touch()
        process.wait(timeout=120)
    results = [_result(work / f"reader-{i}.json", process) for i in range(readers)]
    return SoakReport(results, published, time.perf_counter() - started)


def _wait_ready(flags: list[Path], process: subprocess.Popen) -> None:
    """Wait until every reader has touched its flag file (or the readers died)."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while not all(f.exists() for f in flags):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"soak readers did not get to {flags[0].name}")
        time.sleep(0.2)


def _result(path: Path, process: subprocess.Popen) -> ReaderResult:
    if not path.exists():
        return ReaderResult(errors=[f"reader exited with {process.returncode} and no result"])
    return ReaderResult(**json.loads(path.read_text()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="role")
    role = sub.add_parser("readers")
    role.add_argument("root", type=Path)
    role.add_argument("work", type=Path)
    role.add_argument("count", type=int)
    role.add_argument("max_seconds", type=float)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--rebuilds", type=int, default=10)
    parser.add_argument("--keep", type=int, default=2)
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus" / "raw")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.role == "readers":
        fork_readers(args.root, args.work, args.count, args.max_seconds)
        return
    figures = soak_figures(args)
    print(json.dumps(figures, indent=2) if args.json else _lines(figures))


def soak_figures(args: argparse.Namespace) -> dict:
    """Run the long soak into a temporary root and describe it."""
    from benchmarks.machine import describe
    from clausetrace.index import build_index

    docs = corpus_docs(args.corpus)
    with tempfile.TemporaryDirectory() as tmp:
        root, cache = Path(tmp) / "index", REPO / ".cache"
        build_index(docs, root, cache)
        report = run_soak(root, docs, cache, args.readers, args.rebuilds, args.keep)
    return {
        "machine": describe(),
        "ok": report.ok,
        "readers": len(report.readers),
        "generations_published": len(report.published),
        "answers": report.answers,
        "errors": sum(len(r.errors) for r in report.readers),
        "unresolved_citations": sum(len(r.unresolved) for r in report.readers),
        "generations_seen_per_reader": [len(r.generations) for r in report.readers],
        "seconds": round(report.seconds, 1),
        "first_error": next((r.errors[0] for r in report.readers if r.errors), ""),
    }


def _lines(figures: dict) -> str:
    return "\n".join(f"{k:>28}: {v}" for k, v in figures.items())


if __name__ == "__main__":
    main()
