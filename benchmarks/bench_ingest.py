"""Ingest benchmark: parse + embed + persist the full corpus, cold (empty cache) and warm.

    python benchmarks/bench_ingest.py [--mirror DIR] [--json]

Prints documents, clauses, nodes, tokens embedded per second, build time cold and warm,
index size on disk and peak memory, with the machine named.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.machine import describe, peak_rss_mb  # noqa: E402
from clausetrace.index import build_index  # noqa: E402
from clausetrace.index.embed import load_sentence_model  # noqa: E402
from clausetrace.index.generations import live_dir  # noqa: E402
from clausetrace.index.nodes import corpus_nodes  # noqa: E402
from clausetrace.settings import Settings  # noqa: E402
from ingest import ingest_corpus  # noqa: E402
from ingest.sources import load_catalogue, pinned  # noqa: E402


def folder_mb(path: Path) -> float:
    """Size of a folder in MiB."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def run(mirror: Path) -> dict[str, float | str]:
    """Time a cold and a warm build into temporary folders."""
    settings = Settings()
    sources = pinned(load_catalogue(settings.sources_file))
    started = time.perf_counter()
    docs, problems = ingest_corpus(sources, mirror)
    parse_s = time.perf_counter() - started
    nodes = corpus_nodes(docs, settings.max_node_words)
    tokenizer = load_sentence_model().tokenizer
    tokens = sum(len(tokenizer(n.get_content(metadata_mode="embed"))["input_ids"]) for n in nodes)
    with tempfile.TemporaryDirectory() as tmp:
        cache, index = Path(tmp) / "cache", Path(tmp) / "index"
        started = time.perf_counter()
        build_index(docs, index, cache, max_node_words=settings.max_node_words)
        cold_s = time.perf_counter() - started
        started = time.perf_counter()
        build_index(docs, index, cache, max_node_words=settings.max_node_words)
        warm_s = time.perf_counter() - started
        size = folder_mb(live_dir(index))  # one generation (the previous one is kept beside it)
    return {
        "machine": describe(),
        "documents": len(docs),
        "skipped": len(problems),
        "clauses": sum(len(d.clauses) for d in docs),
        "nodes": len(nodes),
        "tokens_embedded": tokens,
        "parse_s": round(parse_s, 3),
        "clauses_per_s_parse": round(sum(len(d.clauses) for d in docs) / parse_s, 1),
        "build_cold_s": round(cold_s, 2),
        "build_warm_s": round(warm_s, 2),
        "tokens_per_s_cold": round(tokens / cold_s, 1),
        "index_mb": round(size, 2),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = os.environ.get("CLAUSETRACE_MIRROR", "../shared/corpus/raw")
    parser.add_argument("--mirror", type=Path, default=Path(default))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = run(args.mirror)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            print(f"{key:>22}: {value}")


if __name__ == "__main__":
    main()
