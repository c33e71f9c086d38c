"""Records that flow through the pipeline, shared by every stage.

Internal values (pages, clauses, definitions) are frozen dataclasses; anything that crosses a
boundary (the source catalogue, the index manifest, ``--json`` output) is a pydantic model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Family = Literal["licence", "sec", "spec", "guidance"]
NUMBER_BEFORE = re.compile(r"[ \t]*[0-9][0-9.]*[ \t]*")  # a section number opening a line
Modality = Literal[
    "must",
    "must not",
    "shall",
    "shall not",
    "take all reasonable steps",
    "is required to",
    "may",
    "exception",
]
Relation = Literal[
    "subject_to", "exception_to", "obliges_compliance_with", "refers_to", "defines_term_used_in"
]


class Source(BaseModel):
    """One document of the corpus catalogue (`corpus/sources.toml`) or one user file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(description="Stable identifier, e.g. 'esl-39-2025-08-01'")
    title: str = Field(description="Human title of the document")
    issuer: str = Field(default="", description="Who publishes it (Ofgem, SECCo, SMDA ...)")
    prefix: str = Field(description="Citation prefix: ESL, GSL, DCCL, SEC, SMETS, CHTS, GBCS, SMDA-266")
    family: Family = Field(description="Numbering grammar: licence, sec, spec or guidance")
    version: str = Field(description="Version label users pin, e.g. '2025-08-01' or '1.0'")
    date: str = Field(description="ISO date of the version; orders versions of one document")
    url: str = Field(default="", description="Official publication URL")
    file: str | None = Field(default=None, description="Local file name under corpus/raw/")
    sha256: str | None = Field(default=None, description="Pinned sha256 of the local file")
    condition: str | None = Field(
        default=None, description="Licence condition the file holds (e.g. '39A'), if only one"
    )
    pages: str | None = Field(default=None, description="PDF page range of the extract, e.g. '446-453'")
    note: str = Field(default="", description="What is special about this entry")

    @property
    def document(self) -> str:
        """What versions share: 'ESL 39' for a licence condition, else prefix and title."""
        return f"{self.prefix} {self.condition}" if self.condition else f"{self.prefix} {self.title}"

    @property
    def label(self) -> str:
        """How an answer names the document: 'ESL 40' for a licence condition, else its prefix ('SEC-M')."""
        return f"{self.prefix} {self.condition}" if self.condition else self.prefix


@dataclass(frozen=True, slots=True)
class Page:
    """Text of one printed page (``number`` is None when the source has no page breaks)."""

    text: str
    number: int | None = None


@dataclass(frozen=True, slots=True)
class Clause:
    """One numbered clause (or sub-clause) with a span into its document's cleaned text.

    ``text == document.text[start:end]`` always holds: a citation resolves by slicing.
    """

    doc_id: str
    prefix: str
    version: str
    number: str  # label inside the document: '39.15', '39.15(a)', 'F4.3', '2.5'
    start: int
    end: int
    text: str
    title_path: tuple[str, ...] = ()  # condition / part / heading
    page_start: int | None = None
    page_end: int | None = None
    parent: str | None = None  # number of the parent clause
    children: tuple[str, ...] = ()  # numbers of the direct sub-clauses
    heading: str = ""  # the heading printed just before the clause, if any

    @property
    def anchor(self) -> str:
        """Canonical citation key, e.g. 'ESL 39.15(a)'."""
        return f"{self.prefix} {self.number}"

    @property
    def key(self) -> str:
        """Anchor plus version: the stable node id, e.g. 'ESL 39.15@2025-08-01'."""
        return f"{self.anchor}@{self.version}"

    @property
    def is_subclause(self) -> bool:
        """True for lettered/roman sub-paragraphs such as 39.15(a) or 39.4(a)(i)."""
        return self.number.endswith(")")


@dataclass(frozen=True, slots=True)
class Definition:
    """A defined term ('Relevant Smart Metering System means ...') and where it is defined."""

    term: str
    doc_id: str
    prefix: str
    version: str
    number: str  # clause that holds the definition, e.g. '39.22'
    start: int
    end: int
    text: str

    @property
    def anchor(self) -> str:
        """Anchor of the definitions clause."""
        return f"{self.prefix} {self.number}"


@dataclass(frozen=True, slots=True)
class Repair:
    """A word split by the PDF text layer and joined at cleaning: ``text[start:end]`` was ``original``."""

    start: int
    end: int
    original: str  # as extracted: 'pr emises', 'In -Home'


