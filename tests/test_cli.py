"""The CLI: --json output, human output, and one-line errors without tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(*args: str, index=None, env=None) -> subprocess.CompletedProcess:
    """Run `python -m clausetrace ARGS` in the repo."""
    environment = os.environ | {"HF_HUB_OFFLINE": "1"} | (env or {})
    if index is not None:
        environment["CLAUSETRACE_INDEX_DIR"] = str(index)
    return subprocess.run(
        [sys.executable, "-m", "clausetrace", *args],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_show_prints_clause_text(gb_index_dir):
    result = run("show", "ESL 39.15", index=gb_index_dir)
    assert result.returncode == 0, result.stderr
    assert "Where this paragraph applies, the licensee must take all reasonable steps" in result.stdout
    assert "2025-08-01" in result.stdout


def test_show_json_and_version_pin(gb_index_dir):
    result = run("show", "ESL 39.15", "--version", "2022-04-14", "--json", index=gb_index_dir)
    data = json.loads(result.stdout)
    assert data["anchor"] == "ESL 39.15" and data["version"] == "2022-04-14"
    assert data["other_versions"] == ["2025-08-01", "2019-08-03"]


def test_show_smda_section(gb_index_dir):
    result = run("show", "SMDA-266 2.5", "--json", index=gb_index_dir)
    data = json.loads(result.stdout)
    assert "Responsible Supplier" in data["text"] and data["version"] == "1.0"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("show", "ESL 39.99"), "Unknown clause 'ESL 39.99'"),
        (("ask", "   "), "empty"),
        (("ask", "x" * 2500), "limit is 2000"),
    ],
    ids=["unknown-anchor", "empty-question", "huge-question"],
)
def test_errors_are_one_line_without_traceback(gb_index_dir, args, message):
    result = run(*args, index=gb_index_dir)
    assert result.returncode == 1
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_index_says_how_to_build(tmp_path):
    result = run("show", "ESL 39.1", index=tmp_path / "none")
    assert result.returncode == 1 and "clausetrace ingest" in result.stderr
    assert "Traceback" not in result.stderr


def test_ask_json_is_an_answer(gb_index_dir):
    result = run("ask", "Who must be a party to the Smart Energy Code?", "--json", index=gb_index_dir)
    data = json.loads(result.stdout)
    assert data["refused"] is False and data["citations"] and data["sentences"]
    assert {"question", "reason", "parties", "cross_references", "timings"} <= set(data)


def test_ask_human_output_lists_citations(gb_index_dir):
    result = run("ask", "Does my supplier have to give me an in-home display?", index=gb_index_dir)
    assert result.returncode == 0, result.stderr
    assert "Citations:" in result.stdout and "[1] ESL 40." in result.stdout


def test_fetch_from_mirror_json(corpus_dir, tmp_path):
    result = run("fetch", "--mirror", str(corpus_dir), "--dest", str(tmp_path / "raw"), "--json")
    assert result.returncode == 0, result.stderr
    statuses = {r["status"] for r in json.loads(result.stdout)}
    assert statuses == {"fetched"}


def test_ingest_a_user_file_with_one_bad_file(corpus_dir, tmp_path):
    user = tmp_path / "mine"
    user.mkdir()
    (user / "empty.txt").write_text("")
    smda = next(corpus_dir.glob("SMDA-266*.txt"))
    (user / "guidance.txt").write_text(smda.read_text(encoding="utf-8"), encoding="utf-8")
    env = {"CLAUSETRACE_CACHE_DIR": str(tmp_path / "cache")}
    result = run(
        "ingest",
        str(user),
        "--no-catalogue",
        "--prefix",
        "SMDA-266",
        "--family",
        "guidance",
        "--version",
        "1.0",
        "--index",
        str(tmp_path / "index"),
        "--json",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "empty.txt" in result.stderr and "Traceback" not in result.stderr
    manifest = json.loads(result.stdout)
    assert manifest["counts"]["documents"] == 1 and manifest["skipped"]


def test_every_command_is_documented_in_the_readme():
    from clausetrace.cli import cli

    readme = open(os.path.join(REPO, "README.md"), encoding="utf-8").read()
    for name, command in cli.commands.items():
        assert f"clausetrace {name}" in readme, name
        assert command.help, name


def test_obligations_csv_export(gb_index_dir):
    import csv
    import io

    result = run(
        "obligations",
        "--party",
        "electricity supplier",
        "--doc",
        "ESL",
        "--format",
        "csv",
        index=gb_index_dir,
    )
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and {"anchor", "party", "modality", "action"} <= set(rows[0])
    assert any(r["anchor"] == "ESL 39.1" and r["modality"] == "take all reasonable steps" for r in rows)
    assert {r["version"] for r in rows} == {"2025-08-01"}  # latest of each clause by default


def test_diff_json_reports_noise_apart(gb_index_dir):
    result = run("diff", "ESL 48", "--from", "2022-04-14", "--to", "2025-08-01", "--json", index=gb_index_dir)
    report = json.loads(result.stdout)
    assert report["substantive"] is False
    assert {i["anchor"] for i in report["noise_only"]} == {"ESL 48.4", "ESL 48.8"}


def test_trace_and_impact_json(gb_index_dir):
    trace = json.loads(run("trace", "ESL 39.1", "--json", index=gb_index_dir).stdout)
    assert {"ESL 39.3", "ESL 39.4", "ESL 39.5", "ESL 39.6"} <= set(trace["exceptions"])
    impact = json.loads(run("impact", "ESL 39.3", "--json", index=gb_index_dir).stdout)
    assert {"ESL 39.1", "ESL 39.2"} <= {item["anchor"] for item in impact["items"]}


def test_eval_json_on_a_small_golden_file(gb_index_dir, tmp_path):
    golden = tmp_path / "g.jsonl"
    golden.write_text(
        json.dumps(
            {
                "id": "T1",
                "question": "Who must be a party to the Smart Energy Code?",
                "answerable": True,
                "expected_anchors": ["ESL 48.1"],
                "expected_parties": ["licensee"],
                "answer_contains": [],
                "kind": "who",
                "note": "test",
            }
        )
        + "\n"
    )
    result = run("eval", "--golden", str(golden), "--json", index=gb_index_dir)
    data = json.loads(result.stdout)
    assert data["metrics"]["n"] == 1 and data["metrics"]["recall_at_5"] == 1.0


# --- the SEC appendices, condition 1 and the licence's history --------------------------------


def test_show_sec_appendix_paragraph_with_its_page(gb_index_dir):
    result = run("show", "SEC-N 1.1", index=gb_index_dir)
    assert result.returncode == 0, result.stderr
    assert "SMKI Code of Connection, version 4.0, p. 3" in result.stdout
    assert "The DCC shall publish and keep up to date the web browsers" in result.stdout
    spelled = json.loads(run("show", "Appendix N paragraph 1.1", "--json", index=gb_index_dir).stdout)
    assert spelled["anchor"] == "SEC-N 1.1" and spelled["page_start"] == 3


def test_han_date_is_answered_from_condition_1(gb_index_dir):
    data = json.loads(run("ask", "What is the HAN Date?", "--json", index=gb_index_dir).stdout)
    assert not data["refused"] and data["citations"][0]["anchor"] == "ESL 1.3"
    assert data["sentences"][0]["text"].startswith("HAN Date means")


def test_diff_2019_to_2025_says_the_changes_in_words(gb_index_dir):
    result = run("diff", "ESL 39", "--from", "2019-08-03", "--to", "2025-08-01", index=gb_index_dir)
    assert result.returncode == 0, result.stderr
    assert "the deadline '31 December 2020' was replaced by the ARS Specified Date" in result.stdout
    assert "added: ESL 39.23" in result.stdout and "changed: ESL 39.15" in result.stdout
    report = json.loads(
        run(
            "diff", "ESL 39", "--from", "2019-08-03", "--to", "2025-08-01", "--json", index=gb_index_dir
        ).stdout
    )
    changed = {i["anchor"]: i["summary"] for i in report["changed"]}
    assert report["substantive"] and {"ESL 39.1", "ESL 39.15"} <= set(changed)
    assert [i["anchor"] for i in report["added"]] == ["ESL 39.23"]
    assert "sub-paragraphs (g) and (h) were added" in changed["ESL 39.15"]


def test_ask_as_of_cites_the_version_in_force(gb_index_dir):
    data = json.loads(
        run("ask", "What did SLC 39.1 require?", "--as-of", "2020-01-01", "--json", index=gb_index_dir).stdout
    )
    first = data["citations"][0]
    assert (first["anchor"], first["version"]) == ("ESL 39.1", "2019-08-03")
    assert "31 December 2020" in first["text"]
    assert data["notes"][0].startswith("Answered as of 2020-01-01")


def test_as_of_before_every_version(gb_index_dir):
    result = run("ask", "What did SLC 39.1 require?", "--as-of", "2018-01-01", index=gb_index_dir)
    assert "no version held on 2018-01-01; earliest is 2019-08-03" in result.stdout
    result = run("show", "ESL 39.1", "--as-of", "2018-01-01", index=gb_index_dir)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "no version of ESL 39.1 held on 2018-01-01; earliest is 2019-08-03" in result.stderr
    result = run("show", "ESL 39.1", "--as-of", "1 May", index=gb_index_dir)
    assert result.returncode == 1 and "YYYY-MM-DD" in result.stderr


def test_show_and_obligations_as_of(gb_index_dir):
    view = json.loads(run("show", "ESL 39.1", "--as-of", "2023-01-01", "--json", index=gb_index_dir).stdout)
    assert view["version"] == "2022-04-14"
    rows = json.loads(
        run("obligations", "--doc", "ESL", "--as-of", "2020-01-01", "--json", index=gb_index_dir).stdout
    )
    assert rows and {r["version"] for r in rows} == {"2019-08-03"}  # only 39 and 48 were held then
