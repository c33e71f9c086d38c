"""The `clausetrace` command: a thin layer over the library. Errors become one plain line.

Commands live in modules by what they work on (documents, questions, register and trace); each
registers itself with the group in :mod:`clausetrace.cli.group`.
"""

from __future__ import annotations

import sys

import click

from clausetrace.cli import documents, questions, register, review, service  # noqa: F401  (registers commands)
from clausetrace.cli.group import cli
from clausetrace.errors import ClausetraceError

__all__ = ["cli", "main"]


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
