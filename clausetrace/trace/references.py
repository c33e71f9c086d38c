"""Cross-references in clause text: which clause or instrument a clause points at, and how.

Grammar pieces are named regex constants composed below (eyecite style); the finders run in
priority order and a later finder never takes text an earlier one claimed, so
"paragraph 12.24 of standard condition 12" is one reference, not also a reference to 'ESL 12'.

Relations (``Reference.relation``), read from the words around the reference:

- ``subject_to``: "... is subject to paragraphs 39.3, ..." (the source, or the clause the
  sentence names as ``subject``, is qualified by the target);
- ``exception_to``: the target is the subject of "does not apply" ("The requirement in
  paragraph 39.1 does not apply ..."): the source clause is an exception to the target.
  References *after* "does not apply" are conditions of the exception, not its object
  (ESL 48.9 names 39.3-39.6 as conditions) and stay ``refers_to``;
- ``obliges_compliance_with``: "comply with", "satisfies the requirements of", "be a party to",
  "Compatible with" governs the reference in a sentence that imposes a duty (must/shall/
  requires/obligation) or defines a term ("means");
- ``refers_to``: everything else. ``defines_term_used_in`` is made by the graph from definitions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from clausetrace.models import Clause, ParsedDocument, Reference, Relation
from clausetrace.trace.grammar import (
    ACRONYM_RE,
    ACT_RE,
    CODE_PREFIXES,
    CODE_RE,
    CONDITION_RE,
    ELEC_CONTEXT_RE,
    GAS_CONTEXT_RE,
    LICENCE_CONDITION_RE,
    OWN_SECTION_RE,
    PARAGRAPH_RE,
    PART_LEAD_RE,
    PART_RE,
    SEC_APPENDIX_NAME_RE,
    SEC_APPENDIX_NAMES,
    SEC_APPENDIX_REF_RE,
    SEC_ID,
    SEC_MAIN_RE,
    SEC_SECTION_RE,
    SPEC_INSTRUMENTS,
    SPEC_NAME_RE,
    SPEC_PARTS,
    SPEC_SECTION_RE,
    SPEC_SUBJECT_RE,
)
from clausetrace.trace.numbers import condition_of, expand_list, expand_range, licence_prefix
from clausetrace.trace.relations import read_relation, with_subjects
from clausetrace.trace.rulebook import (
    OwnClauses,
    RuleHit,
    default_instruments,
    rulebook_grammar,
    rulebook_hits,
    with_default_instruments,
)


@dataclass(frozen=True, slots=True)
class _Hit:
    """A matched reference phrase before relations are read: span plus resolved targets."""

    start: int
    end: int
    targets: tuple[str, ...]
    instrument: str  # '' while a bare 'Section 4.2.1' waits for its context
    section: bool = False  # targets are bare section numbers, prefixed once resolved


def extract_references(clause: Clause, doc_text: str, *, guidance: bool | None = None) -> list[Reference]:
    """Every reference in a clause, in text order; ``guidance`` defaults to an SMDA prefix."""
    if doc_text[clause.start : clause.end] != clause.text:
        raise ValueError(f"{clause.anchor}: span does not match the document text")
    is_guidance = clause.prefix.startswith("SMDA") if guidance is None else guidance
    hits = _find_hits(clause, is_guidance)
    hits = _resolve_spec_context(hits, clause)
    refs: list[Reference] = []
    for hit in hits:
        start, end = clause.start + hit.start, clause.start + hit.end
        relation = read_relation(doc_text, start, end)
        for target in hit.targets:
            if target == clause.anchor:
                continue
            secondary = is_guidance and hit.instrument != clause.prefix
            refs.append(
                _reference(clause, doc_text, (start, end), target, hit.instrument, relation, secondary)
            )
    return with_subjects(refs, doc_text)


def rulebook_references(
    clause: Clause,
    doc_text: str,
    grammar: re.Pattern[str],
    instruments: Mapping[str, str],
    hits: list[RuleHit] | None = None,
) -> list[Reference]:
    """References of a clause in a rulebook numbered by dotted rules (``clausetrace.trace.rulebook``);
    ``hits`` are the clause's hits when already read."""
    refs = []
    if hits is None:
        hits = rulebook_hits(clause.text, clause.prefix, instruments, grammar)
    for hit in hits:
        start, end = clause.start + hit.start, clause.start + hit.end
        relation = read_relation(doc_text, start, end)
        for number in hit.numbers:
            target = f"{hit.prefix} {number}"
            if target != clause.anchor:
                refs.append(_reference(clause, doc_text, (start, end), target, hit.prefix, relation))
    return refs


