"""Result models of the traceability graph: edges, trace, impact, hierarchy and the exported graph."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from clausetrace.trace.references import Relation


class Edge(BaseModel):
    """One relation between two nodes, with the words that state it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str = Field(description="Node making the statement, e.g. 'ESL 39.3'")
    target: str = Field(description="Node the statement is about, e.g. 'ESL 39.1' or 'SMETS'")
    relation: Relation
    text: str = Field(description="The reference (or defined term) as written")
    start: int = Field(description="Span of ``text`` in the document of ``doc_id``")
    end: int
    doc_id: str = Field(description="Document whose text states the edge")
    version: str
    source_detail: str = Field(description="Clause or sub-clause where it is written")
    target_detail: str = Field(description="Target as written, e.g. 'ESL 39.7(a)'")
    in_corpus: bool = Field(default=False, description="The target is a clause of the corpus")
    secondary: bool = Field(default=False, description="Stated by guidance, not the instrument")
    via: str | None = Field(default=None, description="Clause that states a derived edge")
    term: str | None = Field(default=None, description="Defined term, for definition edges")
    occurrences: int = Field(default=1, description="How often the text states this edge")


class TraceResult(BaseModel):
    """What a clause depends on, what it refers to, and what refers to it."""

    model_config = ConfigDict(extra="forbid")

    anchor: str
    version: str | None = Field(description="Version of the clause in view (None if external)")
    in_corpus: bool
    depends_on: list[Edge] = Field(description="Subject-to, exceptions, definitions, compliance")
    refers_to: list[Edge] = Field(description="Other outgoing references (refers_to, exception_to)")
    referred_by: list[Edge] = Field(description="Incoming references from other clauses")
    terms_used_by: list[Edge] = Field(description="Clauses using terms this clause defines")
    guidance: list[Edge] = Field(description="Guidance quoting this clause (secondary)")
    subject_to: list[str] = Field(description="Clauses this clause is subject to")
    exception_to: list[str] = Field(description="Clauses this clause is an exception to")
    exceptions: list[str] = Field(description="Clauses that are exceptions to this clause")
    definitions: list[str] = Field(description="Definitions clauses whose terms this clause uses")
    external: list[str] = Field(description="Targets outside the corpus among the dependencies")


class ImpactItem(BaseModel):
    """A clause touched by a change, and how it was reached."""

    model_config = ConfigDict(extra="forbid")

    anchor: str
    depth: int = Field(description="1 = directly related to the changed clause")
    relation: Relation
    reached_from: str
    text: str
    in_corpus: bool
    secondary: bool


class ImpactResult(BaseModel):
    """Everything a change to ``anchor`` may touch, nearest first."""

    model_config = ConfigDict(extra="forbid")

    anchor: str
    version: str | None
    items: list[ImpactItem]

    @property
    def anchors(self) -> list[str]:
        """Anchors of the impacted clauses."""
        return [item.anchor for item in self.items]


class HierarchyEdge(BaseModel):
    """A step down the licence -> SEC -> SMETS/CHTS -> GBCS chain."""

    model_config = ConfigDict(extra="forbid")

    source: str
    target: str
    source_instrument: str
    target_instrument: str
    relation: Relation
    text: str
    via: str | None
    in_corpus: bool
    secondary: bool
    depth: int


class HierarchyResult(BaseModel):
    """Instrument-level edges reachable from a root clause (or from every licence clause)."""

    model_config = ConfigDict(extra="forbid")

    root: str | None
    version: str | None
    edges: list[HierarchyEdge]


class GraphNode(BaseModel):
    """A node of the exported graph."""

    model_config = ConfigDict(extra="forbid")

    anchor: str
    instrument: str
    in_corpus: bool
    doc_id: str | None = None
    version: str | None = None
    heading: str = ""


class GraphExport(BaseModel):
    """The graph in view, for ``--json``."""

    model_config = ConfigDict(extra="forbid")

    version: str | None
    documents: list[str]
    nodes: list[GraphNode]
    edges: list[Edge]
