"""The HTTP API, over real HTTP against `clausetrace serve` in a subprocess: the same JSON as the
CLI's --json, one JSON error per bad request (never a 500 or a traceback), OpenAPI docs."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from benchmarks.service import Server, running_server

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts"
QUESTION = "Who must be a party to the Smart Energy Code?"

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def server(gb_index_dir: Path) -> Iterator[Server]:
    ARTIFACTS.mkdir(exist_ok=True)
    with running_server(gb_index_dir, ARTIFACTS / "serve-api.log") as running:
        yield running


@pytest.fixture(scope="module")
def http(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=120) as client:
        yield client


def cli_json(*args: str, index: Path) -> object:
    """The parsed `python -m clausetrace ARGS --json` output."""
    result = subprocess.run(
        [sys.executable, "-m", "clausetrace", *args, "--json", "--index", str(index)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(result.stdout)


def without_timings(answer: dict) -> dict:
    return {k: v for k, v in answer.items() if k != "timings"}


def test_ask_returns_the_same_json_as_ask_json(http, gb_index_dir):
    response = http.post("/ask", json={"question": QUESTION})
    assert response.status_code == 200, response.text
    expected = cli_json("ask", QUESTION, index=gb_index_dir)
    assert without_timings(response.json()) == without_timings(expected)
    assert response.headers["x-clausetrace-generation"] == "000001"


def test_ask_filters_are_the_cli_options(http, gb_index_dir):
    body = {"question": "What must the licensee do?", "doc": "SMDA-266", "k": 3}
    answer = http.post("/ask", json=body).json()
    expected = cli_json("ask", body["question"], "--doc", "SMDA-266", "--k", "3", index=gb_index_dir)
    assert without_timings(answer) == without_timings(expected)


@pytest.mark.parametrize(
    ("path", "args"),
    [
        ("/clauses/ESL%2039.15?version=2022-04-14", ("show", "ESL 39.15", "--version", "2022-04-14")),
        ("/obligations?party=DCC&doc=ESL", ("obligations", "--party", "DCC", "--doc", "ESL")),
        ("/trace/ESL%2039.1", ("trace", "ESL 39.1")),
        ("/impact/ESL%2039.3", ("impact", "ESL 39.3")),
        (
            "/diff?document=ESL%2048&from=2022-04-14&to=2025-08-01",
            ("diff", "ESL 48", "--from", "2022-04-14", "--to", "2025-08-01"),
        ),
    ],
    ids=["clause", "obligations", "trace", "impact", "diff"],
)
def test_every_view_returns_the_same_json_as_the_cli(http, gb_index_dir, path, args):
    response = http.get(path)
    assert response.status_code == 200, response.text
    assert response.json() == cli_json(*args, index=gb_index_dir)


def test_health_names_the_live_generation(http, gb_index_dir, source_by_id):
    health = http.get("/health").json()
    assert health["status"] == "ok" and health["generation"] == "000001"
    assert health["documents"] == len(source_by_id) and health["index"] == str(gb_index_dir)


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    [
        ("POST", "/ask", {"question": "   "}, 400, "question_rejected"),
        ("POST", "/ask", {"question": "x" * 2500}, 400, "question_rejected"),
        ("POST", "/ask", b"{not json", 400, "invalid_json"),
        ("POST", "/ask", {"question": "a" * 17_000}, 413, "too_large"),
        ("POST", "/ask", {"k": 3}, 422, "invalid_request"),
        ("POST", "/ask", {"question": "q", "k": 0}, 422, "invalid_request"),
        ("POST", "/ask", {"question": "q", "colour": "red"}, 422, "invalid_request"),
        ("POST", "/ask", [1, 2], 422, "invalid_request"),
        ("GET", "/clauses/ESL%2039.99", None, 404, "unknown_clause"),
        ("GET", "/clauses/ESL%2039.1?version=2019-01-01", None, 404, "unknown_clause"),
        ("GET", "/clauses/" + "9" * 300, None, 422, "invalid_request"),
        ("GET", "/diff?document=ESL%2048&from=2001-01-01&to=2025-08-01", None, 404, "unknown_clause"),
        ("GET", "/diff?document=ESL%2048", None, 422, "invalid_request"),
        ("GET", "/nowhere", None, 404, "not_found"),
        ("DELETE", "/ask", None, 405, "method_not_allowed"),
    ],
    ids=[
        "empty",
        "too-long",
        "bad-json",
        "huge-body",
        "no-question",
        "bad-k",
        "extra-field",
        "not-object",
        "unknown-anchor",
        "unknown-version",
        "huge-anchor",
        "unknown-diff-version",
        "diff-missing",
        "no-route",
        "wrong-method",
    ],
)
def test_a_bad_request_gets_one_clear_json_error(http, method, path, body, status, code):
    content = body if isinstance(body, bytes) else None if body is None else json.dumps(body).encode()
    headers = {"content-type": "application/json"} if content else {}
    response = http.request(method, path, content=content, headers=headers)
    assert response.status_code == status, response.text
    error = response.json()
    assert error["error"] == code and error["status"] == status
    assert error["message"] and "\n" not in error["message"] and "Traceback" not in response.text


def test_a_streamed_body_over_the_limit_is_refused(http):
    chunks = (b'{"question": "' + b"a" * 4096 for _ in range(8))
    response = http.post("/ask", content=chunks, headers={"content-type": "application/json"})
    assert response.status_code == 413 and response.json()["error"] == "too_large"


def test_openapi_docs_are_served(http):
    assert http.get("/docs").status_code == 200
    schema = http.get("/openapi.json").json()
    assert {"/ask", "/clauses/{anchor}", "/obligations", "/trace/{anchor}", "/diff", "/health"} <= set(
        schema["paths"]
    )
    assert "AskRequest" in schema["components"]["schemas"] and "Answer" in schema["components"]["schemas"]


def test_the_server_log_has_no_traceback(server, http):
    http.get("/clauses/ESL%2039.99")
    assert "Traceback" not in server.log.read_text()
