"""What an answer is: cited sentences, citations that slice stored text, or a typed refusal."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

CANNOT_ANSWER = "The indexed documents do not answer this question."


class Citation(BaseModel):
    """A retrieved clause cited by an answer; its text is a slice of the stored document."""

    model_config = ConfigDict(extra="forbid")

    n: int = Field(description="Citation number used in the answer text, from 1")
    anchor: str = Field(description="Canonical anchor, e.g. 'ESL 39.1'")
    key: str = Field(description="Anchor@version: the index node key")
    doc_id: str
    title: str = Field(description="Document title")
    version: str
    latest: bool = Field(description="False when a newer version of this clause is indexed")
    page_start: int | None = None
    page_end: int | None = None
    url: str = Field(default="", description="Official source")
    heading: str = ""
    text: str = Field(description="Clause text, sliced from the stored document text")
    start: int = Field(description="Span of the clause in the stored document text")
    end: int
    score: float = Field(description="Fused retrieval score")
    dense: float = Field(description="Cosine similarity of the best node")
    via: str = Field(
        description="'anchor': the question named it; 'quote': it quotes the instrument named; "
        "'exception' / 'parallel': added to a list of exceptions / of parallel requirements; else 'hybrid'"
    )
    secondary: bool = Field(
        default=False, description="Guidance quoting another instrument: a secondary citation"
    )
    quotes: list[str] = Field(default_factory=list, description="Instruments a secondary source quotes")


class AnswerSentence(BaseModel):
    """One sentence of the answer: quoted verbatim from a cited clause, or a cited diff summary."""

    model_config = ConfigDict(extra="forbid")

    text: str
    citations: list[int] = Field(description="Citation numbers supporting this sentence")
    anchors: list[str]
    kind: Literal["quote", "summary"] = Field(
        default="quote", description="'quote': a slice of the cited clause; 'summary': a version comparison"
    )
    start: int | None = Field(default=None, description="Span of a quote in its document's stored text")
    end: int | None = None
    obligation: bool = Field(default=False, description="States a duty (must / shall / ...)")


class Duty(BaseModel):
    """Who owes what in a cited clause: one line per party and obligation, at its smallest clause."""

    model_config = ConfigDict(extra="forbid")

    party: str = Field(description="Normalised party, e.g. 'Electricity Supplier', 'DCC'")
    modality: str = Field(description="must, shall, may, take all reasonable steps, exception ...")
    action: str = Field(description="What is owed")
    anchor: str = Field(description="The smallest clause stating it, e.g. 'ESL 41.10(a)'")
    version: str
    citation: int = Field(description="Number of the citation it is read from")
    secondary: bool = Field(default=False, description="Read from guidance, not the rule itself")
    quoted_from: str | None = Field(
        default=None, description="Instrument the guidance quotes, e.g. 'GSL 42.1' (as quoted in ...)"
    )


class CrossReference(BaseModel):
    """A reference made by a cited clause, resolved to an anchor when that is indexed."""

    model_config = ConfigDict(extra="forbid")

    from_anchor: str
    text: str = Field(description="The reference as written")
    target: str
    relation: str
    in_corpus: bool = Field(description="False: named but not indexed ('not in corpus')")


class Answer(BaseModel):
    """The outcome of a question: cited sentences, or a typed refusal with nearby clauses."""

    model_config = ConfigDict(extra="forbid")

    question: str
    understood: str = Field(default="", description="How the question was read: intent, anchors, party")
    refused: bool
    reason: str = Field(default="", description="Why the answer was refused, or notes on it")
    sentences: list[AnswerSentence] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    parties: list[str] = Field(
        default_factory=list,
        description="Who the answer names: deciders and impacted parties first, then who owes the "
        "obligations cited",
    )
    deciders: list[str] = Field(
        default_factory=list, description="Parties holding the powers quoted (who decides / directs)"
    )
    impacted: list[str] = Field(
        default_factory=list, description="Parties the quoted SMDA-266 section 4 rows say are impacted"
    )
    duties: list[Duty] = Field(default_factory=list, description="Who owes what, per party and clause")
    confidence: float | None = Field(
        default=None, description="Calibrated probability that the corpus answers (None: a named clause)"
    )
    cross_references: list[CrossReference] = Field(default_factory=list)
    possibly_related: list[Citation] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list, description="Version and secondary-source notes")
    timings: dict[str, float] = Field(default_factory=dict, description="Milliseconds per stage")

    @model_validator(mode="after")
    def _citations_exist(self) -> Answer:
        numbers = {c.n for c in self.citations}
        for sentence in self.sentences:
            if not set(sentence.citations) <= numbers or not sentence.citations:
                raise ValueError(f"sentence cites unknown citation: {sentence.citations}")
        return self

    @property
    def text(self) -> str:
        """The answer as plain text with [n] markers (or the refusal)."""
        if self.refused:
            return f"{CANNOT_ANSWER} {self.reason}".strip()
        body = " ".join(f"{s.text} [{', '.join(map(str, s.citations))}]" for s in self.sentences)
        who = f"Who: {', '.join(self.parties)}. " if self.parties else ""
        return who + body
