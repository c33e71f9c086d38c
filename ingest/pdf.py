"""Load PDFs with pypdf: one Page per PDF page, numbered by its printed page label."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError, PyPdfError

from clausetrace.errors import CorruptDocumentError, EmptyDocumentError, EncryptedPDFError
from clausetrace.models import Page

PDF_SUFFIXES = frozenset({".pdf"})
OCR_REMEDY = "run OCR first (e.g. `ocrmypdf in.pdf out.pdf`) and ingest the OCRed copy"
DECRYPT_REMEDY = (
    "remove the password (e.g. `qpdf --decrypt --password=PW in.pdf out.pdf`) and ingest the copy"
)
READ_ERRORS = (
    PyPdfError,
    ValueError,
    TypeError,
    KeyError,
    AttributeError,
    IndexError,
    RecursionError,
    OSError,
    AssertionError,
    ZeroDivisionError,
)

logging.getLogger("pypdf").setLevel(logging.ERROR)  # pypdf logs every recoverable oddity


def open_pdf(path: Path) -> PdfReader:
    """Open a PDF, decrypting it with the empty password when that suffices."""
    if path.stat().st_size == 0:
        raise EmptyDocumentError(str(path), "the file is empty", "give a PDF with text")
    try:
        reader = PdfReader(path, strict=False)
        encrypted = reader.is_encrypted
    except READ_ERRORS as exc:
        raise CorruptDocumentError(
            str(path),
            f"not a readable PDF ({type(exc).__name__}: {exc})",
            "check the download; re-export or re-fetch the file",
        ) from None
    if encrypted:
        try:
            status = reader.decrypt("")
        except (DependencyError, NotImplementedError) as exc:
            raise EncryptedPDFError(str(path), f"the PDF is encrypted ({exc})", DECRYPT_REMEDY) from None
        if status == PasswordType.NOT_DECRYPTED:
            raise EncryptedPDFError(str(path), "the PDF is encrypted with a password", DECRYPT_REMEDY)
    return reader


def page_numbers(reader: PdfReader) -> list[int | None]:
    """Printed page number of each page from its label ('446'); index+1 without labels.

    A non-numeric label ('iv' on a contents page) gives None: the page has no printed number
    that a citation could use.
    """
    try:
        labels = list(reader.page_labels)
    except READ_ERRORS:
        labels = []
    if len(labels) != len(reader.pages):
        return list(range(1, len(reader.pages) + 1))
    return [int(label) if label.strip().isdigit() else None for label in labels]


def extract_pages(path: Path, reader: PdfReader, extract: Callable[[object], str]) -> list[str]:
    """Text of every page; an extraction crash is reported as a corrupt document."""
    try:
        return [extract(page) or "" for page in reader.pages]
    except READ_ERRORS as exc:
        raise CorruptDocumentError(
            str(path),
            f"text extraction failed ({type(exc).__name__}: {exc})",
            "re-export the PDF (print to PDF) and try again",
        ) from None


def pypdf_text(page: object) -> str:
    """pypdf's plain text extraction of one page."""
    return page.extract_text()  # type: ignore[attr-defined, no-any-return]


PDF_BACKENDS: dict[str, Callable[[object], str]] = {"pypdf": pypdf_text}


def load_pdf(path: Path, warnings: list[str] | None = None, backend: str = "pypdf") -> list[Page]:
    """Read a PDF into numbered pages; encrypted, corrupt and image-only PDFs are refused."""
    reader = open_pdf(path)
    texts = extract_pages(path, reader, PDF_BACKENDS[backend])
    if not texts:
        raise EmptyDocumentError(str(path), "the PDF has no pages", "give a PDF with text")
    if not any(text.strip() for text in texts):
        raise EmptyDocumentError(
            str(path),
            f"no extractable text on any of its {len(texts)} page(s) (image-only PDF?)",
            OCR_REMEDY,
        )
    blank = sum(1 for text in texts if not text.strip())
    if blank and warnings is not None:
        warnings.append(f"{path}: {blank} of {len(texts)} pages have no extractable text")
    return [Page(text=text, number=number) for text, number in zip(texts, page_numbers(reader), strict=True)]
