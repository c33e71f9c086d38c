"""Pure metric functions for the golden-set evaluation: no I/O, no model.

Anchors are citation keys spelled ``<PREFIX> <clause>``: ``ESL 39.1``, ``ESL 39.15(a)``,
``ESL 44A.3A``, ``SMDA-266 2.5``. A key may carry a version suffix (``ESL 39.1@2025-08-01``),
which is ignored here. The prefix is compared case-insensitively; the clause label is compared
exactly once whitespace is removed, because letters in labels matter (``44A.3`` is not ``44A.3A``
and ``45.13(c)(ii)(A)`` is not ``(a)``).

Hierarchy: a label is a descendant of another when it extends it at a boundary, i.e. the next
character is ``.`` or ``(``. So ``39.15(a)`` and ``39.15(a)(i)`` descend from ``39.15``, which
descends from the condition ``39``; ``2.5`` descends from section ``2``. But ``39.15`` does not
descend from ``39.1``, ``39A.1`` does not descend from ``39``, and ``44A.3A`` does not descend
from ``44A.3``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

Kind = Literal[
    "who",
    "what",
    "when",
    "exception",
    "definition",
    "version",
    "crossref",
    "newcomer",
    "list",
    "overview",
    "impact",
    "unanswerable",
]
KINDS: tuple[str, ...] = get_args(Kind)

_SPACE = re.compile(r"\s+")
_BOUNDARY = (".", "(")
K_VALUES = (1, 5, 10)
REQUIRED_METRICS = frozenset(
    {  # the names the evaluation issue fixes; other tools read them
        "n",
        "recall_at_1",
        "recall_at_5",
        "recall_at_10",
        "mrr_at_10",
        "citation_hit_rate",
        "citation_precision",
        "party_rate",
        "answer_contains_rate",
        "refusal_accuracy",
        "false_refusal_rate",
        "latency_ms_p50",
        "latency_ms_p95",
        "answer_complete_rate",
        "party_complete_rate",
    }
)


# ---- anchors ---------------------------------------------------------------------------------


def split_anchor(anchor: str) -> tuple[str, str]:
    """Normalise an anchor to ``(PREFIX, label)``: upper-case prefix, label without whitespace."""
    text = anchor.split("@", 1)[0].strip()
    prefix, _, label = text.partition(" ")
    if not label:  # no prefix given: the whole string is the label
        prefix, label = "", prefix
    return prefix.upper(), _SPACE.sub("", label)


def _descends(label: str, ancestor: str) -> bool:
    """True when ``label`` equals ``ancestor`` or extends it at a ``.``/``(`` boundary."""
    if label == ancestor:
        return True
    return label.startswith(ancestor) and label[len(ancestor)] in _BOUNDARY


def anchor_matches(candidate: str, expected: str) -> bool:
    """True when ``candidate`` is ``expected`` or one of its sub-clauses (ESL 39.15(a) ~ ESL 39.15)."""
    c_prefix, c_label = split_anchor(candidate)
    e_prefix, e_label = split_anchor(expected)
    return bool(c_label) and c_prefix == e_prefix and _descends(c_label, e_label)


def related(candidate: str, expected: str) -> bool:
    """True when one anchor is the other, an ancestor of it or a descendant of it."""
    return anchor_matches(candidate, expected) or anchor_matches(expected, candidate)


def _matches_any(candidate: str, expected: Sequence[str]) -> bool:
    return any(anchor_matches(candidate, e) for e in expected)


# ---- retrieval -------------------------------------------------------------------------------


def first_hit_rank(retrieved: Sequence[str], expected: Sequence[str]) -> int | None:
    """1-based rank of the first retrieved anchor matching any expected anchor, else None."""
    for rank, candidate in enumerate(retrieved, start=1):
        if _matches_any(candidate, expected):
            return rank
    return None


def _check_k(k: int) -> None:
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")


def recall_at(retrieved: Sequence[str], expected: Sequence[str], k: int) -> float:
    """1.0 when an expected anchor (any alternative) is among the first k retrieved, else 0.0."""
    _check_k(k)
    rank = first_hit_rank(retrieved, expected)
    return 1.0 if rank is not None and rank <= k else 0.0


def mrr_at(retrieved: Sequence[str], expected: Sequence[str], k: int) -> float:
    """Reciprocal rank of the first hit within the first k retrieved, else 0.0."""
    _check_k(k)
    rank = first_hit_rank(retrieved, expected)
    return 1.0 / rank if rank is not None and rank <= k else 0.0


# ---- answers ---------------------------------------------------------------------------------


def citation_hit(cited: Sequence[str], expected: Sequence[str]) -> bool:
    """True when some cited anchor is an expected anchor or a sub-clause of one."""
    return any(_matches_any(c, expected) for c in cited)


def citation_precision(cited: Sequence[str], expected: Sequence[str]) -> float | None:
    """Share of distinct cited anchors related to an expected anchor; None when nothing is cited."""
    distinct = list(dict.fromkeys(split_anchor(c) for c in cited))
    if not distinct:
        return None
    keys = [f"{p} {label}" for p, label in distinct]
    good = sum(any(related(c, e) for e in expected) for c in keys)
    return good / len(keys)


def normalise_text(text: str) -> str:
    """Lower-case and collapse runs of whitespace to one space."""
    return _SPACE.sub(" ", text).strip().lower()


def contains_all(text: str, phrases: Sequence[str]) -> bool:
    """True when every phrase occurs in text (case-insensitive, whitespace-normalised)."""
    haystack = normalise_text(text)
    return all(normalise_text(p) in haystack for p in phrases)


def _names(text: str, party: str) -> bool:
    """Whole-word, case-insensitive match that tolerates a plural ('Relevant Suppliers')."""
    pattern = r"(?<!\w)" + re.escape(normalise_text(party)) + r"(?:s|es)?(?!\w)"
    return re.search(pattern, normalise_text(text)) is not None


def groups_cited(cited: Sequence[str], groups: Sequence[Sequence[str]]) -> bool:
    """True when every group of alternative anchors has one cited (or a sub-clause of one)."""
    return all(citation_hit(cited, group) for group in groups)


def groups_named(answer_text: str, parties: Sequence[str], groups: Sequence[Sequence[str]]) -> bool:
    """True when every group of alternative party names has one named in the answer."""
    return all(party_hit(answer_text, parties, group) for group in groups)


def party_hit(answer_text: str, parties: Sequence[str], expected_parties: Sequence[str]) -> bool:
    """True when any expected party is named in the answer text or its parties (True if none)."""
    if not expected_parties:
        return True
    places = [answer_text, *parties]
    return any(_names(place, party) for party in expected_parties for place in places)


# ---- aggregation -----------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation between closest ranks."""
    if not values:
        raise ValueError("percentile of an empty sequence")
    if not 0 <= q <= 100:
        raise ValueError(f"q must be within [0, 100], got {q}")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


class GoldenQuestion(BaseModel):
    """One line of a golden set (``eval/golden/*.jsonl``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(description="Stable id, e.g. 'G001'")
    question: str = Field(description="The question as a user would ask it")
    answerable: bool = Field(description="False when the corpus does not answer it")
    expected_anchors: list[str] = Field(description="Alternatives; any one (or a sub-clause) counts")
    expected_parties: list[str] = Field(description="Lower-case party names; any one must be named")
    answer_contains: list[str] = Field(description="Verbatim phrases the answer text must contain")
    kind: Kind | None = Field(default=None, description="Question type (optional; ours all have one)")
    note: str = Field(default="", description="Source clause and version the item was taken from")
    required_anchors: list[list[str]] = Field(
        default_factory=list,
        description="Groups of alternative anchors, every group needed for a complete answer "
        "(default: one group, expected_anchors)",
    )
    required_parties: list[list[str]] = Field(
        default_factory=list,
        description="Groups of alternative party names, every group needed (default: expected_parties)",
    )
    as_of: str | None = Field(default=None, description="ISO date the question is asked as of")

    @property
    def anchor_groups(self) -> list[list[str]]:
        """Groups every complete answer cites one of."""
        return self.required_anchors or ([self.expected_anchors] if self.expected_anchors else [])

    @property
    def party_groups(self) -> list[list[str]]:
        """Groups every complete answer names one of."""
        return self.required_parties or ([self.expected_parties] if self.expected_parties else [])


class Flags(BaseModel):
    """Per-question answer outcomes; None means the check does not apply to the question."""

    model_config = ConfigDict(extra="forbid")

    citation_hit: bool | None = Field(
        default=None, description="Answer cites an expected anchor (answerable only; refusal = False)"
    )
    party_hit: bool | None = Field(
        default=None, description="Answer names an expected party (when the item lists parties)"
    )
    answer_contains: bool | None = Field(
        default=None, description="Answer text holds every expected phrase (when the item lists any)"
    )
    answer_complete: bool | None = Field(
        default=None, description="Answer cites one anchor of every required group (answerable only)"
    )
    party_complete: bool | None = Field(
        default=None, description="Answer names one party of every required group (when any are listed)"
    )


class QuestionResult(BaseModel):
    """What one golden question produced, with its per-question scores."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="Golden question id")
    question: str = Field(description="Question text")
    answerable: bool = Field(description="Whether the golden set says the corpus answers it")
    refused: bool = Field(description="Whether the service refused to answer")
    retrieved: list[str] = Field(default_factory=list, description="Retrieved anchors, best first")
    cited: list[str] = Field(default_factory=list, description="Anchors cited in the answer")
    parties: list[str] = Field(default_factory=list, description="Parties the answer names")
    hit_rank: int | None = Field(
        default=None, description="1-based rank of the first expected anchor retrieved, or None"
    )
    citation_precision: float | None = Field(
        default=None, description="Share of cited anchors related to an expected one, or None"
    )
    flags: Flags = Field(default_factory=Flags, description="Per-question answer outcomes")
    latency_ms: float = Field(default=0.0, description="Wall time to answer, in milliseconds")


def grade(
    item: GoldenQuestion,
    *,
    retrieved: Sequence[str],
    cited: Sequence[str],
    parties: Sequence[str],
    answer_text: str,
    refused: bool,
    latency_ms: float,
) -> QuestionResult:
    """Score one service answer against its golden item."""
    scored = item.answerable and not refused
    flags = Flags()
    precision = None
    if item.answerable:
        flags.citation_hit = scored and citation_hit(cited, item.expected_anchors)
        if item.expected_parties:
            flags.party_hit = scored and party_hit(answer_text, parties, item.expected_parties)
        if item.answer_contains:
            flags.answer_contains = scored and contains_all(answer_text, item.answer_contains)
        flags.answer_complete = scored and groups_cited(cited, item.anchor_groups)
        if item.party_groups:
            flags.party_complete = scored and groups_named(answer_text, parties, item.party_groups)
        if scored:
            precision = citation_precision(cited, item.expected_anchors)
    return QuestionResult(
        id=item.id,
        question=item.question,
        answerable=item.answerable,
        refused=refused,
        retrieved=list(retrieved),
        cited=list(cited),
        parties=list(parties),
        hit_rank=first_hit_rank(retrieved, item.expected_anchors) if item.answerable else None,
        citation_precision=precision,
        flags=flags,
        latency_ms=latency_ms,
    )


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _rate(values: Sequence[bool | None]) -> tuple[float, int]:
    """Share of True among the applicable (non-None) values, and how many applied."""
    applicable = [v for v in values if v is not None]
    return _mean([1.0 if v else 0.0 for v in applicable]), len(applicable)


def summarise(results: Sequence[QuestionResult]) -> dict[str, float | int]:
    """Aggregate per-question results into the report's headline metrics.

    Denominators (each ``n_*`` key says how many questions a rate is over; a rate with an empty
    denominator is reported as 0.0):

    - ``n``: all questions; ``n_answerable`` / ``n_unanswerable`` split them.
    - ``recall_at_1`` / ``recall_at_5`` / ``recall_at_10``: over answerable questions, the share
      whose first expected anchor (any alternative, or a sub-clause of it) is retrieved within the
      top k. Retrieval is scored even when the answer was refused.
    - ``mrr_at_10``: over answerable questions, mean of 1/rank of that first hit (0 beyond 10).
    - ``citation_hit_rate``: over answerable questions, the share whose answer cites an expected
      anchor or a sub-clause of one; a refused answer counts as a miss.
    - ``citation_precision``: over answerable, non-refused answers that cite something
      (``n_cited``), the mean share of distinct cited anchors that are an expected anchor, an
      ancestor or a descendant of one.
    - ``party_rate``: over answerable questions with expected parties (``n_party``), the share
      whose answer text or parties name one of them; a refusal counts as a miss.
    - ``answer_contains_rate``: over answerable questions with expected phrases
      (``n_contains``), the share whose answer text holds all of them; a refusal is a miss.
    - ``answer_complete_rate``: over answerable questions, the share whose answer cites one anchor of
      every required group (``required_anchors``; by default the one group ``expected_anchors``).
    - ``party_complete_rate``: over answerable questions with parties (``n_party_complete``), the
      share naming one party of every required group (``required_parties``, else
      ``expected_parties``).
    - ``refusal_accuracy``: over unanswerable questions, the share refused.
    - ``false_refusal_rate``: over answerable questions, the share refused.
    - ``latency_ms_p50`` / ``latency_ms_p95``: percentiles of latency over all questions.
    """
    answerable = [r for r in results if r.answerable]
    unanswerable = [r for r in results if not r.answerable]
    ranks = [r.hit_rank for r in answerable]
    summary: dict[str, float | int] = {
        "n": len(results),
        "n_answerable": len(answerable),
        "n_unanswerable": len(unanswerable),
    }
    for k in K_VALUES:
        summary[f"recall_at_{k}"] = _mean([1.0 if r is not None and r <= k else 0.0 for r in ranks])
    summary["mrr_at_10"] = _mean([1.0 / r if r is not None and r <= 10 else 0.0 for r in ranks])
    summary["citation_hit_rate"] = _mean([1.0 if r.flags.citation_hit else 0.0 for r in answerable])
    precisions = [r.citation_precision for r in answerable if r.citation_precision is not None]
    summary["citation_precision"], summary["n_cited"] = _mean(precisions), len(precisions)
    summary["party_rate"], summary["n_party"] = _rate([r.flags.party_hit for r in answerable])
    summary["answer_contains_rate"], summary["n_contains"] = _rate(
        [r.flags.answer_contains for r in answerable]
    )
    summary["answer_complete_rate"] = _mean([1.0 if r.flags.answer_complete else 0.0 for r in answerable])
    summary["party_complete_rate"], summary["n_party_complete"] = _rate(
        [r.flags.party_complete for r in answerable]
    )
    summary["refusal_accuracy"] = _mean([1.0 if r.refused else 0.0 for r in unanswerable])
    summary["false_refusal_rate"] = _mean([1.0 if r.refused else 0.0 for r in answerable])
    latencies = [r.latency_ms for r in results]
    summary["latency_ms_p50"] = percentile(latencies, 50) if latencies else 0.0
    summary["latency_ms_p95"] = percentile(latencies, 95) if latencies else 0.0
    return summary
