"""ObliQA benchmark: clausetrace's own index and retriever on the public ObliQA regulatory QA data.

    python benchmarks/obliqa.py [--data ../shared/bench/obliqa] [--split test|dev|mp-val|mp-test]
        [--mode bm25|dense|hybrid|oracle|all] [--limit N] [--json]
    python benchmarks/obliqa.py --split dev --tune        # grid over fusion settings (dev only)

Recall@10 and MAP@10 as trec_eval/pytrec_eval compute them, per mode, beside the published figures,
with the machine named. 'oracle' is plain rank_bm25 (lowercase \\w+ tokens, no stemming), the
README's sanity check. The index (13,732 passages) is built once into .cache/obliqa/ and reused
while the data hash is unchanged; embeddings are cached by content hash.
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from benchmarks.machine import describe, peak_rss_mb  # noqa: E402
from benchmarks.obliqa_data import (  # noqa: E402
    DEFAULT_DATA, REPO, Corpus, GoldKind, Passage, Question, data_hash, gold_kind, load_document_map,
    load_passages, load_questions, to_corpus,
)
from clausetrace.index import ClauseIndex, build_index, load_index  # noqa: E402
from clausetrace.retrieve import HybridRetriever, expand_query  # noqa: E402

K = 10
MODES = ("bm25", "dense", "hybrid", "oracle")
CACHE = REPO / ".cache" / "obliqa"
Run = dict[str, list[str]]  # question id -> ranked gold keys

# Published figures (Recall@10, MAP@10, source), test splits only.
PUBLISHED: dict[str, dict[str, tuple[float, float, str]]] = {
    "test": {
        "bm25": (0.7611, 0.6237, "BM25 baseline, Gokhan et al. 2024 (via Rayo et al. 2025)"),
        "hybrid": (0.8333, 0.7016, "0.65 dense (fine-tuned bge-small) + 0.35 BM25, Rayo et al. 2025"),
        "oracle": (0.7421, 0.5932, "rank_bm25 sanity check, shared/bench/obliqa/README.md"),
    },
    "mp-test": {
        "bm25": (0.5585, 0.4540, "Pyserini BM25 (k1 0.9, b 0.4), MultiPassage-RegIR README"),
        "hybrid": (0.5885, 0.4539, "RRF BM25 + e5-base-v2, MultiPassage-RegIR README"),
        "oracle": (0.5610, 0.4386, "rank_bm25 sanity check, shared/bench/obliqa/README.md"),
    },
}


class RetrieverSettings(BaseModel):
    """HybridRetriever and index settings; the defaults are the ones chosen on the dev split."""

    model_config = ConfigDict(extra="forbid")

    candidates: int = Field(default=30, description="Per-retriever candidate pool (nodes)")
    rrf_k: int = Field(default=60, description="Reciprocal-rank-fusion constant")
    dense_weight: float = Field(default=1.0, description="RRF weight of the dense (FAISS) ranking")
    bm25_weight: float = Field(default=1.0, description="RRF weight of the BM25 ranking")
    max_node_words: int = Field(default=180, description="Clauses longer than this are split")


class ModeResult(BaseModel):
    """Scores of one retrieval mode on one split."""

    mode: str
    questions: int
    recall_at_10: float
    map_at_10: float
    published_recall_at_10: float | None = None
    published_map_at_10: float | None = None
    published_source: str = ""
    seconds: float = Field(description="Wall time of all queries")
    ms_per_question: float


class Report(BaseModel):
    """One benchmark run: every mode side by side, with the machine named."""

    split: str
    questions: int
    gold_match: str = Field(description="'pair' = (DocumentID, PassageID); 'uuid' = corpus ID")
    settings: RetrieverSettings
    modes: list[ModeResult]
    index: dict[str, float | int | str]
    machine: str
    peak_rss_mb: float


# ---------------------------------------------------------------- metrics (trec_eval semantics)


def dedupe(ranked: Iterable[str]) -> list[str]:
    """Ranked keys with repeats removed (first rank kept), as a run keyed by docid would hold."""
    return list(dict.fromkeys(ranked))


def recall_at_k(ranked: Sequence[str], gold: frozenset[str], k: int = K) -> float:
    """Relevant keys in the top k / all relevant keys (trec_eval recall_k)."""
    return len(gold.intersection(dedupe(ranked)[:k])) / len(gold) if gold else 0.0


def average_precision_at_k(ranked: Sequence[str], gold: frozenset[str], k: int = K) -> float:
    """Sum of precision at each relevant rank within k, over all relevant (trec_eval map_cut_k)."""
    if not gold:
        return 0.0
    hits, total = 0, 0.0
    for rank, key in enumerate(dedupe(ranked)[:k], start=1):
        if key in gold:
            hits += 1
            total += hits / rank
    return total / len(gold)


def mean_scores(run: Run, questions: Sequence[Question], k: int = K) -> tuple[float, float]:
    """(mean Recall@k, mean AP@k) over the questions that have gold passages."""
    judged = [q for q in questions if q.gold]
    if not judged:
        return 0.0, 0.0
    recall = sum(recall_at_k(run.get(q.qid, []), q.gold, k) for q in judged) / len(judged)
    ap = sum(average_precision_at_k(run.get(q.qid, []), q.gold, k) for q in judged) / len(judged)
    return recall, ap


# ---------------------------------------------------------------- index


def index_dir_for(cache: Path, digest: str, max_words: int) -> Path:
    """Index folder of one data hash and chunking (a new hash builds a new index)."""
    return cache / f"index-{digest[:12]}-w{max_words}"


def prepare_index(
    data: Path, cache: Path, max_words: int, rebuild: bool = False
) -> tuple[ClauseIndex, Corpus, dict[str, float | int | str]]:
    """Load the cached index for this data, building it (embeddings cached) when absent."""
    corpus = to_corpus(load_passages(data), load_document_map(data))
    folder = index_dir_for(cache, data_hash(data), max_words)
    started = time.perf_counter()
    built = rebuild or not (folder / "manifest.json").exists()
    if built:
        build_index(corpus.documents, folder, cache / "embeddings", max_node_words=max_words,
                    analyse=False, progress=True)
    index = load_index(folder)
    info: dict[str, float | int | str] = {
        "path": str(folder.relative_to(REPO) if folder.is_relative_to(REPO) else folder),
        "built": "yes" if built else "reused",
        "seconds": round(time.perf_counter() - started, 1),
        **index.manifest.counts,
    }
    return index, corpus, info


# ---------------------------------------------------------------- runs


def run_retriever(
    retriever: HybridRetriever, questions: Sequence[Question], corpus: Corpus, kind: GoldKind, k: int = K
) -> Run:
    """Top-k clauses per question through HybridRetriever.search, as gold keys."""
    run: Run = {}
    for q in questions:
        hits = retriever.search(q.text, k=k)
        run[q.qid] = [corpus.passage_of[h.clause.key].gold_key(kind) for h in hits]
    return run


def make_retriever(index: ClauseIndex, mode: str, settings: RetrieverSettings) -> HybridRetriever:
    """clausetrace's retriever in one mode with the given settings."""
    return HybridRetriever(
        index, mode=mode, candidates=settings.candidates, rrf_k=settings.rrf_k,  # type: ignore[arg-type]
        dense_weight=settings.dense_weight, bm25_weight=settings.bm25_weight,
    )


