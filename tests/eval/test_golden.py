"""Checks on the golden set eval/golden/gb.jsonl: schema, counts, spelling and, against the real
documents, that every expected phrase, party and clause number is really there."""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from clausetrace.models import Source
from eval.metrics import KINDS, GoldenQuestion, contains_all, party_hit

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "eval" / "golden" / "gb.jsonl"
README = REPO / "eval" / "golden" / "README.md"
FIELDS = list(GoldenQuestion.model_fields)[:8]  # gb.jsonl keeps the eight original fields
GB_KINDS = set(KINDS) - {"list", "overview", "impact"}  # kinds added with the plain-language sets
ANCHOR = re.compile(
    r"^(?P<prefix>[A-Z][A-Z0-9]*(?:-[0-9]+)?) "
    r"(?P<label>[0-9]+[A-Z]?(?:\.[0-9]+[A-Z]?)*(?:\([0-9A-Za-z]+\))*)$"
)
# Minimum questions per document (ESL condition or guidance), as the brief for the set asks.
CONDITION_MINIMUMS = {
    **dict.fromkeys(["39", "39A", "40", "41", "44A", "45", "47", "48", "49"], 3),
    **dict.fromkeys(["42", "43", "44", "45A", "46", "46A", "50"], 2),
}
MINIMUMS = {f"ESL {c}": n for c, n in CONDITION_MINIMUMS.items()} | {"SMDA-266": 8}
# Text-layer artefacts: a space on one side of a hyphen ("Non -MB", "In- Home"), a doubled word
# ("paragraph paragraph"), a space before a full stop ("Specified Period ."). Split words such as
# "install ed" are caught against the examples each file's header lists (corpus test below).
ARTEFACT = re.compile(r"\w -\w|\w- \w|\b(\w+) \1\b| \.")
SMDA_QUOTES = ["F4.3", "F12.4", "SMETS 4.2.1", "5.3.1", "CHTS 4.2.1", "GBCS", "GSL 33.1", "17.21"]


def load_rows() -> list[dict[str, object]]:
    """Every line of the golden set, parsed."""
    return [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]


ROWS = load_rows()
ITEMS = [GoldenQuestion.model_validate(row) for row in ROWS]
ANSWERABLE = [item for item in ITEMS if item.answerable]


def document_of(anchor: str) -> str:
    """The document an anchor points to: 'ESL 39A' for 'ESL 39A.3(b)', 'SMDA-266' for 'SMDA-266 2.5'."""
    prefix, label = anchor.split(" ", 1)
    if prefix != "ESL":
        return prefix
    return f"ESL {re.split(r'[.(]', label)[0]}"


def documents(item: GoldenQuestion) -> list[str]:
    """Distinct documents an item's expected anchors point to, in order."""
    return list(dict.fromkeys(document_of(a) for a in item.expected_anchors))


def count_table(rows: Counter[str], heading: str) -> str:
    """A two-column markdown table of counts."""
    lines = [f"| {heading} | questions |", "|---|---:|"]
    lines += [f"| {key} | {n} |" for key, n in rows.items()]
    return "\n".join(lines)


def counts_block() -> str:
    """The README's counts section, generated from the golden set."""
    kinds = Counter({kind: 0 for kind in KINDS if kind in GB_KINDS})
    kinds.update(item.kind for item in ITEMS)
    docs: Counter[str] = Counter()
    for item in ITEMS:
        docs.update(documents(item))
    order = sorted(docs, key=lambda d: (d.startswith("SMDA"), int(re.sub(r"\D", "", d) or 0), d))
    answerable = len(ANSWERABLE)
    return "\n\n".join(
        [
            f"Total: {len(ITEMS)} questions ({answerable} answerable, "
            f"{len(ITEMS) - answerable} unanswerable).",
            count_table(kinds, "kind"),
            count_table(Counter({d: docs[d] for d in order}), "document"),
        ]
    )


# ---- schema and counts (no corpus needed) ----------------------------------------------------


def test_every_line_has_exactly_the_schema_fields() -> None:
    for row in ROWS:
        assert list(row) == FIELDS, f"{row.get('id')}: fields {list(row)}"


def test_ids_are_unique_and_in_order() -> None:
    assert [item.id for item in ITEMS] == [f"G{i:03d}" for i in range(1, len(ITEMS) + 1)]


def test_questions_are_unique() -> None:
    repeated = [q for q, n in Counter(i.question.casefold() for i in ITEMS).items() if n > 1]
    assert not repeated


def test_size_and_kinds() -> None:
    kinds = Counter(item.kind for item in ITEMS)
    assert len(ITEMS) >= 90
    assert kinds["unanswerable"] >= 18
    assert kinds["newcomer"] >= 15
    assert GB_KINDS <= kinds.keys()


def test_unanswerable_items_expect_nothing() -> None:
    for item in ITEMS:
        empty = not (item.expected_anchors or item.expected_parties or item.answer_contains)
        assert (item.kind == "unanswerable") is (not item.answerable), item.id
        assert item.answerable or empty, item.id


