"""Look up one clause by anchor: the `show` command, the app's Clause browser, citation links."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from clausetrace.anchors import canonical_anchor
from clausetrace.errors import UnknownAnchorError
from clausetrace.index.store import ClauseIndex
from clausetrace.models import Clause


class ClauseView(BaseModel):
    """A clause as shown to a user: its text sliced from the stored document, and where it is."""

    model_config = ConfigDict(extra="forbid")

    anchor: str
    key: str = Field(description="anchor@version")
    version: str
    latest: bool
    other_versions: list[str]
    doc_id: str
    title: str = Field(description="Document title")
    title_path: list[str] = Field(description="Condition / part / heading")
    heading: str
    page_start: int | None
    page_end: int | None
    url: str
    text: str
    start: int
    end: int
    parent: str | None
    children: list[str]

    @property
    def pages(self) -> str:
        """'p. 447', 'pp. 446-453' or 'page unknown'."""
        return page_label(self.page_start, self.page_end)


def page_label(start: int | None, end: int | None) -> str:
    """'p. 447', 'pp. 446-453' or 'page unknown'."""
    if start is None:
        return "page unknown"
    return f"p. {start}" if end in (None, start) else f"pp. {start}-{end}"


def get_clause(
    index: ClauseIndex, anchor: str, version: str | None = None, as_of: str | None = None
) -> ClauseView:
    """The clause for an anchor (latest unless pinned by version or a date it was in force on);
    UnknownAnchorError names the nearest ones."""
    clause = index.get_clause(anchor, version, as_of)
    source = index.source_of(clause)
    return ClauseView(
        anchor=clause.anchor,
        key=clause.key,
        version=clause.version,
        latest=index.is_latest(clause),
        other_versions=[v for v in index.versions(clause.anchor) if v != clause.version],
        doc_id=clause.doc_id,
        title=source.title,
        title_path=list(clause.title_path),
        heading=clause.heading,
        page_start=clause.page_start,
        page_end=clause.page_end,
        url=source.url,
        text=index.documents[clause.doc_id].text[clause.start : clause.end],
        start=clause.start,
        end=clause.end,
        parent=f"{clause.prefix} {clause.parent}" if clause.parent else None,
        children=[f"{clause.prefix} {n}" for n in clause.children],
    )


def clauses_of(index: ClauseIndex, document: str, version: str) -> list[Clause]:
    """Every clause of a document ('ESL 48', 'SMDA-266') in one version, in document order."""
    name = canonical_anchor(document)
    inside = [
        c
        for c in index.clauses.values()
        if c.version == version and (c.prefix == name or c.anchor.startswith((name + ".", name + "(")))
    ]
    if not inside:
        have = sorted(
            {c.version for c in index.clauses.values() if c.prefix == name or c.anchor.startswith(name + ".")}
        )
        raise UnknownAnchorError(f"{name} @ {version}", [f"{name} @ {v}" for v in have])
    return sorted(inside, key=lambda c: (c.doc_id, c.start, -c.end))
