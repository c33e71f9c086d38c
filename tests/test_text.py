"""Shared text helpers: which sentences state a rule."""

from __future__ import annotations

import pytest

from clausetrace.text import is_normative, is_obligation


@pytest.mark.parametrize(
    "sentence",
    [
        "The licensee must install a Smart Metering System.",
        "The licensee is not required to comply with paragraph 40.1 if the Customer has an In-Home Display.",
        "A supplier may request an extension from the Authority.",
        "Paragraph 39.1 does not apply where the SM WAN is not available.",
        "Micro Business Consumers are exempt from this condition.",
        "The licensee need not offer a second display.",
    ],
)
def test_a_duty_a_permission_or_an_exemption_is_a_rule(sentence: str) -> None:
    assert is_normative(sentence)


def test_only_a_duty_is_an_obligation() -> None:
    assert is_obligation("Each Supplier Party shall retain evidence of testing.")
    assert not is_obligation("A supplier may request an extension.")
    assert not is_obligation("The licensee need not offer a second display.")


@pytest.mark.parametrize(
    "sentence",
    [
        "Part B: Smart Metering System installation",
        "This document explains how the technical specifications relate to the licences.",
        "Mayfield Road substation",  # a word that begins with a modal is not one
    ],
)
def test_a_heading_or_a_description_is_not_a_rule(sentence: str) -> None:
    assert not is_normative(sentence)
