"""Records that flow through the pipeline.

Internal values (pages, clauses, definitions) are frozen dataclasses; anything that crosses a
boundary (the source catalogue, the index manifest, ``--json`` output) is a pydantic model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Family = Literal["licence", "sec", "spec", "guidance"]


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
class ParsedDocument:
    """A document after loading, cleaning and segmentation: what the index stores."""

    source: Source
    text: str  # cleaned text; every clause span points into it
    clauses: tuple[Clause, ...]
    definitions: tuple[Definition, ...] = ()
    page_offsets: tuple[tuple[int, int], ...] = ()  # (offset in text, page number), ascending
    cleaning_steps: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default=())


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
    clausetrace_version: str
    model: str = Field(description="Embedding model name")
    dimension: int
    built_at: str = Field(description="UTC ISO timestamp")
    cleaning_steps: list[str]
    chunking: dict[str, int | str]
    sources: list[SourceRecord]
    counts: dict[str, int]
    skipped: list[str] = Field(default_factory=list, description="Files refused, with the reason")