@dataclass(frozen=True, slots=True)
class ParsedDocument:
    """A document after loading, cleaning and segmentation: what the index stores."""

    source: Source
    text: str  # cleaned text; every clause span points into it
    clauses: tuple[Clause, ...]
    definitions: tuple[Definition, ...] = ()
    page_offsets: tuple[tuple[int, int], ...] = ()  # (offset in text, page number), ascending
    cleaning_steps: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default=())
    repairs: tuple[Repair, ...] = ()  # split words joined by cleaning, in text order

    def extracted(self, start: int, end: int) -> str:
        """``text[start:end]`` as the text layer had it: the split-word repairs inside undone."""
        parts, position = [], start
        for repair in self.repairs:
            if start <= repair.start and repair.end <= end:
                parts += [self.text[position : repair.start], repair.original]
                position = repair.end
        parts.append(self.text[position:end])
        return "".join(parts)

    def own_end(self, clause: Clause) -> int:
        """Where a clause's own text ends: before its first numbered child section (2 -> 2.1, the
        child's number and heading line excluded), if any."""
        sections = [c.start for c in self.clauses if c.parent == clause.number and not c.is_subclause]
        if not sections:
            return clause.end
        child = min(sections)
        line_start = self.text.rfind("\n", clause.start, child) + 1
        number = NUMBER_BEFORE.fullmatch(self.text, line_start, child)
        return max(clause.start, line_start if number and line_start else child)


class SourceRecord(BaseModel):
    """What the manifest remembers about one ingested source."""

    model_config = ConfigDict(extra="forbid")

    id: str
    prefix: str
    version: str
    title: str
    sha256: str
    file: str
    clauses: int = Field(description="Clauses and sub-clauses found")
    nodes: int = Field(description="Retrieval nodes made from them")


class IndexManifest(BaseModel):
    """`index/manifest.json`: everything needed to explain (and refuse) an index."""

    model_config = ConfigDict(extra="forbid")

    format: int = Field(description="Index layout version; a mismatch refuses to load")
    generation: str = Field(default="", description="Id of the index generation this manifest belongs to")
    clausetrace_version: str
    model: str = Field(description="Embedding model name")
    dimension: int
    built_at: str = Field(description="UTC ISO timestamp")
    cleaning_steps: list[str]
    chunking: dict[str, int | str]
    sources: list[SourceRecord]
    counts: dict[str, int]
    skipped: list[str] = Field(default_factory=list, description="Files refused, with the reason")


class Obligation(BaseModel):
    """One obligation (or exception to one): who owes it, what, under which conditions, where."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    anchor: str = Field(description="Clause the obligation is written in, e.g. 'ESL 39.1'")
    doc_id: str = Field(description="Catalogue id of the document, e.g. 'esl-39-2025-08-01'")
    prefix: str = Field(description="Citation prefix of the document, e.g. 'ESL'")
    version: str = Field(description="Version label of the document, e.g. '2025-08-01'")
    party: str = Field(description="Normalised party that owes it, e.g. 'Electricity Supplier'")
    party_text: str = Field(description="The party as written, e.g. 'the licensee'; '' if inferred")
    modality: Modality = Field(
        description="must, must not, shall, shall not, take all reasonable "
        "steps, is required to, may (a power), or exception"
    )
    action: str = Field(description="What is owed: the verb phrase after the modal")
    conditions: list[str] = Field(default_factory=list, description="Condition phrases as written")
    exception_to: list[str] = Field(
        default_factory=list, description="Anchors this clause is an exception to"
    )
    subject_to: list[str] = Field(default_factory=list, description="Anchors that qualify it")
    scoped_by: list[str] = Field(
        default_factory=list, description="Anchors saying where or when it applies, e.g. 'ESL 39.14'"
    )
    joint_with: list[str] = Field(
        default_factory=list, description="Other parties named as owing it together with this one"
    )
    counterparties: list[str] = Field(
        default_factory=list, description="Other parties named in the action (owed to, e.g.)"
    )
    secondary: bool = Field(default=False, description="True when read from guidance, not the rule")
    quoted_from: str | None = Field(
        default=None, description="Provision a guidance document quotes, e.g. 'SEC F4.3'"
    )
    sentence: str = Field(description="The sentence that states it: doc_text[start:end]")
    start: int = Field(description="Start of the sentence in the document text")
    end: int = Field(description="End of the sentence in the document text")

    @property
    def key(self) -> str:
        """Anchor plus version, as for clauses: 'ESL 39.1@2025-08-01'."""
        return f"{self.anchor}@{self.version}"


class Reference(BaseModel):
    """One reference made by a clause: where it is written, what it points at, and how."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source_anchor: str = Field(description="Clause making the reference, e.g. 'ESL 39.2'")
    doc_id: str = Field(default="", description="Source id of the referring document")
    version: str = Field(description="Version of the referring document")
    text: str = Field(description="The reference as written, e.g. 'paragraphs 39.3, 39.4'")
    start: int = Field(description="Start of the reference in the document text")
    end: int = Field(description="End of the reference in the document text")
    target: str = Field(description="Anchor pointed at: 'ESL 39.3', 'SEC F4.3', 'GSL 6', 'SMETS'")
    instrument: str = Field(description="Instrument of the target: ESL, GSL, DCCL, SEC, SMETS ...")
    relation: Relation = Field(description="How the source relates to the target")
    secondary: bool = Field(
        default=False, description="Guidance quoting another instrument, not the instrument itself"
    )
    subject: str | None = Field(
        default=None,
        description="Clause the sentence states the relation about, when it names one: 'ESL 39.1'"
        " in 'The requirement in paragraph 39.1 is subject to paragraphs 39.3 ...'",
    )
