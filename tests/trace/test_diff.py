"""Version diffs: the real 2022 -> 2025 texts, and versions made here by editing real clauses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clausetrace.models import ParsedDocument, Source
from clausetrace.trace.diff import WordOp, classify, diff_documents, diff_versions, noise_key, word_diff
from clausetrace.trace.wording import describe_change
from ingest import ingest_corpus, parse_document


# --- noise and word diffs on hand-written strings ----------------------------------------------
@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param("and und er this paragraph", "and under this paragraph", id="und-er"),
        pytest.param("a meter install ed at premises", "a meter installed at premises", id="install-ed"),
        pytest.param("in paragrap h 49.24", "in paragraph 49.24", id="paragrap-h"),
        pytest.param("the Non -MB Consumer", "the Non-MB Consumer", id="non-mb"),
        pytest.param("of ‘advanced meter’ in", "of advanced meter in", id="quote-marks"),
        pytest.param('the " Relevant Date', "the Relevant Date", id="stray-quote"),
        pytest.param("two  spaces\nand a break", "two spaces and a break", id="whitespace"),
    ],
)
def test_text_layer_noise(old: str, new: str) -> None:
    assert classify(old, new) == "noise_only"
    ops, noise = word_diff(old, new)
    assert ops == []
    assert noise or old.split() == new.split()


def test_change_next_to_a_split_word_shows_only_the_change() -> None:
    ops, noise = word_diff("is und er contract by 6 April 2016 ,", "is under contract by 6 April 2017 ,")
    assert ops == [WordOp(op="replace", old="2016", new="2017", old_index=7, new_index=6)]
    assert [(n.old, n.new) for n in noise] == [("und er", "under")]


def test_insert_and_delete() -> None:
    ops, _ = word_diff("a b c", "a b x y c")
    assert [(o.op, o.old, o.new) for o in ops] == [("insert", "", "x y")]
    ops, _ = word_diff("a b x y c", "a b c")
    assert [(o.op, o.old, o.new) for o in ops] == [("delete", "x y", "")]


def test_classify() -> None:
    assert classify(None, "x") == "added"
    assert classify("x", None) == "removed"
    assert classify("x y", "x y") == "unchanged"
    assert classify("x y", "x z") == "changed"
    assert noise_key(" a ‘b’\n c ") == "abc"


# --- the real corpus -----------------------------------------------------------------------------
def parsed(source: Source, path: Path) -> ParsedDocument:
    return parse_document(source, path)


@pytest.fixture(scope="module")
def esl(source_by_id: dict[str, Source], corpus_dir: Path):
    def load(source_id: str) -> tuple[Source, Path, ParsedDocument]:
        source = source_by_id[source_id]
        assert source.file
        path = corpus_dir / source.file
        return source, path, parsed(source, path)

    return load


@pytest.mark.corpus
def test_esl_39_2022_to_2025_has_no_change(esl) -> None:
    _, _, old = esl("esl-39-2022-04-14")
    _, _, new = esl("esl-39-2025-08-01")
    report = diff_versions(old.clauses, new.clauses)
    numbered = [c for c in new.clauses if not c.is_subclause]
    assert (report.document, report.from_version, report.to_version) == ("ESL 39", "2022-04-14", "2025-08-01")
    assert report.substantive is False
    assert report.summary == {
        "added": 0,
        "removed": 0,
        "changed": 0,
        "unchanged": len(numbered),
        "noise_only": 0,
    }
    assert report.unchanged == [c.anchor for c in numbered]


@pytest.mark.corpus
def test_esl_48_2022_to_2025_differs_only_by_two_text_layer_splits(esl) -> None:
    _, _, old = esl("esl-48-2022-04-14")
    _, _, new = esl("esl-48-2025-08-01")
    assert "und er" not in old.text  # cleaning joined the split word; the diff compares the text layer
    report = diff_documents(old, new)
    assert report.substantive is False
    assert report.changed == [] and report.added == [] and report.removed == []
    noise = {item.anchor: [(n.old, n.new) for n in item.noise] for item in report.noise_only}
    assert noise == {"ESL 48.4": [("und er", "under")], "ESL 48.8": [("s uch", "such")]}
    assert report.summary["unchanged"] == 9
    assert json.loads(report.model_dump_json())["noise_only"][0]["anchor"] == "ESL 48.4"


def edited(source: Source, path: Path, tmp_path: Path, old: str, new: str, count: int = 1) -> ParsedDocument:
    """A later version of a real document with one hand-made edit, parsed like the real one."""
    raw = path.read_text(encoding="utf-8")
    assert raw.count(old) >= count, old
    copy = tmp_path / f"edited-{path.name}"
    copy.write_text(raw.replace(old, new, count), encoding="utf-8")
    version = source.model_copy(
        update={"id": f"{source.id}-edited", "version": "2099-01-01", "date": "2099-01-01", "file": copy.name}
    )
    return parsed(version, copy)


@pytest.mark.corpus
def test_changed_date_is_reported_with_exactly_that_word(esl, tmp_path: Path) -> None:
    source, path, base = esl("esl-39-2025-08-01")
    # the first "6 April 2016" is in 39.5(a)(i); 39.12 keeps its own
    later = edited(source, path, tmp_path, "6 April 2016", "6 April 2017")
    report = diff_versions(base.clauses, later.clauses)
    assert report.substantive and report.to_version == "2099-01-01"
    assert [c.anchor for c in report.changed] == ["ESL 39.5"]
    (change,) = report.changed
    assert [(o.op, o.old, o.new) for o in change.ops] == [("replace", "2016,", "2017,")]
    assert change.subclauses.changed == ["39.5(a)", "39.5(a)(i)"]
    assert change.subclauses.added == change.subclauses.removed == []
    assert report.summary["changed"] == 1 and report.summary["unchanged"] == 22
    assert report.added == report.removed == report.noise_only == []


@pytest.mark.corpus
def test_added_sub_paragraph_is_reported(esl, tmp_path: Path) -> None:
    source, path, base = esl("esl-39-2025-08-01")
    anchor = "(c) the Relevant Date has not yet occurred."
    later = edited(source, path, tmp_path, anchor, f"{anchor} (d) the meter is a prototype.")
    report = diff_versions(base.clauses, later.clauses)
    assert [c.anchor for c in report.changed] == ["ESL 39.11"]
    (change,) = report.changed
    assert [(o.op, o.old, o.new) for o in change.ops] == [("insert", "", "(d) the meter is a prototype.")]
    assert change.subclauses.added == ["39.11(d)"]
    assert change.subclauses.changed == change.subclauses.removed == []
    assert report.summary == {"added": 0, "removed": 0, "changed": 1, "unchanged": 22, "noise_only": 0}


@pytest.mark.corpus
def test_removed_clause_is_reported(esl, tmp_path: Path) -> None:
    source, path, base = esl("esl-39-2025-08-01")
    removed = next(c for c in base.clauses if c.number == "39.21")
    later = edited(source, path, tmp_path, f"Exception 39.21 {removed.text} ", "")
    report = diff_versions(base.clauses, later.clauses)
    assert [c.anchor for c in report.removed] == ["ESL 39.21"]
    assert report.removed[0].old_text == removed.text
    assert report.summary == {"added": 0, "removed": 1, "changed": 0, "unchanged": 22, "noise_only": 0}
    assert report.substantive


@pytest.mark.corpus
def test_added_clause_is_reported(esl, tmp_path: Path) -> None:
    source, path, base = esl("esl-48-2025-08-01")
    last = "Condition 22 of the DCC Licence."
    later = edited(source, path, tmp_path, last, f"{last} 48.12 The licensee must keep a record.")
    report = diff_versions(base.clauses, later.clauses)
    assert [(c.anchor, c.new_text) for c in report.added] == [
        ("ESL 48.12", "The licensee must keep a record.")
    ]
    assert report.summary["changed"] == 0 and report.summary["noise_only"] == 0


# --- 2019 -> 2025: the first substantive history ------------------------------------------------
@pytest.fixture(scope="module")
def history(catalogue, corpus_dir: Path) -> dict[str, ParsedDocument]:
    """ESL 39 and 48 in every version, parsed together (one vocabulary, as `ingest` does)."""
    from ingest.sources import pinned

    sources = [s for s in pinned(catalogue) if s.condition in ("39", "48")]
    docs, problems = ingest_corpus(sources, corpus_dir)
    assert not problems
    return {d.source.id: d for d in docs}


@pytest.mark.corpus
def test_esl_39_2019_to_2025_is_substantive_and_said_in_words(history) -> None:
    report = diff_documents(history["esl-39-2019-08-03"], history["esl-39-2025-08-01"])
    assert report.substantive
    changed = {item.anchor: item for item in report.changed}
    assert {"ESL 39.1", "ESL 39.15"} <= set(changed) and [a.anchor for a in report.added] == ["ESL 39.23"]
    assert changed["ESL 39.1"].summary == (
        "39.1: 'Smart Metering System' became 'Relevant Smart Metering System'; "
        "the deadline '31 December 2020' was replaced by the ARS Specified Date"
    )
    said = changed["ESL 39.15"].summary
    assert (
        "'in the Metering Equipment Section of a Version of the SME Technical Specification' became" in said
    )
    assert (
        "sub-paragraphs (g) and (h) were added: (g) 'where there is provided at the relevant premises a SAPC"
        in said
    )
    assert changed["ESL 39.15"].subclauses.added == ["39.15(g)", "39.15(h)"]
    assert report.added[0].summary.startswith("39.23 was added ('For the purposes of this condition:")
    assert json.loads(report.model_dump_json())["changed"][0]["summary"].startswith("39.1: ")


@pytest.mark.corpus
def test_split_joined_in_one_version_is_still_noise(history) -> None:
    report = diff_documents(history["esl-48-2019-08-03"], history["esl-48-2025-08-01"])
    noise = {item.anchor: [(n.old, n.new) for n in item.noise] for item in report.noise_only}
    assert noise == {"ESL 48.5": [("Dome stic", "Domestic")]}
    assert [item.anchor for item in report.changed] == ["ESL 48.9", "ESL 48.11"]
    said = report.changed[0].summary
    assert said.startswith("48.9: sub-paragraph (b)(iii) was added: 'on or after the date which falls")
    assert said.endswith("Current Transformer Electricity Meter or an Advanced Meter.'")


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        pytest.param(
            "due on or before 31 December 2020 at",
            "due on or before ARS Specified Date at",
            "the deadline '31 December 2020' was replaced by the ARS Specified Date",
            id="deadline",
        ),
        pytest.param(
            "a Smart Meter is",
            "a Relevant Smart Meter is",
            "'Smart Meter' became 'Relevant Smart Meter'",
            id="word-before-a-term",
        ),
        pytest.param("keep it safe.", "keep it safe and secure.", "'and secure' was added", id="insert"),
        pytest.param("the rule applies. here", "the rule applies; here", "", id="punctuation-only"),
    ],
)
def test_changes_said_in_words(old: str, new: str, said: str) -> None:
    ops, _ = word_diff(old, new)
    assert describe_change(old.split(), new.split(), [op.span() for op in ops], {}) == said
