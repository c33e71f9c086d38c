"""The app under load: eight concurrent headless-Chromium sessions ask questions while a new index
generation is published; no page shows an error, and every session moves to the new generation
with a notice."""

from __future__ import annotations

import asyncio
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from clausetrace.index import build_index
from tests.app_fixtures import APP_SOURCES, app_index_dir  # noqa: F401  (session fixture)
from tests.streamlit_server import streamlit_server
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS

REPO = Path(__file__).resolve().parent.parent
SESSIONS = 8
TIMEOUT_MS = 300_000  # the first run loads the model under a loaded machine
QUESTIONS = (
    "Does my supplier have to give me an in-home display?",
    "What does SLC 48.1 say?",
    "Who must be a party to the Smart Energy Code?",
    "When does the duty to maintain a smart metering system apply?",
)
ERRORS = "[data-testid=stException], [data-testid=stAlertContentError]"

pytestmark = [pytest.mark.browser, pytest.mark.corpus]


async def ask(page, question: str) -> list[str]:  # noqa: ANN001
    """Ask on the Ask page, wait for the answer (or refusal); the 'index updated' notices shown."""
    await page.get_by_label("Your question").fill(question)
    await page.get_by_role("button", name="Ask", exact=True).click()
    await page.get_by_text(f"Question: {question}").wait_for(timeout=TIMEOUT_MS)
    await page.locator("[data-testid=stExpander]").first.wait_for(timeout=TIMEOUT_MS)
    return await page.get_by_text("index updated:").all_inner_texts()


async def session(
    browser, url: str, n: int, published: asyncio.Event, loaded: list[int], problems: list[str]
) -> list[str]:  # noqa: ANN001
    """One user: ask (while the ingest runs), ask again once it is published; the notices seen and
    the footer of the last answer."""
    context = await browser.new_context(viewport={"width": 1200, "height": 900})
    page = await context.new_page()
    page.on("pageerror", lambda error: problems.append(f"session {n}: {error}"))
    await page.goto(url, wait_until="domcontentloaded")
    await page.get_by_label("Your question").wait_for(timeout=TIMEOUT_MS)
    loaded.append(n)
    seen = await ask(page, QUESTIONS[n % len(QUESTIONS)])
    await published.wait()
    seen += await ask(page, QUESTIONS[(n + 1) % len(QUESTIONS)])
    if await page.locator(ERRORS).count():
        problems.append(f"session {n}: {await page.locator(ERRORS).first.inner_text()}")
    footer = page.get_by_text("Index:").filter(has_text="(generation 000002)")
    await footer.last.wait_for(timeout=TIMEOUT_MS)  # the run is over once its footer is drawn
    seen.append(await footer.last.inner_text())
    await context.close()
    return seen


async def until(condition: Callable[[], object], tasks: list[asyncio.Task]) -> None:
    """Wait for condition; a session that failed meanwhile raises its error instead of hanging."""
    while not condition():
        for task in tasks:
            if task.done():
                task.result()  # raises the session's error (a finished session is never early)
        await asyncio.sleep(0.2)


async def drive(
    url: str, publish: threading.Thread, done: threading.Event
) -> tuple[list[list[str]], list[str]]:
    from playwright.async_api import async_playwright

    problems: list[str] = []
    loaded: list[int] = []
    published = asyncio.Event()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        tasks = [asyncio.create_task(session(browser, url, 0, published, loaded, problems))]
        await until(lambda: loaded, tasks)  # the first run loads and warms the index for everyone
        tasks += [
            asyncio.create_task(session(browser, url, n, published, loaded, problems))
            for n in range(1, SESSIONS)
        ]
        await until(lambda: len(loaded) == SESSIONS, tasks)  # every session had a run on the old one
        publish.start()  # while the first questions are being asked
        await until(done.is_set, tasks)
        published.set()
        notices = await asyncio.gather(*tasks)
        await browser.close()
    return list(notices), problems


def test_eight_browser_sessions_while_a_generation_is_published(gb_docs, app_index_dir, tmp_path):  # noqa: F811
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium")
    root = tmp_path / "index"
    shutil.copytree(app_index_dir, root)
    docs = [d for d in gb_docs if d.source.id in APP_SOURCES and d.source.id != "smda-266-v1.0"]
    done = threading.Event()

    def reingest() -> None:
        try:
            build_index(docs, root, REPO / ".cache" / "tests")
        finally:
            done.set()  # the sessions go on either way; their footers show whether it published

    (REPO / "artifacts").mkdir(exist_ok=True)
    with streamlit_server(root, REPO / "artifacts" / "streamlit-load.log") as url:
        notices, problems = asyncio.run(drive(url, threading.Thread(target=reingest), done))
    assert problems == []
    assert len(notices) == SESSIONS, notices
    for seen in notices:  # told once, on the first run after the switch; then answered from it
        assert any("index updated: 5 documents" in text for text in seen[:-1]), seen
        assert "(generation 000002)" in seen[-1], seen
