"""Text normalisation as a registry of named steps; the step names go into the index manifest.

Most steps map the list of page texts to a new list of the same length, so page boundaries (and
so page numbers) survive cleaning; a paging step (``split_at_page_numbers``) makes the pages of a
text that has only page-number lines to show them. Which steps run depends on the family
(``steps_for``): the SEC appendices need the layout steps of :mod:`ingest.layout`. The last step,
``repair_split_words``, joins words the PDF text layer split ('pr emises') against a vocabulary
(:mod:`ingest.repair`) and records each join, so the text as extracted can be rebuilt.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from clausetrace.models import Page, Repair
from ingest.layout import (
    drop_glued_page_numbers,
    drop_running_header_lines,
    drop_title_and_contents,
    join_split_labels,
    mark_broken_references,
    rebuild_definition_tables,
    split_at_page_numbers,
    tidy_table_rows,
)
from ingest.repair import Vocabulary, repair_text

Step = Callable[[list[str]], list[str]]
PageStep = Callable[[list[Page]], list[Page]]

PROVENANCE_RULE = re.compile(r"(?m)^-{20,}[ \t]*$")
PROVENANCE_MAX_LINES = 40  # the rule of dashes must end the header block within this many lines
CONTENTS_HEADING = re.compile(r"^\s*(?:table\s+of\s+)?contents\s*$", re.IGNORECASE)
DOT_LEADER = re.compile(r"(?:\.\s?){3,}|…")
TOC_ENTRY = re.compile(r"(?:(?:\.\s?){3,}|…|\s)\s*(?:[0-9]{1,4}|[ivxlc]{1,6})\s*$", re.IGNORECASE)
PAGE_FOOTER = re.compile(
    r"^\s*(?:(?:page|p\.)\s*[0-9]{1,4}(?:\s*(?:of|/)\s*[0-9]{1,4})?|[0-9]{1,4}(?:\s*(?:of|/)\s*[0-9]{1,4})?"
    r"|-\s*[0-9]{1,4}\s*-)\s*$",
    re.IGNORECASE,
)
EDGE_LINES = 2  # running headers/footers are looked for in this many lines at each page edge
MASK_MAX_WORDS = 6  # digits are masked only in short edge lines (page numbers, not sentences)
RUNNING_SHARE = 0.6  # a line at the edge of at least this share of pages is a running header
BLANK_RUNS = re.compile(r"\n{3,}")
SPACE_RUNS = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u3000]+")


def lines_of(text: str) -> list[str]:
    """Lines of a page without their newline characters."""
    return text.split("\n")


def strip_provenance_header(pages: list[str]) -> list[str]:
    """Drop the mirror's header block (title, provenance ...) ended by a line of dashes."""
    if not pages:
        return pages
    match = PROVENANCE_RULE.search(pages[0])
    if not match or pages[0][: match.start()].count("\n") >= PROVENANCE_MAX_LINES:
        return pages
    return [pages[0][match.end() :].lstrip("\n"), *pages[1:]]


def edge_indexes(lines: list[str]) -> list[int]:
    """Indexes of the first and last few non-blank lines of a page."""
    filled = [index for index, line in enumerate(lines) if line.strip()]
    return sorted(set(filled[:EDGE_LINES] + filled[-EDGE_LINES:]))


def edge_key(line: str) -> str:
    """A line compared across pages: spacing squeezed; in short lines digits masked ('Page 3')."""
    squeezed = " ".join(line.split()).lower()
    return re.sub(r"[0-9]+", "#", squeezed) if len(squeezed.split()) <= MASK_MAX_WORDS else squeezed


def drop_running_headers(pages: list[str]) -> list[str]:
    """Drop lines repeated at the top or bottom of most pages (document title, section name)."""
    if len(pages) < 2:
        return pages
    split = [lines_of(page) for page in pages]
    seen = Counter(key for lines in split for key in {edge_key(lines[i]) for i in edge_indexes(lines)})
    needed = max(2, RUNNING_SHARE * len(pages))
    running = {key for key, count in seen.items() if count >= needed and key}
    out = []
    for lines in split:
        drop = {i for i in edge_indexes(lines) if edge_key(lines[i]) in running}
        out.append("\n".join(line for i, line in enumerate(lines) if i not in drop))
    return out


