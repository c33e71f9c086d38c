"""The `clausetrace` command: a thin layer over the library. Errors become one plain line."""

from __future__ import annotations

import functools
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from clausetrace.errors import ClausetraceError
from clausetrace.settings import Settings

Command = Callable[..., Any]


def main() -> None:
    """Entry point: run the CLI; a ClausetraceError is printed as one line, exit code 1."""
    try:
        cli(standalone_mode=False)
    except ClausetraceError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)


def json_option(command: Command) -> Command:
    """Add --json to a command (machine-readable output on stdout)."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(command)


def index_option(command: Command) -> Command:
    """Add --index DIR (default: settings.index_dir)."""
    return click.option(
        "--index",
        "index_dir",
        type=click.Path(path_type=Path),
        default=None,
        help="Index folder (default: ./index or CLAUSETRACE_INDEX_DIR).",
    )(command)


def emit(data: Any) -> None:
    """Print JSON (pydantic models, lists of them, or plain data)."""
    click.echo(json.dumps(_plain(data), indent=2, ensure_ascii=False))


def _plain(data: Any) -> Any:
    if hasattr(data, "model_dump"):
        return data.model_dump(mode="json")
    if isinstance(data, list | tuple):
        return [_plain(x) for x in data]
    if isinstance(data, dict):
        return {k: _plain(v) for k, v in data.items()}
    return data


@functools.cache
def _loaded(index_dir: Path) -> Any:
    from clausetrace.index import load_index

    return load_index(index_dir)


def open_index(index_dir: Path | None) -> Any:
    """Load the index (once per process)."""
    return _loaded(Path(index_dir or Settings().index_dir))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="clausetrace")
def cli() -> None:
    """Cited answers and traceability for GB smart-metering obligations."""


@cli.command()
@click.option(
    "--mirror",
    type=click.Path(path_type=Path),
    default=None,
    help="Copy from this local folder instead of the official URLs (CLAUSETRACE_MIRROR).",
)
@click.option(
    "--dest", type=click.Path(path_type=Path), default=None, help="Where documents go (default: corpus/raw)."
)
@json_option
def fetch(mirror: Path | None, dest: Path | None, as_json: bool) -> None:
    """Fetch the catalogued documents into corpus/raw, checking sha256."""
    from corpus.fetch import default_mirror, fetch_sources, summary
    from ingest.sources import load_catalogue, pinned

    settings = Settings()
    mirror = mirror or settings.mirror or default_mirror()
    results = fetch_sources(
        pinned(load_catalogue(settings.sources_file)),
        dest or settings.corpus_dir,
        mirror,
        progress=not as_json,
    )
    if as_json:
        emit(results)
    else:
        for r in results:
            if r.message:
                click.echo(f"{r.status}: {r.message}", err=r.status == "failed")
        click.echo(summary(results))
    if any(r.status == "failed" for r in results):
        sys.exit(1)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--prefix", default=None, help="Citation prefix for PATHS (ESL, SEC, SMETS, ...).")
@click.option(
    "--family",
    type=click.Choice(["licence", "sec", "spec", "guidance"]),
    default=None,
    help="Numbering grammar for PATHS.",
)
@click.option("--version", "version", default=None, help="Version label for PATHS (e.g. 2025-08-01).")
@click.option("--title", default=None, help="Title for PATHS.")
@click.option("--no-catalogue", is_flag=True, help="Index only PATHS, not corpus/raw.")
@index_option
@json_option
def ingest(
    paths: tuple[Path, ...],
    prefix: str | None,
    family: str | None,
    version: str | None,
    title: str | None,
    no_catalogue: bool,
    index_dir: Path | None,
    as_json: bool,
) -> None:
    """Parse documents into clauses and build the index (atomically)."""
    from clausetrace.index import build_index
    from ingest import ingest_corpus
    from ingest.sources import load_catalogue, pinned

    settings = Settings()
    started = time.perf_counter()
    sources = [] if no_catalogue else pinned(load_catalogue(settings.sources_file))
    overrides = {
        k: v for k, v in {"prefix": prefix, "family": family, "version": version, "title": title}.items() if v
    }
    docs, problems = ingest_corpus(sources, settings.corpus_dir, list(paths), **overrides)
    for line in problems:
        click.echo(f"skipped: {line}", err=True)
    if not docs:
        raise ClausetraceError(
            "nothing to index: fetch the corpus first (`clausetrace fetch`) "
            "or give document paths; the previous index is unchanged"
        )
    manifest = build_index(
        docs,
        index_dir or settings.index_dir,
        settings.cache_dir,
        max_node_words=settings.max_node_words,
        skipped=problems,
        progress=not as_json,
    )
    if as_json:
        emit(manifest)
        return
    c = manifest.counts
    click.echo(
        f"Indexed {c['documents']} documents: {c['clauses']} clauses, {c['nodes']} nodes, "
        f"{c['definitions']} definitions, {c.get('obligations', 0)} obligations "
        f"({c['embedded']} embedded, the rest from cache) in {time.perf_counter() - started:.1f}s "
        f"-> {index_dir or settings.index_dir}"
    )


@cli.command()
@click.argument("anchor")
@click.option("--version", "version", default=None, help="Pin a version (default: latest).")
@index_option
@json_option
def show(anchor: str, version: str | None, index_dir: Path | None, as_json: bool) -> None:
    """Print a clause: text, title path, document, version and page."""
    from clausetrace.lookup import get_clause

    view = get_clause(open_index(index_dir), anchor, version)
    if as_json:
        emit(view)
        return
    click.echo(
        click.style(view.anchor, bold=True) + f"  ({view.title}, version {view.version}, {view.pages})"
    )
    if view.title_path:
        click.echo(" › ".join(view.title_path))
    if view.other_versions:
        click.echo(f"Other versions: {', '.join(view.other_versions)}")
    click.echo("")
    click.echo(view.text)


@cli.command()
@click.argument("question")
@click.option("--k", type=int, default=None, help="Clauses to retrieve (default 5).")
@click.option("--doc", "prefix", default=None, help="Only this document prefix (ESL, SMDA-266, ...).")
@click.option("--version", "version", default=None, help="Pin a document version.")
@click.option("--party", default=None, help="Only clauses with obligations of this party.")
@index_option
@json_option
def ask(
    question: str,
    k: int | None,
    prefix: str | None,
    version: str | None,
    party: str | None,
    index_dir: Path | None,
    as_json: bool,
) -> None:
    """Answer a question with citations to clause text, or say the corpus does not answer it."""
    from clausetrace.answer import ask as answer_question
    from clausetrace.render import answer_text

    answer = answer_question(
        question, open_index(index_dir), k=k, prefix=prefix, version=version, party=party
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
        emit({**report.model_dump(mode="json"), "comparison": _plain(comparison), "failures": failures})
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


@cli.command()
@click.option("--party", default=None, help="Only this party (case-insensitive substring).")
@click.option("--doc", "prefix", default=None, help="Only this document prefix (ESL, SMDA-266, ...).")
@click.option("--version", "version", default=None, help="Only this version (default: latest of each).")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", help="Output format."
)
@index_option
@json_option
def obligations(
    party: str | None,
    prefix: str | None,
    version: str | None,
    fmt: str,
    index_dir: Path | None,
    as_json: bool,
) -> None:
    """List the obligation register: party, modality, action, conditions, clause."""
    from clausetrace.register import filter_register, to_csv, to_table_rows

    index = open_index(index_dir)
    rows = filter_register(index.obligations, party=party, prefix=prefix, version=version)
    if version is None:
        rows = [o for o in rows if index.is_latest(index.get_clause(o.anchor, o.version))]
    if as_json or fmt == "json":
        emit(rows)
    elif fmt == "csv":
        click.echo(to_csv(rows), nl=False)
    else:
        for row in to_table_rows(rows):
            click.echo(f"{row['anchor']:<14} {row['party']:<22} {row['modality']:<26} {row['action']}")
        click.echo(f"{len(rows)} obligations")


@cli.command()
@click.argument("document")
@click.option("--from", "old", required=True, help="Older version, e.g. 2022-04-14.")
@click.option("--to", "new", required=True, help="Newer version, e.g. 2025-08-01.")
@index_option
@json_option
def diff(document: str, old: str, new: str, index_dir: Path | None, as_json: bool) -> None:
    """Compare two versions of a document clause by clause (text-layer noise shown apart)."""
    from clausetrace.diff import diff_versions
    from clausetrace.lookup import clauses_of

    index = open_index(index_dir)
    report = diff_versions(clauses_of(index, document, old), clauses_of(index, document, new))
    if as_json:
        emit(report)
        return
    verdict = "substantive changes" if report.substantive else "no substantive change"
    click.echo(
        f"{report.document}: {old} -> {new}: {verdict} "
        f"({', '.join(f'{k} {v}' for k, v in report.summary.items())})"
    )
    for label, items in (("added", report.added), ("removed", report.removed)):
        for item in items:
            click.echo(f"  {label}: {item.anchor}")
    for item in report.changed:
        words = " ".join(f"[-{op.old}-]{{+{op.new}+}}" for op in item.ops)
        click.echo(f"  changed: {item.anchor}: {words}")
    for item in report.noise_only:
        click.echo(
            f"  text-layer noise only: {item.anchor}: "
            + "; ".join(f"'{n.old}' vs '{n.new}'" for n in item.noise)
        )


@cli.command()
@click.argument("anchor")
@click.option("--version", "version", default=None, help="Pin a version (default: latest).")
@index_option
@json_option
def trace(anchor: str, version: str | None, index_dir: Path | None, as_json: bool) -> None:
    """What a clause depends on (exceptions, definitions, instruments) and what refers to it."""
    from clausetrace.index import canonical_anchor

    result = open_index(index_dir).graph.trace(canonical_anchor(anchor), version)
    if as_json:
        emit(result)
        return
    click.echo(f"{result.anchor} ({result.version or 'not in corpus'})")
    for title, edges in (
        ("Depends on", result.depends_on),
        ("Refers to", result.refers_to),
        ("Referred to by", result.referred_by),
    ):
        click.echo(f"{title}:")
        for e in edges or []:
            where = "" if e.in_corpus else "  [not in corpus]"
            click.echo(f"  {e.source} -{e.relation}-> {e.target}{where}")


@cli.command()
@click.argument("anchor")
@click.option("--version", "version", default=None, help="Pin a version (default: latest).")
@index_option
@json_option
def impact(anchor: str, version: str | None, index_dir: Path | None, as_json: bool) -> None:
    """Clauses and obligations that reference or depend on a clause, transitively."""
    from clausetrace.index import canonical_anchor

    index = open_index(index_dir)
    result = index.graph.impact(canonical_anchor(anchor), version)
    if as_json:
        emit(result)
        return
    click.echo(f"A change to {result.anchor} ({result.version}) touches {len(result.items)} clauses:")
    for item in result.items:
        owed = ", ".join(
            sorted(
                {
                    o.party
                    for o in index.obligations
                    if o.anchor == item.anchor and o.version == result.version
                }
            )
        )
        click.echo(
            f"  {'  ' * (item.depth - 1)}{item.anchor} (depth {item.depth}, {item.relation})"
            + (f"  obligations of: {owed}" if owed else "")
        )
