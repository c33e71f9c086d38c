"""ObliQA benchmark: clausetrace's own index and retriever on the public ObliQA regulatory QA data.

    python benchmarks/obliqa.py [--data ../shared/bench/obliqa] [--split test|dev|mp-val|mp-test]
        [--mode bm25|dense|hybrid|convex|oracle|tuned-dense|tuned-convex|ranked|ranked-xref|all]
        [--limit N] [--json]

Recall@10 and MAP@10 as trec_eval/pytrec_eval compute them, per mode, beside the published figures,
with the machine named. 'hybrid' is HybridRetriever (RRF); 'convex' the same retriever with min-max
score fusion; 'oracle' is plain rank_bm25 (lowercase \\w+ tokens, no stemming), the README's
sanity check. The 'tuned-*' modes use the regulation-tuned MiniLM (benchmarks/train_embedder.py);
'ranked' adds the learned ranker (benchmarks/train_ranker.py) and 'ranked-xref' also follows the
cross-references of the top clauses (the rulebook grammar, benchmarks/xref_gold.py). Defaults are
the settings chosen on dev (benchmarks/obliqa_tune.py, OBLIQA.md).
The index (13,732 passages) is built once into .cache/obliqa/ and reused
while the data hash is unchanged; embeddings are cached by content hash.
"""

from __future__ import annotations

import argparse
import copy
import os
import re
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from benchmarks.machine import describe, peak_rss_mb  # noqa: E402
from benchmarks.obliqa_data import (  # noqa: E402
    DEFAULT_DATA,
    REPO,
    Corpus,
    GoldKind,
    Passage,
    Question,
    data_hash,
    gold_kind,
    load_document_map,
    load_passages,
    load_questions,
    to_corpus,
)
from clausetrace.errors import ClausetraceError  # noqa: E402
from clausetrace.index import ClauseIndex, build_index, load_index, read_manifest  # noqa: E402
from clausetrace.index.embed import MODEL_NAME  # noqa: E402
from clausetrace.query import parse_query  # noqa: E402
from clausetrace.retrieve import HybridRetriever  # noqa: E402

K = 10
BASE_MODES = ("bm25", "dense", "hybrid", "convex", "oracle")
TUNED_MODES = ("tuned-dense", "tuned-convex", "xref", "ranked", "ranked-xref")
MODES = BASE_MODES + TUNED_MODES
CACHE = REPO / ".cache" / "obliqa"
Run = dict[str, list[str]]  # question id -> ranked gold keys

# Published figures (Recall@10, MAP@10, source), test splits only.
PUBLISHED: dict[str, dict[str, tuple[float, float, str]]] = {
    "test": {
        "bm25": (0.7611, 0.6237, "BM25 baseline, Gokhan et al. 2024 (via Rayo et al. 2025)"),
        "hybrid": (0.8333, 0.7016, "0.65 dense (fine-tuned bge-small) + 0.35 BM25, Rayo et al. 2025"),
        "convex": (0.8333, 0.7016, "0.65 dense (fine-tuned bge-small) + 0.35 BM25, Rayo et al. 2025"),
        "oracle": (0.7421, 0.5932, "rank_bm25 sanity check, shared/bench/obliqa/README.md"),
        "tuned-dense": (0.7111, 0.6261, "bge-small fine-tuned on the 22k train split, Rayo et al. 2025"),
        "tuned-convex": (0.8333, 0.7016, "0.65 dense (fine-tuned bge-small) + 0.35 BM25, Rayo et al. 2025"),
        "xref": (0.8333, 0.7016, "best verified hybrid, Rayo et al. 2025"),
        "ranked": (0.8201, 0.6655, "LeSeR: fine-tuned BGE + BM25 lexical rerank, Purbey et al. 2025"),
        "ranked-xref": (0.8333, 0.7016, "best verified hybrid, Rayo et al. 2025"),
    },
    "mp-test": {
        "bm25": (0.5585, 0.4540, "Pyserini BM25 (k1 0.9, b 0.4), MultiPassage-RegIR README"),
        "hybrid": (0.5885, 0.4539, "RRF BM25 + e5-base-v2, MultiPassage-RegIR README"),
        "convex": (0.5885, 0.4539, "RRF BM25 + e5-base-v2, MultiPassage-RegIR README"),
        "oracle": (0.5610, 0.4386, "rank_bm25 sanity check, shared/bench/obliqa/README.md"),
        "tuned-dense": (0.5072, 0.3747, "e5-base-v2, MultiPassage-RegIR README"),
        "tuned-convex": (0.5885, 0.4539, "RRF BM25 + e5-base-v2, MultiPassage-RegIR README"),
        "xref": (0.5885, 0.4539, "RRF BM25 + e5-base-v2, MultiPassage-RegIR README"),
        "ranked": (0.5885, 0.4539, "RRF BM25 + e5-base-v2, MultiPassage-RegIR README"),
        "ranked-xref": (0.5885, 0.4539, "RRF BM25 + e5-base-v2, MultiPassage-RegIR README"),
    },
}


