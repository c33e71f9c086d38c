"""`streamlit run app.py` on a free loopback port for the browser tests, stopped afterwards.

Streamlit cannot bind port 0, so a free port is picked and the start is retried on another one
when something else took it in the meantime (the race that made a CI run fail under load).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 180
ATTEMPTS = 3


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, server: subprocess.Popen, log: Path) -> bool:
    """True once /_stcore/health answers ok; False if the server exited (e.g. port taken)."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as response:
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"streamlit not healthy after {START_TIMEOUT_S}s:\n{log.read_text()[-3000:]}")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


@contextmanager
def streamlit_server(index_dir: Path, log: Path, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """The URL of a running app over index_dir (plus any extra settings); its output goes to log."""
    env = (
        os.environ
        | (extra_env or {})
        | {
            "CLAUSETRACE_INDEX_DIR": str(index_dir),
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        }
    )
    for _ in range(ATTEMPTS):
        port = free_port()
        command = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
        ]
        with log.open("w") as out:
            server = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            if wait_healthy(url, server, log):
                yield url
                return
        finally:
            stop(server)
        if "already in use" not in log.read_text():
            break
    pytest.fail(f"streamlit exited with {server.returncode}:\n{log.read_text()[-3000:]}")
