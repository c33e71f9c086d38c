"""Options and output shared by every command: --json, --index, JSON emission, the loaded index."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from clausetrace.serve.encode import plain
from clausetrace.settings import Settings

__all__ = ["emit", "index_option", "json_option", "open_index", "plain"]

Command = Callable[..., Any]


def json_option(command: Command) -> Command:
    """Add --json to a command (machine-readable output on stdout)."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(command)


def as_of_option(command: Command) -> Command:
    """Add --as-of DATE: use the versions in force on that date (latest on or before it)."""
    return click.option(
        "--as-of",
        "as_of",
        default=None,
        metavar="YYYY-MM-DD",
        help="Use the versions in force on this date: per document, the latest dated on or before it.",
    )(command)


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
    """Print JSON (pydantic models, lists of them, or plain data), as the API returns it."""
    click.echo(json.dumps(plain(data), indent=2, ensure_ascii=False))


@functools.cache
def _loaded(index_dir: Path) -> Any:
    from clausetrace.index import load_index

    return load_index(index_dir)


def open_index(index_dir: Path | None) -> Any:
    """Load and pin the live index generation (once per process: a command reads one generation)."""
    return _loaded(Path(index_dir or Settings().index_dir))