class RetrieverSettings(BaseModel):
    """HybridRetriever and index settings; the defaults are the ones chosen on the dev split."""

    model_config = ConfigDict(extra="forbid")

    candidates: int = Field(default=50, description="Per-retriever candidate pool (nodes)")
    rrf_k: int = Field(default=5, description="Reciprocal-rank-fusion constant")
    dense_weight: float = Field(default=0.4, description="RRF weight of the dense (FAISS) ranking")
    bm25_weight: float = Field(default=1.0, description="RRF weight of the BM25 ranking")
    bm25_k1: float = Field(default=0.6, description="BM25 k1 (1.5 = the index's BM25 as built)")
    bm25_b: float = Field(default=0.9, description="BM25 b (0.75 = the index's BM25 as built)")
    convex_alpha: float = Field(default=0.35, description="Dense share of min-max score fusion ('convex')")
    convex_candidates: int = Field(default=200, description="Candidate pool of 'convex'")
    max_node_words: int = Field(default=180, description="Clauses longer than this are split")
    tuned_model: str = Field(default="minilm-reg-adapter", description="Embedding model of the tuned-* modes")
    tuned_alpha: float = Field(default=0.35, description="Dense share of score fusion with the tuned model")
    ranker: str = Field(default="obliqa-lambdarank", description="Learned ranker of 'ranked' modes")
    follow_references: int = Field(default=3, description="'ranked-xref': follow references of the top N")


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


def index_dir_for(cache: Path, digest: str, max_words: int, model: str = MODEL_NAME) -> Path:
    """Index folder of one data hash, chunking and model (a new hash or model builds a new index)."""
    return cache / (f"index-{digest[:12]}-w{max_words}" + ("" if model == MODEL_NAME else f"-{model}"))


def prepare_index(
    data: Path, cache: Path, max_words: int, rebuild: bool = False, model: str = MODEL_NAME
) -> tuple[ClauseIndex, Corpus, dict[str, float | int | str]]:
    """Load the cached index for this data and model, building it (embeddings cached) when absent
    or built with other weights."""
    corpus = to_corpus(load_passages(data), load_document_map(data))
    folder = index_dir_for(cache, data_hash(data), max_words, model)
    started = time.perf_counter()
    built = rebuild or not _usable(folder, model)
    if built:
        build_index(
            corpus.documents,
            folder,
            cache / "embeddings",
            max_node_words=max_words,
            analyse=False,
            progress=True,
            model_name=model,
        )
    index = load_index(folder, model=model)
    info: dict[str, float | int | str] = {
        "path": str(folder.relative_to(REPO) if folder.is_relative_to(REPO) else folder),
        "built": "yes" if built else "reused",
        "seconds": round(time.perf_counter() - started, 1),
        **index.manifest.counts,
    }
    return index, corpus, info


