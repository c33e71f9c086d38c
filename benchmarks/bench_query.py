"""Query latency benchmark on the built index: retrieval alone and end-to-end, warm; cold `ask`.

    python benchmarks/bench_query.py [--index index] [--rounds 5] [--json]

Questions are the golden set's (eval/golden/gb.jsonl). Prints p50/p95 in milliseconds with the
machine named; cold start is the wall time of a fresh `clausetrace ask` process.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.machine import describe, peak_rss_mb  # noqa: E402
from clausetrace.answer import ask  # noqa: E402
from clausetrace.errors import ClausetraceError  # noqa: E402
from clausetrace.index import load_index  # noqa: E402
from clausetrace.query import parse_query  # noqa: E402
from clausetrace.retrieve import make_retriever  # noqa: E402
from clausetrace.settings import Settings  # noqa: E402
from eval.metrics import percentile  # noqa: E402

GOLDEN = Path(__file__).resolve().parent.parent / "eval" / "golden" / "gb.jsonl"


def timed(fn, questions: list[str], rounds: int) -> list[float]:
    """Milliseconds per call over all questions and rounds (after one warm-up pass)."""
    for q in questions[:5]:
        fn(q)
    out = []
    for _ in range(rounds):
        for q in questions:
            started = time.perf_counter()
            try:
                fn(q)
            except ClausetraceError:
                pass
            out.append((time.perf_counter() - started) * 1000)
    return out


def cold_start(index: Path) -> float:
    """Seconds for a fresh process to answer one question."""
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "clausetrace",
            "ask",
            "Who must install smart meters?",
            "--index",
            str(index),
            "--json",
        ],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=Settings().index_dir)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    questions = [json.loads(line)["question"] for line in GOLDEN.read_text().splitlines() if line.strip()]
    started = time.perf_counter()
    index = load_index(args.index)
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    _ = (index.embed_model.model, index.vector_index, index.bm25)  # loaded on first use otherwise
    retrieval_load_s = time.perf_counter() - started
    settings = Settings()
    retriever = make_retriever(index, settings)
    forget = index.embed_model.forget_questions  # every timed question is embedded as if new

    def search(q: str) -> list:
        forget()
        return retriever.search(parse_query(q, index), settings.k)

    def answer(q: str) -> object:
        forget()
        return ask(q, index, settings, retriever=retriever)

    retrieval, end_to_end = timed(search, questions, args.rounds), timed(answer, questions, args.rounds)
    figures = {
        "machine": describe(),
        "questions": len(questions),
        "rounds": args.rounds,
        "clause_store_load_s": round(load_s, 2),
        "model_faiss_bm25_load_s": round(retrieval_load_s, 2),
        "retrieval_ms_p50": round(percentile(retrieval, 50), 2),
        "retrieval_ms_p95": round(percentile(retrieval, 95), 2),
        "end_to_end_ms_p50": round(percentile(end_to_end, 50), 2),
        "end_to_end_ms_p95": round(percentile(end_to_end, 95), 2),
        "cold_ask_s": round(cold_start(args.index), 2),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            print(f"{key:>18}: {value}")


if __name__ == "__main__":
    main()
