"""The register joined with its reviews: status per obligation, orphaned reviews, export rows."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from clausetrace.errors import ClausetraceError, UnknownAnchorError
from clausetrace.index import ClauseIndex
from clausetrace.models import Obligation
from clausetrace.review.store import Review, ReviewStore, sha256_text

IDENTITY_CHARS = 60
UNREVIEWED = "unreviewed"
ORPHANED = "orphaned"
EXPORT_COLUMNS: tuple[str, ...] = (
    "anchor",
    "version",
    "item",
    "party",
    "modality",
    "action",
    "conditions",
    "secondary",
    "quoted_from",
    "status",
    "reviewer",
    "reviewed_at",
    "revision",
    "text_changed",
    "note",
    "corrected",
    "extracted_party",
    "extracted_modality",
    "extracted_action",
    "sentence",
)


class ReviewedObligation(BaseModel):
    """One obligation of the register with its review (if any), corrections applied."""

    model_config = ConfigDict(extra="forbid")

    obligation: Obligation
    item: int = Field(description="Position of the obligation among those of its clause, from 1")
    identity: str
    clause_sha256: str
    review: Review | None = None
    text_changed: bool = Field(default=False, description="The clause text differs from the reviewed text")

    @property
    def status(self) -> str:
        return self.review.status if self.review else UNREVIEWED

    @property
    def revision(self) -> int:
        """The revision a writer read: 0 when unreviewed (the optimistic-lock etag)."""
        return self.review.revision if self.review else 0

    def value(self, name: str) -> Any:
        """party / modality / action / conditions, as corrected by the review if it was."""
        if self.review and self.review.status == "corrected" and name in self.review.corrections:
            return self.review.corrections[name]
        return getattr(self.obligation, name)

    def target(self) -> dict[str, str]:
        """What the store keys and checks a review by."""
        o = self.obligation
        return {
            "clause_key": o.key,
            "identity": self.identity,
            "anchor": o.anchor,
            "version": o.version,
            "clause_sha256": self.clause_sha256,
            "sentence": o.sentence,
        }


def obligation_identity(o: Obligation) -> str:
    """Which obligation of a clause: 'Electricity Supplier | must | 39.1 The licensee must …'."""
    return f"{o.party} | {o.modality} | {' '.join(o.sentence.split())[:IDENTITY_CHARS]}"


def clause_text(index: ClauseIndex, o: Obligation) -> str:
    """The stored text of the clause an obligation is written in (its sentence if not found)."""
    clause = index.clauses.get(o.key)
    return clause.text if clause else o.sentence


def reviewed_register(
    index: ClauseIndex, store: ReviewStore, obligations: Iterable[Obligation] | None = None
) -> tuple[list[ReviewedObligation], list[Review]]:
    """The register (or the given part of it) with reviews, and the reviews that match nothing."""
    reviews = {(r.clause_key, r.identity): r for r in store.reviews()}
    items, counts, hashes = [], {}, {}
    for o in index.obligations:
        counts[o.key] = counts.get(o.key, 0) + 1
        identity = obligation_identity(o)
        hashes.setdefault(o.key, sha256_text(clause_text(index, o)))
        review = reviews.get((o.key, identity))
        items.append(
            ReviewedObligation(
                obligation=o,
                item=counts[o.key],
                identity=identity,
                clause_sha256=hashes[o.key],
                review=review,
                text_changed=bool(review and review.clause_sha256 != hashes[o.key]),
            )
        )
    live = {(i.obligation.key, i.identity) for i in items}
    orphans = [r for k, r in reviews.items() if k not in live]
    if obligations is not None:
        wanted = {id(o) for o in obligations}
        items = [i for i in items if id(i.obligation) in wanted]
    return items, orphans


def select(
    items: Sequence[ReviewedObligation],
    index: ClauseIndex,
    anchor: str,
    version: str | None = None,
    item: int | None = None,
    party: str | None = None,
) -> ReviewedObligation:
    """The one obligation a CLI review names: clause, version (default latest), item or party."""
    if not index.by_anchor.get(anchor):
        known = sorted({i.obligation.anchor for i in items})
        raise UnknownAnchorError(anchor, [a for a in known if a.startswith(anchor.split(".")[0])][:3])
    version = version or index.versions(anchor)[0]
    found = [i for i in items if i.obligation.anchor == anchor and i.obligation.version == version]
    if party:
        found = [i for i in found if party.lower() in i.obligation.party.lower()]
    if item is not None:
        found = [i for i in found if i.item == item]
    if len(found) == 1:
        return found[0]
    if not found:
        raise ClausetraceError(f"No obligation of {anchor}@{version} matches; see `clausetrace review list`.")
    listed = "; ".join(f"#{i.item} {i.obligation.party} {i.obligation.modality}" for i in found)
    raise ClausetraceError(
        f"{anchor}@{version} holds {len(found)} obligations ({listed}): pick one with --item N."
    )


def export_rows(items: Iterable[ReviewedObligation], orphans: Iterable[Review] = ()) -> list[dict[str, Any]]:
    """One row per obligation (corrections applied, extracted values kept) and per orphaned review."""
    rows = []
    for i in items:
        o, r = i.obligation, i.review
        rows.append(
            {
                "anchor": o.anchor,
                "version": o.version,
                "item": i.item,
                "party": i.value("party"),
                "modality": i.value("modality"),
                "action": i.value("action"),
                "conditions": list(i.value("conditions")),
                "secondary": o.secondary,
                "quoted_from": o.quoted_from or "",
                "status": i.status,
                "reviewer": r.reviewer if r else "",
                "reviewed_at": r.at if r else "",
                "revision": i.revision,
                "text_changed": i.text_changed,
                "note": r.note if r else "",
                "corrected": sorted(r.corrections) if r else [],
                "extracted_party": o.party,
                "extracted_modality": o.modality,
                "extracted_action": o.action,
                "sentence": o.sentence,
            }
        )
    for r in orphans:
        party, modality, _ = (r.identity.split(" | ", 2) + ["", ""])[:3]
        rows.append(
            {
                "anchor": r.anchor,
                "version": r.version,
                "item": "",
                "party": party,
                "modality": modality,
                "action": "",
                "conditions": [],
                "secondary": "",
                "quoted_from": "",
                "status": f"{ORPHANED} ({r.status})",
                "reviewer": r.reviewer,
                "reviewed_at": r.at,
                "revision": r.revision,
                "text_changed": "",
                "note": r.note,
                "corrected": sorted(r.corrections),
                "extracted_party": party,
                "extracted_modality": modality,
                "extracted_action": "",
                "sentence": r.sentence,
            }
        )
    return rows


def rows_csv(rows: Iterable[dict[str, Any]], columns: Sequence[str] = EXPORT_COLUMNS) -> str:
    """CSV of export rows; lists joined with '; '."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "; ".join(map(str, v)) if isinstance(v, list) else v for k, v in row.items()})
    return buffer.getvalue()


def rows_json(rows: Iterable[dict[str, Any]]) -> str:
    """JSON of export rows."""
    return json.dumps(list(rows), indent=2, ensure_ascii=False)


def with_review_columns(
    register_csv: str, index: ClauseIndex, store: ReviewStore, rows: list[Obligation]
) -> str:
    """The obligations CSV (one line per obligation, in order) with review status and reviewer appended."""
    items, _ = reviewed_register(index, store, rows)
    by_id = {id(i.obligation): i for i in items}
    reader = list(csv.reader(io.StringIO(register_csv)))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*reader[0], "review_status", "reviewer"])
    for line, o in zip(reader[1:], rows, strict=True):
        item = by_id.get(id(o))
        writer.writerow(
            [*line, item.status if item else UNREVIEWED, item.review.reviewer if item and item.review else ""]
        )
    return buffer.getvalue()
