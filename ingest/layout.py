"""Cleaning steps for the page layout of converted PDFs (the SEC appendices as pdfminer gives them).

A PDF-to-text converter leaves: page numbers on lines of their own (the only page breaks left in
a .txt), a running header placed anywhere on its page ("SEC - Appendix N"), the contents page's
page-number column glued into the body ("2233334444455666666667Services ..."), Word's broken
cross-references ("Error! Reference source not found."), tables as pipe rows with empty cells or
as two interleaved columns, and list labels ("(a)", "i.", "1.1.") set apart from their text. Each
function here is one named step of :mod:`ingest.clean`; page-level steps keep the page count.
"""

from __future__ import annotations

import re
from collections import Counter

from clausetrace.errors import ContentsPageError
from clausetrace.models import Page
from ingest.spans import best_chain

PAGE_NUMBER_LINE = re.compile(r"^\s*(?P<n>[0-9]{1,3})\s*$")
MIN_PAGE_CHAIN = 3  # fewer numbered lines than this: not a paginated text
GLUED_PAGE_RUN = re.compile(r"(?m)^(?P<run>[0-9]{6,})(?=[A-Z]|$)")
HEADER_MIN_PAGES = 3
HEADER_SHARE = 0.6  # a line on at least this share of pages, anywhere on them, is a running header
HEADER_MAX_WORDS = 8
HAS_WORD = re.compile(r"[A-Za-z]{2,}")
BROKEN_REFERENCE = re.compile(r"Error!\s+Reference\s+source\s+not\s+found\.")
BROKEN_REFERENCE_MARK = "[reference missing]"
CONTENTS_HEADING = re.compile(r"^\s*(?:table\s+of\s+)?contents\s*$", re.IGNORECASE)
CONTENTS_WINDOW = 3  # a contents page is looked for on the first few pages
ENTRY_TAIL = re.compile(r"(?:\s*(?:\.\s?){2,}|\s*…+)?\s*[0-9]{1,3}\s*$|\s*(?:\.\s?){3,}\s*$")
PAGE_NUMBERED_SHARE = 0.5  # contents whose entries mostly end in a page number can end by form
TABLE_RULE = re.compile(r"^\s*\|(?:\s*:?-{3,}:?\s*\|)+\s*$")
TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
LABEL_ONLY = re.compile(r"^(?:\((?:[a-z]|[ivx]{1,5})\)|[ivx]{1,5}\.|[a-z]\)|[0-9]{1,2}(?:\.[0-9]{1,3})*\.)$")
DEFINITIONS_HEADER = re.compile(r"^Term(?:\s+\|)?\s+Meaning\b.*$")
MEANING_OPENER = re.compile(r"\s(?=(?:Means|Has the meaning|Have the meaning)\b)")
ROW_SEPARATOR = " | "
INNER_APPENDIX_LINE = re.compile(r"^Appendix [A-Z](?:\s|$)")
ACRONYM_ROW = re.compile(r"^(?P<term>[A-Z]{2,6}) (?P<rest>.+)$")
IS_ROW = re.compile(r"^(?P<term>.+?) (?P<rest>\S+ (?:is|are) .+)$")

# ---- pages -----------------------------------------------------------------------------------


def split_at_page_numbers(pages: list[Page]) -> list[Page]:
    """Split an unpaginated text at its page-number lines (1, 2, 3 ...), which are dropped.

    The page-number lines are the longest run of lone numbers that count up by one; a lone
    number out of that run (a footnote mark) stays. The text before a page-number line is that
    page; text after the last one is the next page.
    """
    if len(pages) != 1 or pages[0].number is not None:
        return pages
    lines = pages[0].text.split("\n")
    numbered = [(i, int(m["n"])) for i, line in enumerate(lines) if (m := PAGE_NUMBER_LINE.match(line))]
    chain = best_chain(numbered, lambda a, b: b[1] == a[1] + 1, lambda _: 1.0)
    if len(chain) < MIN_PAGE_CHAIN:
        return pages
    out, begin = [], 0
    for index, number in chain:
        out.append(Page("\n".join(lines[begin:index]), number))
        begin = index + 1
    rest = "\n".join(lines[begin:])
    if rest.strip():
        out.append(Page(rest, chain[-1][1] + 1))
    return out


def drop_glued_page_numbers(pages: list[str]) -> list[str]:
    """Drop a contents page's page-number column glued to a line ('2233334444455666666667Services')."""
    return [GLUED_PAGE_RUN.sub(_glued_run, page) for page in pages]


def _glued_run(match: re.Match[str]) -> str:
    """'' for a run of page numbers that never decreases; the digits unchanged otherwise."""
    run = match["run"]
    return "" if list(run) == sorted(run) else run


def drop_running_header_lines(pages: list[str]) -> list[str]:
    """Drop short lines found on most pages wherever they stand ('SEC - Appendix N' mid-page)."""
    needed = max(HEADER_MIN_PAGES, HEADER_SHARE * len(pages))
    seen = Counter(key for page in pages for key in {_header_key(line) for line in page.split("\n")})
    running = {key for key, count in seen.items() if key and count >= needed}
    return ["\n".join(x for x in page.split("\n") if _header_key(x) not in running) for page in pages]


