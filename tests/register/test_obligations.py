"""Obligation register: real clauses (read from the corpus mirror at run time) and hand-written lines."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from clausetrace.models import Clause, Obligation, ParsedDocument, Source
from clausetrace.register import CSV_COLUMNS, build_register, filter_register, to_csv, to_table_rows
from clausetrace.register.build import extraction_units
from clausetrace.register.obligations import extract_obligations, resolve_references
from clausetrace.register.parties import PARTY_SPELLINGS, normalise_party
from clausetrace.register.sentences import split_sentences
from ingest import parse_document

ESL_39 = "esl-39-2025-08-01"
SMDA = "smda-266-v1.0"
CANONICAL = set(PARTY_SPELLINGS) - {"Licensee"} | {"Electricity Supplier", "Gas Supplier"}


# --- fixtures and helpers -------------------------------------------------------------------


@pytest.fixture(scope="module")
def docs(corpus_dir: Path, source_by_id: dict[str, Source]) -> dict[str, ParsedDocument]:
    """Every pinned document of the catalogue, parsed by ingest."""
    return {sid: parse_document(s, corpus_dir / s.file) for sid, s in source_by_id.items() if s.file}


@pytest.fixture(scope="module")
def register(docs: dict[str, ParsedDocument]) -> list[Obligation]:
    """The register over the whole real corpus."""
    return build_register(list(docs.values()))


def at(register: list[Obligation], doc_id: str, number: str) -> list[Obligation]:
    """Register records written in one clause of one document."""
    prefix = "SMDA-266" if doc_id == SMDA else "ESL"
    return [o for o in register if o.doc_id == doc_id and o.anchor == f"{prefix} {number}"]


def one(register: list[Obligation], doc_id: str, number: str) -> Obligation:
    """The single record of a clause."""
    found = at(register, doc_id, number)
    assert len(found) == 1, [(o.party, o.modality, o.action[:60]) for o in found]
    return found[0]


def hand(text: str, prefix: str = "ESL", number: str = "1.1") -> list[Obligation]:
    """Obligations of a hand-written clause text."""
    clause = Clause("hand", prefix, "test", number, 0, len(text), text)
    return extract_obligations(clause, text)


# --- real clauses: ESL ----------------------------------------------------------------------


pytestmark = pytest.mark.corpus


def test_39_1_roll_out_duty(register: list[Obligation]) -> None:
    o = one(register, ESL_39, "39.1")
    assert (o.party, o.party_text, o.modality) == (
        "Electricity Supplier",
        "The licensee",
        "take all reasonable steps",
    )
    assert o.action.startswith("ensure that a Relevant Smart Metering System is installed")
    assert "on or before ARS Specified Date" in o.conditions
    assert not o.secondary and o.quoted_from is None


def test_39_2_is_a_qualifier_copied_onto_39_1(register: list[Obligation]) -> None:
    # 39.2 ("The requirement in paragraph 39.1 is subject to ...") makes no record of its own.
    assert at(register, ESL_39, "39.2") == []
    assert one(register, ESL_39, "39.1").subject_to == [f"ESL 39.{n}" for n in (3, 4, 5, 6)]


@pytest.mark.parametrize(
    ("number", "target"),
    [("39.3", "ESL 39.1"), ("39.6", "ESL 39.1"), ("39.10", "ESL 39.7"), ("39.21", "ESL 39.15")],
)
def test_39_exceptions(register: list[Obligation], number: str, target: str) -> None:
    o = one(register, ESL_39, number)
    assert (o.modality, o.exception_to, o.party) == ("exception", [target], "Electricity Supplier")
    assert o.action.startswith("does not apply in respect of")


def test_39_15_scope_and_qualifiers(register: list[Obligation]) -> None:
    o = one(register, ESL_39, "39.15")
    assert o.conditions[0] == "Where this paragraph applies"
    assert o.scoped_by == ["ESL 39.14"]  # "Paragraphs 39.15 to 39.20 apply to the licensee ..."
    assert o.subject_to == ["ESL 39.17", "ESL 39.19", "ESL 39.20"]  # from 39.16
    # no comma after the condition: "Where this paragraph applies the licensee must ensure ..."
    assert one(register, ESL_39, "39.19").scoped_by == ["ESL 39.14", "ESL 39.18"]


def test_2022_and_2025_texts_of_39_give_the_same_register(register: list[Obligation]) -> None:
    def shape(doc_id: str) -> list[tuple[str, str, str, str]]:
        return [(o.anchor, o.party, o.modality, o.action) for o in register if o.doc_id == doc_id]

    assert shape("esl-39-2022-04-14") == shape(ESL_39) != []


def test_40_in_home_display(register: list[Obligation]) -> None:
    general = one(register, "esl-40-2025-08-01", "40.1")
    assert (general.party, general.modality) == ("Electricity Supplier", "must")
    assert "provides an In-Home Display at the premises" in general.action
    assert general.subject_to == ["ESL 40.5", "ESL 40.9(a)"]
    on_request = one(register, "esl-40-2025-08-01", "40.6")
    assert on_request.modality == "take all reasonable steps"  # "must: (a) take all reasonable steps"
    assert on_request.action.startswith("provide, at Domestic Premises")
    assert "ESL 40.7" in on_request.scoped_by
    existing = one(register, "esl-40-2025-08-01", "40.5")  # "is not required to comply with 40.1"
    assert (existing.modality, existing.exception_to) == ("exception", ["ESL 40.1"])


def test_40_9_derogation_gives_an_exception_and_a_duty_owed_to_secretary_of_state(
    register: list[Obligation],
) -> None:
    exception, duty = at(register, "esl-40-2025-08-01", "40.9")
    assert exception.exception_to == ["ESL 40.1", "ESL 40.6"]
    assert (duty.party, duty.modality) == ("Electricity Supplier", "must")
    assert duty.action.startswith("submit to the Secretary of State the evidence")
    assert duty.counterparties == ["Secretary of State"]
    assert exception.sentence == duty.sentence  # one sentence, two records
    assert one(register, "esl-40-2025-08-01", "40.10").party == "Secretary of State"


def test_43_information_for_the_secretary_of_state(register: list[Obligation]) -> None:
    doc = "esl-43-2025-08-01"
    power = one(register, doc, "43.3")
    assert (power.party, power.modality) == ("Secretary of State", "may")
    assert "issue a request for Information" in power.action
    comply = one(register, doc, "43.8")
    assert (comply.party, comply.modality) == ("Electricity Supplier", "must")
    assert comply.action.startswith("comply with an Information Request")
    assert one(register, doc, "43.9").action.endswith("is complete and accurate")
    assert one(register, doc, "43.10").modality == "exception"  # "is not required ... to provide"
    # 43.2 "ensure that the Secretary of State may obtain" is a purpose, not a power: no record
    assert at(register, doc, "43.2") == []


def test_45a_4_licensee_together_with_relevant_suppliers(register: list[Obligation]) -> None:
    o = one(register, "esl-45a-2025-08-01", "45A.4")
    assert (o.party, o.party_text, o.modality) == ("Electricity Supplier", "The licensee", "must")
    assert o.joint_with == ["Supplier"]  # "together with all other Relevant Suppliers"
    assert "Central Delivery Body" in o.counterparties


def test_45a_central_delivery_body_duties(register: list[Obligation]) -> None:
    keep, amend = at(register, "esl-45a-2025-08-01", "45A.20")  # "must keep ..., and must make ..."
    assert {keep.party, amend.party} == {"Central Delivery Body"}
    assert keep.action == "keep the Performance Management Framework under review"
    assert amend.action.startswith("make appropriate amendments")
    # "The articles of association of the Central Delivery Body must ..." binds no party
    assert at(register, "esl-45a-2025-08-01", "45A.5") == []


def test_48_smart_energy_code(register: list[Obligation]) -> None:
    doc = "esl-48-2025-08-01"
    party = one(register, doc, "48.1")
    assert (party.party, party.modality) == ("Electricity Supplier", "must")
    assert "be a party to the Smart Energy Code" in party.action
    assert party.conditions == ["by no later than the Commencement Date"]
    derogation = one(register, doc, "48.2")
    assert (derogation.party, derogation.modality) == ("Authority", "may")
    assert derogation.action.startswith("give a direction")
    assert derogation.conditions[0].startswith("following consultation with the licensee")
    assert {(o.party, o.modality) for o in at(register, doc, "48.3")} == {("Authority", "may")}
    user = one(register, doc, "48.8")
    assert (user.action, user.subject_to) == (
        "be a DCC User, except in the circumstances described in paragraph 48.9",
        ["ESL 48.9"],
    )
    assert one(register, doc, "48.9").exception_to == ["ESL 48.8"]


def test_47_16_exception_and_duty_in_one_sentence(register: list[Obligation]) -> None:
    exception, duty = at(register, "esl-47-2025-08-01", "47.16")
    assert (exception.modality, exception.exception_to) == ("exception", ["ESL 47.6"])
    assert (duty.modality, duty.party_text) == ("must", "the licensee")


# --- real clauses: SMDA-266 guidance --------------------------------------------------------


def test_smda_2_5_quotes_sec_f4(register: list[Obligation]) -> None:
    interop, dcc, supplier = at(register, SMDA, "2.5")
    assert (interop.party, interop.party_text, interop.modality) == (
        "Supplier",
        "the Responsible Supplier",
        "shall",
    )
    assert interop.action.startswith("ensure that all the Devices")
    assert "interoperable with the DCC Total System" in interop.action
    assert (dcc.party, supplier.party) == ("DCC", "Supplier")  # "the DCC and each Supplier Party"
    assert (dcc.joint_with, supplier.joint_with) == (["Supplier"], ["DCC"])
    assert dcc.action.startswith("ensure that testing has been undertaken")
    assert set(dcc.counterparties) == {"SEC Panel", "Authority"}
    for o in (interop, dcc, supplier):
        assert o.secondary and o.quoted_from == "SEC F4.3"


@pytest.mark.parametrize(
    ("number", "party", "quoted"),
    [
        ("2.2", "Electricity Supplier", "ESL 39.1"),
        ("2.3", "Gas Supplier", "GSL 33.1"),
        ("2.4", "DCC", "DCCL 17.21"),
    ],
)
def test_smda_licensee_is_resolved_by_the_licence_discussed(
    register: list[Obligation], number: str, party: str, quoted: str
) -> None:
    first = at(register, SMDA, number)[0]
    assert (first.party, first.party_text, first.quoted_from) == (party, "the Licensee", quoted)


def test_smda_sub_committee_obligation(register: list[Obligation]) -> None:
    (o,) = [o for o in register if o.party == "SMDA Sub-Committee"]
    assert (o.anchor, o.modality, o.quoted_from) == ("SMDA-266 2.9", "is required to", "SEC F12.4")


# --- whole-corpus properties ----------------------------------------------------------------


def test_every_sentence_span_round_trips(docs: dict[str, ParsedDocument], register: list[Obligation]) -> None:
    assert len(register) > 150
    for o in register:
        doc = docs[o.doc_id]
        assert doc.text[o.start : o.end] == o.sentence
        clause = next(c for c in doc.clauses if c.anchor == o.anchor)
        assert clause.start <= o.start < o.end <= clause.end


def test_register_has_no_duplicates_and_only_canonical_parties(register: list[Obligation]) -> None:
    keys = [(o.doc_id, o.anchor, o.start, o.party, o.modality, o.action) for o in register]
    assert len(keys) == len(set(keys))
    assert {o.party for o in register} <= CANONICAL
    assert all(o.party != "Licensee" for o in register)
    assert all(o.secondary == (o.doc_id == SMDA) for o in register)


def test_enclosing_section_keeps_only_its_own_text(docs: dict[str, ParsedDocument]) -> None:
    units = {c.number: end for c, end in extraction_units(docs[SMDA].clauses)}
    sections = {c.number: c for c in docs[SMDA].clauses}
    assert units["2"] == sections["2.1"].start  # section 2 stops where 2.1 starts
    assert units["2.5"] == sections["2.5"].end
    esl = extraction_units(docs[ESL_39].clauses)
    assert all(not c.is_subclause for c, _ in esl) and len(esl) == 23


# --- hand-written sentences -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "prefix", "expected"),
    [
        pytest.param(
            "The Panel shall publish the report.",
            "SEC",
            [("SEC Panel", "The Panel", "shall", "publish the report")],
            id="panel",
        ),
        pytest.param(
            "The Secretary of State may direct the licensee to report.",
            "ESL",
            [("Secretary of State", "The Secretary of State", "may", "direct the licensee to report")],
            id="secretary-of-state-may",
        ),
        pytest.param(
            "Nothing in this paragraph requires the licensee to replace a meter.",
            "ESL",
            [],
            id="nothing-requires",
        ),
        pytest.param(
            "The licensee shall not disclose the data.",
            "ESL",
            [("Electricity Supplier", "The licensee", "shall not", "disclose the data")],
            id="shall-not",
        ),
        pytest.param(
            "The licensee must not charge for it.",
            "GSL",
            [("Gas Supplier", "The licensee", "must not", "charge for it")],
            id="gsl",
        ),
        pytest.param(
            "The licensee must publish the plan.",
            "DCCL",
            [("DCC", "The licensee", "must", "publish the plan")],
            id="dccl",
        ),
        pytest.param(
            "Ofgem may revise the guidance.",
            "SEC",
            [("Authority", "Ofgem", "may", "revise the guidance")],
            id="ofgem",
        ),
        pytest.param(
            "The SMDA Sub-Committee shall procure testing services.",
            "SEC",
            [("SMDA Sub-Committee", "The SMDA Sub-Committee", "shall", "procure testing services")],
            id="sub-committee",
        ),
        pytest.param(
            "The licensee is required to keep records.",
            "ESL",
            [("Electricity Supplier", "The licensee", "is required to", "keep records")],
            id="is-required-to",
        ),
        pytest.param(
            "Where it is negative, it shall be deemed to be zero.", "ESL", [], id="deeming-is-not-a-duty"
        ),
        pytest.param("The report must be published by the licensee.", "ESL", [], id="passive-binds-no-party"),
        pytest.param(
            "Relevant Date means the date by which the licensee must report.", "ESL", [], id="definition"
        ),
        pytest.param("The licensee's offer must be clear.", "ESL", [], id="possessive"),
        pytest.param(
            "The purposes are to ensure that the Authority may obtain information.", "ESL", [], id="purpose"
        ),
        pytest.param("The steps that the licensee must take include these.", "ESL", [], id="relative"),
        pytest.param(
            "Where this paragraph applies the licensee must report.",
            "ESL",
            [("Electricity Supplier", "the licensee", "must", "report")],
            id="condition-without-comma",
        ),
    ],
)
def test_hand_written(text: str, prefix: str, expected: list[tuple[str, str, str, str]]) -> None:
    found = hand(text, prefix)
    assert [(o.party, o.party_text, o.modality, o.action) for o in found] == expected
    assert all(text[o.start : o.end] == o.sentence for o in found)


def test_joint_subject_gives_one_record_per_party() -> None:
    found = hand("The DCC and each Supplier Party shall retain evidence of testing.", "SEC")
    assert [(o.party, o.joint_with) for o in found] == [("DCC", ["Supplier"]), ("Supplier", ["DCC"])]


def test_together_with_and_coordinated_modals() -> None:
    text = (
        "The licensee, together with all other Relevant Suppliers must keep the plan under review, "
        "and must amend it."
    )
    keep, amend = hand(text)
    assert [(o.party, o.joint_with, o.action) for o in (keep, amend)] == [
        ("Electricity Supplier", ["Supplier"], "keep the plan under review"),
        ("Electricity Supplier", ["Supplier"], "amend it"),
    ]
    assert keep.key == "ESL 1.1@test"


def test_pronoun_subject_resolves_to_earlier_party() -> None:
    (o,) = hand("Where the licensee receives a request, it must provide the Information.")
    assert (o.party, o.party_text, o.conditions) == (
        "Electricity Supplier",
        "it",
        ["Where the licensee receives a request"],
    )


def test_sentences_split_without_breaking_numbers_or_abbreviations() -> None:
    text = (
        "The licensee must, e.g. on request, comply with paragraphs 39.10. 39.11 and 39.12. "
        "The Authority may publish it (i.e. online). Company Reg. No. 123 applies."
    )
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == [
        "The licensee must, e.g. on request, comply with paragraphs 39.10. 39.11 and 39.12.",
        "The Authority may publish it (i.e. online).",
        "Company Reg. No. 123 applies.",
    ]
    first, second = hand(text)
    assert (first.party, second.party) == ("Electricity Supplier", "Authority")
    assert text[second.start : second.end] == second.sentence


def test_leading_clause_number_is_not_part_of_the_sentence() -> None:
    (o,) = hand("39.15(a) The licensee must act.")
    assert (o.sentence, o.start) == ("The licensee must act.", 9)


@pytest.mark.parametrize(
    ("text", "anchors"),
    [
        pytest.param("paragraph 39.1", ["ESL 39.1"], id="single"),
        pytest.param(
            "paragraphs 39.3, 39.4, 39.5 and 39.6",
            ["ESL 39.3", "ESL 39.4", "ESL 39.5", "ESL 39.6"],
            id="list",
        ),
        pytest.param(
            "Paragraphs 39.15 to 39.20", [f"ESL 39.{n}" for n in range(15, 21)], id="range-same-condition"
        ),
        pytest.param("paragraphs 39.15 to 40.2", ["ESL 39.15", "ESL 40.2"], id="range-across"),
        pytest.param("paragraph 12.24 of standard condition 12", ["ESL 12.24"], id="other-condition"),
        pytest.param("paragraph paragraph 39.7", ["ESL 39.7"], id="doubled-word"),
        pytest.param(
            "paragraphs 39.10. 39.11, 39.12 or 39.13",
            [f"ESL 39.{n}" for n in range(10, 14)],
            id="stray-full-stop",
        ),
        pytest.param("paragraph 40.9(a) and 40.17", ["ESL 40.9(a)", "ESL 40.17"], id="sub-paragraph"),
        pytest.param(
            "paragraphs 44A.3 to 44A.5", ["ESL 44A.3", "ESL 44A.4", "ESL 44A.5"], id="lettered-condition"
        ),
        pytest.param("sub-paragraph (d)", [], id="relative"),
    ],
)
def test_resolve_references(text: str, anchors: list[str]) -> None:
    assert resolve_references(text, "ESL") == anchors


@pytest.mark.parametrize(
    ("text", "prefix", "party"),
    [
        ("the licensee", "ESL", "Electricity Supplier"),
        ("The Licensee", "GSL", "Gas Supplier"),
        ("the licensee", "DCCL", "DCC"),
        ("the licensee", "SMDA-266", "Licensee"),
        ("each Supplier Party", "SEC", "Supplier"),
        ("Relevant Suppliers", "ESL", "Supplier"),
        ("the Relevant Electricity Supplier", "ESL", "Electricity Supplier"),
        ("the Gas and Electricity Markets Authority", "ESL", "Authority"),
        ("SMCB", "ESL", "Central Delivery Body"),
        ("device manufacturers", "SEC", "Device Manufacturer"),
    ],
)
def test_normalise_party(text: str, prefix: str, party: str) -> None:
    assert normalise_party(text, prefix) == party


# --- register views -------------------------------------------------------------------------


def test_filter_register(register: list[Obligation]) -> None:
    suppliers = filter_register(register, party="SUPPLIER")
    assert {o.party for o in suppliers} == {"Electricity Supplier", "Gas Supplier", "Supplier"}
    assert {o.doc_id for o in filter_register(register, prefix="smda-266")} == {SMDA}
    old = filter_register(register, prefix="ESL", version="2022-04-14")
    assert {o.doc_id for o in old} == {"esl-39-2022-04-14", "esl-48-2022-04-14"}
    assert filter_register(register, party="Authority", version="1.0") == []


def test_csv_round_trip(register: list[Obligation]) -> None:
    text = to_csv(register)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(register)
    assert tuple(rows[0]) == CSV_COLUMNS
    for row, o in zip(rows, register, strict=True):
        assert row["anchor"] == o.anchor and row["sentence"] == o.sentence
        assert (row["subject_to"].split("; ") if row["subject_to"] else []) == o.subject_to
        assert (row["exception_to"].split("; ") if row["exception_to"] else []) == o.exception_to
        assert row["conditions"] == "; ".join(o.conditions)  # phrases may hold '; ' themselves


def test_records_survive_json(register: list[Obligation]) -> None:
    # the index persists the register as JSON lines and reads it back with Obligation(**row)
    assert all(Obligation.model_validate_json(o.model_dump_json()) == o for o in register)
    assert all(Obligation(**o.model_dump()) == o for o in register)


def test_table_rows_are_short(register: list[Obligation]) -> None:
    rows = to_table_rows(register)
    assert len(rows) == len(register)
    assert set(rows[0]) == {"anchor", "version", "party", "modality", "action", "qualifiers"}
    assert max(len(r["action"]) for r in rows) <= 90
    row_39_3 = next(r for r in rows if r["anchor"] == "ESL 39.3")
    assert row_39_3["qualifiers"] == "exception to ESL 39.1"


# --- the SEC appendices' own voice ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "The DCC shall publish the browsers it supports.",
            [("DCC", "The DCC", "shall", "publish the browsers it supports")],
            id="the-dcc-shall",
        ),
        pytest.param(
            "Authorised Subscribers shall submit CSRs in the form set out.",
            [("Authorised Subscriber", "Authorised Subscribers", "shall", "submit CSRs in the form set out")],
            id="authorised-subscribers",
        ),
        pytest.param(
            "Any Party or RDP may connect via an Internet connection.",
            [
                ("Party", "Any Party", "may", "connect via an Internet connection"),
                ("RDP", "RDP", "may", "connect via an Internet connection"),
            ],
            id="party-or-rdp",
        ),
        pytest.param(
            "The DCC shall not be required to support old browsers.",
            [("DCC", "The DCC", "exception", "shall not be required to support old browsers")],
            id="relief",
        ),
        pytest.param(
            "Each DCC Gateway Connection user shall provide a forecast.",
            [
                (
                    "DCC Gateway Connection User",
                    "Each DCC Gateway Connection user",
                    "shall",
                    "provide a forecast",
                )
            ],
            id="gateway-user",
        ),
        pytest.param("Batched CSRs shall be processed in turn.", [], id="passive-binds-no-one"),
        pytest.param(
            "One Way Authentication | Means HTTPS whereby the client is not required to log in.",
            [],
            id="glossary-row",
        ),
    ],
)
def test_sec_voice(text: str, expected: list[tuple[str, str, str, str]]) -> None:
    found = hand(text, "SEC-N", "1.1")
    assert [(o.party, o.party_text, o.modality, o.action) for o in found] == expected


@pytest.mark.parametrize(
    ("text", "party"),
    [
        ("an Import Supplier", "Import Supplier"),
        ("Authorised Responsible Officers", "Authorised Responsible Officer"),
        ("the ARO", "Authorised Responsible Officer"),
        ("each Party", "Party"),
        ("SEC Parties", "Party"),
        ("the Registration Authority", "Registration Authority"),
    ],
)
def test_normalise_sec_parties(text: str, party: str) -> None:
    assert normalise_party(text, "SEC-N") == party


def test_sec_appendices_in_the_register(register: list[Obligation]) -> None:
    sec = [o for o in register if o.prefix.startswith("SEC-")]
    assert {"DCC", "Party", "RDP", "Authorised Subscriber", "DCC Gateway Connection User"} <= {
        o.party for o in sec
    }
    relief = [o for o in sec if o.anchor == "SEC-N 1.1" and o.modality == "exception"]
    assert [o.party for o in relief] == ["DCC"] and relief[0].action.startswith("shall not be required to")
    limits = [o for o in sec if o.anchor == "SEC-N 3.1.2" and o.party == "Party"]
    assert limits[0].action.startswith(
        "take reasonable steps not to submit more than one Certificate Signing"
    )
    assert not any(o.secondary for o in sec) and all(o.action for o in sec)
    assert not [o for o in sec if o.anchor.endswith((" A", " H", " B")) and "Means" in o.sentence]
