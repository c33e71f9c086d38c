"""The Streamlit app, driven by AppTest against a small real index (tests/app_fixtures.py)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

from tests.app_fixtures import app_index_dir  # noqa: F401  (session fixture)

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 180  # the first run loads the embedding model

pytestmark = pytest.mark.corpus


class RecordingStorage(MemoryMediaFileStorage):
    """AppTest's in-memory media storage, remembered so a test can read what a download serves."""

    latest: MemoryMediaFileStorage | None = None

    def __init__(self, endpoint: str) -> None:
        super().__init__(endpoint)
        RecordingStorage.latest = self


def downloaded(at: AppTest, label: str) -> bytes:
    """The bytes a download button of the last run serves."""
    button = next(b for b in at.download_button if b.proto.label == label)
    assert RecordingStorage.latest is not None
    file_id = Path(button.proto.url).name.split(".")[0]
    return RecordingStorage.latest.get_file(file_id).content


@pytest.fixture
def app(app_index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:  # noqa: F811
    """The app on the Ask page, pointed at the small real index."""
    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", RecordingStorage)
    monkeypatch.setenv("CLAUSETRACE_INDEX_DIR", str(app_index_dir))
    monkeypatch.delenv("CLAUSETRACE_EVAL_REPORT", raising=False)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def ask(at: AppTest, question: str) -> AppTest:
    at.text_area(key="question").input(question)
    at.form_submit_button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def go(at: AppTest, page: str) -> AppTest:
    at.sidebar.radio(key="page").set_value(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    """Everything markdown-ish on the page, joined (markdown, captions, alerts)."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    kinds = ("title", "header", "subheader", "error", "warning", "info", "success")
    parts += [str(getattr(e, "value", "")) for kind in kinds for e in at.get(kind)]
    return "\n".join(parts)


def no_raw_html(at: AppTest) -> None:
    assert not at.get("html"), "the app must not render raw HTML"
    assert all(not m.proto.allow_html for m in at.markdown), "unsafe_allow_html used"


def test_in_home_display_question_is_answered_with_citation_and_party(app):
    at = ask(app, "Does my supplier have to give me an in-home display?")
    answer = at.session_state.answer
    assert not answer.refused, answer.reason
    assert any(c.anchor.startswith("ESL 40.") for c in answer.citations)
    labels = [e.label for e in at.expander]
    assert any("ESL 40\\." in label for label in labels), labels
    assert "Who must act" in texts(at) and any("Supplier" in p for p in answer.parties)
    assert any(":orange-background[" in m.value for m in at.markdown), "quoted sentence highlighted"
    markdown = downloaded(at, "Download answer (Markdown)").decode()
    assert markdown.startswith("**Question:** Does my supplier") and "ESL 40." in markdown
    no_raw_html(at)


def test_impact_question_shows_who_is_impacted_apart_from_who_must_act(app):
    at = ask(app, "Who is affected if the meters we install don't meet SMETS?")
    answer = at.session_state.answer
    assert answer.impacted[:1] == ["Consumers"]
    body = texts(at)
    assert "Who is impacted: :orange-badge[Consumers]" in body and "Who decides" not in body
    no_raw_html(at)


def test_example_button_asks_it(app):
    app.pills(key="examples").set_value("What does SLC 48.1 say?").run()
    answer = app.session_state.answer
    assert not answer.refused and answer.citations[0].anchor == "ESL 48.1"
    assert app.text_area(key="question").value == "What does SLC 48.1 say?"
    assert app.pills(key="examples").value is None, "the example is not left selected"


def test_version_question_shows_a_comparison_not_a_quote(app):
    at = ask(app, "What changed in ESL 48.4 between 2022-04-14 and 2025-08-01?")
    answer = at.session_state.answer
    assert not answer.refused and any(s.kind == "summary" for s in answer.sentences)
    body = texts(at)
    assert ":material/compare_arrows:" in body and "ESL 48\\.4 @ 2022\\-04\\-14" in body
    assert "Who must act" not in body, "no party line for a version comparison"


def test_off_topic_question_is_refused_with_nearest_clauses(app):
    at = ask(app, "What is the best recipe for banana bread?")
    assert at.session_state.answer.refused
    assert at.warning and "Not answered" in at.warning[0].value
    assert "Nearest clauses" in texts(at) and at.expander


def test_empty_question_gets_a_clear_error(app):
    at = ask(app, "   ")
    assert at.error and "empty" in at.error[0].value
    assert at.session_state.answer is None


def test_markup_in_a_question_is_shown_as_text(app):
    at = ask(app, "<script>alert(1)</script> smart meter?")
    no_raw_html(at)
    shown = [m.value for m in at.markdown if "script" in m.value]
    assert shown and all("<script>" not in v for v in shown)
    assert any("\\<script\\>" in v for v in shown), shown


def test_cross_reference_opens_the_clause_browser(app):
    at = ask(app, "What does SLC 48.1 say?")
    assert "Cross-references" in texts(at)
    at.button(key="open_1_ESL 48.1@2025-08-01").click().run()
    assert at.sidebar.radio(key="page").value == "Clause browser"
    assert any(h.value == "ESL 48.1" for h in at.subheader)


def test_obligations_page_has_register_csv_and_charts(app):
    from clausetrace.register import CSV_COLUMNS

    at = go(app, "Obligations")
    frame = at.dataframe[0].value
    assert {"party", "modality", "document", "anchor", "version", "action"} <= set(frame.columns)
    assert len(frame) > 10 and "Electricity Supplier" in set(frame["party"])
    rows = list(csv.DictReader(io.StringIO(downloaded(at, "Download CSV").decode())))
    assert len(rows) == len(frame) and list(rows[0]) == list(CSV_COLUMNS)
    assert len(at.get("vega_lite_chart")) == 2, "bar charts per party and per document"


def test_obligations_filters_narrow_the_register(app):
    at = go(app, "Obligations")
    everything = len(at.dataframe[0].value)
    at.sidebar.selectbox(key="f_prefix").select("SMDA-266").run()
    frame = at.dataframe[0].value
    assert 0 < len(frame) < everything and set(frame["anchor"].str.split().str[0]) == {"SMDA-266"}


def test_clause_browser_shows_a_clause_and_rejects_an_unknown_anchor(app):
    at = go(app, "Clause browser")
    at.text_input(key="clause_query").input("ESL 39.15").run()
    assert any(h.value == "ESL 39.15" for h in at.subheader)
    body = texts(at)
    assert "Maintenance of Smart Metering Systems" in body and "2025\\-08\\-01" in body
    assert any(b.label == "Show version 2022-04-14" for b in at.button)
    at.text_input(key="clause_query").input("ESL 39.99").run()
    assert at.error and "Unknown clause" in at.error[0].value and "ESL 39\\." in at.error[0].value


def test_clause_browser_browses_documents(app):
    at = go(app, "Clause browser")
    at.selectbox(key="browse_doc").select("ESL 40 · 2025-08-01").run()
    picker = at.selectbox(key="browse_clause_esl-40-2025-08-01")
    picker.select(picker.options[0]).run()
    assert at.subheader and at.subheader[0].value.startswith("ESL 40.")


def test_trace_page_draws_a_graph(app):
    at = go(app, "Trace")
    at.text_input(key="trace_anchor").input("ESL 39.1").run()
    assert not at.exception, [e.value for e in at.exception]
    charts = at.get("graphviz_chart")
    assert charts, "no graphviz chart"
    dot = charts[0].proto.spec
    assert dot.startswith("digraph") and '"ESL 39.1"' in dot and '"ESL 39.3"' in dot
    assert 'label="exception to"' in dot, "edges are labelled by relation"
    assert "not in corpus" in dot and "dashed" in dot, "external targets drawn dashed"
    edges = at.dataframe[0].value
    assert {"from", "relation", "to", "in corpus"} <= set(edges.columns)
    assert "ESL 39.3" in set(edges["from"]) | set(edges["to"])


def test_trace_unknown_anchor_is_an_error(app):
    at = go(app, "Trace")
    at.text_input(key="trace_anchor").input("ESL 39.99").run()
    assert at.error and "Unknown clause" in at.error[0].value
    assert not at.get("graphviz_chart")


def test_versions_tab_separates_noise_from_changes(app):
    at = go(app, "Clause browser")
    at.selectbox(key="diff_doc").select("ESL 48").run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Noise only"] == "2" and metrics["Changed"] == "0"
    assert any("No substantive change to ESL 48" in s.value for s in at.success)
    noise = at.dataframe[-1].value
    assert {"clause", "old", "new"} <= set(noise.columns) and "und er" in set(noise["old"])


def test_evaluation_page_explains_how_to_make_a_report(app, tmp_path, monkeypatch):
    monkeypatch.setenv("CLAUSETRACE_EVAL_REPORT", str(tmp_path / "missing.json"))
    at = go(app, "Evaluation")
    assert "No evaluation report yet" in texts(at)
    assert any("clausetrace eval" in c.value for c in at.code)


def write_report(path: Path) -> Path:
    """A small eval report made by the real grading code: one pass, one failure."""
    from eval.harness import EvalReport, save
    from eval.metrics import GoldenQuestion, grade, summarise

    def item(qid: str, question: str, anchor: str) -> GoldenQuestion:
        return GoldenQuestion(
            id=qid,
            question=question,
            answerable=True,
            expected_anchors=[anchor],
            expected_parties=[],
            answer_contains=[],
            kind="what",
            note="test",
        )

    results = [
        grade(
            item("G1", "What does SLC 48.1 say?", "ESL 48.1"),
            retrieved=["ESL 48.1"],
            cited=["ESL 48.1"],
            parties=[],
            answer_text="...",
            refused=False,
            latency_ms=12.0,
        ),
        grade(
            item("G2", "Who maintains meters?", "ESL 39.15"),
            retrieved=["ESL 40.1"],
            cited=["ESL 40.1"],
            parties=[],
            answer_text="...",
            refused=False,
            latency_ms=15.0,
        ),
    ]
    report = EvalReport(
        golden="test.jsonl",
        mode="hybrid",
        k=5,
        index_built_at="now",
        metrics=summarise(results),
        modes={},
        questions=results,
    )
    save(report, path)
    return path


def test_evaluation_page_shows_a_report_failures_first(app, tmp_path, monkeypatch):
    monkeypatch.setenv("CLAUSETRACE_EVAL_REPORT", str(write_report(tmp_path / "latest.json")))
    at = go(app, "Evaluation")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Recall@5"] == "0.500"
    assert at.get("vega_lite_chart"), "recall@k line chart"
    table = at.dataframe[-1].value
    assert list(table["id"]) == ["G2", "G1"] and list(table["failed"]) == [True, False]


def test_footer_names_the_index(app):
    body = "\n".join(c.value for c in app.caption)
    assert "6 documents" in body and "all\\-MiniLM\\-L6\\-v2" in body and "2022\\-04\\-14" in body


def test_no_index_shows_build_instructions(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAUSETRACE_INDEX_DIR", str(tmp_path / "nothing-here"))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.error and "No usable index" in at.error[0].value
    assert any("clausetrace ingest" in c.value and "make run" in c.value for c in at.code)


# ---------------------------------------------------------------- rendering helpers (no index)

MARKUP = [
    pytest.param("<script>alert(1)</script>", id="html"),
    pytest.param("**bold** _it_ `code` [link](http://x) ![img](y)", id="markdown"),
    pytest.param(":red[directive] :smile: $x^2$ &amp; \\*", id="directives-latex-entities"),
    pytest.param("# heading\n- item\n1. item\n    code\n===", id="block-syntax"),
]


@pytest.mark.parametrize("text", MARKUP)
def test_escaped_text_has_no_live_markup(text):
    from ui import common

    escaped = common.md_escape(text)
    unescaped = re.sub(r"\\(.)", r"\1", escaped)
    assert unescaped == text, "escaping is lossless"
    assert not re.search(r"(?<!\\)[<>*_`\[\]$:&#]", escaped), escaped


def test_highlight_marks_only_the_span_and_keeps_lines():
    from ui import common

    text = "39.1 The licensee must act.\n(a) first; and\n\n(b) second <b>."
    start = text.index("The licensee")
    rendered = common.highlighted(text, [(start, start + len("The licensee must act."))])
    assert ":orange-background[The licensee must act\\.]" in rendered
    assert (
        rendered.startswith("39\\.1 ") and "  \n\\(a\\) first; and\n\n\\(b\\) second \\<b\\>\\." in rendered
    )


def test_word_diff_shows_deletions_and_insertions_escaped():
    from clausetrace.models import Clause
    from clausetrace.trace.diff import diff_versions
    from ui import browse

    def clause(version: str, text: str) -> Clause:
        return Clause("d", "ESL", version, "1.1", 0, len(text), text)

    report = diff_versions(
        [clause("a", "The licensee must report yearly.")],
        [clause("b", "The licensee must report <monthly>.")],
    )
    rendered = browse.word_diff_markdown("The licensee must report <monthly>.", report.changed[0].ops)
    assert ":red[~~yearly\\.~~]" in rendered and ":green-background[**\\<monthly\\>\\.**]" in rendered
    assert rendered.startswith("The licensee must report")


def test_dot_labels_are_quoted():
    from ui import common

    assert common.dot_quote('ESL "39"\\1\nnext') == '"ESL \\"39\\"\\\\1\\nnext"'
