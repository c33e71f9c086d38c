"""Instruments a question names in words, and the ones it asks about (its sources)."""

from __future__ import annotations

import pytest

from clausetrace.query.mentions import named_instruments, source_instruments, source_titles


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("What does the Gas Supply Licence say about displays?", ["GSL"]),
        ("Does the DCC Licence require it?", ["DCCL"]),
        ("Must suppliers comply with the Smart Energy Code?", ["SEC"]),
        ("Which SMETS2 version must a meter meet?", ["SMETS"]),
        ("What powers does section 88 of the Energy Act 2008 give?", ["ACT"]),
        ("Who must install smart meters?", []),
    ],
)
def test_instruments_named_in_words(question: str, named: list[str]) -> None:
    assert named_instruments(question) == named


@pytest.mark.parametrize(
    ("question", "sources"),
    [
        ("Does the gas supply licence also oblige suppliers to offer a display?", ["GSL"]),
        ("Under the DCC licence, who runs the communications service?", ["DCCL"]),
        ("What security duties does the DCC’s own licence place on it?", ["DCCL"]),
        ("What does the SEC say about device assurance?", ["SEC"]),
        ("In SMETS2, what must an ESME record?", ["SMETS"]),
        ("Do suppliers have to comply with the SEC?", []),  # the SEC is the object, not the source
        ("Is the gas licence the same?", []),
        ("Going by the SMDA note, where in the gas supply licence is the term defined?", []),  # the guidance
        ("According to the SMDA-266 table, who do duties in the GBCS land on?", []),
        ("The SMDA note quotes the gas licence. How does the gas licence define it?", ["GSL"]),
        ("Where in the SMETS does the SMDA note say test evidence must be kept?", []),  # the note asked
        ("What does the SEC, as the SMDA guidance explains it, expect us to hold?", []),
        ("Do the gas licence conditions the SMDA note quotes bind an electricity-only supplier?", []),
    ],
)
def test_instruments_asked_about(question: str, sources: list[str]) -> None:
    assert source_instruments(question) == sources


@pytest.mark.parametrize(
    ("question", "titles"),
    [
        ("What steps does the SMKI RAPP set out for becoming an officer?", ["SMKI RAPP"]),
        ("What does the SMKI Recovery Procedure require after a key is lost?", ["SMKI Recovery Procedure"]),
        ("Under the Retail Energy Code, who handles installation complaints?", ["Retail Energy Code"]),
        (
            "What does the SEC's Threshold Anomaly Detection Procedures appendix say?",
            ["Threshold Anomaly Detection Procedures"],
        ),
        ("Does the Domestic Installation Code cover vulnerable customers?", ["Domestic Installation Code"]),
        ("Which meters must follow the GB Companion Specification?", []),  # named as an object
        ("what does the smart energy code say?", []),  # a title is written in capitals
    ],
)
def test_document_titles_asked_about(question: str, titles: list[str]) -> None:
    assert source_titles(question) == titles


def test_gb_companion_specification_is_the_gbcs() -> None:
    assert named_instruments("Does the GB Companion Specification set message formats?") == ["GBCS"]
