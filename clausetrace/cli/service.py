"""The `serve` command: the HTTP API over the live index generation."""

from __future__ import annotations

import socket
from pathlib import Path

import click

from clausetrace.cli.group import cli
from clausetrace.cli.options import index_option
from clausetrace.settings import Settings


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=8000, show_default=True, help="Port (0: any free one).")
@click.option("--slots", type=int, default=None, help="Questions answered at once (default: one per core).")
@index_option
def serve(host: str, port: int, slots: int | None, index_dir: Path | None) -> None:
    """Serve the HTTP API (ask, clauses, obligations, trace, impact, diff, health; docs at /docs)."""
    import uvicorn

    from clausetrace.serve.api import create_app

    root = index_dir or Settings().index_dir
    app = create_app(root, slots=slots)
    index = app.state.service.index()  # load and warm now: a missing index is one line, not a 503 later
    listener = bind(host, port)
    bound = listener.getsockname()[1]
    click.echo(
        f"Serving {root} (generation {index.generation}, {len(index.documents)} documents) "
        f"on http://{host}:{bound} (API docs at /docs)",
        err=True,
    )
    server = uvicorn.Server(uvicorn.Config(app, log_level="info", access_log=False))
    server.run(sockets=[listener])


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port, bound before the server starts (so port 0 is reported)."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    listener = socket.socket(family, kind, proto)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(address)
    except OSError as exc:
        listener.close()
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    listener.listen(2048)
    return listener
