"""Ingest stage: documents -> cleaned text -> clause records.

Public API: ``parse_document`` (one catalogued or detected source) and ``ingest_corpus`` (the
catalogue plus user files, collecting one-line errors instead of stopping).
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Collection, Iterable, Iterator, Sequence
from pathlib import Path

from tqdm import tqdm

from clausetrace.errors import CorruptDocumentError, DuplicateSourceError, SourceError
from clausetrace.models import Page, ParsedDocument, Source
from ingest.clean import DEFAULT_STEPS, clean_pages
from ingest.detect import detect_source
from ingest.pdf import PDF_SUFFIXES, load_pdf
from ingest.segment import segment
from ingest.text import TEXT_SUFFIXES, load_text

__all__ = ["parse_document", "ingest_corpus"]

SUPPORTED_SUFFIXES = PDF_SUFFIXES | TEXT_SUFFIXES


def load_pages(path: Path, warnings: list[str] | None = None) -> list[Page]:
    """Pages of a .pdf/.txt/.md file; any other suffix is refused."""
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        return load_pdf(path, warnings)
    if suffix in TEXT_SUFFIXES:
        return load_text(path, warnings)
    raise CorruptDocumentError(
        str(path),
        f"unsupported file type '{path.suffix or '(none)'}'",
        "give a .pdf, .txt or .md file",
    )


def build_document(
    source: Source,
    path: Path,
    pages: Sequence[Page],
    warnings: Sequence[str] = (),
    steps: Sequence[str] = DEFAULT_STEPS,
) -> ParsedDocument:
    """Clean and segment already-loaded pages."""
    text, offsets = clean_pages(pages, steps)
    clauses, definitions = segment(text, source, offsets, path=str(path))
    return ParsedDocument(
        source=source,
        text=text,
        clauses=clauses,
        definitions=definitions,
        page_offsets=offsets,
        cleaning_steps=tuple(steps),
        warnings=tuple(warnings),
    )


def parse_document(source: Source, path: Path) -> ParsedDocument:
    """Load, clean and segment one document described by ``source``."""
    warnings: list[str] = []
    pages = load_pages(Path(path), warnings)
    return build_document(source, Path(path), pages, warnings)


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def walk(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named directly, plus supported files found (sorted) under named folders."""
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
            )
        else:
            yield path


def parse_user_file(
    path: Path, overrides: dict[str, str | None], taken: Collection[str] = ()
) -> ParsedDocument:
    """Detect the source of a file outside the catalogue (id kept unique among ``taken``), parse it."""
    warnings: list[str] = []
    pages = load_pages(path, warnings)
    source = detect_source(path, "\n".join(page.text for page in pages), **overrides)
    if source.id in taken:
        suffix = next(n for n in range(2, len(taken) + 3) if f"{source.id}-{n}" not in taken)
        source = source.model_copy(update={"id": f"{source.id}-{suffix}"})
    return build_document(source, path, pages, warnings)


def check_duplicate(path: Path, seen: dict[str, Path]) -> None:
    """Remember a file's sha256; the same content a second time is a DuplicateSourceError."""
    if not path.is_file():
        raise CorruptDocumentError(str(path), "no such file", "check the path")
    digest = sha256_of(path)
    if digest in seen:
        raise DuplicateSourceError(
            str(path), f"same content as {seen[digest]}", "skipped; remove one of the copies"
        )
    seen[digest] = path


def ingest_corpus(
    sources: list[Source], raw_dir: Path, extra_paths: Sequence[Path] = (), **overrides: str | None
) -> tuple[list[ParsedDocument], list[str]]:
    """Parse every catalogued source present in ``raw_dir`` plus user files; errors become lines.

    ``extra_paths`` may name files or folders (walked for .pdf/.txt/.md); ``overrides``
    (prefix, family, version, title) apply to those user files only. A bad file never stops
    the run: its one-line reason is collected and the other documents are kept.
    """
    jobs: list[tuple[Path, Source | None]] = [
        (Path(raw_dir) / s.file, s) for s in sources if s.file and (Path(raw_dir) / s.file).is_file()
    ]
    jobs += [(path, None) for path in walk(extra_paths)]
    documents: list[ParsedDocument] = []
    errors: list[str] = []
    seen: dict[str, Path] = {}
    for path, source in tqdm(
        jobs, desc="ingest", unit="doc", file=sys.stderr, disable=not sys.stderr.isatty()
    ):
        try:
            check_duplicate(path, seen)
            taken = {doc.source.id for doc in documents}
            documents.append(
                parse_document(source, path) if source else parse_user_file(path, overrides, taken)
            )
        except SourceError as exc:
            errors.append(str(exc))
    return documents, errors
