"""Text loader: encodings, form feeds, empty and binary files."""

from __future__ import annotations

from pathlib import Path

import pytest

from clausetrace.errors import CorruptDocumentError, EmptyDocumentError
from clausetrace.models import Page
from ingest.text import load_text


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    """Write bytes to a file under tmp_path."""
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_utf8_is_one_unnumbered_page(tmp_path: Path) -> None:
    path = write(
        tmp_path, "c.txt", "Condition 39. Smart Metering – Roll-out\n39.1 The licensee’s duty.".encode()
    )
    assert load_text(path) == [
        Page("Condition 39. Smart Metering – Roll-out\n39.1 The licensee’s duty.", None)
    ]


def test_utf8_bom_is_dropped(tmp_path: Path) -> None:
    path = write(tmp_path, "bom.md", b"\xef\xbb\xbf# Title\n1 Heading")
    assert load_text(path)[0].text == "# Title\n1 Heading"


@pytest.mark.parametrize(
    ("data", "pages"),
    [
        pytest.param(b"one\ftwo\fthree", [("one", 1), ("two", 2), ("three", 3)], id="three-pages"),
        pytest.param(b"one\ftwo\f", [("one", 1), ("two", 2)], id="trailing-form-feed"),
        pytest.param(b"one\f\fthree", [("one", 1), ("", 2), ("three", 3)], id="blank-page-keeps-numbering"),
    ],
)
def test_form_feeds_make_numbered_pages(tmp_path: Path, data: bytes, pages: list[tuple[str, int]]) -> None:
    assert [(p.text, p.number) for p in load_text(write(tmp_path, "ff.txt", data))] == pages


def test_cp1252_is_decoded_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, "legacy.txt", "39.1 The licensee’s meter – café".encode("cp1252"))
    warnings: list[str] = []
    assert load_text(path, warnings)[0].text == "39.1 The licensee’s meter – café"
    assert warnings and str(path) in warnings[0] and "cp1252" in warnings[0]


def test_utf16_with_bom(tmp_path: Path) -> None:
    path = write(tmp_path, "wide.txt", "39.1 The duty.".encode("utf-16"))
    assert load_text(path)[0].text == "39.1 The duty."


@pytest.mark.parametrize(
    ("data", "error"),
    [
        pytest.param(b"", EmptyDocumentError, id="empty"),
        pytest.param(b" \n\t\n  ", EmptyDocumentError, id="whitespace-only"),
        pytest.param(bytes(range(256)) * 4, CorruptDocumentError, id="binary-with-nul"),
        pytest.param(
            b"\x89PNG\r\n\x1a\n" + b"\x01\x02\x03\x04\x05\x06\x07\x08" * 20,
            CorruptDocumentError,
            id="control-bytes",
        ),
        pytest.param(b"text \x81\x8d\x8f\x90\x9d more", CorruptDocumentError, id="neither-utf8-nor-cp1252"),
    ],
)
def test_bad_text_files(tmp_path: Path, data: bytes, error: type[Exception]) -> None:
    path = write(tmp_path, "bad.txt", data)
    with pytest.raises(error) as caught:
        load_text(path)
    assert str(path) in str(caught.value)


def test_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(CorruptDocumentError, match="cannot be read"):
        load_text(tmp_path / "nope.txt")
