"""Measure MiniLM's top two layers tuned on ObliQA dev-fit: dense and score fusion on dev-check, test once.

    python benchmarks/train_reg_layers.py [--epochs 1] [--lr 5e-5] [--test]

Pairs: every ObliQA dev-fit question -> each gold passage, with one BM25 hard negative
(``train_embedder.obliqa_triples``); dev-check and test are never trained on. The top two layers are
trained as in ``train_gb_layers.tune_layers``, the ObliQA corpus re-embedded with them, and dense and
score fusion with BM25 (dense shares 0.35 / 0.5 / 0.65) scored on dev-check beside the base model,
and on test with ``--test`` (after the setting is chosen on dev-check). Prints the wall time of
every phase and writes the figures to benchmarks/reg_layers.json; the weights go to
.cache/obliqa/reg-layers.safetensors (not shipped: ObliQA is a benchmark, and its modes keep the
question adapter; see benchmarks/OBLIQA.md).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.machine import describe  # noqa: E402
from benchmarks.obliqa import CACHE, RetrieverSettings, prepare_index, with_bm25  # noqa: E402
from benchmarks.obliqa_data import DEFAULT_DATA, load_questions  # noqa: E402
from benchmarks.obliqa_tune import bm25_lists  # noqa: E402
from benchmarks.train_embedder import cached_vectors, check_scores, dense_rankings, obliqa_triples  # noqa: E402
from benchmarks.train_gb_layers import BATCH, SEED, tune_layers, tuned_weights  # noqa: E402
from clausetrace.index.embed import load_sentence_model  # noqa: E402

RECORD = Path(__file__).resolve().parent / "reg_layers.json"


def main() -> None:
    """Train on dev-fit, re-embed the corpus, score dev-check (and test), record everything."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--lr", type=float, default=5e-5)
    p.add_argument("--test", action="store_true", help="Also score test (once the setting is chosen)")
    args = p.parse_args()
    import torch
    from safetensors.torch import save_file

    torch.set_num_threads(2)
    started = time.perf_counter()
    laps: dict[str, float] = {}

    def lap(name: str) -> None:
        laps[name] = round(time.perf_counter() - started, 1)
        print(f"[{laps[name]:>7.1f} s] {name}", flush=True)

    index, corpus, _ = prepare_index(DEFAULT_DATA, CACHE, RetrieverSettings().max_node_words)
    index = with_bm25(index, 0.6, 0.9)
    triples = obliqa_triples(index, load_questions(DEFAULT_DATA, "dev-fit"), random.Random(SEED))
    lap(f"index and {len(triples)} dev-fit pairs")
    model = tune_layers(triples, 2, args.epochs, args.lr)
    save_file(tuned_weights(model, 2), str(CACHE / "reg-layers.safetensors"))
    lap("trained")
    docs = index.vector_index.docstore.docs
    ids = list(docs)
    texts = [docs[i].get_content(metadata_mode="embed") for i in ids]
    nodes = model.encode(texts, batch_size=BATCH, normalize_embeddings=True)
    lap(f"re-embedded {len(ids)} nodes")
    key_of = {nid: corpus.passage_of[n.metadata["key"]].pair for nid, n in docs.items()}
    base_nodes, base = cached_vectors(index)[1], load_sentence_model()
    scores = {}
    for split in ("dev-check", "test") if args.test else ("dev-check",):
        questions = load_questions(DEFAULT_DATA, split)
        lexical = bm25_lists(index, questions, 200, 0.6, 0.9, "lucene")
        texts = [q.text for q in questions]
        tuned = model.encode(texts, batch_size=BATCH, normalize_embeddings=True)
        scores[split] = {
            "tuned": check_scores(dense_rankings(tuned, questions, ids, nodes), lexical, questions, key_of)
        }
        if split == "dev-check":
            plain = base.encode(texts, batch_size=BATCH, normalize_embeddings=True)
            scores[split]["base"] = check_scores(
                dense_rankings(plain, questions, ids, base_nodes), lexical, questions, key_of
            )
        lap(f"{split} ({len(questions)} q): {json.dumps(scores[split])}")
    record = {
        "settings": {"layers": 2, "epochs": args.epochs, "lr": args.lr, "batch": BATCH, "seed": SEED},
        "pairs": len(triples),
        "recall_at_10_map_at_10": scores,
        "seconds": laps,
        "machine": describe(),
        "command": "python benchmarks/train_reg_layers.py " + " ".join(sys.argv[1:]),
    }
    RECORD.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