def test_answerable_items_have_one_to_three_anchors() -> None:
    for item in ANSWERABLE:
        assert 1 <= len(item.expected_anchors) <= 3, item.id
        assert len(set(item.expected_anchors)) == len(item.expected_anchors), item.id


def test_anchor_spelling(source_by_id: dict[str, Source]) -> None:
    prefixes = {s.prefix for s in source_by_id.values()}
    for item in ANSWERABLE:
        for anchor in item.expected_anchors:
            match = ANCHOR.match(anchor)
            assert match, f"{item.id}: {anchor!r} is not '<PREFIX> <clause>'"
            assert match["prefix"] in prefixes, f"{item.id}: unknown prefix in {anchor!r}"


def test_phrases_avoid_text_layer_artefacts() -> None:
    for item in ITEMS:
        for phrase in item.answer_contains:
            assert not ARTEFACT.search(phrase), f"{item.id}: {phrase!r}"


def test_phrases_and_parties_are_short_and_lower_case() -> None:
    for item in ITEMS:
        assert len(item.answer_contains) <= 2, item.id
        for phrase in item.answer_contains:
            assert 2 <= len(phrase.split()) <= 6, f"{item.id}: {phrase!r}"
        for party in item.expected_parties:
            assert party == party.lower().strip() and party, f"{item.id}: {party!r}"


def test_every_note_names_a_source_or_says_why_unanswerable() -> None:
    for item in ITEMS:
        lead = "source: " if item.answerable else "unanswerable; "
        assert item.note.startswith(lead), item.id


@pytest.mark.parametrize(("document", "minimum"), MINIMUMS.items(), ids=list(MINIMUMS))
def test_document_coverage(document: str, minimum: int) -> None:
    covered = sum(document in documents(item) for item in ITEMS)
    assert covered >= minimum


@pytest.mark.parametrize("quoted", SMDA_QUOTES)
def test_smda_quotes_are_asked_about(quoted: str) -> None:
    smda = [i for i in ITEMS if "SMDA-266" in documents(i)]
    assert any(quoted in i.question or quoted in i.note for i in smda)


def test_version_questions_point_into_conditions_39_and_48() -> None:
    versions = [i for i in ITEMS if i.kind == "version"]
    assert {d for i in versions for d in documents(i)} == {"ESL 39", "ESL 48"}


def test_readme_counts_are_current() -> None:
    block = counts_block()
    assert block in README.read_text(encoding="utf-8"), f"update the README counts to:\n\n{block}"


# ---- against the real documents --------------------------------------------------------------


@cache
def body(path: Path) -> str:
    """Document text after the provenance header (ended by a line of dashes), if any."""
    text = path.read_text(encoding="utf-8")
    head, sep, rest = text.partition("-" * 100)
    return rest if sep else head


@cache
def listed_artefacts(path: Path) -> tuple[str, ...]:
    """Artefacts the file's provenance header quotes as examples ('e.g. "install ed", ...')."""
    header = path.read_text(encoding="utf-8").partition("-" * 100)[0]
    examples = re.findall(r'"([^"]+)"', " ".join(re.findall(r"e\.g\. ([^)]*)", header)))
    return tuple(e for e in examples if " " in e.strip() or e.strip() != e)


def sources_for(anchor: str, source_by_id: dict[str, Source]) -> list[Source]:
    """Pinned sources an anchor can point to (every version of an ESL condition)."""
    prefix, label = anchor.split(" ", 1)
    condition = re.split(r"[.(]", label)[0]
    return [
        s
        for s in source_by_id.values()
        if s.prefix == prefix and (s.condition is None or s.condition == condition)
    ]


def clause_present(anchor: str, text: str) -> bool:
    """The anchor's numbered paragraph (ESL) or section heading (guidance) is in the text."""
    prefix, label = anchor.split(" ", 1)
    number = label.split("(")[0]
    if prefix == "ESL":
        return "." not in number or re.search(rf"(?<![\w.]){re.escape(number)}(?!\w)", text) is not None
    return re.search(rf"^{re.escape(number)}\.?[ \t]", text, re.M) is not None


@pytest.mark.corpus
@pytest.mark.parametrize("item", ANSWERABLE, ids=[i.id for i in ANSWERABLE])
def test_item_is_grounded_in_the_documents(
    item: GoldenQuestion, corpus_dir: Path, source_by_id: dict[str, Source]
) -> None:
    texts: list[str] = []
    artefacts: list[str] = []
    for anchor in item.expected_anchors:
        sources = sources_for(anchor, source_by_id)
        assert sources, f"{anchor!r} points to no pinned document"
        anchor_texts = [body(corpus_dir / s.file) for s in sources if s.file]
        assert any(clause_present(anchor, t) for t in anchor_texts), f"{anchor!r} not found"
        texts += anchor_texts
        artefacts += [a for s in sources if s.file for a in listed_artefacts(corpus_dir / s.file)]
    for phrase in item.answer_contains:
        assert any(contains_all(t, [phrase]) for t in texts), f"phrase {phrase!r} not found"
        assert not any(contains_all(phrase, [a]) for a in artefacts), f"artefact in {phrase!r}"
    for party in item.expected_parties:
        assert any(party_hit(t, [], [party]) for t in texts), f"party {party!r} not found"