def drop_page_footers(pages: list[str]) -> list[str]:
    """Drop page-number lines ('Page 12 of 40', '12', '- 12 -') at the top or bottom of pages."""
    out = []
    for page in pages:
        lines = lines_of(page)
        drop = {i for i in edge_indexes(lines) if PAGE_FOOTER.match(lines[i])}
        out.append("\n".join(line for i, line in enumerate(lines) if i not in drop))
    return out


def is_toc_entry(line: str) -> bool:
    """A contents line: ends in a page number or a dot leader."""
    stripped = line.rstrip()
    return bool(TOC_ENTRY.search(stripped) or DOT_LEADER.search(stripped[-8:]))


def contents_end(lines: list[str], start: int) -> int:
    """Index just past the contents entries that begin at ``start`` (one wrapped line allowed)."""
    index = start
    while index < len(lines):
        line = lines[index]
        if not line.strip() or is_toc_entry(line):
            index += 1
        elif index + 1 < len(lines) and is_toc_entry(lines[index + 1]) and lines[index + 1].strip():
            index += 2  # an entry wrapped over two lines
        else:
            break
    return index


def drop_contents(pages: list[str]) -> list[str]:
    """Drop a table of contents: a 'Contents' heading and the entries that follow it."""
    out = list(pages)
    for number, page in enumerate(out):
        lines = lines_of(page)
        heads = [i for i, line in enumerate(lines) if CONTENTS_HEADING.match(line)]
        if not heads:
            continue
        end = contents_end(lines, heads[0] + 1)
        out[number] = "\n".join(lines[: heads[0]] + lines[end:])
        follow = number + 1
        while end == len(lines) and follow < len(out):  # contents running over to the next page
            lines = lines_of(out[follow])
            end = contents_end(lines, 0)
            if end == 0:
                break
            out[follow] = "\n".join(lines[end:])
            follow += 1
        break
    return out


TABLE_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
CELL_SEPARATOR = " | "


def table_cells(pages: list[str]) -> list[str]:
    """Table rows written as HTML paragraphs or tab-separated cells become one line of plain cells
    joined by ' | ' (SMDA-266 section 4: instrument | relevant to | impacts), so no markup reaches
    an answer and the rows stay readable as data."""
    return ["\n".join(_row(line) for line in page.split("\n")) for page in pages]


def _row(line: str) -> str:
    if "<p>" in line:
        cells = TABLE_PARAGRAPH.findall(line)
    elif "\t" in line.strip():
        cells = line.split("\t")
    else:
        return line
    cells = [" ".join(html.unescape(c).split()) for c in cells]
    return CELL_SEPARATOR.join(c for c in cells if c)


def normalise_whitespace(pages: list[str]) -> list[str]:
    """Unify newlines, squeeze spaces/tabs, strip line ends, keep line breaks (one blank max)."""
    out = []
    for page in pages:
        text = page.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
        text = "\n".join(SPACE_RUNS.sub(" ", line).strip() for line in text.split("\n"))
        out.append(BLANK_RUNS.sub("\n\n", text).strip("\n"))
    return out


