"""Load plain-text and Markdown documents as pages (same contract as ``ingest.pdf``)."""

from __future__ import annotations

from pathlib import Path

from clausetrace.errors import CorruptDocumentError, EmptyDocumentError
from clausetrace.models import Page

FORM_FEED = "\f"
TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown"})
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
MAX_CONTROL_SHARE = 0.02  # more control characters than this: binary, not text
ALLOWED_CONTROLS = frozenset("\t\n\r\f")


def looks_binary(data: bytes) -> bool:
    """True when bytes are clearly not text: NUL bytes or many control characters."""
    if b"\x00" in data:
        return True
    controls = sum(1 for byte in data if byte < 32 and chr(byte) not in ALLOWED_CONTROLS)
    return controls > MAX_CONTROL_SHARE * len(data)


def decode_text(path: Path, data: bytes, warnings: list[str] | None = None) -> str:
    """UTF-8 (or a UTF-16 BOM); else cp1252 with a warning; binary garbage is refused."""
    if data.startswith(UTF16_BOMS):
        return data.decode("utf-16")
    if looks_binary(data):
        raise CorruptDocumentError(
            str(path),
            "not a text document (binary content)",
            "give a UTF-8 .txt/.md file or a PDF",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise CorruptDocumentError(
            str(path), "text is neither UTF-8 nor cp1252", "re-save the file as UTF-8"
        ) from None
    if warnings is not None:
        warnings.append(f"{path}: not valid UTF-8; decoded as cp1252")
    return text


def split_pages(text: str) -> list[Page]:
    """One unnumbered page, or one page per form-feed section numbered from 1."""
    if FORM_FEED not in text:
        return [Page(text=text, number=None)]
    sections = text.split(FORM_FEED)
    while len(sections) > 1 and not sections[-1].strip():
        sections.pop()
    return [Page(text=section, number=index) for index, section in enumerate(sections, 1)]


def load_text(path: Path, warnings: list[str] | None = None) -> list[Page]:
    """Read a .txt/.md file into pages; empty or whitespace-only files are refused."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CorruptDocumentError(str(path), f"cannot be read ({exc.strerror})") from None
    if not data.strip():
        raise EmptyDocumentError(str(path), "the file is empty", "give a document with text")
    text = decode_text(path, data, warnings)
    if not text.strip():
        raise EmptyDocumentError(str(path), "the file holds only whitespace", "give a document with text")
    return split_pages(text)
