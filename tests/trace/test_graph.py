"""The traceability graph on the real ESL 39 + 48 + 49 + SMDA-266, plus small synthetic cases.

Expected edges were written from reading the documents: 39.2 makes 39.1 subject to 39.3-39.6,
each of 39.3-39.6 says "The requirement in paragraph 39.1 does not apply ...", 39.22 defines
"Relevant Smart Metering System" by the ESME Technical Specification, 49.2(b) and 49.19(b) name
"paragraph 39.1 of standard condition 39", 48.9(b)(i) names 39.3-39.6 as conditions, and
SMDA-266 2.2 quotes Licence Condition 39.1.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clausetrace.errors import ClausetraceError, UnknownAnchorError
from clausetrace.models import Clause, ParsedDocument, Source
from clausetrace.trace.graph import TraceGraph
from ingest import parse_document

DOCS = (
    "esl-39-2022-04-14",
    "esl-39-2025-08-01",
    "esl-48-2022-04-14",
    "esl-48-2025-08-01",
    "esl-49-2025-08-01",
    "smda-266-v1.0",
)
EXCEPTIONS_TO_39_1 = ["ESL 39.3", "ESL 39.4", "ESL 39.5", "ESL 39.6"]


@pytest.fixture(scope="module")
def graph(source_by_id: dict[str, Source], corpus_dir: Path) -> TraceGraph:
    docs = []
    for source_id in DOCS:
        source = source_by_id[source_id]
        assert source.file
        docs.append(parse_document(source, corpus_dir / source.file))
    return TraceGraph(docs)


@pytest.mark.corpus
class TestTraceRealCorpus:
    def test_39_1_exceptions_and_subject_to(self, graph: TraceGraph) -> None:
        t = graph.trace("ESL 39.1")
        assert t.version == "2025-08-01" and t.in_corpus
        assert t.exceptions == EXCEPTIONS_TO_39_1
        assert t.subject_to == EXCEPTIONS_TO_39_1
        subject = [e for e in t.depends_on if e.relation == "subject_to"]
        assert {e.via for e in subject} == {"ESL 39.2"}
        assert {e.text for e in subject} == {"paragraphs 39.3, 39.4, 39.5 and 39.6"}

    def test_39_1_definitions_and_smets_as_external(self, graph: TraceGraph) -> None:
        t = graph.trace("ESL 39.1")
        assert t.definitions == ["ESL 39.22"]
        (definition,) = [e for e in t.depends_on if e.relation == "defines_term_used_in"]
        assert definition.term == "Relevant Smart Metering System"
        assert t.external == ["SMETS"]
        (smets,) = [e for e in t.depends_on if e.target == "SMETS"]
        assert smets.in_corpus is False
        assert smets.via == "ESL 39.22" and smets.relation == "obliges_compliance_with"
        assert smets.text == "ESME Technical Specification"

    def test_39_1_is_referred_to_by(self, graph: TraceGraph) -> None:
        t = graph.trace("ESL 39.1")
        sources = {e.source: e for e in t.referred_by}
        assert set(sources) == {"ESL 39.2", *EXCEPTIONS_TO_39_1, "ESL 49.2", "ESL 49.19", "SMDA-266 2.2"}
        assert sources["ESL 49.2"].source_detail == "ESL 49.2(b)"
        assert sources["ESL 49.2"].text.startswith("paragraph 39.1 of standard condition 39")
        assert sources["SMDA-266 2.2"].secondary
        assert not any(e.secondary for k, e in sources.items() if k.startswith("ESL"))

    def test_39_3_is_referred_to_by_48_9_and_39_2(self, graph: TraceGraph) -> None:
        t = graph.trace("ESL 39.3")
        incoming = {(e.source, e.relation, e.via) for e in t.referred_by}
        assert incoming == {
            ("ESL 39.2", "refers_to", None),
            ("ESL 39.1", "subject_to", "ESL 39.2"),
            ("ESL 48.9", "refers_to", None),
        }
        (from_48,) = [e for e in t.referred_by if e.source == "ESL 48.9"]
        assert from_48.source_detail == "ESL 48.9(b)(i)"
        assert t.exception_to == ["ESL 39.1"]
        assert {(e.target, e.relation, e.in_corpus) for e in t.refers_to} == {
            ("ESL 39.1", "exception_to", True),
            ("ESL 12.24", "refers_to", False),
            ("ESL 12.26", "refers_to", False),
        }

    def test_sub_clause_references_count_for_the_clause(self, graph: TraceGraph) -> None:
        t = graph.trace("ESL 39.15(c)")
        assert t.anchor == "ESL 39.15"
        chts = [e for e in t.depends_on if e.target == "CHTS"]
        assert [(e.source, e.source_detail, e.relation) for e in chts] == [
            ("ESL 39.15", "ESL 39.15(c)", "obliges_compliance_with")
        ]
        assert {"SMETS", "CHTS"} <= set(t.external)

    def test_48_1_obliges_compliance_with_the_sec(self, graph: TraceGraph) -> None:
        t = graph.trace("ESL 48.1")
        assert [(e.source, e.target, e.relation, e.in_corpus) for e in t.depends_on] == [
            ("ESL 48.1", "SEC", "obliges_compliance_with", False),
            ("ESL 48.11", "ESL 48.1", "defines_term_used_in", True),  # "Commencement Date"
        ]
        assert t.external == ["SEC"]

    def test_definitions_clause_lists_its_users(self, graph: TraceGraph) -> None:
        used = {e.target for e in graph.trace("ESL 39.22").terms_used_by}
        assert {"ESL 39.1", "ESL 39.7"} <= used  # "Relevant Smart Metering System"
        assert all(e.term and " " in e.term for e in graph.references() if e.term)

    def test_external_anchor_can_be_traced(self, graph: TraceGraph) -> None:
        t = graph.trace("SEC")
        assert not t.in_corpus
        assert {"ESL 48.1", "SMDA-266 2.5"} <= {e.source for e in t.referred_by}

    def test_version_pins_a_version(self, graph: TraceGraph) -> None:
        t = graph.trace("ESL 39.1", version="2022-04-14")
        assert t.version == "2022-04-14"
        assert {e.version for e in t.depends_on} == {"2022-04-14"}
        assert t.exceptions == EXCEPTIONS_TO_39_1
        with pytest.raises(ClausetraceError):
            graph.trace("ESL 39.1", version="1999-01-01")

    def test_unknown_anchor_is_refused_with_suggestions(self, graph: TraceGraph) -> None:
        with pytest.raises(UnknownAnchorError) as info:
            graph.trace("ESL 39.99")
        assert info.value.suggestions

    def test_json_output(self, graph: TraceGraph) -> None:
        data = json.loads(graph.export().model_dump_json())
        nodes = {n["anchor"]: n for n in data["nodes"]}
        assert nodes["ESL 39.1"]["in_corpus"] and not nodes["SMETS"]["in_corpus"]
        assert json.loads(graph.trace("ESL 39.1").model_dump_json())["exceptions"] == EXCEPTIONS_TO_39_1


@pytest.mark.corpus
class TestImpactRealCorpus:
    def test_impact_of_39_3(self, graph: TraceGraph) -> None:
        result = graph.impact("ESL 39.3")
        first = {i.anchor: i for i in result.items if i.depth == 1}
        assert set(first) == {"ESL 39.1", "ESL 39.2", "ESL 48.9"}
        assert first["ESL 39.1"].relation == "subject_to"
        second = {i.anchor for i in result.items if i.depth == 2}
        assert {"ESL 39.4", "ESL 39.5", "ESL 39.6", "ESL 49.2", "ESL 49.19", "ESL 48.8"} <= second
        assert len(result.anchors) == len(set(result.anchors))
        assert "ESL 39.3" not in result.anchors

    def test_max_depth(self, graph: TraceGraph) -> None:
        assert graph.impact("ESL 39.3", max_depth=1).anchors == ["ESL 39.1", "ESL 39.2", "ESL 48.9"]

    def test_real_cycle_terminates(self, graph: TraceGraph) -> None:
        # 48.2 refers to 48.3, and 48.3 and 48.4 refer back to 48.2
        result = graph.impact("ESL 48.2")
        assert {"ESL 48.3", "ESL 48.4"} <= set(result.anchors)
        assert "ESL 48.2" not in result.anchors

    def test_definition_passes_on_only_its_own_term(self, graph: TraceGraph) -> None:
        # 49.26 is reached through its "Applicable Date" definition (paragraph 49.4(c)); clauses
        # using only "Effective Date" (49.3) are not touched through it.
        result = graph.impact("ESL 49.4")
        assert "ESL 49.26" in result.anchors
        assert "ESL 49.3" not in result.anchors


@pytest.mark.corpus
class TestHierarchyRealCorpus:
    def test_from_39_1_to_smets_to_gbcs(self, graph: TraceGraph) -> None:
        edges = graph.hierarchy("ESL 39.1").edges
        steps = {(e.source, e.target, e.via) for e in edges}
        assert ("ESL 39.1", "SMETS", "ESL 39.22") in steps
        assert ("ESL 39.1", "SMETS", "SMDA-266 2.2") in steps
        assert ("SMETS 4.2.2", "GBCS", "SMDA-266 2.6") in steps
        assert all(not e.in_corpus for e in edges)
        assert {e.target_instrument for e in edges} == {"SMETS", "GBCS"}

    def test_from_48_1_to_sec_to_gbcs(self, graph: TraceGraph) -> None:
        edges = graph.hierarchy("ESL 48.1").edges
        steps = {(e.source, e.target, e.via): e for e in edges}
        assert steps[("ESL 48.1", "SEC", None)].relation == "obliges_compliance_with"
        assert not steps[("ESL 48.1", "SEC", None)].secondary
        assert steps[("ESL 48.1", "SEC", "SMDA-266 2.2")].secondary
        quoted = steps[("SEC F4.3", "GBCS", "SMDA-266 2.5")]
        assert quoted.secondary and quoted.via == "SMDA-266 2.5" and quoted.depth == 2

    def test_from_a_guidance_clause_follows_what_it_quotes(self, graph: TraceGraph) -> None:
        steps = {(e.source, e.target, e.via) for e in graph.hierarchy("SMDA-266 2.5").edges}
        assert steps == {("SEC F4.3", "GBCS", "SMDA-266 2.5"), ("SEC F4.4", "GBCS", "SMDA-266 2.5")}

    def test_whole_chain_includes_licences_outside_the_corpus(self, graph: TraceGraph) -> None:
        steps = {(e.source, e.target) for e in graph.hierarchy().edges}
        assert {("DCCL 17.21", "CHTS"), ("DCCL 22.2", "SEC"), ("GSL 33.15", "SMETS")} <= steps
        assert {("CHTS 4.2.2", "GBCS"), ("ESL 39.15", "CHTS"), ("ESL 48.1", "SEC")} <= steps
        levels = {"ESL": 0, "GSL": 0, "DCCL": 0, "SEC": 1, "SMETS": 2, "CHTS": 2, "GBCS": 3}
        assert all(levels[e.source_instrument] < levels[e.target_instrument] for e in graph.hierarchy().edges)


# --- synthetic documents ------------------------------------------------------------------------
def synthetic(sentences: dict[str, str], version: str = "v1", date: str = "2020-01-01") -> ParsedDocument:
    """A licence condition 90 made of hand-written clauses."""
    source = Source(
        id=f"esl-90-{version}",
        title="Test condition",
        prefix="ESL",
        family="licence",
        version=version,
        date=date,
        condition="90",
    )
    text, clauses = "", []
    for number, sentence in sentences.items():
        start = len(text) + len(number) + 1
        text += f"{number} {sentence} "
        clauses.append(Clause(source.id, "ESL", version, number, start, start + len(sentence), sentence))
    return ParsedDocument(source=source, text=text, clauses=tuple(clauses))


def test_cycle_of_references_is_visited_once() -> None:
    doc = synthetic(
        {
            "90.1": "The licensee must act as paragraph 90.3 says.",
            "90.2": "Paragraph 90.1 applies to every meter.",
            "90.3": "The duty in paragraph 90.2 is subject to paragraph 90.1.",
        }
    )
    g = TraceGraph([doc])
    for anchor in ("ESL 90.1", "ESL 90.2", "ESL 90.3"):
        result = g.impact(anchor)
        assert sorted(result.anchors) == sorted({"ESL 90.1", "ESL 90.2", "ESL 90.3"} - {anchor})


def test_latest_version_is_in_view_by_default() -> None:
    old = synthetic({"90.1": "The licensee must comply with paragraph 90.2.", "90.2": "A rule."})
    new = synthetic(
        {"90.1": "The licensee must comply with the Smart Energy Code.", "90.2": "A rule."},
        version="v2",
        date="2021-01-01",
    )
    g = TraceGraph([new, old])
    assert [e.target for e in g.trace("ESL 90.1").depends_on] == ["SEC"]
    assert [e.target for e in g.trace("ESL 90.1", version="v1").depends_on] == ["ESL 90.2"]


def test_graph_from_stored_references_equals_fresh_extraction(gb_index):
    """The index builds its graph from references stored at ingest; nothing may differ."""
    from clausetrace.trace.graph import TraceGraph

    fresh = TraceGraph(gb_index.documents.values())
    for anchor in ("ESL 39.1", "ESL 48.1", "SMDA-266 2.5"):
        assert gb_index.graph.trace(anchor).model_dump() == fresh.trace(anchor).model_dump()
    assert gb_index.graph.impact("ESL 39.3").model_dump() == fresh.impact("ESL 39.3").model_dump()
