"""Smoke test in a real browser: `streamlit run app.py` driven by headless Debian Chromium.

Needs /usr/bin/chromium (CI installs it with apt; Playwright's own browser download is never
used). Screenshots and the server log are written to artifacts/ (git-ignored).
"""

from __future__ import annotations

import csv
import io
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.app_fixtures import app_index_dir  # noqa: F401  (session fixture)
from tests.streamlit_server import streamlit_server

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "artifacts"
CHROMIUM = Path(os.environ.get("CLAUSETRACE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ANSWER_TIMEOUT_MS = 240_000  # the first page run loads and warms the index (model, FAISS, BM25, graph)

pytestmark = [pytest.mark.browser, pytest.mark.corpus]


@pytest.fixture(scope="module")
def server_url(app_index_dir: Path) -> Iterator[str]:  # noqa: F811
    """A running `streamlit run app.py` on a free local port, stopped afterwards."""
    ARTIFACTS.mkdir(exist_ok=True)
    with streamlit_server(app_index_dir, ARTIFACTS / "streamlit-server.log") as url:
        yield url


@pytest.fixture
def page(tmp_path: Path) -> Iterator[object]:
    """A page of headless Debian Chromium with a fresh profile."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium) "
            "or set CLAUSETRACE_CHROMIUM; the browser test never downloads a browser"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            accept_downloads=True,
            viewport={"width": 1400, "height": 1000},
        )
        try:
            yield context.new_page()
        finally:
            context.close()


def settle(page, quiet_checks: int = 4) -> None:  # noqa: ANN001
    """Wait until the script run is over: no stale elements of the previous run for a while."""
    deadline, quiet = time.monotonic() + 60, 0
    while quiet < quiet_checks and time.monotonic() < deadline:
        page.wait_for_timeout(300)
        stale = page.evaluate("() => document.querySelectorAll('[data-stale=true]').length")
        quiet = quiet + 1 if stale == 0 else 0


def full_screenshot(page, name: str) -> Path:  # noqa: ANN001
    """Grow the viewport to the app's content height, then save a screenshot to artifacts/."""
    settle(page)
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], "
        "[data-testid=stAppViewContainer], section.main')].map(e => e.scrollHeight), 1000)"
    )
    page.set_viewport_size({"width": 1400, "height": min(int(height) + 40, 8000)})
    page.wait_for_timeout(500)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    return path


def test_ask_open_citation_and_download_register(server_url, page):
    page.goto(server_url, wait_until="domcontentloaded")
    question = page.get_by_label("Your question")
    question.wait_for(timeout=ANSWER_TIMEOUT_MS)
    question.fill("Does my supplier have to give me an in-home display?")
    page.get_by_role("button", name="Ask", exact=True).click()

    page.get_by_text("Who must act").wait_for(timeout=ANSWER_TIMEOUT_MS)
    expander = page.locator("[data-testid=stExpander]").first
    expander.wait_for()
    assert "ESL 40." in expander.inner_text()
    expander.locator("summary").click()
    page.get_by_role("link", name="Official source").first.wait_for()
    assert page.locator("[data-testid=stExpanderDetails]").first.is_visible()
    shot = full_screenshot(page, "ask.png")
    assert shot.stat().st_size > 10_000

    page.get_by_text("Obligations", exact=True).click()
    page.locator("[data-testid=stDataFrame]").first.wait_for(timeout=60_000)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    data = Path(download.value.path()).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(data)))
    assert rows[0][:5] == ["anchor", "version", "party", "modality", "action"], rows[0]
    assert len(rows) > 10
    full_screenshot(page, "obligations.png")


def test_trace_and_clause_pages_render(server_url, page):
    page.goto(f"{server_url}/?page=trace&anchor=ESL%2039.1", wait_until="domcontentloaded")
    page.locator("[data-testid=stGraphVizChart] svg").first.wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert "ESL 39.3" in page.locator("[data-testid=stGraphVizChart]").first.inner_text()
    full_screenshot(page, "trace.png")
    page.get_by_role("button", name="Read ESL 39.1").click()
    page.get_by_role("heading", name="ESL 39.1").first.wait_for()  # the clause and its versions tab
    full_screenshot(page, "clause.png")
