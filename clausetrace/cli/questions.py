"""Commands that answer questions: ask, and eval over a golden set."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from clausetrace.cli.group import cli
from clausetrace.cli.options import as_of_option, emit, index_option, json_option, open_index, plain


@cli.command()
@click.argument("question")
@click.option("--k", type=int, default=None, help="Clauses to retrieve (default 5).")
@click.option("--doc", "prefix", default=None, help="Only this document prefix (ESL, SMDA-266, ...).")
@click.option("--version", "version", default=None, help="Pin a document version.")
@click.option("--party", default=None, help="Only clauses with obligations of this party.")
@as_of_option
@index_option
@json_option
def ask(
    question: str,
    k: int | None,
    prefix: str | None,
    version: str | None,
    party: str | None,
    as_of: str | None,
    index_dir: Path | None,
    as_json: bool,
) -> None:
    """Answer a question with citations to clause text, or say the corpus does not answer it."""
    from clausetrace.answer import ask as answer_question
    from clausetrace.answer.render import answer_text

    answer = answer_question(
        question, open_index(index_dir), k=k, prefix=prefix, version=version, party=party, as_of=as_of
    )
    if as_json:
        emit(answer)
    else:
        click.echo(answer_text(answer))


@cli.command("eval")
@click.option(
    "--golden",
    type=click.Path(path_type=Path),
    default=None,
    help="Golden JSONL file (default: eval/golden/gb.jsonl).",
)
@click.option("--k", type=int, default=None, help="Clauses given to the answerer (default 5).")
@click.option(
    "--mode",
    type=click.Choice(["hybrid", "dense", "bm25"]),
    default="hybrid",
    help="Retrieval mode of the headline metrics.",
)
@click.option(
    "--compare",
    "baseline",
    type=click.Path(path_type=Path),
    default=None,
    help="Baseline report to compare with (e.g. eval/baseline.json).",
)
@click.option(
    "--report",
    "report_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Write a Markdown report with plots into this folder.",
)
@click.option(
    "--save",
    "save_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Save the full report JSON here (regenerate eval/baseline.json deliberately).",
)
@click.option(
    "--check",
    "thresholds",
    type=click.Path(path_type=Path),
    default=None,
    help="Fail (exit 1) when a metric is below the thresholds in this TOML file.",
)
@index_option
@json_option
def eval_command(
    golden: Path | None,
    k: int | None,
    mode: str,
    baseline: Path | None,
    report_dir: Path | None,
    save_path: Path | None,
    thresholds: Path | None,
    index_dir: Path | None,
    as_json: bool,
) -> None:
    """Run a golden Q&A set: retrieval, citation, party and refusal metrics, per mode."""
    from eval import harness

    golden = golden or harness.DEFAULT_GOLDEN
    report = harness.evaluate(
        open_index(index_dir),
        golden,
        k=k,
        mode=mode,  # type: ignore[arg-type]
        progress=not as_json,
    )
    comparison = harness.compare(report, harness.load_report(baseline), str(baseline)) if baseline else None
    if save_path:
        harness.save(report, save_path)
    if report_dir:
        from eval.report import write_report

        expected = {q.id: q.expected_anchors for q in harness.load_golden(golden)}
        write_report(report, report_dir, expected)
    failures = harness.check_thresholds(report.metrics, thresholds) if thresholds else []
    if as_json:
        emit({**report.model_dump(mode="json"), "comparison": plain(comparison), "failures": failures})
    else:
        _print_eval(report, comparison, failures)
    if failures:
        sys.exit(1)


def _print_eval(report: Any, comparison: Any, failures: list[str]) -> None:
    """Human summary of an eval run."""
    click.echo(f"{report.golden}: {report.metrics['n']} questions, mode {report.mode}, k={report.k}")
    for key, value in report.metrics.items():
        delta = f"  ({comparison.deltas[key]:+.3f})" if comparison and key in comparison.deltas else ""
        click.echo(
            f"  {key:>22}: {value:.3f}{delta}" if isinstance(value, float) else f"  {key:>22}: {value}"
        )
    for mode, m in report.modes.items():
        click.echo(
            f"  {mode:>8}: R@1 {m['recall_at_1']:.3f}  R@5 {m['recall_at_5']:.3f}  "
            f"R@10 {m['recall_at_10']:.3f}  MRR@10 {m['mrr_at_10']:.3f}"
        )
    if comparison:
        click.echo(f"Changes against {comparison.baseline}: {len(comparison.changes)} questions")
        for c in comparison.changes:
            flip = " refusal flip" if c.refusal[0] != c.refusal[1] else ""
            click.echo(f"  {c.id}: rank {c.hit_rank[0]} -> {c.hit_rank[1]}{flip}; +{c.gained} -{c.lost}")
    for failure in failures:
        click.echo(f"THRESHOLD FAILED: {failure}", err=True)
