"""`clausetrace review …`: accept, correct or reject extracted obligations; export; verify the log."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from clausetrace.anchors import canonical_anchor
from clausetrace.cli.group import cli
from clausetrace.cli.options import emit, index_option, json_option, open_index
from clausetrace.errors import ClausetraceError
from clausetrace.settings import Settings

STATUSES = ("unreviewed", "accepted", "corrected", "rejected", "orphaned")


def review_store(index_dir: Path | None, db: Path | None) -> Any:
    """The review store: --db, else CLAUSETRACE_REVIEW_DB, else reviews.sqlite3 beside the index."""
    from clausetrace.review.store import ReviewStore

    settings = Settings() if index_dir is None else Settings(index_dir=index_dir)
    return ReviewStore(db or settings.review_path())


def db_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db",
        type=click.Path(path_type=Path),
        default=None,
        help="Review database (default: reviews.sqlite3 beside the index, or CLAUSETRACE_REVIEW_DB).",
    )(command)


def pick_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """ANCHOR plus --version / --item / --party / --reviewer / --note / --expect-revision."""
    for option in reversed(
        [
            click.argument("anchor"),
            click.option(
                "--version", "version", default=None, help="Version of the clause (default: latest)."
            ),
            click.option(
                "--item", type=int, default=None, help="Which obligation of the clause (see `review list`)."
            ),
            click.option("--party", default=None, help="Pick the obligation owed by this party."),
            click.option("--reviewer", required=True, help="Your name (recorded in the audit log)."),
            click.option("--note", default="", help="Why (required for a rejection); kept as plain text."),
            click.option(
                "--expect-revision",
                type=int,
                default=None,
                help="Revision you read (0: unreviewed); a newer one is a conflict, nothing saved.",
            ),
            db_option,
            index_option,
            json_option,
        ]
    ):
        command = option(command)
    return command


@cli.group()
def review() -> None:
    """Review the obligation register: list, accept, correct, reject, export, verify."""


@review.command("list")
@click.option("--party", default=None, help="Only this party (case-insensitive substring).")
@click.option("--doc", "prefix", default=None, help="Only this document prefix.")
@click.option("--status", type=click.Choice(STATUSES), default=None, help="Only items with this status.")
@db_option
@index_option
@json_option
def list_(
    party: str | None,
    prefix: str | None,
    status: str | None,
    db: Path | None,
    index_dir: Path | None,
    as_json: bool,
) -> None:
    """Obligations with their review status, and reviews whose clause is no longer indexed."""
    from clausetrace.register import filter_register
    from clausetrace.review.register import export_rows, reviewed_register

    index = open_index(index_dir)
    chosen = filter_register(index.obligations, party=party, prefix=prefix)
    items, orphans = reviewed_register(index, review_store(index_dir, db), chosen)
    rows = export_rows(items, orphans)
    if status:
        rows = [r for r in rows if str(r["status"]).startswith(status)]
    if as_json:
        emit(rows)
        return
    for r in rows:
        flag = "  [text changed since review]" if r["text_changed"] is True else ""
        who = f" by {r['reviewer']}" if r["reviewer"] else ""
        click.echo(
            f"{r['anchor']}@{r['version']} #{r['item'] or '-'}  {r['party']} {r['modality']}: "
            f"{str(r['action'])[:70]}  [{r['status']}{who}]{flag}"
        )
    done = sum(1 for r in rows if r["status"] != "unreviewed")
    click.echo(f"{len(rows)} items, {done} reviewed, {len(orphans)} orphaned reviews")


def _act(
    status: str,
    anchor: str,
    version: str | None,
    item: int | None,
    party: str | None,
    reviewer: str,
    note: str,
    expect_revision: int | None,
    db: Path | None,
    index_dir: Path | None,
    as_json: bool,
    corrections: dict[str, Any] | None = None,
) -> None:
    from clausetrace.review.register import reviewed_register, select

    index = open_index(index_dir)
    store = review_store(index_dir, db)
    items, _ = reviewed_register(index, store)
    chosen = select(items, index, canonical_anchor(anchor), version, item, party)
    saved = store.record(chosen.target(), status, reviewer, note, corrections, expect_revision)  # type: ignore[arg-type]
    if as_json:
        emit(saved)
    else:
        click.echo(
            f"{saved.anchor}@{saved.version} #{chosen.item} {status} by {saved.reviewer} "
            f"(revision {saved.revision}, audit row {saved.audit_seq})"
        )


@review.command()
@pick_options
def accept(**kwargs: Any) -> None:
    """Accept an extracted obligation as read."""
    _act("accepted", **kwargs)


@review.command()
@pick_options
@click.option("--set-party", default=None, help="Corrected party.")
@click.option("--set-modality", default=None, help="Corrected modality (must, shall, may, …).")
@click.option("--set-action", default=None, help="Corrected action.")
@click.option("--set-conditions", default=None, help="Corrected conditions, separated by ';'.")
def correct(
    set_party: str | None,
    set_modality: str | None,
    set_action: str | None,
    set_conditions: str | None,
    **kwargs: Any,
) -> None:
    """Correct the party, modality, action or conditions of an extracted obligation."""
    fixes = {"party": set_party, "modality": set_modality, "action": set_action, "conditions": set_conditions}
    _act("corrected", corrections=fixes, **kwargs)


@review.command()
@pick_options
def reject(**kwargs: Any) -> None:
    """Reject an extracted obligation (not an obligation, wrong clause …); --note is required."""
    _act("rejected", **kwargs)


@review.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", help="Output format.")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None, help="Write to a file.")
@db_option
@index_option
def export(fmt: str, output: Path | None, db: Path | None, index_dir: Path | None) -> None:
    """The register with review status, reviewer, note and corrections (orphaned reviews last)."""
    from clausetrace.review.register import export_rows, reviewed_register, rows_csv, rows_json

    items, orphans = reviewed_register(open_index(index_dir), review_store(index_dir, db))
    rows = export_rows(items, orphans)
    text = rows_csv(rows) if fmt == "csv" else rows_json(rows) + "\n"
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"{len(rows)} rows written to {output}")
    else:
        click.echo(text, nl=False)


@review.command()
@db_option
@index_option
@json_option
def verify(db: Path | None, index_dir: Path | None, as_json: bool) -> None:
    """Recompute the audit log's hash chain; exit 1 naming every edited or deleted row."""
    store = review_store(index_dir, db)
    report = store.verify()
    if as_json:
        emit(report)
    else:
        for problem in report.problems:
            click.echo(f"  {problem}")
    if not report.ok:
        raise ClausetraceError(
            f"audit log of {store.path} fails verification: {len(report.problems)} problems"
        )
    if not as_json:
        click.echo(f"audit log ok: {report.rows} rows, head {report.head[:16]}")
