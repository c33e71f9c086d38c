"""Citations of retrieved clauses, the cross-references they make, and notes on versions and
secondary sources."""

from __future__ import annotations

from clausetrace.answer.models import Citation, CrossReference
from clausetrace.index import ClauseIndex
from clausetrace.retrieve import Hit


def citation(n: int, hit: Hit, index: ClauseIndex) -> Citation:
    """A Citation for a retrieved hit; the text is sliced from the stored document."""
    clause, source = hit.clause, index.source_of(hit.clause)
    quotes = index.quoted_instruments(clause) if source.family == "guidance" else []
    return Citation(
        n=n,
        anchor=clause.anchor,
        key=clause.key,
        doc_id=clause.doc_id,
        title=source.title,
        version=clause.version,
        latest=index.is_latest(clause),
        page_start=clause.page_start,
        page_end=clause.page_end,
        url=source.url,
        heading=clause.heading,
        text=index.documents[clause.doc_id].text[clause.start : clause.end],
        start=clause.start,
        end=clause.end,
        score=round(hit.score, 6),
        dense=round(hit.dense, 4),
        via=hit.via,
        secondary=bool(quotes),
        quotes=quotes,
    )


def cross_references(citations: list[Citation], index: ClauseIndex) -> list[CrossReference]:
    """References made by the cited clauses, marked in corpus or not."""
    refs = []
    for c in citations:
        for ref in index.references_from(c.key):
            refs.append(
                CrossReference(
                    from_anchor=c.anchor,
                    text=ref.text,
                    target=ref.target,
                    relation=ref.relation,
                    in_corpus=index.has_anchor(ref.target),
                )
            )
    return list({(r.from_anchor, r.target): r for r in refs}.values())


def notes(citations: list[Citation], index: ClauseIndex) -> list[str]:
    """Which versions were used, and which citations are secondary."""
    out = []
    versions = sorted({f"{c.anchor.split()[0]} {c.version}" for c in citations})
    out.append(f"Versions cited: {', '.join(versions)} (latest indexed unless pinned).")
    for c in citations:
        if c.secondary:
            missing = [q for q in c.quotes if not index.has_anchor(q)]
            if missing:
                out.append(
                    f"{c.anchor} is guidance quoting {', '.join(missing)}: a secondary citation; "
                    "the quoted instrument is not in the corpus."
                )
    return out
