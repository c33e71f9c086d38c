"""Dev-split tuning for the ObliQA benchmark: fusion and BM25 settings, chosen without touching test.

    python benchmarks/obliqa_tune.py [--split dev|mp-val] [--limit N] [--pool 200] [--json]

Dense and BM25 node rankings are made once per question, as HybridRetriever makes them; fusion is
then replayed for every grid point by fuse(), which mirrors HybridRetriever._retrieve + search.
BM25 variants (k1, b, scoring method) are rebuilt over the index's own nodes and tokens.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.machine import describe  # noqa: E402
from benchmarks.obliqa import CACHE, K, RetrieverSettings, dedupe, mean_scores, prepare_index  # noqa: E402
from benchmarks.obliqa_data import DEFAULT_DATA, Question, gold_kind, load_questions  # noqa: E402
from clausetrace.index import ClauseIndex  # noqa: E402
from clausetrace.query import expand_query  # noqa: E402
from clausetrace.retrieve import HybridRetriever  # noqa: E402

Ranked = list[tuple[str, float]]  # (node id, score), best first
Lists = dict[str, Ranked]  # question id -> ranking


def dense_lists(index: ClauseIndex, questions: Sequence[Question], pool: int) -> Lists:
    """FAISS node rankings, pool deep, for the expanded question (as HybridRetriever queries)."""
    retriever = HybridRetriever(index, mode="dense", candidates=pool)
    return {
        q.qid: [(h.node.node_id, h.score or 0.0) for h in retriever._dense.retrieve(expand_query(q.text))]
        for q in questions
    }


def bm25_lists(
    index: ClauseIndex, questions: Sequence[Question], pool: int, k1: float, b: float, method: str
) -> Lists:
    """BM25 node rankings with given parameters, same tokens as the index's BM25 (score > 0 only)."""
    import bm25s
    from llama_index.core.schema import MetadataMode

    nodes = list(index.vector_index.docstore.docs.values())
    stemmer = index.bm25.stemmer
    pattern = index.bm25.token_pattern
    tokens = bm25s.tokenize(
        [n.get_content(metadata_mode=MetadataMode.EMBED) for n in nodes],
        stopwords="en",
        stemmer=stemmer,
        token_pattern=pattern,
        show_progress=False,
    )
    bm25 = bm25s.BM25(k1=k1, b=b, method=method)
    bm25.index(tokens, show_progress=False)
    queries = bm25s.tokenize(
        [expand_query(q.text) for q in questions],
        stemmer=stemmer,
        token_pattern=pattern,
        show_progress=False,
        return_ids=False,
    )
    queries = [[t for t in query if t in bm25.vocab_dict] or [""] for query in queries]
    ids, scores = bm25.retrieve(queries, k=min(pool, len(nodes)), show_progress=False, n_threads=1)
    return {
        q.qid: [(nodes[i].node_id, float(s)) for i, s in zip(ids[n], scores[n], strict=True) if s > 0]
        for n, q in enumerate(questions)
    }


def fuse(dense: Ranked, lexical: Ranked, rrf_k: int, dense_weight: float, bm25_weight: float) -> list[str]:
    """Weighted RRF on node id, best first (HybridRetriever._retrieve's arithmetic and tie order)."""
    fused: dict[str, float] = {}
    for weight, ranked in ((dense_weight, dense), (bm25_weight, lexical)):
        for rank, (node_id, _) in enumerate(ranked, start=1):
            fused[node_id] = fused.get(node_id, 0.0) + weight / (rrf_k + rank)
    return sorted(fused, key=lambda n: -fused[n])


def convex(dense: Ranked, lexical: Ranked, alpha: float) -> list[str]:
    """Score fusion (not in HybridRetriever): alpha * min-max dense + (1 - alpha) * min-max BM25."""
    fused: dict[str, float] = {}
    for weight, ranked in ((alpha, dense), (1 - alpha, lexical)):
        if not ranked:
            continue
        top, low = ranked[0][1], ranked[-1][1]
        for node_id, score in ranked:
            fused[node_id] = fused.get(node_id, 0.0) + weight * (score - low) / ((top - low) or 1.0)
    return sorted(fused, key=lambda n: -fused[n])


def score(
    rankings: dict[str, list[str]], questions: Sequence[Question], key_of: dict[str, str]
) -> tuple[float, float]:
    """(Recall@10, MAP@10) of node rankings folded to clauses, then to gold keys."""
    run = {qid: dedupe(key_of[n] for n in nodes)[:K] for qid, nodes in rankings.items()}
    return mean_scores(run, questions)


