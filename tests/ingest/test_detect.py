"""Detecting the Source of a user file: family, prefix, version, id; options win over guesses."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from clausetrace.errors import SourceError
from clausetrace.models import Source
from ingest.detect import detect_source, find_date
from ingest.text import load_text

SEC_TEXT = (
    "Smart Energy Code\nSection F: Smart Metering System Requirements\nF4 Operational Functionality\n"
    "F4.3 The Responsible Supplier shall ensure interoperability.\nF4.4 The DCC shall retain evidence.\n"
)
SPEC_TEXT = (
    "Smart Metering Equipment Technical Specifications (SMETS)\n4 GSME\n4.2 Testing\n"
    "4.2.1 GSME shall have been tested.\n4.2.2 GSME shall meet the GBCS requirements.\n"
)
CHTS_TEXT = SPEC_TEXT.replace(
    "Smart Metering Equipment Technical Specifications (SMETS)",
    "Communications Hub Technical Specification (CHTS) CHTS",
)
GAS_TEXT = (
    "Gas Supply Standard Licence Conditions\nCondition 33. Smart Metering\n33.1 The licensee must install a "
    "Gas Meter. 33.2 The requirement in paragraph 33.1 applies to each Gas Supplier."
)
ELEC_TEXT = (
    GAS_TEXT.replace("Gas Supply", "Electricity Supply")
    .replace("Gas Meter", "Electricity Meter")
    .replace("Gas Supplier", "Electricity Supplier")
)
DCC_TEXT = (
    "Smart Meter Communication Licence\nCondition 17. Communications Hubs\n"
    "17.1 The licensee must provide. 17.2 The licensee must maintain."
)
NOTES_TEXT = "Internal notes on interoperability\n\n1 Scope\n\nSome notes.\n\n2 Findings\n\nMore notes.\n"


def user_file(tmp_path: Path, name: str, text: str) -> Path:
    """A user file with a fixed modification date (2023-05-06)."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    stamp = 1683374400  # 2023-05-06 12:00 UTC
    os.utime(path, (stamp, stamp))
    return path


@pytest.mark.parametrize(
    ("name", "text", "family", "prefix"),
    [
        pytest.param("sec-f.txt", SEC_TEXT, "sec", "SEC", id="sec"),
        pytest.param("smets.txt", SPEC_TEXT, "spec", "SMETS", id="smets"),
        pytest.param("chts.txt", CHTS_TEXT, "spec", "CHTS", id="chts"),
        pytest.param("gsl-33.txt", GAS_TEXT, "licence", "GSL", id="gas-licence"),
        pytest.param("esl-33.txt", ELEC_TEXT, "licence", "ESL", id="electricity-licence"),
        pytest.param("dcc.txt", DCC_TEXT, "licence", "DCCL", id="dcc-licence"),
        pytest.param("my notes.md", NOTES_TEXT, "guidance", "MY-NOTES", id="guidance-from-stem"),
    ],
)
def test_guesses(tmp_path: Path, name: str, text: str, family: str, prefix: str) -> None:
    source = detect_source(user_file(tmp_path, name, text), text)
    assert (source.family, source.prefix) == (family, prefix)
    assert source.version == source.date == "2023-05-06"  # no date in the text: the file's date
    assert source.file == name and source.sha256 and len(source.sha256) == 64


def test_options_override_guesses(tmp_path: Path) -> None:
    path = user_file(tmp_path, "notes.txt", NOTES_TEXT)
    source = detect_source(path, NOTES_TEXT, prefix="smets", version="5.1", title="SMETS v5.1 extract")
    assert (source.prefix, source.family, source.version, source.title) == (
        "SMETS",
        "spec",
        "5.1",
        "SMETS v5.1 extract",
    )
    assert source.id == "notes-5-1"
    assert detect_source(path, SEC_TEXT, family="guidance").family == "guidance"


def test_unknown_family_is_a_source_error(tmp_path: Path) -> None:
    path = user_file(tmp_path, "notes.txt", NOTES_TEXT)
    with pytest.raises(SourceError, match="unknown family 'law'"):
        detect_source(path, NOTES_TEXT, family="law")


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        pytest.param("Final v1.0\n17 JANUARY 2024\nRef: SMDA-266", "2024-01-17", id="upper-case-month"),
        pytest.param("(consolidated to 1 August 2025)", "2025-08-01", id="day-month-year"),
        pytest.param("version of 2022-04-14", "2022-04-14", id="iso"),
        pytest.param("on 31 February 2020, then 3rd March 2021", "2021-03-03", id="invalid-date-skipped"),
        pytest.param("no date here, only 39.1", None, id="none"),
    ],
)
def test_find_date(text: str, iso: str | None) -> None:
    assert find_date(text) == iso


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("source_id", "family", "prefix", "version"),
    [
        pytest.param("esl-39-2025-08-01", "licence", "ESL", "2025-08-01", id="esl-39"),
        pytest.param("esl-48-2022-04-14", "licence", "ESL", "2022-04-14", id="esl-48-2022"),
        pytest.param("smda-266-v1.0", "guidance", "SMDA-266", "2024-01-17", id="smda-266"),
    ],
)
def test_real_files_detected_like_the_catalogue(
    corpus_dir: Path, source_by_id: dict[str, Source], source_id: str, family: str, prefix: str, version: str
) -> None:
    path = corpus_dir / str(source_by_id[source_id].file)
    text = "\n".join(page.text for page in load_text(path))
    source = detect_source(path, text)
    assert (source.family, source.prefix, source.version) == (family, prefix, version)
    assert source.sha256 == source_by_id[source_id].sha256