def _reference(
    clause: Clause,
    doc_text: str,
    span: tuple[int, int],
    target: str,
    instrument: str,
    relation: Relation,
    secondary: bool = False,
) -> Reference:
    """A Reference from a clause: the phrase at span of the document text, pointing at target."""
    return Reference(
        source_anchor=clause.anchor,
        doc_id=clause.doc_id,
        version=clause.version,
        text=doc_text[span[0] : span[1]],
        start=span[0],
        end=span[1],
        target=target,
        instrument=instrument,
        relation=relation,
        secondary=secondary,
    )


def document_references(doc: ParsedDocument, instruments: Mapping[str, str] | None = None) -> list[Reference]:
    """Every reference of a document once, read in the deepest clause holding it, in text order.

    Parent clauses contain their sub-clauses' text (and SMDA-266 section 2 contains 2.1-2.9), so
    the same words are met more than once; the smallest clause reads them, with its own context.
    ``instruments`` (name -> prefix) reads the document as a dotted-rule rulebook instead.
    """
    if instruments is not None:
        return _rulebook_document_references(doc, instruments)
    guidance = doc.source.family == "guidance"
    found: dict[tuple[int, int], list[Reference]] = {}
    for clause in sorted(doc.clauses, key=lambda c: c.end - c.start):
        claimed: dict[tuple[int, int], list[Reference]] = {}
        for ref in extract_references(clause, doc.text, guidance=guidance):
            if (ref.start, ref.end) not in found:
                claimed.setdefault((ref.start, ref.end), []).append(ref)
        found.update(claimed)
    return sorted((r for refs in found.values() for r in refs), key=lambda r: r.start)


def _rulebook_document_references(doc: ParsedDocument, instruments: Mapping[str, str]) -> list[Reference]:
    """A rulebook's references: each span read once, in the deepest clause holding it; unnamed numbers
    the document does not hold go to its default instrument for their lead word
    (``clausetrace.trace.rulebook.default_instruments``)."""
    grammar = rulebook_grammar(instruments)
    own = doc.source.prefix
    clauses = OwnClauses.of(c.number for c in doc.clauses)
    read: list[tuple[Clause, list[RuleHit]]] = []
    seen: set[tuple[int, int]] = set()
    for clause in sorted(doc.clauses, key=lambda c: c.end - c.start):
        hits = rulebook_hits(clause.text, clause.prefix, instruments, grammar)
        spans = {(clause.start + h.start, clause.start + h.end) for h in hits}
        read.append((clause, [h for h in hits if (clause.start + h.start, clause.start + h.end) not in seen]))
        seen |= spans
    defaults = default_instruments((h for _, hits in read for h in hits), own, clauses)
    refs = []
    for clause, hits in read:
        hits = with_default_instruments(hits, own, defaults, clauses)
        refs.extend(rulebook_references(clause, doc.text, grammar, instruments, hits))
    return sorted(refs, key=lambda r: r.start)


# --- finders ----------------------------------------------------------------------------------
SEC_APPENDIX_PREFIX = "SEC-"
RFC_BEFORE_RE = re.compile(r"\bRFC\s*\d+\s+$")


def _find_hits(clause: Clause, guidance: bool) -> list[_Hit]:
    """Run the finders in priority order; a later finder never takes claimed text."""
    text, own = clause.text, clause.prefix
    cond = condition_of(clause.number)
    licence_ctx = _licence_context(clause) if guidance else own
    found: list[_Hit] = []
    finders = [
        lambda: _sec_appendix_hits(text, own) if own.startswith(SEC_APPENDIX_PREFIX) else [],
        lambda: _paragraph_hits(text, own if not guidance else "ESL"),
        lambda: _licence_condition_hits(text, licence_ctx),
        lambda: _condition_hits(text, own if not guidance else "ESL", cond),
        lambda: [] if guidance else _part_hits(text, own, cond),
        lambda: _sec_section_hits(text),
        lambda: _act_hits(text),
        lambda: _spec_section_hits(text, own),
        lambda: _spec_name_hits(text),
        lambda: _code_hits(text),
        lambda: _acronym_hits(text),
    ]
    for finder in finders:
        for hit in finder():
            if not any(hit.start < h.end and h.start < hit.end for h in found):
                found.append(hit)
    return sorted(found, key=lambda h: h.start)


