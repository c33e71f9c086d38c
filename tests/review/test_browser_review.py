"""Headless Chromium: the hierarchy of the real corpus (screenshot docs/hierarchy.png), and a
review made in the browser that is kept across a re-ingest of the index."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.app_fixtures import APP_SOURCES
from tests.streamlit_server import streamlit_server
from tests.test_browser import (
    ANSWER_TIMEOUT_MS,
    ARTIFACTS,
    REPO,
    full_screenshot,
    page,  # noqa: F401  (fixture)
    settle,
)

pytestmark = [pytest.mark.browser, pytest.mark.corpus]


@contextmanager
def serve(index_dir: Path, review_db: Path) -> Iterator[str]:
    """The app over index_dir with its reviews in review_db."""
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / "streamlit-review-server.log"
    with streamlit_server(index_dir, log, {"CLAUSETRACE_REVIEW_DB": str(review_db)}) as url:
        yield url


def test_hierarchy_of_the_real_corpus_renders(gb_index_dir, page, tmp_path):  # noqa: F811
    with serve(gb_index_dir, tmp_path / "reviews.sqlite3") as url:
        page.goto(f"{url}/?page=hierarchy", wait_until="domcontentloaded")
        chart = page.locator("[data-testid=stGraphVizChart] svg").first
        chart.wait_for(timeout=ANSWER_TIMEOUT_MS)
        text = page.locator("[data-testid=stGraphVizChart]").first.inner_text()
        for box in ("Licences", "SEC main body", "Technical specifications", "GBCS", "SMDA-266"):
            assert box in text
        page.get_by_text("Who is impacted").first.wait_for()
        shot = full_screenshot(page, "hierarchy.png")
        (REPO / "docs").mkdir(exist_ok=True)
        (REPO / "docs" / "hierarchy.png").write_bytes(shot.read_bytes())
        assert shot.stat().st_size > 20_000


def test_a_review_made_in_the_browser_survives_reingest(gb_docs, page, tmp_path):  # noqa: F811
    from clausetrace.index import build_index

    docs = [d for d in gb_docs if d.source.id in APP_SOURCES]
    index_dir, db = tmp_path / "index", tmp_path / "reviews.sqlite3"
    build_index(docs, index_dir, REPO / ".cache" / "tests")
    with serve(index_dir, db) as url:
        page.goto(f"{url}/?page=obligations", wait_until="domcontentloaded")
        page.get_by_label("Reviewer").wait_for(timeout=ANSWER_TIMEOUT_MS)
        page.get_by_label("Reviewer").fill("Ada Lovelace")
        page.get_by_text("Accept", exact=True).click()
        page.get_by_role("button", name="Save review").click()
        page.get_by_text("accepted by Ada Lovelace").first.wait_for(timeout=60_000)
        build_index(docs, index_dir, REPO / ".cache" / "tests")  # re-ingest: the index is replaced whole
        page.reload(wait_until="domcontentloaded")
        page.get_by_label("Reviewer").wait_for(timeout=ANSWER_TIMEOUT_MS)
        settle(page)
        page.get_by_text("accepted by Ada Lovelace").first.wait_for(timeout=60_000)
        full_screenshot(page, "review.png")
    from clausetrace.index import load_index
    from clausetrace.review.register import reviewed_register
    from clausetrace.review.store import ReviewStore

    items, orphans = reviewed_register(load_index(index_dir), ReviewStore(db))
    kept = [i for i in items if i.review]
    assert len(kept) == 1 and kept[0].review.reviewer == "Ada Lovelace" and not kept[0].text_changed
    assert not orphans
