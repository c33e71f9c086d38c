"""Reviews, the hierarchy and findings exports over the small real app index (ESL 39, 40, 48, SMDA-266)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3

import pytest
from click.testing import CliRunner

from tests.app_fixtures import app_index_dir  # noqa: F401  (session fixture)

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def index(app_index_dir):  # noqa: F811
    from clausetrace.index import load_index

    return load_index(app_index_dir)


@pytest.fixture(scope="module")
def graph(index):
    from clausetrace.trace.graph import TraceGraph

    return TraceGraph(index.documents.values(), index.references)


@pytest.fixture
def store(tmp_path):
    from clausetrace.review.store import ReviewStore

    return ReviewStore(tmp_path / "reviews.sqlite3")


def item(index, store, anchor: str, n: int = 1):
    from clausetrace.review.register import reviewed_register, select

    items, _ = reviewed_register(index, store)
    return select(items, index, anchor, item=n)


def test_hierarchy_levels_parties_quoted_duties_and_links(index, graph):
    from clausetrace.review.hierarchy import build_hierarchy

    h = build_hierarchy(index, graph)
    assert [lv.title for lv in h.levels] == ["Licences", "SEC main body", "Technical specifications", "GBCS"]
    licences = h.levels[0]
    assert [i.prefix for i in licences.instruments] == ["ESL", "GSL", "DCCL"]
    assert licences.instruments[0].in_corpus and not licences.instruments[1].in_corpus
    parties = {p.party: p for p in licences.parties}
    assert "ESL 48.1" in parties["Electricity Supplier"].primary
    assert "GSL 42.1 (quoted in SMDA-266 2.3)" in parties["Gas Supplier"].secondary
    assert "DCCL 22.2 (quoted in SMDA-266 2.4)" in parties["DCC"].secondary
    assert any(c.startswith("Consumers:") for c in licences.impacted)
    assert licences.delivers and all("<p>" not in c for c in licences.delivers + licences.impacted)
    links = {(k.source, k.target) for k in h.links}
    assert {("ESL 48.1", "SEC"), ("ESL 39.15", "SMETS"), ("SEC F4.3", "GBCS")} <= links
    sec = h.levels[1]
    assert "SMDA-266 2.5" in sec.instruments[0].quoted_in


def test_hierarchy_party_filter(index, graph):
    from clausetrace.review.hierarchy import build_hierarchy

    h = build_hierarchy(index, graph, party="DCC")
    assert {p.party for lv in h.levels for p in lv.parties} == {"DCC"}


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        (
            "<p>DCC LICENCE</p> <p>DCC re SEC</p> <p>Ofgem: enforcement</p>",
            [(("DCCL",), ["DCC re SEC"], ["Ofgem: enforcement"])],
        ),
        ("GBCS (SEC Schedule 8)\tmakers\tDCC: incidents", [(("GBCS",), ["makers"], ["DCC: incidents"])]),
        ("GBCS (SEC Schedule 8) | makers | DCC: incidents", [(("GBCS",), ["makers"], ["DCC: incidents"])]),
        ("Obligations are relevant to Non-Compliance Impacts", []),
    ],
    ids=["p-cells", "tab-cells", "ingested-cells", "heading"],
)
def test_impact_table_reads_p_markup_or_tabs(text, rows):
    from clausetrace.register.impact_table import impact_table

    assert impact_table(text) == rows


def test_review_survives_reingest_and_flags_changed_text(index, store, app_index_dir, tmp_path):  # noqa: F811
    from clausetrace.index import load_index
    from clausetrace.review.register import reviewed_register

    chosen = item(index, store, "ESL 48.1")
    store.record(chosen.target(), "accepted", "Ada", expected_revision=0)
    copy = tmp_path / "index"
    shutil.copytree(app_index_dir, copy)  # a rebuilt index with the same text
    again = item(load_index(copy), store, "ESL 48.1")
    assert again.status == "accepted" and not again.text_changed
    # the clause text changes under the review
    fake = chosen.target() | {"clause_sha256": "0" * 64}
    store.record(fake, "accepted", "Ada")  # as if reviewed against other text
    items, orphans = reviewed_register(index, store)
    flagged = next(
        i for i in items if i.identity == chosen.identity and i.obligation.key == chosen.obligation.key
    )
    assert flagged.text_changed and not orphans


def test_review_of_a_clause_no_longer_indexed_is_kept_as_orphaned(index, store):
    from clausetrace.review.register import export_rows, reviewed_register

    gone = item(index, store, "ESL 48.1").target() | {
        "clause_key": "ESL 48.99@2025-08-01",
        "anchor": "ESL 48.99",
    }
    store.record(gone, "rejected", "Ada", "<script>alert(1)</script>")
    items, orphans = reviewed_register(index, store)
    assert [o.anchor for o in orphans] == ["ESL 48.99"]
    rows = export_rows(items, orphans)
    assert rows[-1]["status"] == "orphaned (rejected)" and rows[-1]["note"] == "<script>alert(1)</script>"


def test_cli_review_cycle_export_and_tampered_verify(index, app_index_dir, tmp_path):  # noqa: F811
    from clausetrace.cli import cli

    db = tmp_path / "r.sqlite3"
    run = CliRunner().invoke
    common = ["--index", str(app_index_dir), "--db", str(db)]
    ok = run(cli, ["review", "accept", "ESL 48.1", "--reviewer", "Ada", *common])
    assert ok.exit_code == 0, ok.output
    fix = run(
        cli,
        [
            "review",
            "correct",
            "ESL 40.1",
            "--item",
            "1",
            "--reviewer",
            "Bob",
            "--set-party",
            "Gas Supplier",
            "--expect-revision",
            "0",
            *common,
        ],
    )
    assert fix.exit_code == 0, fix.output
    stale = run(
        cli,
        [
            "review",
            "reject",
            "ESL 40.1",
            "--item",
            "1",
            "--reviewer",
            "Eve",
            "--note",
            "no",
            "--expect-revision",
            "0",
            *common,
        ],
    )
    assert stale.exit_code != 0 and "after you read revision 0" in str(stale.exception or stale.output)
    out = run(cli, ["review", "export", "--format", "json", *common])
    rows = json.loads(out.output)
    fixed = next(r for r in rows if r["anchor"] == "ESL 40.1" and r["item"] == 1)
    assert (fixed["party"], fixed["status"], fixed["reviewer"]) == ("Gas Supplier", "corrected", "Bob")
    csv_rows = list(csv.DictReader(io.StringIO(run(cli, ["review", "export", *common]).output)))
    assert {"status", "reviewer", "text_changed"} <= set(csv_rows[0])
    assert run(cli, ["review", "verify", *common]).exit_code == 0
    con = sqlite3.connect(db)
    con.execute("UPDATE audit SET reviewer='Mallory' WHERE seq=1")
    con.commit()
    con.close()
    bad = run(cli, ["review", "verify", *common])
    assert bad.exit_code != 0 and "audit row 1: content does not match its hash" in bad.output


def test_findings_docx_notes_resolve_to_stored_clause_text(index, tmp_path):
    from docx import Document

    from clausetrace.review.findings import clause_finding, to_docx, to_markdown

    findings = [clause_finding(index, "ESL 48.1"), clause_finding(index, "SMDA-266 2.3")]
    path = tmp_path / "findings.docx"
    path.write_bytes(to_docx(findings))
    doc = Document(str(path))
    paragraphs = [p for p in doc.paragraphs]
    quotes = [p for p in paragraphs if p.style.name == "Quote"]
    notes = [p.text for p in paragraphs if p.text[:1].isdigit() and ". " in p.text[:4]]
    assert len(quotes) == len(notes) == 2
    for quote, note in zip(quotes, notes, strict=True):
        number = quote.runs[-1].text
        assert quote.runs[-1].font.superscript and note.startswith(f"{number}. ")
        anchor = note.split(". ", 1)[1].split(" · ")[0]
        version = note.split("version ", 1)[1].split(" · ")[0]
        stored = index.get_clause(anchor, version).text
        assert quote.runs[0].text == stored
    assert "secondary citation" in notes[1] and "secondary" not in notes[0]
    assert "ofgem.gov.uk" in notes[0]
    md = to_markdown(findings)
    assert "[^1]:" in md and "[^2]:" in md


def test_traceability_matrix_csv_and_xlsx(index, store):
    from openpyxl import load_workbook

    from clausetrace.review.findings import matrix_csv, matrix_rows, matrix_xlsx
    from clausetrace.review.register import reviewed_register

    store.record(item(index, store, "ESL 48.1").target(), "accepted", "Ada")
    items, _ = reviewed_register(index, store)
    rows = matrix_rows(items)
    gsl = next(r for r in rows if r["clause"] == "GSL 42.1")
    assert gsl["level"] == "Licences" and gsl["quoted_in"] == "SMDA-266 2.3" and gsl["secondary"]
    esl = next(r for r in rows if r["clause"] == "ESL 48.1" and r["review_status"] == "accepted")
    assert esl["reviewer"] == "Ada" and "SMDA-266 2.2" in esl["quoted_in"]
    assert matrix_csv(rows).splitlines()[0].startswith("obligation,modality,party,clause")
    sheet = load_workbook(io.BytesIO(matrix_xlsx(rows))).active
    assert sheet.max_row == len(rows) + 1 and sheet["D1"].value == "clause"