def _header_key(line: str) -> str:
    """A line compared across pages ('' for lines that cannot be headers: labels, long text)."""
    words = line.split()
    if not HAS_WORD.search(line) or len(words) > HEADER_MAX_WORDS or len(HAS_WORD.findall(line)) < 2:
        return ""
    return " ".join(words).lower()


def mark_broken_references(pages: list[str]) -> list[str]:
    """Replace Word's 'Error! Reference source not found.' with a short mark."""
    return [BROKEN_REFERENCE.sub(BROKEN_REFERENCE_MARK, page) for page in pages]


# ---- contents --------------------------------------------------------------------------------


def drop_title_and_contents(pages: list[str]) -> list[str]:
    """Drop the title page and the contents: everything before the body's first heading.

    The body starts at the first line after the 'Contents' heading that repeats the first
    entry without a page number ('Purpose and Scope', '1 Introduction'). Contents without page
    numbers whose first entry never repeats cannot be told from the body: ContentsPageError.
    """
    lines = [(p, i, line) for p, page in enumerate(pages) for i, line in enumerate(page.split("\n"))]
    head = next(
        (n for n, (p, _, line) in enumerate(lines) if p < CONTENTS_WINDOW and CONTENTS_HEADING.match(line)),
        None,
    )
    if head is None:
        return pages
    entry = next((n for n in range(head + 1, len(lines)) if lines[n][2].strip()), None)
    if entry is None:
        return pages
    first = entry_title(lines[entry][2])
    body = next(
        (
            n
            for n in range(entry + 1, len(lines))
            if entry_title(lines[n][2]) == first and not ENTRY_TAIL.search(lines[n][2])
        ),
        None,
    )
    if body is None:
        body = _end_by_page_numbers(lines, head)
    return _without_lines(pages, lines, body)


def entry_title(line: str) -> str:
    """A contents entry without its dot leader and page number, spacing squeezed."""
    return " ".join(ENTRY_TAIL.sub("", line).split()).rstrip(".").lower()


def _end_by_page_numbers(lines: list[tuple[int, int, str]], head: int) -> int:
    """First line after contents whose entries end in page numbers; else the contents are unclear."""
    filled = [line for _, _, line in lines[head + 1 :] if line.strip()]
    numbered = [line for line in filled[:40] if ENTRY_TAIL.search(line)]
    if len(numbered) < PAGE_NUMBERED_SHARE * min(len(filled), 40):
        first = filled[0].strip()
        raise ContentsPageError(
            "",
            f"a contents page was found but not where it ends: no heading after it repeats its first "
            f"entry '{first}' and its entries carry no page numbers",
            "remove the contents page from the text, or give the PDF",
        )
    n = head + 1
    while n < len(lines) and (not lines[n][2].strip() or _is_entry(lines, n)):
        n += 1
    return n


def _is_entry(lines: list[tuple[int, int, str]], n: int) -> bool:
    """A contents entry: it ends in a page number, or the next line does (a wrapped entry)."""
    if ENTRY_TAIL.search(lines[n][2]):
        return True
    return n + 1 < len(lines) and bool(ENTRY_TAIL.search(lines[n + 1][2])) and bool(lines[n + 1][2].strip())


def _without_lines(pages: list[str], lines: list[tuple[int, int, str]], stop: int) -> list[str]:
    """Pages with every line before ``lines[stop]`` removed (pages before it left empty)."""
    if stop >= len(lines):
        return [""] * len(pages)
    page, index, _ = lines[stop]
    out = [""] * page + ["\n".join(pages[page].split("\n")[index:])]
    return out + pages[page + 1 :]


# ---- tables and labels -----------------------------------------------------------------------


def tidy_table_rows(pages: list[str]) -> list[str]:
    """Pipe-table rows without rule rows, empty rows and empty cells: 'Criteria | Version'."""
    return ["\n".join(_tidy_row(line) for line in page.split("\n") if not _empty_row(line)) for page in pages]


def _empty_row(line: str) -> bool:
    return bool(TABLE_RULE.match(line)) or (bool(TABLE_ROW.match(line)) and not line.strip(" |"))


def _tidy_row(line: str) -> str:
    if not TABLE_ROW.match(line):
        return line
    cells = [" ".join(cell.split()) for cell in line.strip().strip("|").split("|")]
    return ROW_SEPARATOR.join(cell for cell in cells if cell)


def join_split_labels(pages: list[str]) -> list[str]:
    """Put list labels and section numbers back on their text: '(a)\\n\\n(b)\\n\\nfirst\\n\\nsecond'."""
    return [_join_labels(page) for page in pages]


