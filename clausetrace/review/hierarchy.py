"""The regulatory hierarchy at a glance: levels, their instruments, who owes what at each level,
who delivers and who is impacted (SMDA-266 section 4), and the links that carry an obligation down.

Levels follow the chain SMDA-266 2.1 describes: Licences (ESL, GSL, DCCL) -> SEC main body ->
technical specifications (SMETS, CHTS) -> GBCS, with guidance (SMDA-266) beside them. An
obligation belongs to the level of its instrument; a guidance obligation that quotes a provision
(``quoted_from``, e.g. 'GSL 42.1' quoted in SMDA-266 2.3) counts at the quoted provision's level,
marked secondary. Links are the hierarchy edges of the trace graph that oblige compliance with a
lower instrument, or that guidance states for a provision whose obligation it quotes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from clausetrace.index import ClauseIndex
from clausetrace.models import Obligation
from clausetrace.register.impact_table import IMPACT_TABLE_ANCHOR, impact_table
from clausetrace.trace.view import instrument

LEVELS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("licences", "Licences", ("ESL", "GSL", "DCCL")),
    ("sec", "SEC main body", ("SEC",)),
    ("specs", "Technical specifications", ("SMETS", "CHTS")),
    ("gbcs", "GBCS", ("GBCS",)),
)
GUIDANCE = ("guidance", "Guidance", ("SMDA-266",))


class Instrument(BaseModel):
    """One instrument of a level: indexed (with versions and a first clause) or only named."""

    model_config = ConfigDict(extra="forbid")

    prefix: str
    title: str
    in_corpus: bool
    versions: list[str] = Field(default_factory=list)
    first_clause: str | None = Field(default=None, description="Anchor to open in the Clause browser")
    quoted_in: list[str] = Field(default_factory=list, description="Guidance clauses quoting it")
    url: str = ""


class PartyDuties(BaseModel):
    """Obligations at one level owed by one party."""

    model_config = ConfigDict(extra="forbid")

    party: str
    primary: list[str] = Field(default_factory=list, description="Clauses in the corpus stating it")
    secondary: list[str] = Field(
        default_factory=list, description="'GSL 42.1 (quoted in SMDA-266 2.3)': only quoted by guidance"
    )


class Level(BaseModel):
    """One level of the hierarchy."""

    model_config = ConfigDict(extra="forbid")

    key: str
    title: str
    instruments: list[Instrument]
    parties: list[PartyDuties]
    delivers: list[str] = Field(default_factory=list, description="Obligations are relevant to (SMDA-266 4)")
    impacted: list[str] = Field(default_factory=list, description="Non-compliance impacts (SMDA-266 4)")

    @property
    def obligations(self) -> int:
        return sum(len(p.primary) + len(p.secondary) for p in self.parties)


class Link(BaseModel):
    """A provision that carries an obligation down to a lower instrument."""

    model_config = ConfigDict(extra="forbid")

    source: str
    target: str
    source_level: str
    target_level: str
    relation: str
    text: str = Field(description="The instrument as written, e.g. 'ESME Technical Specification'")
    via: str | None = Field(default=None, description="Guidance clause stating it, when secondary")
    secondary: bool = False
    in_corpus: bool = Field(description="The source provision is a clause of the corpus")


class Hierarchy(BaseModel):
    """Levels top to bottom, guidance beside them, and the links between levels."""

    model_config = ConfigDict(extra="forbid")

    version: str | None
    party: str | None
    levels: list[Level]
    guidance: Level
    links: list[Link]


def level_of(prefix: str) -> str | None:
    """Level key of an instrument prefix ('GSL' -> 'licences'), None when not in the chain."""
    return next((key for key, _, prefixes in (*LEVELS, GUIDANCE) if prefix in prefixes), None)


def build_hierarchy(
    index: ClauseIndex,
    graph: Any,
    catalogue: Iterable[Any] = (),
    party: str | None = None,
    version: str | None = None,
) -> Hierarchy:
    """The hierarchy of the index (latest versions, or ``version`` pinned), for one party or all."""
    obligations = _in_view(index, version, party)
    edges = graph.hierarchy(version=version).edges
    titles = {s.prefix: s for s in catalogue}
    quoted_in: dict[str, list[str]] = {}
    for o in obligations:
        if o.quoted_from:
            quoted_in.setdefault(instrument(o.quoted_from), []).append(o.anchor)
    for e in edges:
        if e.via and e.secondary:
            quoted_in.setdefault(e.source_instrument, []).append(e.via)
    table = _table(index)
    levels = [
        _level(index, key, title, prefixes, obligations, titles, quoted_in, table)
        for key, title, prefixes in (*LEVELS, GUIDANCE)
    ]
    return Hierarchy(
        version=version,
        party=party,
        levels=levels[:-1],
        guidance=levels[-1],
        links=_links(edges, obligations, index),
    )


def _in_view(index: ClauseIndex, version: str | None, party: str | None) -> list[Obligation]:
    """Obligations of the pinned version (or the latest of each clause), of the party if given."""
    out = []
    for o in index.obligations:
        versions = index.versions(o.anchor)
        keep = o.version == version or (version not in versions and versions[:1] == [o.version])
        if keep and (party is None or party.lower() in o.party.lower()):
            out.append(o)
    return out


def _table(index: ClauseIndex) -> list[tuple[tuple[str, ...], list[str], list[str]]]:
    clauses = index.by_anchor.get(IMPACT_TABLE_ANCHOR, [])
    return impact_table(clauses[0].text) if clauses else []


def _level(
    index: ClauseIndex,
    key: str,
    title: str,
    prefixes: tuple[str, ...],
    obligations: list[Obligation],
    titles: dict[str, Any],
    quoted_in: dict[str, list[str]],
    table: list[tuple[tuple[str, ...], list[str], list[str]]],
) -> Level:
    instruments = [_instrument(index, p, titles.get(p), quoted_in.get(p, [])) for p in prefixes]
    by_party: dict[str, PartyDuties] = {}
    for o in obligations:
        quoted = instrument(o.quoted_from) if o.quoted_from else None
        if quoted in prefixes:
            label = f"{o.quoted_from} (quoted in {o.anchor})"
            _append(by_party.setdefault(o.party, PartyDuties(party=o.party)).secondary, label)
        elif o.prefix in prefixes and not (o.quoted_from and key == GUIDANCE[0]):
            _append(by_party.setdefault(o.party, PartyDuties(party=o.party)).primary, o.anchor)
    delivers = [c for row in table if set(row[0]) & set(prefixes) for c in row[1]]
    impacted = [c for row in table if set(row[0]) & set(prefixes) for c in row[2]]
    return Level(
        key=key,
        title=title,
        instruments=instruments,
        parties=sorted(by_party.values(), key=lambda p: -(len(p.primary) + len(p.secondary))),
        delivers=list(dict.fromkeys(delivers)),
        impacted=list(dict.fromkeys(impacted)),
    )


def _instrument(index: ClauseIndex, prefix: str, source: Any, quoted_in: list[str]) -> Instrument:
    docs = sorted(
        (d for d in index.documents.values() if d.source.prefix == prefix),
        key=lambda d: (d.source.date, d.source.id),
    )
    latest = [d for d in docs if d.source.date == docs[-1].source.date][:1] if docs else []
    first = next((c.anchor for d in latest for c in d.clauses if not c.is_subclause), None)
    return Instrument(
        prefix=prefix,
        title=source.title if source else (docs[-1].source.title if docs else prefix),
        in_corpus=bool(docs),
        versions=sorted({d.source.version for d in docs}),
        first_clause=first,
        quoted_in=sorted(set(quoted_in)),
        url=source.url if source else (docs[-1].source.url if docs else ""),
    )


def _links(edges: Iterable[Any], obligations: list[Obligation], index: ClauseIndex) -> list[Link]:
    """Compliance edges, and guidance-stated edges of provisions whose obligation it quotes."""
    quoted = {o.quoted_from for o in obligations if o.quoted_from}
    owing = {o.anchor.split("(")[0] for o in obligations} | quoted
    links: dict[tuple[str, str], Link] = {}
    for e in edges:
        carries = e.relation == "obliges_compliance_with" or (e.secondary and e.source in quoted)
        if not carries or e.source not in owing:
            continue
        link = Link(
            source=e.source,
            target=e.target,
            source_level=level_of(e.source_instrument) or "",
            target_level=level_of(e.target_instrument) or "",
            relation=e.relation,
            text=e.text,
            via=e.via if e.secondary else None,
            secondary=e.secondary,
            in_corpus=index.has_anchor(e.source),
        )
        known = links.get((e.source, e.target))
        if known is None or (known.secondary and not link.secondary):
            links[(e.source, e.target)] = link
    return sorted(links.values(), key=lambda k: (k.source_level, k.source, k.target))


def _append(values: list[str], value: str) -> None:
    if value not in values:
        values.append(value)
