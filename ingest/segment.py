"""Cleaned text -> Clause and Definition records with exact spans.

Two ways of finding clause starts:

- licence texts (Ofgem's consolidated conditions) number paragraphs *inline*: '... Supplier.
  39.2 The requirement in paragraph 39.1 is subject to paragraphs 39.3, 39.4 ...'. Every
  ``N.N`` is a candidate; references are refused by the word before them (paragraph, of, and,
  ',' ...) and by what follows (a clause opens with a capital or '(Not used)'), and the survivors
  must form a sequence (39.1, 39.2, ... with small gaps): the longest such chain wins.
- outline texts (SEC, specs, guidance) put numbers at line starts: '2.5 Obligations in ...'.

Sub-paragraphs '(a)', '(ii)', 'ii.' inside a clause become child clauses ('39.4(a)(ii)'), read
with a stack of open lists so '(a)..(h)' restart per parent and references such as
'paragraph 39.7(a)' are never taken for a start. Every span satisfies ``text[start:end] ==
clause.text``; surrounding whitespace is removed by moving the span, never by editing text.

Stages: licence starts in ``ingest.licence``, outline starts in ``ingest.outline``, sub-paragraphs
and definitions in ``ingest.subclauses``; this module assembles the Clause records.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from clausetrace.errors import NoClausesFoundError
from clausetrace.models import Clause, Definition, Source
from clausetrace.text import trim_span
from ingest.anchors import GRAMMARS
from ingest.licence import condition_titles, licence_chain, licence_starts
from ingest.outline import outline_starts, sec_sections
from ingest.sec import appendix_starts, table_definitions
from ingest.spans import Item, Start
from ingest.subclauses import check_definitions, definition_spans, is_definitions_clause, parse_items

MIN_SECTIONS = 2  # SEC main-body numbering found at least this often wins over appendix numbering


@dataclass(frozen=True, slots=True)
class Pager:
    """Maps text offsets to printed page numbers."""

    offsets: tuple[tuple[int, int], ...]
    fallback: tuple[int | None, int | None] = (None, None)

    def pages(self, start: int, end: int) -> tuple[int | None, int | None]:
        """(first page, last page) of a span."""
        if not self.offsets:
            return self.fallback
        positions = [offset for offset, _ in self.offsets]
        first = self.offsets[max(0, bisect_right(positions, start) - 1)][1]
        last = self.offsets[max(0, bisect_right(positions, max(start, end - 1)) - 1)][1]
        return first, last


def page_range(pages: str | None) -> tuple[int | None, int | None]:
    """'446-453' -> (446, 453); '12' -> (12, 12); anything else -> (None, None)."""
    numbers = [int(n) for n in re.findall(r"[0-9]+", pages or "")]
    return (numbers[0], numbers[-1]) if numbers else (None, None)


def make_clause(
    text: str, source: Source, pager: Pager, number: str, span: tuple[int, int], **extra: object
) -> Clause:
    """A Clause whose text is exactly ``text[start:end]`` after trimming whitespace."""
    start, end = trim_span(text, *span)
    page_start, page_end = pager.pages(start, end)
    return Clause(
        doc_id=source.id,
        prefix=source.prefix,
        version=source.version,
        number=number,
        start=start,
        end=end,
        text=text[start:end],
        page_start=page_start,
        page_end=page_end,
        **extra,  # type: ignore[arg-type]
    )


def item_clauses(text: str, source: Source, pager: Pager, parent: Clause, items: list[Item]) -> list[Clause]:
    """Child Clause records (with grandchildren) for the sub-paragraph items of one clause."""
    numbers = {item.path: numbered(parent.number, item) for item in items}
    children: dict[tuple[str, ...], list[str]] = {}
    for item in items:
        children.setdefault(item.path[:-1], []).append(numbers[item.path])
    out = []
    for item in items:
        parent_number = numbers.get(item.path[:-1], parent.number)
        out.append(
            make_clause(
                text,
                source,
                pager,
                numbers[item.path],
                (item.start, item.end),
                title_path=parent.title_path,
                parent=parent_number,
                children=tuple(children.get(item.path, ())),
            )
        )
    return out


def span_ends(starts: list[Start], text: str, nested: bool) -> list[int]:
    """End of each top-level span: the next start's heading (or, nested, the next non-descendant)."""
    ends = []
    for index, start in enumerate(starts):
        stop = len(text)
        for later in starts[index + 1 :]:
            if not nested or not later.number.startswith(start.number + "."):
                stop = later.lead
                break
        ends.append(stop)
    return ends