def word_tokens(text: str) -> list[str]:
    """The README sanity check's tokeniser: lowercase \\w+ tokens, no stemming, no stopwords."""
    return re.findall(r"\w+", text.lower())


def run_oracle(passages: Sequence[Passage], questions: Sequence[Question], kind: GoldKind, k: int = K) -> Run:
    """Plain rank_bm25 (BM25Okapi defaults) over every passage: the reference baseline."""
    import numpy as np
    from rank_bm25 import BM25Okapi

    bm25 = BM25Okapi([word_tokens(p.text) for p in passages])
    run: Run = {}
    for q in questions:
        scores = bm25.get_scores(word_tokens(q.text))
        top = np.argsort(-scores, kind="stable")[:k]
        run[q.qid] = [passages[i].gold_key(kind) for i in top]
    return run


def timed_run(fn: Callable[[], Run]) -> tuple[Run, float]:
    """A run and its wall time in seconds."""
    started = time.perf_counter()
    run = fn()
    return run, time.perf_counter() - started


def mode_result(mode: str, split: str, run: Run, questions: Sequence[Question], seconds: float) -> ModeResult:
    """Scores of one mode, with the published figures beside them when there are any."""
    recall, ap = mean_scores(run, questions)
    published = PUBLISHED.get(split, {}).get(mode)
    return ModeResult(
        mode=mode, questions=len(questions), recall_at_10=round(recall, 4), map_at_10=round(ap, 4),
        published_recall_at_10=published[0] if published else None,
        published_map_at_10=published[1] if published else None,
        published_source=published[2] if published else "",
        seconds=round(seconds, 1), ms_per_question=round(1000 * seconds / max(len(questions), 1), 1),
    )


