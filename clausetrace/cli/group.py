"""The `clausetrace` command group every command module registers with."""

from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="clausetrace")
def cli() -> None:
    """Cited answers and traceability for GB smart-metering obligations."""