def _join_labels(page: str) -> str:
    """One page: each run of label-only blocks is paired, in order, with the blocks after it."""
    blocks = [block for block in re.split(r"\n\s*\n", page) if block.strip()]
    out: list[str] = []
    index = 0
    while index < len(blocks):
        labels = []
        while index < len(blocks) and LABEL_ONLY.match(blocks[index].strip()):
            labels.append(blocks[index].strip())
            index += 1
        texts = blocks[index : index + len(labels)]
        out += [f"{label} {text.lstrip()}" for label, text in zip(labels, texts, strict=False)]
        out += labels[len(texts) :]
        index += len(texts)
        if not labels and index < len(blocks):
            out.append(blocks[index])
            index += 1
    return "\n\n".join(out)


# ---- definition tables -----------------------------------------------------------------------


def rebuild_definition_tables(pages: list[str]) -> list[str]:
    """'Term / Meaning' tables as one row per term: 'Device CSR | Means a CSR submitted ...'.

    Two shapes come out of the converter: blocks that alternate term and meaning, and two
    columns interleaved line by line, where a wrapped term ('Authorised Responsible' /
    'Officer SMKI RAPP.') continues on the next line. A continuation joins the term only when
    the longer term is written elsewhere in the document.
    """
    whole = " ".join(" ".join(page.split()) for page in pages)
    return [_rebuild_page(page, whole) for page in pages]


def _rebuild_page(page: str, whole: str) -> str:
    lines = page.split("\n")
    header = next((i for i, line in enumerate(lines) if _table_header(lines, i)), None)
    if header is None:
        return page
    end = next((i for i in range(header + 1, len(lines)) if INNER_APPENDIX_LINE.match(lines[i])), len(lines))
    body = [line.strip() for line in lines[header + 1 : end] if line.strip()]
    if body[:1] == ["Meaning as defined in SEC"]:
        body = body[1:]
    blocks = "\n".join(lines[header + 1 : end]).count("\n\n") > 0
    rows = _block_rows(lines[header + 1 : end]) if blocks else _line_rows(body, whole)
    head = "Term | Meaning as defined in SEC"
    return "\n".join([*lines[:header], head, *rows, *lines[end:]])


def _table_header(lines: list[str], index: int) -> bool:
    """'Term Meaning as defined in SEC' on one line, or 'Term' then 'Meaning ...' as blocks."""
    line = lines[index].strip()
    if DEFINITIONS_HEADER.match(line):
        return True
    following = [other.strip() for other in lines[index + 1 : index + 3] if other.strip()]
    return line == "Term" and following[:1] == ["Meaning as defined in SEC"]


def _block_rows(lines: list[str]) -> list[str]:
    """Rows from alternating term and meaning blocks."""
    blocks = [" ".join(b.split()) for b in re.split(r"\n\s*\n", "\n".join(lines)) if b.strip()]
    if blocks[:1] == ["Meaning as defined in SEC"]:
        blocks = blocks[1:]
    pairs = zip(blocks[::2], blocks[1::2], strict=False)
    rows = [f"{term}{ROW_SEPARATOR}{meaning}" for term, meaning in pairs]
    return rows + blocks[len(rows) * 2 :]


def _line_rows(lines: list[str], whole: str) -> list[str]:
    """Rows from two interleaved columns: a row starts where a meaning opens on a line."""
    rows: list[list[str]] = []
    for line in lines:
        opener = MEANING_OPENER.search(line)
        if opener and line[: opener.start()].strip():
            rows.append([line[: opener.start()].strip(), line[opener.end() :].strip()])
        elif (split := _unmarked_row(line)) and (not rows or rows[-1][1].rstrip().endswith(".")):
            rows.append(list(split))
        elif rows:
            _continue_row(rows[-1], line, whole)
    return [f"{term}{ROW_SEPARATOR}{meaning}" for term, meaning in rows]


def _unmarked_row(line: str) -> tuple[str, str] | None:
    """(term, meaning) of a row whose meaning has no 'Means': 'AES Advanced Encryption Standard'."""
    for pattern in (IS_ROW, ACRONYM_ROW):
        match = pattern.match(line)
        if match and _row_like(match["term"], match["rest"], pattern):
            return match["term"], match["rest"]
    return None


def _row_like(term: str, rest: str, pattern: re.Pattern[str]) -> bool:
    """'AES Advanced Encryption Standard' (its initials) or 'Portal Portal is a generic term'."""
    if pattern is ACRONYM_ROW:
        initials = "".join(word[0] for word in rest.split()[: len(term)])
        return initials == term
    return all(word[:1].isupper() for word in term.split())


def _continue_row(row: list[str], line: str, whole: str) -> None:
    """Add a wrapped line: its leading capitalised words extend the term when the longer term is
    written in the document; the rest continues the meaning."""
    words = line.split()
    lead = next((n for n, word in enumerate(words) if not word[:1].isupper()), len(words))
    for size in range(lead, 0, -1):
        longer = f"{row[0]} {' '.join(words[:size])}"
        if longer in whole:
            row[0], words = longer, words[size:]
            break
    if words:
        row[1] = f"{row[1]} {' '.join(words)}"
