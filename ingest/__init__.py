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

from clausetrace.errors import CorruptDocumentError, DuplicateSourceError, SourceError, StructureError
from clausetrace.models import Page, ParsedDocument, Source
from ingest.clean import REPAIR_STEP, clean_document, steps_for
from ingest.detect import detect_source
from ingest.pdf import PDF_SUFFIXES, load_pdf
from ingest.repair import Vocabulary
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
    steps: Sequence[str] | None = None,
    vocabulary: Vocabulary | None = None,
) -> ParsedDocument:
    """Clean (the family's steps unless given) and segment already-loaded pages."""
    steps = tuple(steps or steps_for(source.family))
    try:
        cleaned = clean_document(pages, steps, vocabulary)
        clauses, definitions = segment(cleaned.text, source, cleaned.offsets, path=str(path))
    except StructureError as exc:
        raise type(exc)(str(path), exc.problem, exc.remedy) from None
    return ParsedDocument(
        source=source,
        text=cleaned.text,
        clauses=clauses,
        definitions=definitions,
        page_offsets=cleaned.offsets,
        cleaning_steps=steps,
        warnings=tuple(warnings),
        repairs=cleaned.repairs,
    )


def parse_document(source: Source, path: Path, vocabulary: Vocabulary | None = None) -> ParsedDocument:
    """Load, clean and segment one document described by ``source`` (split words are joined
    against ``vocabulary``, by default the document's own words)."""
    warnings: list[str] = []
    pages = load_pages(Path(path), warnings)
    return build_document(source, Path(path), pages, warnings, vocabulary=vocabulary)


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


def user_source(
    path: Path, pages: Sequence[Page], overrides: dict[str, str | None], taken: Collection[str] = ()
) -> Source:
    """Detect the source of a file outside the catalogue, its id kept unique among ``taken``."""
    source = detect_source(path, "\n".join(page.text for page in pages), **overrides)
    if source.id in taken:
        suffix = next(n for n in range(2, len(taken) + 3) if f"{source.id}-{n}" not in taken)
        source = source.model_copy(update={"id": f"{source.id}-{suffix}"})
    return source


def parse_user_file(
    path: Path, overrides: dict[str, str | None], taken: Collection[str] = ()
) -> ParsedDocument:
    """Detect the source of a file outside the catalogue (id kept unique among ``taken``), parse it."""
    warnings: list[str] = []
    pages = load_pages(path, warnings)
    return build_document(user_source(path, pages, overrides, taken), path, pages, warnings)


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
    the run: its one-line reason is collected and the other documents are kept. Every file is
    loaded first, so split words are joined against the vocabulary of the whole corpus.
    """
    jobs: list[tuple[Path, Source | None]] = [
        (Path(raw_dir) / s.file, s) for s in sources if s.file and (Path(raw_dir) / s.file).is_file()
    ]
    jobs += [(path, None) for path in walk(extra_paths)]
    loaded, errors = load_jobs(jobs, overrides)
    vocabulary = corpus_vocabulary((source, pages) for _, source, pages, _ in loaded)
    documents: list[ParsedDocument] = []
    for path, source, pages, warnings in tqdm(
        loaded, desc="ingest", unit="doc", file=sys.stderr, disable=not sys.stderr.isatty()
    ):
        try:
            documents.append(build_document(source, path, pages, warnings, vocabulary=vocabulary))
        except SourceError as exc:
            errors.append(str(exc))
    return documents, errors


def corpus_vocabulary(documents: Iterable[tuple[Source, Sequence[Page]]]) -> Vocabulary:
    """Words of every document once cleaned (before any split word is joined)."""
    texts = []
    for source, pages in documents:
        steps = [step for step in steps_for(source.family) if step != REPAIR_STEP]
        try:
            texts.append(clean_document(pages, steps).text)
        except StructureError:
            continue  # reported when the document itself is built
    return Vocabulary.from_texts(texts)


def load_jobs(
    jobs: Sequence[tuple[Path, Source | None]], overrides: dict[str, str | None]
) -> tuple[list[tuple[Path, Source, list[Page], list[str]]], list[str]]:
    """Load every file once (duplicates and unreadable files become error lines) with its source."""
    loaded: list[tuple[Path, Source, list[Page], list[str]]] = []
    errors: list[str] = []
    seen: dict[str, Path] = {}
    for path, source in jobs:
        warnings: list[str] = []
        try:
            check_duplicate(path, seen)
            pages = load_pages(path, warnings)
            taken = {item[1].id for item in loaded}
            loaded.append((path, source or user_source(path, pages, overrides, taken), pages, warnings))
        except SourceError as exc:
            errors.append(str(exc))
    return loaded, errors
