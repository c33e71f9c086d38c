"""Commands over documents: fetch, ingest, show, diff."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from clausetrace.cli.group import cli
from clausetrace.cli.options import as_of_option, emit, index_option, json_option, open_index
from clausetrace.errors import ClausetraceError
from clausetrace.settings import Settings


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
    """Parse documents into clauses and publish them as a new index generation (atomically)."""
    from clausetrace.index import build_index
    from clausetrace.index.lock import writer_lock
    from ingest import ingest_corpus
    from ingest.sources import load_catalogue, pinned

    settings = Settings()
    root = index_dir or settings.index_dir
    started = time.perf_counter()
    with writer_lock(root, _note):  # before parsing: a second ingest stops here, changing nothing
        sources = [] if no_catalogue else pinned(load_catalogue(settings.sources_file))
        overrides = {
            k: v
            for k, v in {"prefix": prefix, "family": family, "version": version, "title": title}.items()
            if v
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
            root,
            settings.cache_dir,
            max_node_words=settings.max_node_words,
            skipped=problems,
            progress=not as_json,
            keep=settings.keep_generations,
            notice=_note,
            model_name=settings.model,
        )
    if as_json:
        emit(manifest)
        return
    c = manifest.counts
    click.echo(
        f"Indexed {c['documents']} documents: {c['clauses']} clauses, {c['nodes']} nodes, "
        f"{c.get('sentences', 0)} sentences, {c['definitions']} definitions, {c.get('obligations', 0)} "
        f"obligations ({c['embedded']} vectors embedded, the rest from cache) "
        f"in {time.perf_counter() - started:.1f}s "
        f"-> {root} (generation {manifest.generation})"
    )


def _note(line: str) -> None:
    """A one-line note from the index writer, on stderr."""
    click.echo(f"note: {line}", err=True)


@cli.command()
@click.argument("anchor")
@click.option("--version", "version", default=None, help="Pin a version (default: latest).")
@as_of_option
@index_option
@json_option
def show(anchor: str, version: str | None, as_of: str | None, index_dir: Path | None, as_json: bool) -> None:
    """Print a clause: text, title path, document, version and page."""
    from clausetrace.index.lookup import get_clause

    view = get_clause(open_index(index_dir), anchor, version, as_of)
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
@click.argument("document")
@click.option("--from", "old", required=True, help="Older version, e.g. 2022-04-14.")
@click.option("--to", "new", required=True, help="Newer version, e.g. 2025-08-01.")
@index_option
@json_option
def diff(document: str, old: str, new: str, index_dir: Path | None, as_json: bool) -> None:
    """Compare two versions of a document clause by clause (text-layer noise shown apart)."""
    from clausetrace.serve.views import version_diff

    report = version_diff(open_index(index_dir), document, old, new)
    if as_json:
        emit(report)
        return
    verdict = "substantive changes" if report.substantive else "no substantive change"
    click.echo(
        f"{report.document}: {old} -> {new}: {verdict} "
        f"({', '.join(f'{k} {v}' for k, v in report.summary.items())})"
    )
    for label, items in (("added", report.added), ("removed", report.removed), ("changed", report.changed)):
        for item in items:
            click.echo(f"  {label}: {item.anchor}")
            if item.summary:
                click.echo(f"    {item.summary}")
            if item.ops:
                click.echo("    words: " + " ".join(f"[-{op.old}-]{{+{op.new}+}}" for op in item.ops))
    for item in report.noise_only:
        click.echo(
            f"  text-layer noise only: {item.anchor}: "
            + "; ".join(f"'{n.old}' vs '{n.new}'" for n in item.noise)
        )