def benchmark(
    data: Path, split: str, modes: Sequence[str], settings: RetrieverSettings,
    limit: int | None = None, cache: Path = CACHE, rebuild: bool = False,
) -> Report:
    """Every requested mode on one split, side by side."""
    questions = load_questions(data, split)[:limit]
    kind = gold_kind(split)
    index, corpus, info = prepare_index(data, cache, settings.max_node_words, rebuild)
    results = []
    for mode in modes:
        if mode == "oracle":
            passages = load_passages(data)
            run, seconds = timed_run(lambda: run_oracle(passages, questions, kind))
        else:
            retriever = make_retriever(index, mode, settings)
            run, seconds = timed_run(lambda r=retriever: run_retriever(r, questions, corpus, kind))
        results.append(mode_result(mode, split, run, questions, seconds))
    return Report(
        split=split, questions=len(questions), gold_match=kind, settings=settings, modes=results,
        index=info, machine=describe(), peak_rss_mb=round(peak_rss_mb(), 0),
    )


# ---------------------------------------------------------------- tuning (dev only)

Ranked = list[tuple[str, str]]  # (node id, clause key), best first


def candidate_lists(
    index: ClauseIndex, questions: Sequence[Question], pool: int
) -> tuple[dict[str, Ranked], dict[str, Ranked]]:
    """Dense and BM25 node rankings (pool deep) per question, exactly as HybridRetriever makes them."""
    retriever = HybridRetriever(index, mode="hybrid", candidates=pool)
    dense: dict[str, Ranked] = {}
    lexical: dict[str, Ranked] = {}
    for q in questions:
        query = expand_query(q.text)
        dense[q.qid] = [(h.node.node_id, h.node.metadata["key"]) for h in retriever._dense.retrieve(query)]
        from llama_index.core.schema import QueryBundle

        lexical[q.qid] = [(h.node.node_id, h.node.metadata["key"]) for h in retriever._bm25(QueryBundle(query))]
    return dense, lexical


def fuse(dense: Ranked, lexical: Ranked, rrf_k: int, dense_weight: float, bm25_weight: float, k: int = K) -> list[str]:
    """HybridRetriever's weighted RRF on node id, folded to clause keys (mirrors _retrieve + search)."""
    fused: dict[str, float] = {}
    key_of: dict[str, str] = {}
    for weight, ranked in ((dense_weight, dense), (bm25_weight, lexical)):
        for rank, (node_id, key) in enumerate(ranked, start=1):
            fused[node_id] = fused.get(node_id, 0.0) + weight / (rrf_k + rank)
            key_of[node_id] = key
    order = sorted(fused, key=lambda n: -fused[n])
    return dedupe(key_of[n] for n in order)[:k]


