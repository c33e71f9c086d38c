"""Entry points: parse_document and ingest_corpus over the real catalogue and over bad files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from clausetrace.errors import (
    CorruptDocumentError,
    EmptyDocumentError,
    EncryptedPDFError,
    NoClausesFoundError,
    SourceError,
)
from clausetrace.models import Source
from ingest import ingest_corpus, parse_document, parse_user_file
from ingest.clean import DEFAULT_STEPS
from tests.ingest.pdfs import Layout, build_image_only_pdf, build_pdf

SEC_TEXT = (
    "Smart Energy Code\nSection F: Smart Metering System Requirements\nF4 Operational Functionality\n"
    "F4.3 The Responsible Supplier shall ensure that all Devices are interoperable.\n"
    "F4.4 The DCC and each Supplier Party shall retain evidence of testing.\n"
)
LEGACY_LICENCE = (
    "Gas Supply Standard Licence Conditions\nCondition 33. Smart Metering – Roll-out\n"
    "33.1 The licensee’s duty applies. 33.2 The requirement in paragraph 33.1 applies to each Gas Supplier."
)


@pytest.fixture(scope="module")
def inbox(
    tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path, source_by_id: dict[str, Source]
) -> Path:
    """A folder of user files: good ones, bad ones and a duplicate of a catalogued file."""
    folder = tmp_path_factory.mktemp("inbox")
    build_pdf(folder / "locked.pdf", Layout("H", [], ["7.1 The licensee must."]), password="secret")
    build_image_only_pdf(folder / "scan.pdf")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\nthis is not really a pdf\n")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "notes.txt").write_text("Meeting notes.\n\nNothing numbered here at all.\n", encoding="utf-8")
    (folder / "legacy.txt").write_bytes(LEGACY_LICENCE.encode("cp1252"))
    (folder / "sec-f.md").write_text(SEC_TEXT, encoding="utf-8")
    (folder / "ignored.docx").write_bytes(b"PK\x03\x04 not walked: only .pdf/.txt/.md are")
    esl = source_by_id["esl-39-2025-08-01"]
    shutil.copy(corpus_dir / str(esl.file), folder / "copy-of-esl-39.txt")
    return folder


@pytest.mark.corpus
def test_parse_document_records_everything(corpus_dir: Path, source_by_id: dict[str, Source]) -> None:
    source = source_by_id["esl-48-2025-08-01"]
    doc = parse_document(source, corpus_dir / str(source.file))
    assert doc.source == source
    assert doc.cleaning_steps == DEFAULT_STEPS
    assert doc.page_offsets == () and doc.warnings == ()
    assert doc.clauses[0].anchor == "ESL 48.1" and doc.clauses[0].key == "ESL 48.1@2025-08-01"


@pytest.mark.corpus
def test_ingest_the_real_catalogue(corpus_dir: Path, catalogue: list[Source]) -> None:
    docs, errors = ingest_corpus(catalogue, corpus_dir)
    assert errors == []
    pinned_ids = [s.id for s in catalogue if s.file]
    assert [d.source.id for d in docs] == pinned_ids
    assert all(d.clauses for d in docs)


@pytest.mark.corpus
def test_bad_files_are_reported_and_the_rest_kept(
    corpus_dir: Path, source_by_id: dict[str, Source], inbox: Path
) -> None:
    sources = [source_by_id["esl-39-2025-08-01"], source_by_id["smda-266-v1.0"]]
    docs, errors = ingest_corpus(sources, corpus_dir, [inbox, inbox / "ignored.docx"])
    kept = {d.source.file: d for d in docs}
    assert set(kept) == {sources[0].file, sources[1].file, "legacy.txt", "sec-f.md"}
    expected = {
        "locked.pdf": "encrypted",
        "scan.pdf": "OCR",
        "broken.pdf": "not a readable PDF",
        "empty.txt": "empty",
        "notes.txt": "no guidance clause numbering found",
        "copy-of-esl-39.txt": "same content as",
        "ignored.docx": "unsupported file type",
    }
    assert len(errors) == len(expected)
    for name, words in expected.items():
        line = next(e for e in errors if str(inbox / name) in e)
        assert words in line and "\n" not in line
    legacy = kept["legacy.txt"]
    assert legacy.source.prefix == "GSL" and legacy.warnings and "cp1252" in legacy.warnings[0]
    assert [c.anchor for c in legacy.clauses] == ["GSL 33.1", "GSL 33.2"]
    assert [c.anchor for c in kept["sec-f.md"].clauses] == ["SEC F4", "SEC F4.3", "SEC F4.4"]


@pytest.mark.parametrize(
    ("name", "error"),
    [
        pytest.param("locked.pdf", EncryptedPDFError, id="encrypted"),
        pytest.param("scan.pdf", EmptyDocumentError, id="image-only"),
        pytest.param("broken.pdf", CorruptDocumentError, id="corrupt"),
        pytest.param("empty.txt", EmptyDocumentError, id="empty"),
        pytest.param("notes.txt", NoClausesFoundError, id="no-numbering"),
        pytest.param("ignored.docx", CorruptDocumentError, id="unsupported"),
    ],
)
def test_error_classes(inbox: Path, name: str, error: type[SourceError]) -> None:
    with pytest.raises(error) as caught:
        parse_user_file(inbox / name, {})
    assert caught.value.path == str(inbox / name)
    assert caught.value.remedy


def test_overrides_apply_to_user_files(tmp_path: Path) -> None:
    path = tmp_path / "extract.markdown"
    path.write_text(SEC_TEXT, encoding="utf-8")
    docs, errors = ingest_corpus(
        [], tmp_path, [path], prefix="SEC", version="2024-06-01", title="SEC F extract"
    )
    assert errors == []
    assert (docs[0].source.version, docs[0].source.title, docs[0].source.id) == (
        "2024-06-01",
        "SEC F extract",
        "extract-2024-06-01",
    )
    assert docs[0].clauses[0].key == "SEC F4@2024-06-01"


def test_missing_user_path_is_reported(tmp_path: Path) -> None:
    docs, errors = ingest_corpus([], tmp_path, [tmp_path / "gone.txt"])
    assert docs == [] and len(errors) == 1 and "gone.txt" in errors[0]


def test_user_files_get_unique_ids(tmp_path: Path) -> None:
    for folder, words in (("a", "retained"), ("b", "kept")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "sec.txt").write_text(SEC_TEXT.replace("retain", words), encoding="utf-8")
    docs, errors = ingest_corpus([], tmp_path, [tmp_path], version="1")
    assert errors == []
    assert [d.source.id for d in docs] == ["sec-1", "sec-1-2"]
    assert docs[1].clauses[0].doc_id == "sec-1-2"
