"""Records and helpers the segmenter's stages share: clause starts, sub-paragraph items, spans, chains."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

CHAIN_WINDOW = 500  # how far back a clause number looks for the one it follows
STRONG_WEIGHT = 1.1  # a number right after a sentence end or at a block start is preferred


# ---- records ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Start:
    """A top-level clause start found in the text."""

    number: str
    start: int  # where the number begins
    body: int  # just after the number
    lead: int  # where the heading before it begins (== start when there is none)
    heading: str = ""
    part: str = ""


@dataclass(frozen=True, slots=True)
class Item:
    """A sub-paragraph found inside a clause body."""

    path: tuple[str, ...]  # ('a', 'ii')
    start: int
    end: int


# ---- generic helpers -------------------------------------------------------------------------


def best_chain(items: Sequence[T], follows: Callable[[T, T], bool], weight: Callable[[T], float]) -> list[T]:
    """Heaviest chain of items (kept in order) where each item ``follows`` the one before it.

    Predecessors are looked for among the previous ``CHAIN_WINDOW`` items only, which keeps a
    whole consolidated licence (thousands of candidates) fast.
    """
    if not items:
        return []
    score = [weight(item) for item in items]
    back: list[int | None] = [None] * len(items)
    for j, item in enumerate(items):
        for i in range(max(0, j - CHAIN_WINDOW), j):
            if score[i] + weight(item) > score[j] and follows(items[i], item):
                score[j], back[j] = score[i] + weight(item), i
    cursor: int | None = max(range(len(items)), key=lambda k: (score[k], -k))
    chain = []
    while cursor is not None:
        chain.append(items[cursor])
        cursor = back[cursor]
    return chain[::-1]


def previous_token(text: str, position: int) -> str:
    """The non-space token right before ``position`` (within 40 characters)."""
    window = text[max(0, position - 40) : position].rstrip()
    return window.split()[-1] if window.split() else ""