def tune(data: Path, split: str, limit: int | None, max_words: int, pool: int = 200) -> list[dict[str, float]]:
    """Grid over candidates x rrf_k x weights on one split; rows sorted by MAP@10 then Recall@10."""
    if split.endswith("test"):
        raise SystemExit("tune on dev (or mp-val) only: test is reported, never tuned on")
    questions = load_questions(data, split)[:limit]
    kind = gold_kind(split)
    index, corpus, _ = prepare_index(data, CACHE, max_words)
    dense, lexical = candidate_lists(index, questions, pool)
    as_gold = {key: p.gold_key(kind) for key, p in corpus.passage_of.items()}
    rows = []
    grid = itertools.product((30, 50, 100, 200), (10, 30, 60, 100), (0.3, 0.5, 0.7, 1.0, 1.5))
    for candidates, rrf_k, ratio in grid:
        run = {
            q.qid: [as_gold[c] for c in fuse(dense[q.qid][:candidates], lexical[q.qid][:candidates], rrf_k, ratio, 1.0)]
            for q in questions
        }
        recall, ap = mean_scores(run, questions)
        rows.append({"candidates": candidates, "rrf_k": rrf_k, "dense_weight": ratio, "bm25_weight": 1.0,
                     "recall_at_10": round(recall, 4), "map_at_10": round(ap, 4)})
    return sorted(rows, key=lambda r: (-r["map_at_10"], -r["recall_at_10"]))


# ---------------------------------------------------------------- CLI


def print_table(report: Report) -> None:
    """Human-readable table with the machine named."""
    print(f"ObliQA {report.split}: {report.questions} questions, gold matched on {report.gold_match}")
    print(f"index: {report.index}")
    print(f"settings: {report.settings.model_dump()}")
    print(f"{'mode':<8} {'R@10':>7} {'MAP@10':>7} {'pub R@10':>9} {'pub MAP':>8} {'s':>7} {'ms/q':>6}")
    for m in report.modes:
        pr = f"{m.published_recall_at_10:.4f}" if m.published_recall_at_10 is not None else "-"
        pm = f"{m.published_map_at_10:.4f}" if m.published_map_at_10 is not None else "-"
        print(f"{m.mode:<8} {m.recall_at_10:>7.4f} {m.map_at_10:>7.4f} {pr:>9} {pm:>8} "
              f"{m.seconds:>7.1f} {m.ms_per_question:>6.1f}")
    print(f"machine: {report.machine}; peak RSS {report.peak_rss_mb:.0f} MiB")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options; retriever settings default to the dev-chosen ones."""
    defaults = RetrieverSettings()
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--split", default="test", choices=["dev", "test", "mp-val", "mp-test"])
    p.add_argument("--mode", default="all", choices=[*MODES, "all"])
    p.add_argument("--limit", type=int, default=None, help="First N questions only")
    p.add_argument("--json", action="store_true", help="Print the report as JSON")
    p.add_argument("--rebuild", action="store_true", help="Rebuild the index even if cached")
    p.add_argument("--tune", action="store_true", help="Grid-search fusion settings (dev/mp-val only)")
    for name, field in RetrieverSettings.model_fields.items():
        p.add_argument(f"--{name.replace('_', '-')}", type=type(getattr(defaults, name)),
                       default=getattr(defaults, name), help=field.description)
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark (or the dev grid) and print figures with the machine named."""
    args = parse_args(argv)
    settings = RetrieverSettings(**{n: getattr(args, n) for n in RetrieverSettings.model_fields})
    if args.tune:
        rows = tune(args.data, args.split, args.limit, settings.max_node_words)
        for row in rows[:15]:
            print(row)
        print(f"machine: {describe()}")
        return
    modes = MODES if args.mode == "all" else (args.mode,)
    report = benchmark(args.data, args.split, modes, settings, args.limit, rebuild=args.rebuild)
    print(report.model_dump_json(indent=2) if args.json else "", end="\n" if args.json else "")
    if not args.json:
        print_table(report)


if __name__ == "__main__":
    main()