def _paragraph_hits(text: str, own: str) -> list[_Hit]:
    """'paragraph(s) LIST [of standard condition N [of the X Licence]]', 'SLC 44A.9'."""
    hits = []
    for m in PARAGRAPH_RE.finditer(text):
        prefix = own
        if m.group("licence"):
            prefix = licence_prefix(m.group("licence"))
        targets = tuple(f"{prefix} {n}" for n in expand_list(m.group("list")))
        hits.append(_Hit(m.start(), m.end(), targets, prefix))
    return hits


def _licence_condition_hits(text: str, context: str) -> list[_Hit]:
    """Guidance wording: 'Licence Condition 39.1', 'DCC Licence Condition 17.21'."""
    hits = []
    for m in LICENCE_CONDITION_RE.finditer(text):
        prefix = "DCCL" if m.group("dcc") else context
        targets = tuple(f"{prefix} {n}" for n in expand_list(m.group("list")))
        hits.append(_Hit(m.start(), m.end(), targets, prefix))
    return hits


def _condition_hits(text: str, own: str, own_condition: str) -> list[_Hit]:
    """'standard condition 12 (...)', 'Condition 22 of the DCC Licence', 'condition 39A.2'."""
    hits = []
    for m in CONDITION_RE.finditer(text):
        prefix = licence_prefix(m.group("licence")) if m.group("licence") else own
        num = m.group("num")
        if prefix == own and num == own_condition:
            continue  # the condition naming itself ('Condition 39. Smart Metering ...')
        hits.append(_Hit(m.start(), m.end(), (f"{prefix} {num}",), prefix))
    return hits


def _part_hits(text: str, own: str, cond: str) -> list[_Hit]:
    """'Part A of this Condition', 'set out at Part A2', 'Part A and Part B of this condition'."""
    hits = []
    for m in PART_RE.finditer(text):
        if not (m.group("this") or PART_LEAD_RE.search(text[max(0, m.start() - 20) : m.start()])):
            continue  # a heading ('PART B - DUTY ...'), not a reference
        parts = re.findall(r"[A-Z]\d?\b", m.group("list").replace("Part", ""))
        hits.append(_Hit(m.start(), m.end(), tuple(f"{own} {cond} Part {p}" for p in parts), own))
    return hits


def _sec_section_hits(text: str) -> list[_Hit]:
    """'SEC Section F4.3', 'SEC Sections F4.3 – F4.4', 'Section Z of the Smart Energy Code'."""
    hits = []
    for m in SEC_SECTION_RE.finditer(text):
        ids = expand_list(m.group("a") or m.group("b"), SEC_ID)
        hits.append(_Hit(m.start(), m.end(), tuple(f"SEC {i}" for i in ids), "SEC"))
    return hits


def _sec_appendix_hits(text: str, own: str) -> list[_Hit]:
    """A SEC appendix's references: the main body ('Section L4.5 of the Code' -> 'SEC L4.5'), SEC
    appendices ('Appendix B of the Code' -> 'SEC-B', the 'SMKI Code of Connection' -> 'SEC-N') and
    its own parts ('Appendix F of this document' -> 'SEC-M F', 'section 2.3.1.9d)' -> '(d)')."""
    hits = []
    for m in SEC_MAIN_RE.finditer(text):
        ids = [i for i in (m["a"], m["b"], m["c"], m["d"]) if i]
        targets = expand_range(ids[0], ids[1]) if len(ids) == 2 else ids
        hits.append(_Hit(m.start(), m.end(), tuple(dict.fromkeys(f"SEC {i}" for i in targets)), "SEC"))
    for m in SEC_APPENDIX_REF_RE.finditer(text):
        target = f"{own} {m['own']}" if m["own"] else f"SEC-{m['sec'] or m['code']}"
        hits.append(_Hit(m.start(), m.end(), (target,), target.split()[0]))
    for m in OWN_SECTION_RE.finditer(text):
        numbers = (
            expand_range(m["num"], m["to"])
            if m["to"]
            else [m["num"] + (f"({m['sub'][0]})" if m["sub"] else "")]
        )
        hits.append(_Hit(m.start(), m.end(), tuple(f"{own} {n}" for n in numbers), own))
    for m in SEC_APPENDIX_NAME_RE.finditer(text):
        target = SEC_APPENDIX_NAMES[m["name"]]
        if target != own:
            hits.append(_Hit(m.start(), m.end(), (target,), target))
    return sorted(hits, key=lambda h: (h.start, -h.end))


