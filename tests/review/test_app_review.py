"""The Hierarchy, review and Findings parts of the app, driven by AppTest on the small real index."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

from tests.app_fixtures import app_index_dir  # noqa: F401  (session fixture)
from tests.test_app import app, downloaded, go, no_raw_html, texts  # noqa: F401  (fixture and helpers)

pytestmark = pytest.mark.corpus


@pytest.fixture(autouse=True)
def review_db(tmp_path, monkeypatch):
    path = tmp_path / "reviews.sqlite3"
    monkeypatch.setenv("CLAUSETRACE_REVIEW_DB", str(path))
    return path


def test_hierarchy_page_draws_levels_links_and_opens_clauses(app):  # noqa: F811
    at = go(app, "Hierarchy")
    dot = at.get("graphviz_chart")[0].proto.spec
    for box in ("cluster_licences", "cluster_sec", "cluster_specs", "cluster_gbcs", "cluster_guidance"):
        assert box in dot
    assert '"ESL" -> "SEC"' in dot and '"SEC" -> "GBCS"' in dot
    page = texts(at)
    assert "Consumers" in page and "GSL 42.1 (quoted in SMDA-266 2.3)" in str(
        [d.value.to_dict() for d in at.dataframe]
    )
    at.button(key="h_licences_GSL").click().run()
    assert at.session_state.page == "Clause browser" and at.session_state.clause_query == "SMDA-266 2.3"


def test_trace_page_shows_the_hierarchy_when_no_clause_is_typed(app):  # noqa: F811
    at = go(app, "Trace")
    at.text_input(key="trace_anchor").set_value("").run()
    assert at.get("graphviz_chart") and "cluster_licences" in at.get("graphviz_chart")[0].proto.spec


def review(at, reviewer: str, decision: str, note: str = ""):
    at.text_input(key="reviewer_name").input(reviewer)
    at.radio(key="review_action").set_value(decision)
    at.text_area(key="review_note").input(note)
    at.button[[b.proto.label for b in at.button].index("Save review")].click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_review_an_obligation_in_the_app_and_markup_in_notes_is_text(app, review_db):  # noqa: F811
    at = go(app, "Obligations")
    at = review(at, "Ada <b>Lovelace</b>", "Reject", "<script>alert('x')</script> not a duty")
    assert "rejected" in at.dataframe[0].value["review"].iloc[0]
    assert "\\<script\\>" in texts(at)
    no_raw_html(at)
    from clausetrace.review.store import ReviewStore

    (saved,) = ReviewStore(review_db).reviews()
    assert saved.note.startswith("<script>") and saved.reviewer == "Ada <b>Lovelace</b>"


def test_a_stale_review_in_the_app_is_a_conflict(app, review_db):  # noqa: F811
    at = go(app, "Obligations")
    # someone else reviews the item this session is showing, after it was shown
    from clausetrace.index import load_index
    from clausetrace.review.register import reviewed_register
    from clausetrace.review.store import ReviewStore
    from ui.review import item_label

    loaded = load_index(Path(os.environ["CLAUSETRACE_INDEX_DIR"]))
    shown = at.selectbox(key="review_pick").value
    first = next(i for i in reviewed_register(loaded, ReviewStore(review_db))[0] if item_label(i) == shown)
    ReviewStore(review_db).record(first.target(), "accepted", "Grace")
    at = review(at, "Ada", "Accept")
    assert any("after you read revision 0" in e.value for e in at.error)
    assert [r.reviewer for r in ReviewStore(review_db).reviews()] == ["Grace"]


def test_a_corrupt_review_database_is_one_line_and_the_register_still_shows(app, review_db):  # noqa: F811
    review_db.write_bytes(b"not sqlite" * 50)
    at = go(app, "Obligations")
    assert any("unreadable" in e.value for e in at.error)
    assert at.dataframe and review_db.read_bytes() == b"not sqlite" * 50


def test_findings_pin_a_clause_and_download_word_and_matrix(app):  # noqa: F811
    at = go(app, "Findings")
    at.text_input(key="pin_anchor").input("ESL 48.1")
    at.button[[b.proto.label for b in at.button].index("Pin clause")].click().run()
    assert r"ESL 48\.1 — Party to the Code" in texts(at)
    from docx import Document
    from openpyxl import load_workbook

    doc = Document(io.BytesIO(downloaded(at, "Download Word")))
    assert any(p.style.name == "Quote" for p in doc.paragraphs)
    assert b"[^1]" in downloaded(at, "Download Markdown")
    sheet = load_workbook(io.BytesIO(downloaded(at, "Download matrix XLSX"))).active
    assert sheet["A1"].value == "obligation" and sheet.max_row > 10


def test_obligations_csv_with_reviews_carries_status_and_reviewer(app, review_db):  # noqa: F811
    at = review(go(app, "Obligations"), "Ada", "Accept")
    rows = list(csv.DictReader(io.StringIO(downloaded(at, "Reviewed register (CSV)").decode())))
    assert rows[0]["review_status"] == "accepted" and rows[0]["reviewer"] == "Ada"
    assert {r["review_status"] for r in rows[1:]} == {"unreviewed"}
