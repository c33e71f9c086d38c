"""Words a question may use for what the documents call otherwise: acronyms and their long forms."""

from __future__ import annotations

import re

ACRONYMS = {
    "IHD": "In-Home Display",
    "CH": "Communications Hub",
    "CHTS": "Communications Hub Technical Specification",
    "ESME": "Electricity Smart Metering Equipment",
    "GSME": "Gas Smart Metering Equipment",
    "DCC": "Data and Communications Company",
    "SEC": "Smart Energy Code",
    "SMETS": "Smart Metering Equipment Technical Specifications",
    "GBCS": "Great Britain Companion Specification",
    "CoS": "Change of Supplier",
    "PPMID": "Prepayment Meter Interface Device",
    "HCALCS": "HAN Connected Auxiliary Load Control Switch",
    "SAPC": "Standalone Auxiliary Proportional Controller",
    "SMDA": "Smart Meter Device Assurance",
    "SMS": "Smart Metering System",
    "SLC": "standard licence condition",
    "MAP": "Meter Asset Provider",
    "CSP": "Communications Service Provider",
    "ARS": "Advanced Roll-out Specified",
    "SoS": "Secretary of State",
    "Ofgem": "Authority",
}
ACRONYM_RE = re.compile(r"\b(" + "|".join(map(re.escape, ACRONYMS)) + r")\b")


def acronym_expansions(text: str) -> tuple[str, ...]:
    """Long forms of the acronyms a text uses, in order of first use."""
    return tuple(dict.fromkeys(ACRONYMS[m.group(1)] for m in ACRONYM_RE.finditer(text)))


def expand_query(question: str) -> str:
    """The question with the long forms of its acronyms appended (DCC -> Data and Communications...)."""
    found = acronym_expansions(question)
    return question if not found else f"{question} ({'; '.join(found)})"
