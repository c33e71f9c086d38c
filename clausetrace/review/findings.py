"""Findings for drafting: pinned answers and clauses as Markdown and Word (verbatim quotes, each
with a numbered note naming anchor, document, version, page and official URL; secondary citations
marked), and the traceability matrix (obligation -> party -> clause -> level -> quoted in -> review)
as CSV and XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from clausetrace.index import ClauseIndex
from clausetrace.review.hierarchy import LEVELS, level_of
from clausetrace.review.register import ReviewedObligation
from clausetrace.trace.view import instrument

LEVEL_TITLES = {key: title for key, title, _ in LEVELS} | {"guidance": "Guidance"}
MATRIX_COLUMNS = (
    "obligation",
    "modality",
    "party",
    "clause",
    "version",
    "level",
    "quoted_in",
    "secondary",
    "review_status",
    "reviewer",
)


class Quote(BaseModel):
    """A verbatim quote and where it is written."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(description="Verbatim, sliced from the stored clause text")
    anchor: str
    key: str = Field(description="anchor@version of the clause the quote is sliced from")
    document: str
    version: str
    pages: str = ""
    url: str = ""
    secondary: bool = False
    quotes: list[str] = Field(default_factory=list, description="Instruments a secondary source quotes")

    def note(self) -> str:
        """The note text: 'ESL 39.1 · title · version 2025-08-01 · p. 3 · url [secondary …]'."""
        parts = [self.anchor, self.document, f"version {self.version}"]
        parts += [f"p. {self.pages}"] if self.pages else []
        parts += [self.url] if self.url else []
        note = " · ".join(parts)
        if self.secondary:
            quoted = f" quoting {', '.join(self.quotes)}" if self.quotes else ""
            note += f" (secondary citation: guidance{quoted}, not the instrument itself)"
        return note


class Finding(BaseModel):
    """One pinned item: an answer (its quoted sentences) or a clause (its text)."""

    model_config = ConfigDict(extra="forbid")

    kind: str = Field(description="'answer' or 'clause'")
    title: str = Field(description="The question, or the clause anchor and heading")
    summary: str = Field(default="", description="Who owes it, for an answer")
    quotes: list[Quote]


def _pages(start: int | None, end: int | None) -> str:
    if start is None:
        return ""
    return str(start) if end in (None, start) else f"{start}–{end}"


def clause_quote(
    index: ClauseIndex, anchor: str, version: str | None = None, text: str | None = None
) -> Quote:
    """A quote of a clause (its whole text unless ``text``, a slice of it, is given)."""
    clause = index.get_clause(anchor, version)
    source = index.source_of(clause)
    secondary = source.family == "guidance"
    quotes = sorted(
        {
            r.instrument
            for r in index.references
            if secondary and r.source_anchor.split("(")[0] == clause.anchor and r.instrument != source.prefix
        }
    )
    return Quote(
        text=text if text is not None else clause.text,
        anchor=clause.anchor,
        key=clause.key,
        document=source.title,
        version=clause.version,
        pages=_pages(clause.page_start, clause.page_end),
        url=source.url,
        secondary=secondary,
        quotes=quotes,
    )


def clause_finding(index: ClauseIndex, anchor: str, version: str | None = None) -> Finding:
    """A pinned clause."""
    quote = clause_quote(index, anchor, version)
    heading = index.get_clause(anchor, version).heading
    return Finding(
        kind="clause", title=f"{quote.anchor}" + (f" — {heading}" if heading else ""), quotes=[quote]
    )


def answer_finding(index: ClauseIndex, answer: Any) -> Finding:
    """A pinned answer: each quoted sentence with the citation it is sliced from."""
    by_n = {c.n: c for c in answer.citations}
    quotes = []
    for sentence in answer.sentences:
        if sentence.kind != "quote" or not sentence.citations:
            continue
        c = by_n[sentence.citations[0]]
        quotes.append(
            Quote(
                text=sentence.text,
                anchor=c.anchor,
                key=c.key,
                document=c.title,
                version=c.version,
                pages=_pages(c.page_start, c.page_end),
                url=c.url,
                secondary=c.secondary,
                quotes=list(c.quotes),
            )
        )
    who = f"Who: {', '.join(answer.parties)}" if answer.parties else ""
    return Finding(kind="answer", title=answer.question, summary=who, quotes=quotes)


def to_markdown(findings: Sequence[Finding]) -> str:
    """Markdown: each finding a section, each quote a block quote with a footnote."""
    lines, notes, n = ["# Findings", ""], [], 0
    for finding in findings:
        lines += [f"## {finding.title}", ""]
        if finding.summary:
            lines += [finding.summary, ""]
        for quote in finding.quotes:
            n += 1
            body = "\n".join(f"> {line}" if line.strip() else ">" for line in quote.text.splitlines())
            lines += [f"{body} [^{n}]", ""]
            notes.append(f"[^{n}]: {quote.note()}")
    return "\n".join(lines + notes) + "\n"


def to_docx(findings: Sequence[Finding]) -> bytes:
    """A Word document: headings, verbatim quotes with superscript note numbers, numbered notes."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.add_heading("Findings", level=0)
    notes: list[str] = []
    for finding in findings:
        doc.add_heading(finding.title, level=1)
        if finding.summary:
            doc.add_paragraph(finding.summary)
        for quote in finding.quotes:
            notes.append(quote.note())
            paragraph = doc.add_paragraph(style="Quote")
            paragraph.add_run(quote.text)
            marker = paragraph.add_run(str(len(notes)))
            marker.font.superscript = True
    doc.add_heading("Notes", level=1)
    for n, note in enumerate(notes, start=1):
        run = doc.add_paragraph().add_run(f"{n}. {note}")
        run.font.size = Pt(9)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def matrix_rows(items: Iterable[ReviewedObligation]) -> list[dict[str, Any]]:
    """The traceability matrix: obligation -> party -> clause -> level -> quoted in -> review."""
    items = list(items)
    quoted_in: dict[str, list[str]] = {}
    for i in items:
        if i.obligation.quoted_from:
            quoted_in.setdefault(i.obligation.quoted_from, []).append(i.obligation.anchor)
    rows = []
    for i in items:
        o = i.obligation
        clause = o.quoted_from or o.anchor
        level = level_of(instrument(clause)) or ""
        rows.append(
            {
                "obligation": f"{i.value('modality')} {i.value('action')}",
                "modality": i.value("modality"),
                "party": i.value("party"),
                "clause": clause,
                "version": o.version,
                "level": LEVEL_TITLES.get(level, level),
                "quoted_in": "; ".join(
                    dict.fromkeys([o.anchor] if o.quoted_from else quoted_in.get(o.anchor, []))
                ),
                "secondary": o.secondary,
                "review_status": i.status,
                "reviewer": i.review.reviewer if i.review else "",
            }
        )
    return rows


def matrix_csv(rows: Iterable[dict[str, Any]]) -> str:
    """The matrix as CSV."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(MATRIX_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def matrix_xlsx(rows: Iterable[dict[str, Any]]) -> bytes:
    """The matrix as an XLSX workbook (one sheet, header frozen, filters on)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Traceability"
    sheet.append(list(MATRIX_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_xlsx_cell(row[c]) for c in MATRIX_COLUMNS])
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(value: Any) -> Any:
    """Text that a spreadsheet would read as a formula is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