def row(name: str, values: tuple[float, float], **settings: float | str) -> dict[str, float | str]:
    """One result row."""
    scores = {"recall_at_10": round(values[0], 4), "map_at_10": round(values[1], 4)}
    return {"variant": name, **settings, **scores}


def bm25_grid(
    index: ClauseIndex, questions: Sequence[Question], pool: int, key_of: dict[str, str]
) -> list[dict]:
    """BM25 alone over k1 x b x scoring method."""
    rows = []
    grid = itertools.product(("lucene", "robertson"), (0.6, 0.9, 1.2, 1.5, 2.0), (0.3, 0.5, 0.75, 0.9))
    for method, k1, b in grid:
        lists = bm25_lists(index, questions, pool, k1, b, method)
        rankings = {q: [n for n, _ in r] for q, r in lists.items()}
        rows.append(row("bm25", score(rankings, questions, key_of), method=method, k1=k1, b=b))
    return sorted(rows, key=lambda r: (-r["map_at_10"], -r["recall_at_10"]))


def fusion_grid(
    dense: Lists, lexical: Lists, questions: Sequence[Question], key_of: dict[str, str]
) -> list[dict]:
    """RRF over candidates x rrf_k x dense weight (BM25 weight 1), and score fusion for comparison."""
    rows = []
    for pool, rrf_k, weight in itertools.product(
        (30, 50, 100, 200), (5, 10, 20, 40, 60, 100), (0.3, 0.5, 0.7, 0.85, 1.0, 1.2, 1.5)
    ):
        rankings = {
            q.qid: fuse(dense[q.qid][:pool], lexical[q.qid][:pool], rrf_k, weight, 1.0) for q in questions
        }
        rows.append(
            row(
                "rrf",
                score(rankings, questions, key_of),
                candidates=pool,
                rrf_k=rrf_k,
                dense_weight=weight,
                bm25_weight=1.0,
            )
        )
    for pool, alpha in itertools.product((30, 100, 200), (0.2, 0.35, 0.5, 0.65, 0.8)):
        rankings = {q.qid: convex(dense[q.qid][:pool], lexical[q.qid][:pool], alpha) for q in questions}
        rows.append(row("convex", score(rankings, questions, key_of), candidates=pool, alpha=alpha))
    return sorted(rows, key=lambda r: (-r["map_at_10"], -r["recall_at_10"]))


def print_rows(title: str, rows: Iterable[dict], top: int = 12) -> None:
    """A titled list of the best rows."""
    print(title)
    for r in list(rows)[:top]:
        print("  " + json.dumps(r))


def main(argv: Sequence[str] | None = None) -> None:
    """Tune on dev (or mp-val) and print the best settings with the machine named."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--split", default="dev", choices=["dev", "mp-val"])
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--pool", type=int, default=200)
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    started = time.perf_counter()
    questions = load_questions(args.data, args.split)[: args.limit]
    index, corpus, _ = prepare_index(args.data, CACHE, RetrieverSettings().max_node_words)
    kind = gold_kind(args.split)
    key_of = {
        node_id: corpus.passage_of[node.metadata["key"]].gold_key(kind)
        for node_id, node in index.vector_index.docstore.docs.items()
    }
    dense = dense_lists(index, questions, args.pool)
    bm25_rows = bm25_grid(index, questions, args.pool, key_of)
    best = bm25_rows[0]
    default = bm25_lists(index, questions, args.pool, 1.5, 0.75, "lucene")
    tuned = bm25_lists(index, questions, args.pool, best["k1"], best["b"], best["method"])
    report = {
        "split": args.split,
        "questions": len(questions),
        "dense": row("dense", score({q: [n for n, _ in r] for q, r in dense.items()}, questions, key_of)),
        "bm25": bm25_rows,
        "fusion_default_bm25": fusion_grid(dense, default, questions, key_of),
        "fusion_tuned_bm25": fusion_grid(dense, tuned, questions, key_of),
        "seconds": round(time.perf_counter() - started, 1),
        "machine": describe(),
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"ObliQA {args.split}: {len(questions)} questions; dense alone {report['dense']}")
    print_rows("BM25 alone (k1, b, method):", bm25_rows)
    print_rows("Fusion with the index's BM25 (k1 1.5, b 0.75, lucene):", report["fusion_default_bm25"])
    tuned_title = f"Fusion with BM25 {best['method']} k1 {best['k1']} b {best['b']}:"
    print_rows(tuned_title, report["fusion_tuned_bm25"])
    print(f"{report['seconds']} s on {report['machine']}")


if __name__ == "__main__":
    main()
