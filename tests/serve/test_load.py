"""The API under load: 16 concurrent clients ask golden questions while `clausetrace ingest`
publishes a new generation; no request fails and the server moves to the new generation."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from benchmarks.service import Load, ask_load, golden_questions, running_server

REPO = Path(__file__).resolve().parents[2]
CLIENTS = 16

pytestmark = pytest.mark.corpus


def test_sixteen_clients_while_an_ingest_runs(gb_index_dir, corpus_dir, source_by_id, tmp_path):
    root = tmp_path / "index"
    shutil.copytree(gb_index_dir, root)
    (REPO / "artifacts").mkdir(exist_ok=True)
    env = os.environ | {
        "PYTHONPATH": str(REPO),
        "CLAUSETRACE_CORPUS_DIR": str(corpus_dir),
        "CLAUSETRACE_CACHE_DIR": str(REPO / ".cache" / "tests"),
    }
    with running_server(root, REPO / "artifacts" / "serve-load.log") as server:
        stop, load = threading.Event(), Load()
        options = {"stop": stop, "load": load}
        clients = threading.Thread(
            target=ask_load, args=(server.url, golden_questions(), CLIENTS, 600), kwargs=options
        )
        clients.start()
        try:
            ingest = subprocess.run(
                [sys.executable, "-m", "clausetrace", "ingest", "--index", str(root), "--json"],
                cwd=REPO,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert ingest.returncode == 0, ingest.stderr
            deadline = time.monotonic() + 300
            while "000002" not in load.generations and time.monotonic() < deadline:
                time.sleep(0.2)  # until an answer comes from the new generation
        finally:
            stop.set()
            clients.join()
        assert load.failures == [], load.failures[:5]
        assert load.requests >= CLIENTS and load.generations == {"000001", "000002"}
        assert f"index updated: {len(source_by_id)} documents" in server.log.read_text()
        assert "Traceback" not in server.log.read_text()
