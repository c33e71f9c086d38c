"""Tune the top two layers of all-MiniLM-L6-v2 on regulation: ObliQA dev 'fit' half + GB pairs, on CPU.

    python benchmarks/train_embedder.py [--epochs 1] [--lr 1.5e-4] [--batch 32] [--scale 20]
        [--max-tokens 128] [--gb/--no-gb] [--limit N] [--out PATH.safetensors]

Pairs:
- ObliQA dev, 'fit' half only (``dev_part``): question -> each gold passage, with one hard negative
  mined by BM25 (a top-10 passage that is not gold).
- GB, built without any hub model from the pinned corpus: heading path -> clause, "What does X mean?"
  -> the clause defining X, and SMDA-266 sections -> the licence clauses they quote. The golden
  questions are not used (their odd half stays a clean tuning check).

MultipleNegativesRankingLoss (in-batch negatives plus the mined one) over the top two layers only:
the four frozen layers' states come from ``SplitEncoder`` once per text and are cached, so a step costs
two layers. The weights are written as float16 safetensors (~7 MB) and then scored on the dev 'check'
half (dense and score fusion with BM25, base vs tuned), which is where settings are chosen; test is
never read. Prints the wall time of every phase.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.machine import describe  # noqa: E402
from benchmarks.obliqa import CACHE, K, RetrieverSettings, mean_scores, prepare_index, with_bm25  # noqa: E402
from benchmarks.obliqa_data import DEFAULT_DATA, REPO, Question, dev_part, load_questions  # noqa: E402
from benchmarks.obliqa_tune import bm25_lists, convex  # noqa: E402
from benchmarks.split_encoder import SplitEncoder, StateCache  # noqa: E402
from clausetrace.index import ClauseIndex  # noqa: E402
from clausetrace.index.embed import TUNED_MODELS, EmbeddingCache, load_sentence_model, text_hash  # noqa: E402

TUNED = "minilm-reg-top2"
STATES = CACHE / "states-minilm-bottom4"
Triple = tuple[str, str, str | None]  # (query, positive, hard negative or None)


# ---------------------------------------------------------------- pairs


def obliqa_triples(
    index: ClauseIndex, questions: Sequence[Question], rng: random.Random, negatives_from: int = 10
) -> list[Triple]:
    """(question, gold node text, BM25 hard negative) for every gold passage of the questions."""
    nodes = index.vector_index.docstore.docs
    text = {nid: n.get_content(metadata_mode="embed") for nid, n in nodes.items()}
    pair_of = {nid: _pair(index, n.metadata["key"]) for nid, n in nodes.items()}
    first_node: dict[str, str] = {}
    for nid in nodes:
        first_node.setdefault(pair_of[nid], nid)
    lexical = bm25_lists(index, questions, 50, 0.6, 0.9, "lucene")
    triples = []
    for q in questions:
        wrong = [nid for nid, _ in lexical[q.qid] if pair_of[nid] not in q.gold][:negatives_from]
        for gold in sorted(q.gold):
            if gold in first_node:
                negative = text[rng.choice(wrong)] if wrong else None
                triples.append((q.text, text[first_node[gold]], negative))
    return triples


def _pair(index: ClauseIndex, key: str) -> str:
    """ObliQA gold key of a clause: 'DocumentID|PassageID' (twins '#2' fold to their passage id)."""
    clause = index.clauses[key]
    return f"{clause.prefix.removeprefix('ADGM-')}|{clause.number.split('#', 1)[0]}"


def gb_triples(mirror: Path) -> list[Triple]:
    """GB pairs without a hub model: heading path -> clause, term -> definition, SMDA-266 -> quoted clause."""
    from clausetrace.index.nodes import corpus_nodes
    from clausetrace.trace.references import document_references
    from ingest import ingest_corpus
    from ingest.sources import load_catalogue, pinned

    docs, _ = ingest_corpus(pinned(load_catalogue(REPO / "corpus" / "sources.toml")), mirror)
    latest = {}
    for node in corpus_nodes(docs, RetrieverSettings().max_node_words):
        latest.setdefault(node.metadata["anchor"], node.get_content(metadata_mode="embed"))
    triples: list[Triple] = []
    for doc in docs:
        for clause in doc.clauses:
            where = " - ".join(p for p in (*clause.title_path[-2:], clause.heading) if p)
            if where and clause.anchor in latest:
                triples.append((where, latest[clause.anchor], None))
        for definition in doc.definitions:
            if definition.anchor in latest:
                triples.append((f"What does {definition.term} mean?", latest[definition.anchor], None))
        if doc.source.family == "guidance":
            for ref in document_references(doc):
                source = ref.source_anchor.split("(", 1)[0]
                if ref.target in latest and source in latest:
                    triples.append((latest[source], latest[ref.target], None))
    return list(dict.fromkeys(triples))


# ---------------------------------------------------------------- training


def train(
    encoder: SplitEncoder,
    states: dict[str, np.ndarray],
    triples: list[Triple],
    epochs: int,
    lr: float,
    batch: int,
    scale: float,
    rng: random.Random,
    max_tokens: int,
) -> list[float]:
    """MultipleNegativesRankingLoss over the top layers; returns the mean loss of each epoch."""
    import torch

    params = [p for m in encoder.top_modules() for p in m.parameters()]
    for p in encoder.bert.parameters():
        p.requires_grad_(False)
    for p in params:
        p.requires_grad_(True)
    optimiser = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    steps = epochs * ((len(triples) + batch - 1) // batch)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda s: min(1.0, (s + 1) / (0.1 * steps + 1)))
    encoder.bert.train()
    losses = []
    for _ in range(epochs):
        order = triples[:]
        rng.shuffle(order)
        total = 0.0
        for start in range(0, len(order), batch):
            chunk = order[start : start + batch]
            loss = mnrl_loss(encoder, states, chunk, scale, max_tokens)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            total += loss.item() * len(chunk)
        losses.append(round(total / len(order), 4))
        print(f"  epoch loss {losses[-1]}", flush=True)
    encoder.bert.eval()
    return losses


def mnrl_loss(
    encoder: SplitEncoder, states: dict[str, np.ndarray], chunk: list[Triple], scale: float, max_tokens: int
):
    """Cross-entropy of each query against every positive and hard negative in the batch (texts cut
    to their first max_tokens tokens while training: a step's cost grows with the longest text)."""
    import torch

    queries = encoder.top([states[q][:max_tokens] for q, _, _ in chunk])
    docs = [p for _, p, _ in chunk] + [n for _, _, n in chunk if n is not None]
    passages = encoder.top([states[d][:max_tokens] for d in docs])
    scores = scale * queries @ passages.T
    duplicate = torch.tensor(
        [[d == p and j != i for j, d in enumerate(docs)] for i, (_, p, _) in enumerate(chunk)]
    )
    scores = scores.masked_fill(duplicate, -1e4)  # the same passage twice in a batch is no negative
    return torch.nn.functional.cross_entropy(scores, torch.arange(len(chunk)))


def save_top_layers(encoder: SplitEncoder, out: Path) -> None:
    """The tuned layers' weights as float16 safetensors, and load them back rounded (what ships)."""
    from safetensors.torch import save_file

    prefixes = tuple(f"encoder.layer.{i}." for i in range(encoder.split, len(encoder.bert.encoder.layer)))
    tensors = {
        k: v.detach().half().contiguous()
        for k, v in encoder.bert.state_dict().items()
        if k.startswith(prefixes)
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(out))
    encoder.bert.load_state_dict({k: v.float() for k, v in tensors.items()}, strict=False)


# ---------------------------------------------------------------- scoring on the dev 'check' half


def node_vectors(
    encoder: SplitEncoder, index: ClauseIndex, cache: StateCache
) -> tuple[list[str], np.ndarray]:
    """Every node of the index embedded by the encoder's current top layers, from cached states."""
    nodes = index.vector_index.docstore.docs
    ids = list(nodes)
    states = cache.get(encoder, [nodes[i].get_content(metadata_mode="embed") for i in ids])
    return ids, encoder.encode_states(states)


def cached_vectors(index: ClauseIndex) -> tuple[list[str], np.ndarray]:
    """Every node's base-model vector from the benchmark's embedding cache (the index was built from it)."""
    nodes = index.vector_index.docstore.docs
    cache = EmbeddingCache(CACHE / "embeddings")
    ids = list(nodes)
    return ids, np.stack([cache.vectors[text_hash(nodes[i].get_content(metadata_mode="embed"))] for i in ids])


def dense_rankings(
    encoder: SplitEncoder, questions: Sequence[Question], ids: list[str], vectors: np.ndarray, pool: int = 200
) -> dict[str, list[tuple[str, float]]]:
    """Top-pool nodes per question by cosine."""
    queries = encoder.encode_states(encoder.bottom([q.text for q in questions]))
    scores = queries @ vectors.T
    top = np.argsort(-scores, axis=1)[:, :pool]
    return {q.qid: [(ids[j], float(scores[n, j])) for j in top[n]] for n, q in enumerate(questions)}


def check_scores(
    dense: dict[str, list[tuple[str, float]]],
    lexical: dict[str, list[tuple[str, float]]],
    questions: Sequence[Question],
    key_of: dict[str, str],
) -> dict[str, tuple[float, float]]:
    """Dense alone and score fusion (several dense shares) on the check half: (R@10, MAP@10)."""

    def scored(rankings: dict[str, list[str]]) -> tuple[float, float]:
        run = {q: list(dict.fromkeys(key_of[n] for n in r))[:K] for q, r in rankings.items()}
        r, m = mean_scores(run, questions)
        return round(r, 4), round(m, 4)

    out = {"dense": scored({q: [n for n, _ in r] for q, r in dense.items()})}
    for alpha in (0.35, 0.5, 0.65):
        out[f"convex {alpha}"] = scored(
            {q.qid: convex(dense[q.qid], lexical[q.qid], alpha) for q in questions}
        )
    return out


def seed_index_cache(ids: list[str], vectors: np.ndarray, index: ClauseIndex, model: str) -> None:
    """Put the tuned corpus vectors in the benchmark's embedding cache under the tuned model's id."""
    nodes = index.vector_index.docstore.docs
    cache = EmbeddingCache(CACHE / "embeddings", model)
    cache.vectors.update(
        {
            text_hash(nodes[i].get_content(metadata_mode="embed"), model): v
            for i, v in zip(ids, vectors, strict=True)
        }
    )
    cache.save()


# ---------------------------------------------------------------- command


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Training options (defaults: the settings chosen on the dev 'check' half)."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--mirror", type=Path, default=REPO.parent / "shared" / "corpus" / "raw")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--lr", type=float, default=1.5e-4)
    p.add_argument("--max-tokens", type=int, default=128, help="Tokens per text while training")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--scale", type=float, default=20.0)
    p.add_argument("--gb", action=argparse.BooleanOptionalAction, default=True, help="Add the GB pairs")
    p.add_argument("--limit", type=int, default=None, help="First N 'fit' questions only")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--out", type=Path, default=TUNED_MODELS[TUNED])
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Mine pairs, train, save, score on the check half; print every phase's wall time."""
    import torch

    args = parse_args(argv)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    clock = {"start": time.perf_counter()}

    def lap(name: str) -> None:
        clock[name] = round(time.perf_counter() - clock["start"], 1)
        print(f"[{clock[name]:>7.1f} s] {name}", flush=True)

    dev = load_questions(args.data, "dev")
    fit = [q for q in dev if dev_part(q.qid) == "fit"][: args.limit]
    check = [q for q in dev if dev_part(q.qid) == "check"]
    index, corpus, _ = prepare_index(args.data, CACHE, RetrieverSettings().max_node_words)
    index = with_bm25(index, 0.6, 0.9)
    triples = obliqa_triples(index, fit, rng)
    gb = gb_triples(args.mirror) if args.gb else []
    lap(f"pairs: {len(triples)} ObliQA (fit half, {len(fit)} q) + {len(gb)} GB")
    encoder = SplitEncoder(load_sentence_model())
    cache = StateCache(STATES)
    texts = sorted({t for tr in triples + gb for t in tr if t is not None})
    states = dict(zip(texts, cache.get(encoder, texts), strict=True))
    lap(f"bottom states of {len(texts)} texts")
    key_of = {
        nid: corpus.passage_of[n.metadata["key"]].pair for nid, n in index.vector_index.docstore.docs.items()
    }
    lexical = bm25_lists(index, check, 200, 0.6, 0.9, "lucene")
    ids, base_vectors = cached_vectors(index)
    base = check_scores(dense_rankings(encoder, check, ids, base_vectors), lexical, check, key_of)
    lap(f"base model on the check half ({len(check)} q): {base}")
    losses = train(
        encoder, states, triples + gb, args.epochs, args.lr, args.batch, args.scale, rng, args.max_tokens
    )
    save_top_layers(encoder, args.out)
    lap(f"trained {args.epochs} epochs, saved {args.out.name} ({args.out.stat().st_size / 1e6:.1f} MB)")
    ids, vectors = node_vectors(encoder, index, cache)
    tuned = check_scores(dense_rankings(encoder, check, ids, vectors), lexical, check, key_of)
    lap(f"tuned model on the check half: {tuned}")
    if args.out == TUNED_MODELS[TUNED]:
        seed_index_cache(ids, vectors, index, TUNED)
    report = {
        "command": "python benchmarks/train_embedder.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "settings": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "pairs": {"obliqa_fit": len(triples), "gb": len(gb), "fit_questions": len(fit)},
        "epoch_loss": losses,
        "check_half": {"questions": len(check), "base": base, "tuned": tuned},
        "seconds": clock,
        "machine": describe(),
    }
    args.out.with_suffix(".json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    lap("done")


if __name__ == "__main__":
    main()