def _usable(folder: Path, model: str) -> bool:
    """True when folder holds an index built with this model's current weights."""
    try:
        read_manifest(folder, model)
    except ClausetraceError:
        return False
    return True


def with_references(index: ClauseIndex, corpus: Corpus, data: Path) -> ClauseIndex:
    """The index with the corpus's cross-references (rulebook grammar) resolved to clause anchors."""
    from benchmarks.xref_gold import instrument_names, resolved_references

    refs = resolved_references(corpus, instrument_names(load_document_map(data)))
    linked = ClauseIndex(index.path, index.manifest, index.documents, index.obligations, refs)
    linked.__dict__.update(
        {k: v for k, v in index.__dict__.items() if k in ("embed_model", "vector_index", "bm25")}
    )
    return linked


# ---------------------------------------------------------------- runs


def run_retriever(
    retriever: HybridRetriever, questions: Sequence[Question], corpus: Corpus, kind: GoldKind, k: int = K
) -> Run:
    """Top-k clauses per question through HybridRetriever.search, as gold keys."""
    run: Run = {}
    for q in questions:
        hits = retriever.search(parse_query(q.text, retriever.index), k=k)
        run[q.qid] = [corpus.passage_of[h.clause.key].gold_key(kind) for h in hits]
    return run


def make_retriever(index: ClauseIndex, mode: str, settings: RetrieverSettings) -> HybridRetriever:
    """clausetrace's retriever in one mode with the given settings ('convex': score fusion)."""
    from clausetrace.retrieve.ranker import load_ranker

    if mode in ("convex", "tuned-convex", "xref", "ranked", "ranked-xref"):
        return HybridRetriever(
            index,
            candidates=settings.convex_candidates,
            fusion="score",
            alpha=settings.convex_alpha if mode == "convex" else settings.tuned_alpha,
            follow_references=settings.follow_references if mode.endswith("xref") else 0,
            ranker=load_ranker(settings.ranker) if mode.startswith("ranked") else None,
        )
    return HybridRetriever(
        index,
        mode="dense" if mode == "tuned-dense" else mode,  # type: ignore[arg-type]
        candidates=settings.candidates,
        rrf_k=settings.rrf_k,
        dense_weight=settings.dense_weight,
        bm25_weight=settings.bm25_weight,
    )


def with_bm25(index: ClauseIndex, k1: float, b: float) -> ClauseIndex:
    """The index with its BM25 rebuilt over the same nodes and tokens with other k1/b (lucene)."""
    if (k1, b) == (1.5, 0.75):
        return index
    import bm25s
    from llama_index.core.schema import MetadataMode
    from llama_index.core.vector_stores.utils import node_to_metadata_dict
    from llama_index.retrievers.bm25 import BM25Retriever

    nodes = list(index.vector_index.docstore.docs.values())
    built = index.bm25
    tokens = bm25s.tokenize(
        [n.get_content(metadata_mode=MetadataMode.EMBED) for n in nodes],
        stopwords="en",
        stemmer=built.stemmer,
        token_pattern=built.token_pattern,
        show_progress=False,
    )
    corpus = [node_to_metadata_dict(n) | {"node_id": n.node_id} for n in nodes]
    bm25 = bm25s.BM25(k1=k1, b=b, corpus=corpus)
    bm25.index(tokens, show_progress=False)
    retriever = BM25Retriever(existing_bm25=bm25, stemmer=built.stemmer, token_pattern=built.token_pattern)
    tuned = copy.copy(index)  # ClauseIndex.bm25 is a cached property: set it on a shallow copy
    tuned.bm25 = retriever
    return tuned


def word_tokens(text: str) -> list[str]:
    """The README sanity check's tokeniser: lowercase \\w+ tokens, no stemming, no stopwords."""
    return re.findall(r"\w+", text.lower())