def outline_parent(number: str, known: set[str]) -> str | None:
    """The nearest enclosing outline number present in the document ('2.5' -> '2')."""
    parts = number.split(".")
    for size in range(len(parts) - 1, 0, -1):
        candidate = ".".join(parts[:size])
        if candidate in known:
            return candidate
    return None


def title_paths(starts: list[Start], text: str, source: Source) -> list[tuple[str, ...]]:
    """Condition / part / heading (licence) or section / ancestors / heading (outline)."""
    paths = []
    if source.family == "licence":
        titles = condition_titles(text, source)
        for start in starts:
            cond = start.number.split(".")[0]
            parts = (titles.get(cond, f"Condition {cond}"), start.part, start.heading)
            paths.append(tuple(p for p in parts if p))
        return paths
    by_number = {start.number: start for start in starts}
    appendix = any(start.number[:1].isdigit() for start in starts)
    sections = sec_sections(text) if source.family == "sec" and not appendix else []
    for start in starts:
        chain: list[str] = []
        cursor = outline_parent(start.number, set(by_number))
        while cursor:
            ancestor = by_number[cursor]
            chain.insert(0, f"{ancestor.number} {ancestor.heading}".strip())
            cursor = outline_parent(cursor, set(by_number))
        section = [title for offset, title in sections if offset < start.start][-1:]
        paths.append(tuple(p for p in (*section, *chain, start.heading) if p))
    return paths


def segment(
    text: str, source: Source, page_offsets: Sequence[tuple[int, int]] = (), path: str | None = None
) -> tuple[tuple[Clause, ...], tuple[Definition, ...]]:
    """Find the clauses, sub-clauses and definitions of one cleaned document."""
    grammar = GRAMMARS[source.family]
    starts = licence_starts(text, source) if grammar.inline else outline_family_starts(text, source.family)
    if not starts:
        raise NoClausesFoundError(
            path or source.file or source.id,
            f"no {source.family} clause numbering found",
            "check --family/--prefix",
        )
    pager = Pager(tuple(page_offsets), page_range(source.pages))
    nested = not grammar.inline
    known = {start.number for start in starts}
    ends = span_ends(starts, text, nested)
    paths = title_paths(starts, text, source)
    kids: dict[str, list[str]] = {}
    for start in starts:
        parent = outline_parent(start.number, known) if nested else None
        if parent:
            kids.setdefault(parent, []).append(start.number)
    clauses: list[Clause] = []
    definitions: list[Definition] = []
    for start, end, title_path in zip(starts, ends, paths, strict=True):
        own_end = next((s.lead for s in starts if s.start > start.start), end) if nested else end
        resets, defs = [], []
        if is_definitions_clause(start, text):
            defs = table_definitions(text, start.body, own_end) or definition_spans(text, start.body, own_end)
            check_definitions(start, text, defs)
            resets = [begin for _, begin, _ in defs]
        items = parse_items(text, start.body, own_end, resets) if grammar.subclauses else []
        top_items = [numbered(start.number, item) for item in items if len(item.path) == 1]
        clause = make_clause(
            text,
            source,
            pager,
            start.number,
            (start.body, end),
            title_path=title_path,
            heading=start.heading,
            parent=outline_parent(start.number, known) if nested else None,
            children=tuple(top_items) + tuple(kids.get(start.number, [])),
        )
        clauses.append(clause)
        clauses.extend(item_clauses(text, source, pager, clause, items))
        definitions.extend(
            Definition(term, source.id, source.prefix, source.version, start.number, s, e, text[s:e])
            for term, s, e in defs
        )
    return tuple(sorted(clauses, key=lambda c: (c.start, -c.end))), tuple(definitions)


def outline_family_starts(text: str, family: str) -> list[Start]:
    """Outline starts; for the SEC, main-body sections ('F4.3') or else appendix numbering ('2.3.1')."""
    starts = outline_starts(text, family)
    if family != "sec" or len(starts) >= MIN_SECTIONS:
        return starts
    return appendix_starts(text) or starts


def numbered(parent: str, item: Item) -> str:
    """Number of a sub-paragraph item under ``parent``: '39.4' + ('a', 'ii') -> '39.4(a)(ii)'."""
    return parent + "".join(f"({label})" for label in item.path)


def numbering_found(text: str, family: str) -> list[str]:
    """Clause numbers the ``family`` grammar finds in ``text`` (used to detect a family)."""
    if GRAMMARS[family].inline:
        return [f"{c.cond}.{c.para}" for c in licence_chain(text, None)]
    return [start.number for start in outline_starts(text, family)]
