"""The PDF path: PDFs built from the real text (ESL 39, SMDA-266) must segment like the text path.

Every test runs against every PDF backend in ``ingest.pdf.PDF_BACKENDS`` (today: pypdf).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from clausetrace.errors import CorruptDocumentError, EmptyDocumentError, EncryptedPDFError
from clausetrace.models import ParsedDocument, Source
from ingest import build_document, parse_document
from ingest.pdf import PDF_BACKENDS, load_pdf
from tests.ingest.pdfs import Layout, body_lines, build_image_only_pdf, build_pdf, font_normal

BACKENDS = sorted(PDF_BACKENDS)
HEADERS = {
    "esl-39-2025-08-01": "Electricity Supply Standard Licence Conditions",
    "smda-266-v1.0": "SMDA - Guidance Interoperability and Interchangeability Obligations and Expectations",
}
FIRST_PAGE = {"esl-39-2025-08-01": 446, "smda-266-v1.0": 1}


def squeeze(text: str) -> str:
    """Text compared modulo whitespace (and the PDF font's character set)."""
    return " ".join(font_normal(text).split())


def layout_of(doc: ParsedDocument) -> Layout:
    """The published layout of a parsed text document: one line per clause and heading."""
    breaks = []
    for clause in doc.clauses:
        if clause.parent is None:
            number_at = doc.text.rfind(clause.number, 0, clause.start)
            breaks.append(number_at)
            if clause.heading:
                breaks.append(doc.text.rfind(clause.heading.split()[0], 0, number_at))
    contents = [
        (f"{c.number} {c.heading or c.text[:40]}", FIRST_PAGE[doc.source.id])
        for c in doc.clauses
        if c.parent is None
    ]
    return Layout(HEADERS[doc.source.id], contents, body_lines(doc.text, breaks), FIRST_PAGE[doc.source.id])


@pytest.fixture(scope="module")
def pair(corpus_dir: Path, source_by_id: dict[str, Source], tmp_path_factory: pytest.TempPathFactory):
    """(text-path document, PDF path, PDF source) for a real document, built once per module."""
    built: dict[str, tuple[ParsedDocument, Path, Source]] = {}

    def make(source_id: str) -> tuple[ParsedDocument, Path, Source]:
        if source_id not in built:
            source = source_by_id[source_id]
            text_doc = parse_document(source, corpus_dir / str(source.file))
            path = build_pdf(tmp_path_factory.mktemp("pdf") / f"{source_id}.pdf", layout_of(text_doc))
            pdf_source = source.model_copy(update={"file": path.name, "pages": None})
            built[source_id] = (text_doc, path, pdf_source)
        return built[source_id]

    return make


def parse_pdf(path: Path, source: Source, backend: str) -> ParsedDocument:
    """Parse a PDF with one backend."""
    warnings: list[str] = []
    return build_document(source, path, load_pdf(path, warnings, backend=backend), warnings)


@pytest.mark.corpus
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("source_id", list(HEADERS))
def test_pdf_path_matches_text_path(pair, backend: str, source_id: str) -> None:
    text_doc, path, pdf_source = pair(source_id)
    pdf_doc = parse_pdf(path, pdf_source, backend)
    assert [c.anchor for c in pdf_doc.clauses] == [c.anchor for c in text_doc.clauses]
    for from_pdf, from_text in zip(pdf_doc.clauses, text_doc.clauses, strict=True):
        assert squeeze(from_pdf.text) == squeeze(from_text.text), from_pdf.anchor
        assert pdf_doc.text[from_pdf.start : from_pdf.end] == from_pdf.text
    assert [d.term for d in pdf_doc.definitions] == [d.term for d in text_doc.definitions]


@pytest.mark.corpus
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("source_id", list(HEADERS))
def test_headers_footers_and_contents_are_gone(pair, backend: str, source_id: str) -> None:
    _, path, pdf_source = pair(source_id)
    pdf_doc = parse_pdf(path, pdf_source, backend)
    assert font_normal(HEADERS[source_id]) not in pdf_doc.text
    assert "Page 1 of" not in pdf_doc.text and "Page 2 of" not in pdf_doc.text
    assert "Contents" not in pdf_doc.text.split("\n")
    assert "............" not in pdf_doc.text
    assert len(pdf_doc.page_offsets) >= 3


@pytest.mark.corpus
@pytest.mark.parametrize("backend", BACKENDS)
def test_pdf_page_numbers_are_printed_numbers(pair, backend: str) -> None:
    _, path, pdf_source = pair("esl-39-2025-08-01")
    clauses = {c.number: c for c in parse_pdf(path, pdf_source, backend).clauses}
    assert clauses["39.1"].page_start == 446  # first body page; the contents page is 'i'
    assert clauses["39.23"].page_start > clauses["39.1"].page_start
    assert clauses["39.23"].page_end >= clauses["39.23"].page_start
    pages = [c.page_start for c in clauses.values() if c.parent is None]
    assert pages == sorted(pages)


@pytest.mark.parametrize("backend", BACKENDS)
def test_page_labels(tmp_path: Path, backend: str) -> None:
    path = build_pdf(tmp_path / "l.pdf", Layout("Header", [("A", 7)], ["7.1 The licensee must."] * 3, 7))
    assert [p.number for p in load_pdf(path, backend=backend)] == [None, 7]


@pytest.mark.parametrize("backend", BACKENDS)
def test_encrypted_pdf_is_refused(tmp_path: Path, backend: str) -> None:
    path = build_pdf(tmp_path / "locked.pdf", Layout("H", [], ["7.1 The licensee must."]), password="secret")
    with pytest.raises(EncryptedPDFError) as caught:
        load_pdf(path, backend=backend)
    assert str(path) in str(caught.value)
    assert "encrypted" in caught.value.problem and "qpdf" in caught.value.remedy


@pytest.mark.parametrize("backend", BACKENDS)
def test_owner_only_encryption_opens_with_empty_password(tmp_path: Path, backend: str) -> None:
    path = build_pdf(tmp_path / "owner.pdf", Layout("H", [], ["7.1 The licensee must."]), password="")
    assert "7.1 The licensee must." in load_pdf(path, backend=backend)[-1].text


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    ("data", "error", "words"),
    [
        pytest.param(b"", EmptyDocumentError, "empty", id="empty-file"),
        pytest.param(
            b"not a pdf at all, just words", CorruptDocumentError, "not a readable PDF", id="not-a-pdf"
        ),
        pytest.param(
            b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage\n%%EOF",
            CorruptDocumentError,
            "not a readable PDF",
            id="broken-pdf",
        ),
    ],
)
def test_bad_pdf_bytes(tmp_path: Path, backend: str, data: bytes, error: type[Exception], words: str) -> None:
    path = tmp_path / "bad.pdf"
    path.write_bytes(data)
    with pytest.raises(error) as caught:
        load_pdf(path, backend=backend)
    assert str(path) in str(caught.value) and words in str(caught.value)


@pytest.mark.parametrize("backend", BACKENDS)
def test_image_only_pdf_asks_for_ocr(tmp_path: Path, backend: str) -> None:
    path = build_image_only_pdf(tmp_path / "scan.pdf")
    with pytest.raises(EmptyDocumentError) as caught:
        load_pdf(path, backend=backend)
    assert str(path) in str(caught.value) and "OCR" in caught.value.remedy


@pytest.mark.parametrize("backend", BACKENDS)
def test_truncated_pdf_is_corrupt(tmp_path: Path, backend: str) -> None:
    whole = build_pdf(tmp_path / "whole.pdf", Layout("H", [], ["7.1 The licensee must."] * 40))
    path = tmp_path / "cut.pdf"
    path.write_bytes(whole.read_bytes()[:2000])
    with pytest.raises(CorruptDocumentError):
        load_pdf(path, backend=backend)