class OracleBM25:
    """Plain rank_bm25 BM25Okapi (defaults) over every passage, scored in one sparse pass per query.

    Scores equal ``BM25Okapi.get_scores`` (tests check it); its per-document Python loop takes
    ~80 ms a query here, this ~2 ms.
    """

    def __init__(self, texts: Sequence[str]) -> None:
        import numpy as np
        import scipy.sparse as sp
        from rank_bm25 import BM25Okapi

        self.bm25 = BM25Okapi([word_tokens(t) for t in texts])
        self.vocab: dict[str, int] = {}
        rows, cols, counts = [], [], []
        for i, freqs in enumerate(self.bm25.doc_freqs):
            for word, count in freqs.items():
                rows.append(i)
                cols.append(self.vocab.setdefault(word, len(self.vocab)))
                counts.append(count)
        self.tf = sp.csc_matrix((counts, (rows, cols)), shape=(len(texts), len(self.vocab)), dtype=float)
        lengths = np.asarray(self.bm25.doc_len, dtype=float)
        self.norm = self.bm25.k1 * (1 - self.bm25.b + self.bm25.b * lengths / self.bm25.avgdl)
        self.idf = np.array([self.bm25.idf.get(w, 0.0) for w in self.vocab])

    def scores(self, query: str) -> Any:
        """BM25Okapi scores of every passage (repeated query words count again, as in rank_bm25)."""
        import numpy as np

        out = np.zeros(self.tf.shape[0])
        for word in word_tokens(query):
            j = self.vocab.get(word)
            if j is None:
                continue
            lo, hi = self.tf.indptr[j], self.tf.indptr[j + 1]
            rows, tf = self.tf.indices[lo:hi], self.tf.data[lo:hi]
            out[rows] += self.idf[j] * tf * (self.bm25.k1 + 1) / (tf + self.norm[rows])
        return out


def trec_order(scored: Iterable[tuple[str, float]]) -> list[str]:
    """Keys as trec_eval/pytrec_eval rank a {docid: score} run: a repeated docid keeps its last
    score; order by score, then docid, both descending."""
    run = dict(scored)
    return sorted(run, key=lambda key: (run[key], key), reverse=True)


def run_oracle(passages: Sequence[Passage], questions: Sequence[Question], kind: GoldKind, k: int = K) -> Run:
    """The README's sanity check: rank_bm25 top-k per question, ranked the way pytrec_eval ranks it."""
    import numpy as np

    oracle = OracleBM25([p.text for p in passages])
    run: Run = {}
    for q in questions:
        scores = oracle.scores(q.text)
        top = np.argsort(-scores, kind="stable")[:k]
        run[q.qid] = trec_order((passages[i].gold_key(kind), float(scores[i])) for i in top)
    return run


def mode_result(mode: str, split: str, run: Run, questions: Sequence[Question], seconds: float) -> ModeResult:
    """Scores of one mode, with the published figures beside them when there are any."""
    recall, ap = mean_scores(run, questions)
    published = PUBLISHED.get(split, {}).get(mode)
    return ModeResult(
        mode=mode,
        questions=len(questions),
        recall_at_10=round(recall, 4),
        map_at_10=round(ap, 4),
        published_recall_at_10=published[0] if published else None,
        published_map_at_10=published[1] if published else None,
        published_source=published[2] if published else "",
        seconds=round(seconds, 1),
        ms_per_question=round(1000 * seconds / max(len(questions), 1), 1),
    )


