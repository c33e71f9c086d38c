"""MiniLM split in two: frozen bottom layers run once and cached, top layers run (or train) on the cache.

Tuning only the top transformer layers means every text's hidden states below them never change,
so the training script and the benchmark compute them once per text (``bottom``) and replay only the
top layers (``top``) for each tuned variant: a 13,732-passage corpus re-embeds in a third of the time,
and a training step costs two layers instead of six. ``top(bottom(x))`` equals
``SentenceTransformer.encode(x)`` (mean pooling, unit length; tests check it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from transformers.masking_utils import create_bidirectional_mask

TOP_LAYERS = 2  # layers tuned; the bottom ones are frozen and cached
BATCH = 32


class SplitEncoder:
    """The bottom and top halves of a SentenceTransformer (BERT encoder + mean pooling + normalise)."""

    def __init__(self, model: Any, top_layers: int = TOP_LAYERS) -> None:
        self.model = model
        self.bert = model[0].auto_model
        self.tokenizer = model.tokenizer
        self.max_length = model.max_seq_length
        self.split = len(self.bert.encoder.layer) - top_layers

    def top_modules(self) -> list[torch.nn.Module]:
        """The tuned layers."""
        return list(self.bert.encoder.layer[self.split :])

    @torch.no_grad()
    def bottom(self, texts: Sequence[str], batch: int = BATCH) -> list[np.ndarray]:
        """Hidden states after the frozen layers, one float16 (tokens, 384) array per text."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out: list[np.ndarray] = [np.zeros(0)] * len(texts)
        for start in range(0, len(order), batch):
            chunk = order[start : start + batch]
            encoded = self.tokenizer(
                [texts[i] for i in chunk],
                padding=True,
                truncation=True,
                max_length=self.max_length,
                return_tensors="pt",
            )
            hidden = self.bert.embeddings(
                input_ids=encoded["input_ids"], token_type_ids=encoded.get("token_type_ids")
            )
            mask = encoded["attention_mask"]
            hidden = self._layers(hidden, mask, 0, self.split)
            for row, i in enumerate(chunk):
                out[i] = hidden[row, : int(mask[row].sum())].numpy().astype(np.float16)
        return out

    def top(self, states: Sequence[np.ndarray]) -> torch.Tensor:
        """Unit-length embeddings from cached bottom states through the top layers (keeps gradients)."""
        width = max(len(s) for s in states)
        hidden = torch.zeros(len(states), width, states[0].shape[1])
        mask = torch.zeros(len(states), width, dtype=torch.long)
        for row, s in enumerate(states):
            hidden[row, : len(s)] = torch.from_numpy(s.astype(np.float32))
            mask[row, : len(s)] = 1
        hidden = self._layers(hidden, mask, self.split, len(self.bert.encoder.layer))
        pooled = (hidden * mask.unsqueeze(-1)).sum(1) / mask.sum(1, keepdim=True).clamp(min=1)
        return torch.nn.functional.normalize(pooled, dim=-1)

    @torch.no_grad()
    def encode_states(self, states: Sequence[np.ndarray], batch: int = 64) -> np.ndarray:
        """float32 unit vectors (n, 384) for cached states, in order (batched by length)."""
        order = sorted(range(len(states)), key=lambda i: len(states[i]))
        out = np.zeros((len(states), self.bert.config.hidden_size), dtype=np.float32)
        for start in range(0, len(order), batch):
            chunk = order[start : start + batch]
            out[chunk] = self.top([states[i] for i in chunk]).numpy()
        return out

    def _layers(self, hidden: torch.Tensor, mask: torch.Tensor, first: int, last: int) -> torch.Tensor:
        """Run encoder layers first..last-1 over hidden states with the padding mask."""
        attention = create_bidirectional_mask(
            config=self.bert.config, inputs_embeds=hidden, attention_mask=mask
        )
        for layer in self.bert.encoder.layer[first:last]:
            hidden = layer(hidden, attention)
        return hidden


def text_key(text: str) -> str:
    """Cache key of one text's bottom states (the bottom layers are the base model's, never tuned)."""
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()[:24]


class StateCache:
    """Bottom-layer states by text hash, kept in one float16 .npy (tokens, 384) plus offsets."""

    def __init__(self, path: Any) -> None:
        self.path = path
        self.states: dict[str, np.ndarray] = {}
        if path.with_suffix(".npz").exists():
            with np.load(path.with_suffix(".npz")) as data:
                flat, offsets = data["states"], data["offsets"]
                for i, key in enumerate(data["keys"].tolist()):
                    self.states[key] = flat[offsets[i] : offsets[i + 1]]

    def get(self, encoder: SplitEncoder, texts: Sequence[str]) -> list[np.ndarray]:
        """States for texts, computing (and remembering) only the missing ones."""
        keys = [text_key(t) for t in texts]
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in self.states}
        if missing:
            self.states.update(zip(missing, encoder.bottom(list(missing.values())), strict=True))
            self.save()
        return [self.states[k] for k in keys]

    def save(self) -> None:
        """Write the cache atomically."""
        import os

        keys = list(self.states)
        lengths = np.array([len(self.states[k]) for k in keys], dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(lengths)])
        tmp = self.path.with_suffix(".tmp.npz")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(
            tmp, keys=np.array(keys), offsets=offsets, states=np.concatenate([self.states[k] for k in keys])
        )
        os.replace(tmp, self.path.with_suffix(".npz"))
