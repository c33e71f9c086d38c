"""Guess a Source (family, prefix, version, id, title) for a user file outside the catalogue."""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from pathlib import Path

from clausetrace.anchors import normalise_prefix, prefix_family
from clausetrace.errors import SourceError
from clausetrace.models import Source
from ingest.anchors import GRAMMARS
from ingest.segment import numbering_found

MONTHS = {
    name: index
    for index, name in enumerate(
        "january february march april may june july august september october november december".split(), 1
    )
}
DAY_MONTH_YEAR = re.compile(
    r"\b(?P<day>[0-9]{1,2})(?:st|nd|rd|th)?\s+(?P<month>" + "|".join(MONTHS) + r")\s+"
    r"(?P<year>(?:19|20)[0-9]{2})\b",
    re.IGNORECASE,
)
ISO_DATE = re.compile(r"\b(?P<year>(?:19|20)[0-9]{2})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})\b")
DATE_WINDOW = 4000  # dates are looked for near the top of the document
LICENCE_WORDS = re.compile(r"Standard (?:Licence )?Conditions?|\blicensee\b", re.IGNORECASE)
GAS_WORDS = re.compile(r"Gas Supply|Gas Supplier|\bGas Meter", re.IGNORECASE)
DCC_WORDS = re.compile(r"Smart Meter Communication Licen[cs]e|\bDCC Licen[cs]e", re.IGNORECASE)
ELECTRICITY_WORDS = re.compile(r"Electricity Supply|Electricity Supplier|\bElectricity Meter", re.IGNORECASE)
TITLE_WINDOW = 400  # the title region: which licence a file is, before what it quotes
SEC_WORDS = re.compile(r"Smart Energy Code")
SEC_APPENDIX = re.compile(r"\bSEC\s*[-–]\s*Appendix\s+(?P<letter>[A-Z])\b")  # the appendices' running header
SEC_SECTION = re.compile(r"\bSection [A-Z]\b")
SPEC_WORDS = {
    "GBCS": re.compile(r"\bGBCS\b|Great Britain Companion Specification"),
    "CHTS": re.compile(r"\bCHTS\b|Communications Hub Technical Specification"),
    "SMETS": re.compile(r"\bSMETS\b|Smart Metering Equipment Technical Specification"),
}
TECH_SPEC = re.compile(r"Technical Specification|\bSMETS\b|\bGBCS\b|\bCHTS\b")
DOCUMENT_REF = re.compile(r"\bRef(?:erence)?:\s*(?P<ref>[A-Z][A-Z0-9]+(?:-[A-Z0-9]+)*)")
MIN_CLAUSES = 2  # numbering must be found at least this often to pick a family


def guess_family(text: str) -> str:
    """licence, sec, spec or guidance: the grammar that finds the most numbering, with its words."""
    found = {family: numbering_found(text, family) for family in ("licence", "sec", "spec", "guidance")}
    if (
        LICENCE_WORDS.search(text)
        and len(found["licence"]) >= MIN_CLAUSES
        and len(found["licence"]) > len(found["guidance"])
    ):
        return "licence"
    if SEC_WORDS.search(text) and SEC_SECTION.search(text) and len(found["sec"]) >= MIN_CLAUSES:
        return "sec"
    if SEC_APPENDIX.search(text[:TITLE_WINDOW]):
        return "sec"
    if TECH_SPEC.search(text) and any(number.count(".") >= 2 for number in found["spec"]):
        return "spec"
    return "guidance"


def stem_prefix(path: Path) -> str:
    """A citation prefix made from the file name: 'my notes.txt' -> 'MY-NOTES'."""
    return re.sub(r"[^A-Z0-9]+", "-", path.stem.upper()).strip("-") or "DOC"


def licence_prefix(text: str) -> str | None:
    """DCCL, GSL or ESL by the licence the text names most, or None if it names none."""
    counts = {
        "DCCL": len(DCC_WORDS.findall(text)),
        "GSL": len(GAS_WORDS.findall(text)),
        "ESL": len(ELECTRICITY_WORDS.findall(text)),
    }
    best = max(counts, key=lambda prefix: counts[prefix])
    return best if counts[best] else None


def guess_prefix(text: str, family: str, path: Path) -> str:
    """ESL/GSL/DCCL, SEC, SMETS/CHTS/GBCS, or a reference / file-stem prefix for guidance."""
    if family == "licence":
        return licence_prefix(text[:TITLE_WINDOW]) or licence_prefix(text) or "ESL"
    if family == "sec":
        appendix = SEC_APPENDIX.search(text[:TITLE_WINDOW])
        return f"SEC-{appendix['letter']}" if appendix else "SEC"
    if family == "spec":
        counts = {prefix: len(pattern.findall(text)) for prefix, pattern in SPEC_WORDS.items()}
        return max(counts, key=lambda prefix: counts[prefix])
    match = DOCUMENT_REF.search(text[:DATE_WINDOW])
    return match["ref"] if match else stem_prefix(path)


def find_date(text: str) -> str | None:
    """The first date near the top of the text as ISO 'YYYY-MM-DD', if any."""
    head = text[:DATE_WINDOW]
    found = []
    for match in DAY_MONTH_YEAR.finditer(head):
        found.append((match.start(), int(match["year"]), MONTHS[match["month"].lower()], int(match["day"])))
    for match in ISO_DATE.finditer(head):
        found.append((match.start(), int(match["year"]), int(match["month"]), int(match["day"])))
    for _, year, month, day in sorted(found):
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            continue
    return None


def file_date(path: Path) -> str:
    """The file's modification date as ISO 'YYYY-MM-DD'."""
    try:
        return datetime.fromtimestamp(path.stat().st_mtime).date().isoformat()
    except OSError:
        return date.today().isoformat()


def first_line(text: str, limit: int = 160) -> str:
    """The first non-blank line of the text, shortened to ``limit`` characters."""
    for line in text.splitlines():
        if line.strip():
            return " ".join(line.split())[:limit]
    return ""


def slug(value: str) -> str:
    """Lower-case id fragment: 'SMDA-266 v1.0' -> 'smda-266-v1-0'."""
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


def file_sha256(path: Path) -> str | None:
    """Hex sha256 of the file, or None when it cannot be read."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def detect_source(
    path: Path,
    text: str,
    prefix: str | None = None,
    family: str | None = None,
    version: str | None = None,
    title: str | None = None,
) -> Source:
    """A Source for a user file: given options win, the rest is guessed from the text."""
    path = Path(path)
    prefix = normalise_prefix(prefix) if prefix else None
    if prefix and not family:
        family = prefix_family(prefix)
    family = family or guess_family(text)
    if family not in GRAMMARS:
        raise SourceError(str(path), f"unknown family '{family}'", f"use one of {', '.join(GRAMMARS)}")
    prefix = prefix or guess_prefix(text, family, path)
    dated = find_date(text) or file_date(path)
    version = version or dated
    return Source(
        id=f"{slug(path.stem)}-{slug(version)}",
        title=title or first_line(text) or path.stem,
        prefix=prefix,
        family=family,  # type: ignore[arg-type]
        version=version,
        date=dated,
        file=path.name,
        sha256=file_sha256(path),
        note="detected from a user file",
    )
