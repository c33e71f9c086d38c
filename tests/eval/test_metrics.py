"""Table tests for eval.metrics: every function, every edge, readable ids."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from eval.metrics import (
    REQUIRED_METRICS,
    Flags,
    GoldenQuestion,
    QuestionResult,
    anchor_matches,
    citation_hit,
    citation_precision,
    contains_all,
    first_hit_rank,
    grade,
    mrr_at,
    party_hit,
    percentile,
    recall_at,
    related,
    split_anchor,
    summarise,
)

# ---- anchors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("anchor", "expected"),
    [
        pytest.param("ESL 39.1", ("ESL", "39.1"), id="plain"),
        pytest.param("  esl   39.15 (a) ", ("ESL", "39.15(a)"), id="case-and-whitespace"),
        pytest.param("ESL 39.1@2025-08-01", ("ESL", "39.1"), id="version-suffix-dropped"),
        pytest.param("SMDA-266 2.5", ("SMDA-266", "2.5"), id="hyphenated-prefix"),
        pytest.param("39.1", ("", "39.1"), id="no-prefix"),
    ],
)
def test_split_anchor(anchor: str, expected: tuple[str, str]) -> None:
    assert split_anchor(anchor) == expected


@pytest.mark.parametrize(
    ("candidate", "expected", "match"),
    [
        pytest.param("ESL 39.1", "ESL 39.1", True, id="equal"),
        pytest.param("ESL 39.15(a)", "ESL 39.15", True, id="subclause-matches-paragraph"),
        pytest.param("ESL 39.4(a)(i)", "ESL 39.4", True, id="deep-subclause"),
        pytest.param("ESL 39.4(a)(i)", "ESL 39.4(a)", True, id="roman-under-letter"),
        pytest.param("ESL 39.1", "ESL 39", True, id="paragraph-under-condition"),
        pytest.param("SMDA-266 2.5", "SMDA-266 2", True, id="smda-section-under-chapter"),
        pytest.param("esl 39.1", "ESL 39.1", True, id="prefix-case-insensitive"),
        pytest.param(" ESL  39.15 (a) ", "ESL 39.15(a)", True, id="whitespace-normalised"),
        pytest.param("ESL 39.1@2022-04-14", "ESL 39.1", True, id="versioned-key"),
        pytest.param("ESL 44A.3A", "ESL 44A.3A", True, id="letter-suffixed-equal"),
        pytest.param("ESL 39.15", "ESL 39.15(a)", False, id="parent-does-not-match-child"),
        pytest.param("ESL 39.15", "ESL 39.1", False, id="39.15-not-under-39.1"),
        pytest.param("ESL 39.10", "ESL 39.1", False, id="39.10-not-under-39.1"),
        pytest.param("ESL 39.1", "ESL 39.15", False, id="39.1-not-39.15"),
        pytest.param("ESL 44A.3A", "ESL 44A.3", False, id="44A.3A-not-under-44A.3"),
        pytest.param("ESL 44A.3", "ESL 44A.3A", False, id="44A.3-not-44A.3A"),
        pytest.param("ESL 47.31A", "ESL 47.31", False, id="47.31A-not-under-47.31"),
        pytest.param("ESL 39A.1", "ESL 39", False, id="condition-39A-not-under-39"),
        pytest.param("SMDA-266 2.50", "SMDA-266 2.5", False, id="smda-2.50-not-2.5"),
        pytest.param("GSL 33.1", "ESL 33.1", False, id="different-prefix"),
        pytest.param("ESL 45.13(c)(ii)(A)", "ESL 45.13(c)(ii)(a)", False, id="label-letters-case-sensitive"),
        pytest.param("ESL", "ESL 39", False, id="candidate-without-label"),
        pytest.param("", "ESL 39.1", False, id="empty-candidate"),
    ],
)
def test_anchor_matches(candidate: str, expected: str, match: bool) -> None:
    assert anchor_matches(candidate, expected) is match


@pytest.mark.parametrize(
    ("a", "b", "is_related"),
    [
        pytest.param("ESL 39.15", "ESL 39.15", True, id="same"),
        pytest.param("ESL 39.15", "ESL 39.15(a)", True, id="ancestor"),
        pytest.param("ESL 39.15(a)", "ESL 39.15", True, id="descendant"),
        pytest.param("ESL 39", "ESL 39.1", True, id="condition-ancestor"),
        pytest.param("SMDA-266 2", "SMDA-266 2.5", True, id="smda-chapter-ancestor"),
        pytest.param("ESL 39.15(a)", "ESL 39.15(b)", False, id="siblings"),
        pytest.param("ESL 39.1", "ESL 39.15", False, id="prefix-lookalike"),
        pytest.param("ESL 44A.3", "ESL 44A.3A", False, id="44A.3-vs-44A.3A"),
        pytest.param("ESL 48.1", "SMDA-266 2.2", False, id="different-documents"),
    ],
)
def test_related(a: str, b: str, is_related: bool) -> None:
    assert related(a, b) is is_related
    assert related(b, a) is is_related


# ---- retrieval -------------------------------------------------------------------------------

RETRIEVED = ["ESL 39.2", "ESL 39.15(a)", "ESL 39.1", "SMDA-266 2.2"]


@pytest.mark.parametrize(
    ("retrieved", "expected", "rank"),
    [
        pytest.param(RETRIEVED, ["ESL 39.2"], 1, id="first"),
        pytest.param(RETRIEVED, ["ESL 39.1"], 3, id="third"),
        pytest.param(RETRIEVED, ["ESL 39.15"], 2, id="subclause-hit"),
        pytest.param(RETRIEVED, ["SMDA-266 2.2", "ESL 39.1"], 3, id="best-of-alternatives"),
        pytest.param(RETRIEVED, ["ESL 39.10"], None, id="no-hit"),
        pytest.param(RETRIEVED, ["ESL 39.15(b)"], None, id="sibling-is-no-hit"),
        pytest.param([], ["ESL 39.1"], None, id="empty-retrieval"),
        pytest.param(RETRIEVED, [], None, id="no-expected-anchors"),
    ],
)
def test_first_hit_rank(retrieved: list[str], expected: list[str], rank: int | None) -> None:
    assert first_hit_rank(retrieved, expected) == rank


@pytest.mark.parametrize(
    ("expected", "k", "recall", "mrr"),
    [
        pytest.param(["ESL 39.2"], 1, 1.0, 1.0, id="hit-at-1"),
        pytest.param(["ESL 39.1"], 3, 1.0, 1 / 3, id="hit-at-k-boundary"),
        pytest.param(["ESL 39.1"], 2, 0.0, 0.0, id="hit-beyond-k"),
        pytest.param(["ESL 39.1"], 10, 1.0, 1 / 3, id="k-larger-than-list"),
        pytest.param(["ESL 50.1"], 10, 0.0, 0.0, id="miss"),
        pytest.param([], 10, 0.0, 0.0, id="no-expected-anchors"),
    ],
)
def test_recall_and_mrr(expected: list[str], k: int, recall: float, mrr: float) -> None:
    assert recall_at(RETRIEVED, expected, k) == recall
    assert mrr_at(RETRIEVED, expected, k) == pytest.approx(mrr)


def test_recall_and_mrr_on_empty_retrieval() -> None:
    assert recall_at([], ["ESL 39.1"], 5) == 0.0
    assert mrr_at([], ["ESL 39.1"], 5) == 0.0


@pytest.mark.parametrize("k", [0, -1])
def test_k_must_be_positive(k: int) -> None:
    with pytest.raises(ValueError, match="k must be"):
        recall_at(RETRIEVED, ["ESL 39.1"], k)
    with pytest.raises(ValueError, match="k must be"):
        mrr_at(RETRIEVED, ["ESL 39.1"], k)


# ---- answers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cited", "expected", "hit"),
    [
        pytest.param(["ESL 39.1"], ["ESL 39.1"], True, id="exact"),
        pytest.param(["ESL 40.1(c)"], ["ESL 40.1"], True, id="subclause-cited"),
        pytest.param(["ESL 39.2", "ESL 48.1"], ["SMDA-266 2.2", "ESL 48.1"], True, id="any-alternative"),
        pytest.param(["ESL 39"], ["ESL 39.1"], False, id="ancestor-too-broad"),
        pytest.param(["ESL 44A.3"], ["ESL 44A.3A"], False, id="44A.3-for-44A.3A"),
        pytest.param([], ["ESL 39.1"], False, id="nothing-cited"),
        pytest.param(["ESL 39.1"], [], False, id="no-expected-anchors"),
    ],
)
def test_citation_hit(cited: list[str], expected: list[str], hit: bool) -> None:
    assert citation_hit(cited, expected) is hit


@pytest.mark.parametrize(
    ("cited", "expected", "precision"),
    [
        pytest.param([], ["ESL 39.1"], None, id="nothing-cited-is-none"),
        pytest.param(["ESL 39.1"], ["ESL 39.1"], 1.0, id="all-good"),
        pytest.param(["ESL 39.1", "ESL 48.1"], ["ESL 39.1"], 0.5, id="half"),
        pytest.param(["ESL 39.15", "ESL 39.15(a)"], ["ESL 39.15(a)"], 1.0, id="ancestor-counts"),
        pytest.param(["ESL 39"], ["ESL 39.1"], 1.0, id="condition-ancestor-counts"),
        pytest.param(["ESL 39.15(b)"], ["ESL 39.15(a)"], 0.0, id="sibling-does-not-count"),
        pytest.param(["ESL 39.1", "esl 39.1", "ESL 50.1"], ["ESL 39.1"], 0.5, id="duplicates-once"),
        pytest.param(["ESL 39.1"], [], 0.0, id="no-expected-anchors"),
    ],
)
def test_citation_precision(cited: list[str], expected: list[str], precision: float | None) -> None:
    assert citation_precision(cited, expected) == (
        precision if precision is None else pytest.approx(precision)
    )


TEXT = "39.1 The licensee must take all\nreasonable   steps to ensure that ... 28 April 2017."


@pytest.mark.parametrize(
    ("phrases", "ok"),
    [
        pytest.param(["all reasonable steps"], True, id="across-newline-and-spaces"),
        pytest.param(["ALL REASONABLE STEPS", "28 april 2017"], True, id="case-insensitive"),
        pytest.param(["  all  reasonable\tsteps "], True, id="phrase-whitespace"),
        pytest.param(["all reasonable steps", "17 August 2017"], False, id="one-missing"),
        pytest.param([], True, id="no-phrases"),
    ],
)
def test_contains_all(phrases: list[str], ok: bool) -> None:
    assert contains_all(TEXT, phrases) is ok


@pytest.mark.parametrize(
    ("text", "parties", "expected", "hit"),
    [
        pytest.param("The licensee must ...", [], ["licensee"], True, id="in-text"),
        pytest.param("The LICENSEE must ...", [], ["licensee"], True, id="case-insensitive"),
        pytest.param("It must ...", ["Licensee"], ["licensee"], True, id="in-parties"),
        pytest.param("... all other Relevant Suppliers ...", [], ["relevant supplier"], True, id="plural"),
        pytest.param("the Secretary of\nState may", [], ["secretary of state"], True, id="whitespace"),
        pytest.param("The Authority may", [], ["secretary of state", "authority"], True, id="any-of"),
        pytest.param("The licensee must", [], ["authority"], False, id="absent"),
        pytest.param("under the DCCL terms", [], ["dcc"], False, id="whole-word-only"),
        pytest.param("", [], ["licensee"], False, id="empty-answer"),
        pytest.param("anything", [], [], True, id="no-expected-parties"),
    ],
)
def test_party_hit(text: str, parties: list[str], expected: list[str], hit: bool) -> None:
    assert party_hit(text, parties, expected) is hit


# ---- aggregation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "q", "result"),
    [
        pytest.param([7.0], 50, 7.0, id="single"),
        pytest.param([1, 2, 3, 4], 50, 2.5, id="median-interpolated"),
        pytest.param([3, 1, 2], 50, 2.0, id="unsorted"),
        pytest.param(list(range(1, 101)), 95, 95.05, id="p95"),
        pytest.param([5, 1, 9], 0, 1.0, id="q0-is-min"),
        pytest.param([5, 1, 9], 100, 9.0, id="q100-is-max"),
    ],
)
def test_percentile(values: list[float], q: float, result: float) -> None:
    assert percentile(values, q) == pytest.approx(result)


@pytest.mark.parametrize(
    ("values", "q", "message"),
    [
        pytest.param([], 50, "empty", id="empty"),
        pytest.param([1.0], -1, "within", id="q-below-0"),
        pytest.param([1.0], 101, "within", id="q-above-100"),
    ],
)
def test_percentile_rejects(values: list[float], q: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        percentile(values, q)


# ---- grading and summary ---------------------------------------------------------------------


def golden(**overrides: object) -> GoldenQuestion:
    """A golden item, answerable by default."""
    row: dict[str, object] = {
        "id": "G001",
        "question": "Who must install smart meters?",
        "answerable": True,
        "expected_anchors": ["ESL 39.1"],
        "expected_parties": ["licensee"],
        "answer_contains": ["all reasonable steps"],
        "kind": "who",
        "note": "source: ESL 39.1 (2025-08-01)",
    }
    row.update(overrides)
    return GoldenQuestion.model_validate(row)


UNANSWERABLE = {
    "answerable": False,
    "expected_anchors": [],
    "expected_parties": [],
    "answer_contains": [],
    "kind": "unanswerable",
}
GOOD = "The licensee must take all reasonable steps to ensure that ..."


def test_the_six_field_schema_is_enough() -> None:
    """Other golden sets carry exactly the six fields of the evaluation issue."""
    row = {
        "id": "X1",
        "question": "q",
        "answerable": False,
        "expected_anchors": [],
        "expected_parties": [],
        "answer_contains": [],
    }
    item = GoldenQuestion.model_validate(row)
    assert item.kind is None and item.note == ""


def test_golden_question_forbids_extra_and_missing_fields() -> None:
    with pytest.raises(ValidationError):
        golden(source="ESL")
    with pytest.raises(ValidationError):
        GoldenQuestion.model_validate({"id": "G001", "question": "?"})
    with pytest.raises(ValidationError):
        golden(kind="opinion")


@pytest.mark.parametrize(
    ("item", "answer", "flags", "rank", "precision"),
    [
        pytest.param(
            golden(),
            dict(retrieved=["ESL 39.2", "ESL 39.1"], cited=["ESL 39.1(a)"], answer_text=GOOD),
            Flags(
                citation_hit=True,
                party_hit=True,
                answer_contains=True,
                answer_complete=True,
                party_complete=True,
            ),
            2,
            1.0,
            id="good-answer",
        ),
        pytest.param(
            golden(),
            dict(retrieved=["ESL 48.1"], cited=["ESL 48.1"], answer_text="The Authority may"),
            Flags(
                citation_hit=False,
                party_hit=False,
                answer_contains=False,
                answer_complete=False,
                party_complete=False,
            ),
            None,
            0.0,
            id="wrong-answer",
        ),
        pytest.param(
            golden(),
            dict(retrieved=["ESL 39.1"], cited=[], answer_text="", refused=True),
            Flags(
                citation_hit=False,
                party_hit=False,
                answer_contains=False,
                answer_complete=False,
                party_complete=False,
            ),
            1,
            None,
            id="false-refusal-misses-everything-but-retrieval",
        ),
        pytest.param(
            golden(expected_parties=[], answer_contains=[]),
            dict(retrieved=["ESL 39.1"], cited=["ESL 39.1"], answer_text=GOOD),
            Flags(citation_hit=True, answer_complete=True),
            1,
            1.0,
            id="no-parties-no-phrases-not-applicable",
        ),
        pytest.param(
            golden(**UNANSWERABLE),
            dict(retrieved=["ESL 39.1"], cited=["ESL 39.1"], answer_text=GOOD),
            Flags(),
            None,
            None,
            id="unanswerable-answered",
        ),
        pytest.param(
            golden(**UNANSWERABLE),
            dict(retrieved=[], cited=[], answer_text="", refused=True),
            Flags(),
            None,
            None,
            id="unanswerable-refused",
        ),
    ],
)
def test_grade(
    item: GoldenQuestion,
    answer: dict[str, object],
    flags: Flags,
    rank: int | None,
    precision: float | None,
) -> None:
    kwargs: dict[str, object] = {"parties": [], "refused": False, "latency_ms": 12.0, **answer}
    result = grade(item, **kwargs)  # type: ignore[arg-type]
    assert result.flags == flags
    assert result.hit_rank == rank
    assert result.citation_precision == precision
    assert (result.id, result.answerable, result.latency_ms) == (item.id, item.answerable, 12.0)


def result(**fields: object) -> QuestionResult:
    """A QuestionResult with defaults for the fields a test does not care about."""
    base: dict[str, object] = {"id": "G", "question": "?", "answerable": True, "refused": False}
    return QuestionResult.model_validate({**base, **fields})


RESULTS = [
    # answerable, hit at 1, cites well, names the party, holds the phrases
    result(
        hit_rank=1,
        citation_precision=1.0,
        flags=Flags(citation_hit=True, party_hit=True, answer_contains=True),
        latency_ms=10,
    ),
    # answerable, hit at 4, cites half right, wrong party, no phrases to check
    result(
        hit_rank=4,
        citation_precision=0.5,
        flags=Flags(citation_hit=True, party_hit=False),
        latency_ms=20,
    ),
    # answerable, never retrieved within 10, wrong citation
    result(
        hit_rank=11,
        citation_precision=0.0,
        flags=Flags(citation_hit=False, answer_contains=False),
        latency_ms=30,
    ),
    # answerable but refused (false refusal)
    result(
        refused=True,
        hit_rank=None,
        flags=Flags(citation_hit=False, party_hit=False, answer_contains=False),
        latency_ms=40,
    ),
    # unanswerable, correctly refused
    result(answerable=False, refused=True, latency_ms=50),
    # unanswerable, answered anyway
    result(answerable=False, refused=False, cited=["ESL 39.1"], latency_ms=1000),
]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        pytest.param("n", 6, id="n"),
        pytest.param("n_answerable", 4, id="n_answerable"),
        pytest.param("n_unanswerable", 2, id="n_unanswerable"),
        pytest.param("recall_at_1", 1 / 4, id="recall_at_1"),
        pytest.param("recall_at_5", 2 / 4, id="recall_at_5"),
        pytest.param("recall_at_10", 2 / 4, id="recall_at_10"),
        pytest.param("mrr_at_10", (1 + 1 / 4) / 4, id="mrr_at_10"),
        pytest.param("citation_hit_rate", 2 / 4, id="citation_hit_rate-refusal-is-miss"),
        pytest.param("citation_precision", 1.5 / 3, id="citation_precision-over-citing"),
        pytest.param("n_cited", 3, id="n_cited"),
        pytest.param("party_rate", 1 / 3, id="party_rate-over-applicable"),
        pytest.param("n_party", 3, id="n_party"),
        pytest.param("answer_contains_rate", 1 / 3, id="answer_contains_rate"),
        pytest.param("n_contains", 3, id="n_contains"),
        pytest.param("refusal_accuracy", 1 / 2, id="refusal_accuracy"),
        pytest.param("false_refusal_rate", 1 / 4, id="false_refusal_rate"),
        pytest.param("latency_ms_p50", 35.0, id="latency_ms_p50"),
        pytest.param("latency_ms_p95", 762.5, id="latency_ms_p95"),
    ],
)
def test_summarise(key: str, value: float) -> None:
    assert summarise(RESULTS)[key] == pytest.approx(value)


def test_summarise_empty() -> None:
    summary = summarise([])
    assert summary["n"] == 0
    assert all(v == 0 for v in summary.values())


def test_summarise_only_unanswerable() -> None:
    summary = summarise([result(answerable=False, refused=True, latency_ms=5)])
    assert summary["refusal_accuracy"] == 1.0
    assert summary["recall_at_1"] == 0.0
    assert summary["false_refusal_rate"] == 0.0


def test_summarise_required_keys() -> None:
    assert REQUIRED_METRICS <= summarise(RESULTS).keys()


def test_question_result_round_trips_as_json() -> None:
    original = RESULTS[1]
    assert QuestionResult.model_validate_json(original.model_dump_json()) == original
    with pytest.raises(ValidationError):
        result(unknown=1)


def test_completeness_needs_every_group() -> None:
    """required_anchors / required_parties: one alternative of every group, else incomplete."""
    item = golden(
        required_anchors=[["ESL 48.1"], ["SMDA-266 2.3"], ["SMDA-266 2.4"]],
        required_parties=[["electricity supplier", "licensee"], ["gas supplier"], ["dcc"]],
    )
    text = "Electricity Supplier must ... Gas Supplier must ... the DCC must ..."
    full = grade_answer(item, cited=["ESL 48.1", "SMDA-266 2.3", "SMDA-266 2.4(a)"], text=text)
    assert full.flags.answer_complete and full.flags.party_complete
    part = grade_answer(item, cited=["ESL 48.1", "SMDA-266 2.3"], text="Electricity Supplier, DCC")
    assert part.flags.answer_complete is False and part.flags.party_complete is False
    metrics = summarise([full, part])
    assert metrics["answer_complete_rate"] == 0.5 and metrics["party_complete_rate"] == 0.5


def test_completeness_defaults_to_the_expected_fields() -> None:
    item = golden()
    assert item.anchor_groups == [item.expected_anchors]
    result = grade_answer(item, cited=[item.expected_anchors[0]], text="the licensee must")
    assert result.flags.answer_complete


def grade_answer(item: GoldenQuestion, *, cited: list[str], text: str) -> QuestionResult:
    """Grade a non-refused answer that cites ``cited`` and reads ``text``."""
    return grade(
        item, retrieved=cited, cited=cited, parties=[], answer_text=text, refused=False, latency_ms=1.0
    )