CLEANING_STEPS: dict[str, Step] = {
    "strip_provenance_header": strip_provenance_header,
    "drop_glued_page_numbers": drop_glued_page_numbers,
    "drop_running_headers": drop_running_headers,
    "drop_running_header_lines": drop_running_header_lines,
    "drop_page_footers": drop_page_footers,
    "mark_broken_references": mark_broken_references,
    "drop_contents": drop_contents,
    "drop_title_and_contents": drop_title_and_contents,
    "tidy_table_rows": tidy_table_rows,
    "join_split_labels": join_split_labels,
    "rebuild_definition_tables": rebuild_definition_tables,
    "table_cells": table_cells,
    "normalise_whitespace": normalise_whitespace,
}
PAGING_STEPS: dict[str, PageStep] = {"split_at_page_numbers": split_at_page_numbers}
REPAIR_STEP = "repair_split_words"  # runs last, on the joined text, with a vocabulary
DEFAULT_STEPS: tuple[str, ...] = (
    "strip_provenance_header",
    "drop_running_headers",
    "drop_page_footers",
    "drop_contents",
    "table_cells",
    "normalise_whitespace",
    REPAIR_STEP,
)
SEC_STEPS: tuple[str, ...] = (
    "strip_provenance_header",
    "split_at_page_numbers",
    "drop_glued_page_numbers",
    "drop_running_header_lines",
    "drop_running_headers",
    "drop_page_footers",
    "mark_broken_references",
    "drop_title_and_contents",
    "tidy_table_rows",
    "join_split_labels",
    "rebuild_definition_tables",
    "normalise_whitespace",
    REPAIR_STEP,
)
STEPS_BY_FAMILY: dict[str, tuple[str, ...]] = {"sec": SEC_STEPS}
PAGE_JOINER = "\n"  # pages join with a plain line break: a page break is not a paragraph break


@dataclass(frozen=True, slots=True)
class Cleaned:
    """A document's cleaned text, where its printed pages start, and the split words joined."""

    text: str
    offsets: tuple[tuple[int, int], ...]
    repairs: tuple[Repair, ...] = ()


def steps_for(family: str) -> tuple[str, ...]:
    """The cleaning steps of a numbering family (the SEC appendices need the layout steps)."""
    return STEPS_BY_FAMILY.get(family, DEFAULT_STEPS)


def check_steps(steps: Sequence[str]) -> None:
    """Refuse unknown step names."""
    unknown = [n for n in steps if n not in CLEANING_STEPS and n not in PAGING_STEPS and n != REPAIR_STEP]
    if unknown:
        raise ValueError(f"unknown cleaning step(s): {', '.join(unknown)}")


def clean_text(texts: list[str], steps: Sequence[str] = DEFAULT_STEPS) -> list[str]:
    """Apply the named page-text steps, in order, to a list of page texts (paging and repair skipped)."""
    check_steps(steps)
    for name in steps:
        if name in CLEANING_STEPS:
            texts = CLEANING_STEPS[name](texts)
    return texts


def clean_document(
    pages: Sequence[Page], steps: Sequence[str] = DEFAULT_STEPS, vocabulary: Vocabulary | None = None
) -> Cleaned:
    """Cleaned text, page offsets and split-word repairs (vocabulary: the document's own words)."""
    check_steps(steps)
    current = list(pages)
    for name in steps:
        if name in PAGING_STEPS:
            current = PAGING_STEPS[name](current)
        elif name in CLEANING_STEPS:
            texts = CLEANING_STEPS[name]([page.text for page in current])
            current = [Page(text, page.number) for page, text in zip(current, texts, strict=True)]
    text, offsets = join_pages(current)
    if REPAIR_STEP not in steps:
        return Cleaned(text, offsets)
    repaired, repairs = repair_text(text, vocabulary or Vocabulary.from_texts([text]))
    return Cleaned(repaired, tuple((shifted(o, repairs), n) for o, n in offsets), tuple(repairs))


def shifted(offset: int, repairs: Sequence[Repair]) -> int:
    """Where an offset of the text before repair lies in the repaired text."""
    total = 0  # characters removed by the repairs before the offset
    for repair in repairs:
        if repair.start + total >= offset:
            break
        total += len(repair.original) - (repair.end - repair.start)
    return offset - total


def join_pages(pages: Sequence[Page]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Page texts joined into one text, with (offset, page number) where each numbered page starts."""
    parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    position = 0
    for page in pages:
        if parts and page.text:
            position += len(PAGE_JOINER)
        if page.number is not None:
            offsets.append((position, page.number))
        if page.text:
            parts.append(page.text)
            position += len(page.text)
    return PAGE_JOINER.join(parts), tuple(offsets)


def clean_pages(
    pages: Sequence[Page], steps: Sequence[str] = DEFAULT_STEPS
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Cleaned document text plus (offset, page number) where each numbered page starts."""
    cleaned = clean_document(pages, steps)
    return cleaned.text, cleaned.offsets
