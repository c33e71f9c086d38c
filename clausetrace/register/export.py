"""The register for people and spreadsheets: filters, CSV and short table rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from clausetrace.models import Obligation

CSV_COLUMNS: tuple[str, ...] = (
    "anchor",
    "version",
    "party",
    "modality",
    "action",
    "conditions",
    "exception_to",
    "subject_to",
    "sentence",
)
LIST_SEPARATOR = "; "
TABLE_ACTION_WIDTH = 90


def filter_register(
    obligations: Iterable[Obligation],
    party: str | None = None,
    prefix: str | None = None,
    version: str | None = None,
) -> list[Obligation]:
    """Obligations whose normalised party contains ``party`` (any case), of a prefix and version."""
    return [
        o
        for o in obligations
        if (party is None or party.lower() in o.party.lower())
        and (prefix is None or o.prefix.lower() == prefix.lower())
        and (version is None or o.version == version)
    ]


def to_csv(obligations: Iterable[Obligation], columns: Sequence[str] = CSV_COLUMNS) -> str:
    """CSV text of the register; list fields are joined with '; '."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for obligation in obligations:
        writer.writerow({c: _cell(getattr(obligation, c)) for c in columns})
    return buffer.getvalue()


def to_table_rows(obligations: Iterable[Obligation]) -> list[dict[str, str]]:
    """Short rows for a human table: anchor, version, party, modality, action, qualifiers."""
    rows = []
    for o in obligations:
        action = o.action if len(o.action) <= TABLE_ACTION_WIDTH else o.action[: TABLE_ACTION_WIDTH - 1] + "…"
        qualifiers = [f"subject to {a}" for a in o.subject_to] + [f"exception to {a}" for a in o.exception_to]
        rows.append(
            {
                "anchor": o.anchor,
                "version": o.version,
                "party": o.party,
                "modality": o.modality,
                "action": action,
                "qualifiers": LIST_SEPARATOR.join(qualifiers),
            }
        )
    return rows


def _cell(value: object) -> str:
    """One CSV cell: lists joined with '; ', None as ''."""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return "" if value is None else str(value)
