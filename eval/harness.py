"""Run a golden set through the retriever and answerer; compare with a baseline; gate on thresholds."""

from __future__ import annotations

import json
import time
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from tqdm import tqdm

from clausetrace.answer import compose, dated
from clausetrace.errors import ClausetraceError
from clausetrace.index import ClauseIndex
from clausetrace.query import parse_query
from clausetrace.retrieve import HybridRetriever, Mode, make_retriever
from clausetrace.settings import Settings
from eval.metrics import GoldenQuestion, QuestionResult, grade, summarise

EVAL_DIR = Path(__file__).resolve().parent
DEFAULT_GOLDEN = EVAL_DIR / "golden" / "gb.jsonl"
DEFAULT_THRESHOLDS = EVAL_DIR / "thresholds.toml"
MODES: tuple[Mode, ...] = ("bm25", "dense", "hybrid")
RETRIEVE_K = 10


class EvalReport(BaseModel):
    """`clausetrace eval --json`: headline metrics, per-mode retrieval, per-question results."""

    model_config = ConfigDict(extra="forbid")

    golden: str = Field(description="Golden set file")
    mode: str = Field(description="Retrieval mode of the headline metrics")
    k: int = Field(description="Clauses given to the answerer")
    index_built_at: str
    metrics: dict[str, float | int]
    modes: dict[str, dict[str, float | int]] = Field(
        default_factory=dict, description="Retrieval-only metrics per mode (bm25, dense, hybrid)"
    )
    questions: list[QuestionResult]


def load_golden(path: Path) -> list[GoldenQuestion]:
    """Read a golden JSONL file; a bad line is reported with its number."""
    items = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ClausetraceError(f"cannot read golden set {path}: {exc.strerror}") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            items.append(GoldenQuestion.model_validate_json(line))
        except ValidationError as exc:
            problem = exc.errors()[0]
            where = ".".join(map(str, problem["loc"]))
            raise ClausetraceError(f"{path}:{number}: {where}: {problem['msg']}") from None
    if not items:
        raise ClausetraceError(f"{path}: no questions")
    return items


def run_question(
    item: GoldenQuestion, index: ClauseIndex, retriever: HybridRetriever, settings: Settings, k: int
) -> QuestionResult:
    """Retrieve top 10, answer from the top k, and grade the outcome."""
    started = time.perf_counter()
    query = parse_query(item.question, index, settings.max_question_chars)
    as_of, refusal = dated(query, retriever, index, item.as_of)
    hits = retriever.search(query, RETRIEVE_K, as_of=as_of) if refusal is None else []
    answer = refusal or compose(query, hits[:k], index, settings, as_of=as_of)
    latency = (time.perf_counter() - started) * 1000
    return grade(
        item,
        retrieved=[h.clause.anchor for h in hits],
        cited=[c.anchor for c in answer.citations],
        parties=answer.parties,
        answer_text=answer.text,
        refused=answer.refused,
        latency_ms=round(latency, 2),
    )


def evaluate(
    index: ClauseIndex,
    golden: Path = DEFAULT_GOLDEN,
    settings: Settings | None = None,
    *,
    k: int | None = None,
    mode: Mode = "hybrid",
    compare_modes: bool = True,
    progress: bool = True,
) -> EvalReport:
    """Run the golden set; headline metrics in `mode`, plus retrieval metrics for every mode."""
    settings = settings or Settings()
    k = k or settings.k
    items = load_golden(golden)
    modes = [m for m in MODES if m != mode] if compare_modes else []
    results: dict[str, list[QuestionResult]] = {}
    for current in [mode, *modes]:
        retriever = make_retriever(index, settings, current)
        bar = tqdm(items, desc=f"eval {current}", disable=not progress, leave=False)
        results[current] = [run_question(item, index, retriever, settings, k) for item in bar]
    return EvalReport(
        golden=str(golden),
        mode=mode,
        k=k,
        index_built_at=index.manifest.built_at,
        metrics=summarise(results[mode]),
        modes={m: _retrieval_only(summarise(r)) for m, r in results.items()},
        questions=results[mode],
    )


def _retrieval_only(metrics: dict[str, float | int]) -> dict[str, float | int]:
    keys = ("n_answerable", "recall_at_1", "recall_at_5", "recall_at_10", "mrr_at_10")
    return {key: metrics[key] for key in keys}


# ---------------------------------------------------------------- compare and gate


def load_report(path: Path) -> EvalReport:
    """A saved report (e.g. eval/baseline.json)."""
    try:
        return EvalReport.model_validate_json(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValidationError) as exc:
        raise ClausetraceError(f"cannot read eval report {path}: {str(exc).splitlines()[0]}") from None


class QuestionChange(BaseModel):
    """How one question's outcome moved against the baseline."""

    id: str
    question: str
    gained: list[str] = Field(description="Anchors now retrieved in the top 10, not before")
    lost: list[str] = Field(description="Anchors retrieved before, not now")
    hit_rank: tuple[int | None, int | None] = Field(description="(baseline, now)")
    refusal: tuple[bool, bool] = Field(description="(baseline refused, now refused)")


class Comparison(BaseModel):
    """Metric deltas and per-question changes against a baseline."""

    baseline: str
    deltas: dict[str, float]
    changes: list[QuestionChange]


def compare(report: EvalReport, baseline: EvalReport, baseline_path: str) -> Comparison:
    """Per-question changes (anchors gained/lost, refusal flips, rank moves) and metric deltas."""
    before = {q.id: q for q in baseline.questions}
    changes = []
    for now in report.questions:
        old = before.get(now.id)
        if old is None:
            continue
        gained = [a for a in now.retrieved if a not in old.retrieved]
        lost = [a for a in old.retrieved if a not in now.retrieved]
        if gained or lost or old.refused != now.refused or old.hit_rank != now.hit_rank:
            changes.append(
                QuestionChange(
                    id=now.id,
                    question=now.question,
                    gained=gained,
                    lost=lost,
                    hit_rank=(old.hit_rank, now.hit_rank),
                    refusal=(old.refused, now.refused),
                )
            )
    deltas = {
        key: round(float(value) - float(baseline.metrics[key]), 4)
        for key, value in report.metrics.items()
        if key in baseline.metrics
    }
    return Comparison(baseline=baseline_path, deltas=deltas, changes=changes)


def check_thresholds(metrics: dict[str, float | int], path: Path = DEFAULT_THRESHOLDS) -> list[str]:
    """Failures against thresholds.toml: [min] keys must be >=, [max] keys must be <=."""
    limits = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    failures = [
        f"{key} = {metrics[key]:.3f} < {low}"
        for key, low in limits.get("min", {}).items()
        if metrics[key] < low
    ]
    failures += [
        f"{key} = {metrics[key]:.3f} > {high}"
        for key, high in limits.get("max", {}).items()
        if metrics[key] > high
    ]
    return failures


def save(report: EvalReport, path: Path) -> None:
    """Write a report as JSON (e.g. to regenerate eval/baseline.json deliberately)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(report.model_dump(mode="json"), indent=1) + "\n", encoding="utf-8")