def _act_hits(text: str) -> list[_Hit]:
    """'section 7 of the Gas Act 1986', 'the Data Protection Act 2018'."""
    hits = []
    for m in ACT_RE.finditer(text):
        act = " ".join(m.group("act").split())
        secs = re.split(r"\s+or\s+", m.group("sec")) if m.group("sec") else []
        targets = tuple(f"{act} s.{s}" for s in secs) or (act,)
        hits.append(_Hit(m.start(), m.end(), targets, act))
    return hits


def _spec_section_hits(text: str, own: str) -> list[_Hit]:
    """'Section 2.2 of GBCS', 'Section 3.1 of this guidance note'; bare ones wait for context."""
    hits = []
    for m in SPEC_SECTION_RE.finditer(text):
        if RFC_BEFORE_RE.search(text, max(0, m.start() - 12), m.start()):
            continue  # 'RFC 7468 Section 3': a section of a standard, not of a document here
        where = m.group("of") or ""
        instrument = own if where.startswith("this") else where
        hits.append(_Hit(m.start(), m.end(), (m.group("num"),), instrument, section=True))
    return hits


def _spec_name_hits(text: str) -> list[_Hit]:
    """'ESME Technical Specification' -> SMETS, 'CH Technical Specification' -> CHTS, GBCS."""
    hits = []
    for m in SPEC_NAME_RE.finditer(text):
        if m.group("part"):
            name = SPEC_PARTS.get(m.group("part"), "SMETS")
        else:
            name = "SMETS" if m.group("smets") else "CHTS" if m.group("chts") else "GBCS"
        hits.append(_Hit(m.start(), m.end(), (name,), name))
    return hits


def _code_hits(text: str) -> list[_Hit]:
    """'Smart Energy Code' -> SEC, 'Retail Energy Code' -> REC, and the other industry codes."""
    hits = []
    for m in CODE_RE.finditer(text):
        name = CODE_PREFIXES[" ".join(m.group("code").split())]
        hits.append(_Hit(m.start(), m.end(), (name,), name))
    return hits


def _acronym_hits(text: str) -> list[_Hit]:
    """Bare 'the SEC', 'the SMETS', 'GBCS' (not 'SEC Party', 'SEC Designated Date', 'SMETS2+')."""
    return [_Hit(m.start(), m.end(), (m.group("acr"),), m.group("acr")) for m in ACRONYM_RE.finditer(text)]


def _resolve_spec_context(hits: list[_Hit], clause: Clause) -> list[_Hit]:
    """Give a bare 'Section 4.2.1' the instrument whose text the sentence is quoting."""
    resolved: list[_Hit] = []
    context = ""
    for hit in hits:
        if hit.section:
            instrument = hit.instrument or context or clause.prefix
            hit = _Hit(hit.start, hit.end, (f"{instrument} {hit.targets[0]}",), instrument)
        if hit.instrument in SPEC_INSTRUMENTS:
            numbered = any(t != hit.instrument for t in hit.targets)
            if numbered or SPEC_SUBJECT_RE.match(clause.text[hit.end : hit.end + 30]):
                context = hit.instrument
        resolved.append(hit)
    return resolved


def _licence_context(clause: Clause) -> str:
    """The supply licence a guidance section is about: GSL when it speaks only of gas."""
    context = " ".join((clause.heading, *clause.title_path, clause.text))
    if GAS_CONTEXT_RE.search(context) and not ELEC_CONTEXT_RE.search(context):
        return "GSL"
    return "ESL"


# --- relations --------------------------------------------------------------------------------
