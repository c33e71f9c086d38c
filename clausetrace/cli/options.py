"""Options and output shared by every command: --json, --index, JSON emission, the loaded index."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from clausetrace.settings import Settings

Command = Callable[..., Any]


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
    click.echo(json.dumps(plain(data), indent=2, ensure_ascii=False))


def plain(data: Any) -> Any:
    if hasattr(data, "model_dump"):
        return data.model_dump(mode="json")
    if isinstance(data, list | tuple):
        return [plain(x) for x in data]
    if isinstance(data, dict):
        return {k: plain(v) for k, v in data.items()}
    return data


@functools.cache
def _loaded(index_dir: Path) -> Any:
    from clausetrace.index import load_index

    return load_index(index_dir, model=Settings().model)


def open_index(index_dir: Path | None) -> Any:
    """Load the index (once per process)."""
    return _loaded(Path(index_dir or Settings().index_dir))