def evaluate(
    index: ClauseIndex,
    corpus: Corpus,
    passages: Sequence[Passage],
    questions: Sequence[Question],
    split: str,
    modes: Sequence[str],
    settings: RetrieverSettings,
    tuned: ClauseIndex | None = None,
) -> list[ModeResult]:
    """Every requested mode over the questions (tuned-* modes on the tuned model's index; oracle over
    the same passages)."""
    kind = gold_kind(split)
    index = with_bm25(index, settings.bm25_k1, settings.bm25_b)
    tuned = with_bm25(tuned, settings.bm25_k1, settings.bm25_b) if tuned is not None else None
    results = []
    for mode in modes:
        started = time.perf_counter()
        if mode == "oracle":
            run = run_oracle(passages, questions, kind)
        else:
            if mode in TUNED_MODES and tuned is None:
                raise ValueError(f"mode {mode} needs the tuned model's index")
            chosen = tuned if mode in TUNED_MODES else index
            run = run_retriever(make_retriever(chosen, mode, settings), questions, corpus, kind)
        results.append(mode_result(mode, split, run, questions, time.perf_counter() - started))
    return results


def benchmark(
    data: Path,
    split: str,
    modes: Sequence[str],
    settings: RetrieverSettings,
    limit: int | None = None,
    cache: Path = CACHE,
    rebuild: bool = False,
) -> Report:
    """Every requested mode on one split of the full corpus, side by side."""
    questions = load_questions(data, split)[:limit]
    index, corpus, info = prepare_index(data, cache, settings.max_node_words, rebuild)
    tuned = None
    if set(modes) & set(TUNED_MODES):
        tuned, _, tuned_info = prepare_index(
            data, cache, settings.max_node_words, rebuild, settings.tuned_model
        )
        tuned = with_references(tuned, corpus, data) if {"xref", "ranked-xref"} & set(modes) else tuned
        info |= {f"tuned_{k}": v for k, v in tuned_info.items()}
    results = evaluate(index, corpus, load_passages(data), questions, split, modes, settings, tuned)
    return Report(
        split=split,
        questions=len(questions),
        gold_match=gold_kind(split),
        settings=settings,
        modes=results,
        index=info,
        machine=describe(),
        peak_rss_mb=round(peak_rss_mb(), 0),
    )


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
        print(
            f"{m.mode:<8} {m.recall_at_10:>7.4f} {m.map_at_10:>7.4f} {pr:>9} {pm:>8} "
            f"{m.seconds:>7.1f} {m.ms_per_question:>6.1f}"
        )
    print(f"machine: {report.machine}; peak RSS {report.peak_rss_mb:.0f} MiB")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options; retriever settings default to the dev-chosen ones."""
    defaults = RetrieverSettings()
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument(
        "--split", default="test", choices=["dev", "dev-fit", "dev-check", "test", "mp-val", "mp-test"]
    )
    p.add_argument("--mode", default="all", help=f"'all' or a comma-separated list of: {', '.join(MODES)}")
    p.add_argument("--limit", type=int, default=None, help="First N questions only")
    p.add_argument("--json", action="store_true", help="Print the report as JSON")
    p.add_argument("--rebuild", action="store_true", help="Rebuild the index even if cached")
    p.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch threads (1: a single query embeds in ~10 ms; 2 spin on a busy 2-core box)",
    )
    for name, field in RetrieverSettings.model_fields.items():
        p.add_argument(
            f"--{name.replace('_', '-')}",
            type=type(getattr(defaults, name)),
            default=getattr(defaults, name),
            help=field.description,
        )
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark (or the dev grid) and print figures with the machine named."""
    args = parse_args(argv)
    settings = RetrieverSettings(**{n: getattr(args, n) for n in RetrieverSettings.model_fields})
    modes = MODES if args.mode == "all" else tuple(args.mode.split(","))
    unknown = set(modes) - set(MODES)
    if unknown:
        raise SystemExit(f"unknown mode(s): {', '.join(sorted(unknown))}")
    import torch

    torch.set_num_threads(args.threads)
    report = benchmark(args.data, args.split, modes, settings, args.limit, rebuild=args.rebuild)
    if args.json:
        print(report.model_dump_json(indent=2))
    else:
        print_table(report)


if __name__ == "__main__":
    main()
