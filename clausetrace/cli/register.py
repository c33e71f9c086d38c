"""Commands over the register and the trace graph: obligations, trace, impact."""

from __future__ import annotations

from pathlib import Path

import click

from clausetrace.cli.group import cli
from clausetrace.cli.options import as_of_option, emit, index_option, json_option, open_index


@cli.command()
@click.option("--party", default=None, help="Only this party (case-insensitive substring).")
@click.option("--doc", "prefix", default=None, help="Only this document prefix (ESL, SMDA-266, ...).")
@click.option("--version", "version", default=None, help="Only this version (default: latest of each).")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", help="Output format."
)
@as_of_option
@index_option
@json_option
def obligations(
    party: str | None,
    prefix: str | None,
    version: str | None,
    fmt: str,
    as_of: str | None,
    index_dir: Path | None,
    as_json: bool,
) -> None:
    """List the obligation register: party, modality, action, conditions, clause."""
    from clausetrace.register import to_csv, to_table_rows
    from clausetrace.serve.views import register_rows

    index = open_index(index_dir)
    rows = register_rows(index, party=party, prefix=prefix, version=version, as_of=as_of)
    if as_json or fmt == "json":
        emit(rows)
    elif fmt == "csv":
        from clausetrace.cli.review import review_store
        from clausetrace.review.register import with_review_columns

        click.echo(with_review_columns(to_csv(rows), index, review_store(index_dir, None), rows), nl=False)
    else:
        for row in to_table_rows(rows):
            click.echo(f"{row['anchor']:<14} {row['party']:<22} {row['modality']:<26} {row['action']}")
        click.echo(f"{len(rows)} obligations")


@cli.command()
@click.argument("anchor")
@click.option("--version", "version", default=None, help="Pin a version (default: latest).")
@index_option
@json_option
def trace(anchor: str, version: str | None, index_dir: Path | None, as_json: bool) -> None:
    """What a clause depends on (exceptions, definitions, instruments) and what refers to it."""
    from clausetrace.serve.views import clause_trace

    result = clause_trace(open_index(index_dir), anchor, version)
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
    from clausetrace.serve.views import clause_impact

    index = open_index(index_dir)
    result = clause_impact(index, anchor, version)
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
