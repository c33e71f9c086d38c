"""Question parsing: anchors named in the many spellings users type, expansions, intent, and that
ask() parses a question exactly once."""

from __future__ import annotations

import pytest

from clausetrace.query import expand_query, mentioned_anchors, parse_query

MENTIONS = [
    pytest.param("What does SLC 48.1 say?", ["ESL 48.1"], id="slc"),
    pytest.param("explain standard condition 39", ["ESL 39"], id="standard-condition"),
    pytest.param("Licence Condition 39.1 please", ["ESL 39.1"], id="licence-condition"),
    pytest.param("what is in SEC Section F4.3?", ["SEC F4.3"], id="sec-section"),
    pytest.param("Section F12.4 objectives", ["SEC F12.4"], id="bare-section"),
    pytest.param("ESL 39.15 (a) text", ["ESL 39.15(a)"], id="subclause-spaced"),
    pytest.param("esl 44a.3a", ["ESL 44A.3A"], id="lettered"),
    pytest.param("SMDA-266 2.5", ["SMDA-266 2.5"], id="guidance"),
    pytest.param("DCC Licence Condition 22.2", ["DCCL 22.2"], id="dcc-licence"),
    pytest.param("gas supply licence condition 33.1", ["GSL 33.1"], id="gas-licence"),
    pytest.param("Who must install smart meters?", [], id="no-anchor"),
    pytest.param("What does SEC-N 1.1 say?", ["SEC-N 1.1"], id="sec-appendix"),
    pytest.param("Under SEC Appendix M 2.2, is it accepted?", ["SEC-M 2.2"], id="sec-appendix-words"),
    pytest.param("What does Appendix N paragraph 2.1.2 require?", ["SEC-N 2.1.2"], id="appendix-paragraph"),
    pytest.param("SEC Appendix N 1.1 and SLC 48.1", ["SEC-N 1.1", "ESL 48.1"], id="appendix-and-licence"),
    pytest.param("What does SEC Section A define?", ["SEC A"], id="sec-main-body-section"),
    pytest.param("paragraphs 41.14 and 41.15, please", ["ESL 41.14", "ESL 41.15"], id="paragraph-list"),
    pytest.param("paragraph 39.3, 39.4 or 39.5", ["ESL 39.3", "ESL 39.4", "ESL 39.5"], id="paragraph-or"),
    pytest.param(
        "Do paragraphs 17.14 and 17.15 of the DCC Licence apply?", ["DCCL 17.14", "DCCL 17.15"], id="list-of"
    ),
]


@pytest.mark.parametrize(("question", "expected"), MENTIONS)
def test_mentioned_anchors(question, expected):
    assert mentioned_anchors(question) == expected


def test_acronyms_expand_the_query():
    assert "In-Home Display" in expand_query("Do I get an IHD?")
    assert expand_query("plain words") == "plain words"


def test_ask_parses_the_question_once(gb_index, monkeypatch):
    """ask() reads the raw question in one place: parse_query, which finds anchors once."""
    from clausetrace.answer import quoting
    from clausetrace.query import parse

    calls = {"parse_query": 0, "mentioned_anchors": 0}

    def counting(name, function):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return function(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(quoting, "parse_query", counting("parse_query", quoting.parse_query))
    monkeypatch.setattr(parse, "mentioned_anchors", counting("mentioned_anchors", parse.mentioned_anchors))
    quoting.ask("Who must be a party to the Smart Energy Code under SLC 48.1?", gb_index)
    assert calls == {"parse_query": 1, "mentioned_anchors": 1}


QUERIES = [
    pytest.param("What does SLC 48.1 say?", "what", ("ESL 48.1",), (), id="named-clause"),
    pytest.param("Who must comply with SEC Section F4.3?", "who", (), ("SEC F4.3",), id="quoted-only"),
    pytest.param("What changed in condition 48 since 2022?", "change", ("ESL 48",), (), id="change"),
    pytest.param("What does Relevant Smart Metering System mean?", "definition", (), (), id="definition"),
    pytest.param("Are we let off fitting one in a listed building?", "exception", (), (), id="let-off"),
    pytest.param("Does the supplier still have to offer its own display?", "exception", (), (), id="still"),
    pytest.param("So we don't need to offer a display then?", "exception", (), (), id="dont-need"),
    pytest.param("Do we have to offer a display?", "what", (), (), id="plain-duty"),
]


@pytest.mark.parametrize(("question", "intent", "indexed", "quoted"), QUERIES)
def test_parse_query_reads_anchors_and_intent(gb_index, question, intent, indexed, quoted):
    query = parse_query(question, gb_index)
    assert (query.intent, query.indexed, query.quoted) == (intent, indexed, quoted)


def test_query_knows_scopes_party_dates_and_change_document(gb_index):
    query = parse_query("What changed for the DCC in condition 48 since 2022?", gb_index)
    assert query.scopes == ("ESL 48",) and query.change_document == "ESL 48"
    assert query.party == "DCC" and query.dates == ("2022",)
    assert "Data and Communications Company" in query.search_text
    assert query.describe().startswith("change-question about ESL 48, party DCC")


def test_absent_anchor_is_neither_indexed_nor_quoted(gb_index):
    query = parse_query("What does GBCS 9.9.9 say?", gb_index)
    assert query.absent == ("GBCS 9.9.9",) and not query.indexed and not query.quoted


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("How much does a smart meter cost to install?", {"amount"}),
        ("What percentage of homes have a smart meter?", {"amount"}),
        ("Which company runs the DCC's network?", {"entity"}),
        ("Has the Secretary of State set a date yet?", {"current", "decision"}),
        ("What value did the government fix for the tolerance?", {"decision"}),
        ("Has Ofgem ever granted a derogation?", {"decision", "event"}),
        ("Which energy apps have been approved instead of a display?", {"entity"}),
        ("How quickly must the old supplier pass on the meter owner's details?", {"period"}),
        ("Is there a 24 or 72 hour limit for reporting a breach?", {"period"}),
        ("Has Ofgem ever taken action over this?", {"event"}),
        ("How long does SMDA testing usually take?", {"period", "event"}),
        ("Who must install smart meters?", set()),
    ],
)
def test_query_knows_the_kind_of_fact_asked_for(gb_index, question, kinds):
    assert parse_query(question, gb_index).asks_for == kinds


@pytest.mark.parametrize(
    ("question", "asks_power"),
    [
        ("Who decides from what date the duty on new connections applies?", True),
        ("Who can push back the deadline for becoming a DCC user?", True),
        ("Who must install smart meters?", False),
        ("What can the Authority direct a supplier to publish?", False),  # not a who-question
    ],
)
def test_query_knows_a_question_about_who_decides(gb_index, question, asks_power):
    query = parse_query(question, gb_index)
    assert query.asks_power is asks_power
    assert ("asks who decides" in query.describe()) is asks_power


FLAG_SAID = {
    "asks_impact": "asks who is impacted",
    "asks_overview": "asks for an overview",
    "asks_units": "asks which documents",
}


@pytest.mark.parametrize(
    ("question", "flag", "expected"),
    [
        ("Who is affected if our meters don't meet SMETS?", "asks_impact", True),
        (
            "What happens to customers if devices turn out not to conform to the GBCS?",
            "asks_impact",
            True,
        ),
        ("Who suffers when the rules aren't met?", "asks_impact", True),
        ("Who must keep evidence of interoperability testing?", "asks_impact", False),
        ("Give me an overview of the installation code conditions", "asks_overview", True),
        ("In broad terms, what does the licence expect on security?", "asks_overview", True),
        ("Walk me through the batched certificate process", "asks_overview", True),
        ("What happens to the meter when a customer switches?", "asks_overview", True),
        ("How does the post-2020 target framework work?", "asks_overview", True),
        ("When must the annual report be sent?", "asks_overview", False),
        ("Which conditions deal with in-home displays?", "asks_units", True),
        ("Which documents cover certificate requests?", "asks_units", True),
        ("Which supplier must provide the display?", "asks_units", False),
    ],
)
def test_query_marks_impact_overview_and_which_documents_questions(gb_index, question, flag, expected):
    query = parse_query(question, gb_index)
    assert getattr(query, flag) is expected
    assert (FLAG_SAID[flag] in query.describe()) is expected


@pytest.mark.parametrize(
    ("question", "party"),
    [
        ("List the DCC's obligations", "DCC"),
        ("What are a supplier's duties on in-home displays?", "Supplier"),
        ("Is the DCC's Communications System part of the smart metering system?", None),
        ("What is the Authority's role in derogations?", "Authority"),
    ],
)
def test_a_possessive_names_the_party_only_when_its_duties_follow(gb_index, question, party):
    assert parse_query(question, gb_index).party == party


@pytest.mark.parametrize(
    ("question", "terms"),
    [
        ("Our licence keeps saying 'Electricity Meter'. Is that any meter at all?", {"Electricity Meter"}),
        ("When the licence talks about our 'customers', does that take in everyone?", {"Customer"}),
        ("Who sits on the “SEC Panel”?", {"SEC Panel"}),
        ("Homes have an 'SAPC' by the meter. Our job?", {"Standalone Auxiliary Proportional Controller"}),
        ("Is the 'About Your Tariff' label on the bill?", set()),  # quoted, but not a defined term
        ("Are the DCC's 'meters' and the supplier's meters the same?", set()),  # possessives quote nothing
        ("Does an Electricity Meter need a certificate?", set()),  # named, not quoted, not asked to define
    ],
)
def test_a_quoted_defined_term_brings_its_definition(gb_index, question, terms):
    query = parse_query(question, gb_index)
    assert {d.term for d in query.definitions} == terms
    assert not query.asks_definition or "mean" in question  # quoting a term is not asking its meaning
    assert all(term in query.describe() for term in terms)  # 'looks up Electricity Meter'


def test_a_definition_question_finds_a_defined_term_named_in_the_plural(gb_index):
    query = parse_query("What are Smart Metering Systems?", gb_index)
    assert "Smart Metering System" in {d.term for d in query.definitions}


def test_a_term_is_looked_up_as_written_or_in_the_singular(gb_index):
    assert {d.anchor for d in gb_index.definitions_of("electricity  meters")} == {"ESL 1.3"}
    assert gb_index.definitions_of("no such term") == []


@pytest.mark.parametrize(
    ("question", "year"),
    [
        ("What did standard condition 39 say in the 2016 consolidated licence?", "2016"),
        ("In the 2022 version of the licence, what was the Relevant Date?", "2022"),
        ("Under the 2019 licence, who had to install smart meters?", "2019"),
        ("What did 39.1 require as it stood in 2019?", "2019"),
        ("Did condition 39 change between the 2019 and 2025 licences?", None),  # a change question
        ("Which contracts signed in 2016 are exempt?", None),  # a year in the rule, not a version
    ],
)
def test_query_knows_the_year_of_the_version_it_asks_about(gb_index, question, year):
    assert parse_query(question, gb_index).version_year == year


@pytest.mark.parametrize(
    ("question", "places"),
    [
        ("Do the roll-out rules apply in Northern Ireland?", ("Northern Ireland",)),
        ("How do France's and Germany's smart meter rules compare?", ("France", "Germany")),
        ("Does the licence apply in Scotland?", ()),
        ("My client moved from Belfast to Wales. Does her supplier owe her a smart meter?", ()),
        ("Who wears the jersey at the installer's football club?", ()),  # lower case: not the island
    ],
)
def test_places_outside_great_britain_are_read_unless_a_part_of_it_is_named_too(gb_index, question, places):
    assert parse_query(question, gb_index).elsewhere == places


@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("In licence terms, what exactly is a comms hub?", "Communications Hub"),  # named by a synonym
        ("We fit load switches. What are they called in licence terms, and who keeps them working?", None),
        ("Our licence keeps saying the DCC. In licence terms, who is that?", "DCC"),
    ],
)
def test_a_meaning_asked_in_plain_words_looks_the_term_up(gb_index, question, term):
    query = parse_query(question, gb_index)
    assert query.asks_definition is (term is not None)
    assert term is None or term in {d.term for d in query.definitions}


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        (
            "Who do we have to send notices to, and how long have we got?",
            ("Who do we have to send notices to", "how long have we got"),
        ),
        (
            "Which paragraph does it point to? Is that where the term is defined?",
            ("Which paragraph does it point to", "Is that where the term is defined"),
        ),
        ("As a new supplier, do I have to join the Smart Energy Code?", ()),  # one question, its context
        ("We are a new supplier. Do we need an information security policy?", ()),
        ("In the 2022 version of the licence, what was the Relevant Date?", ()),
    ],
)
def test_query_holds_the_questions_a_question_asks(gb_index, question, parts):
    query = parse_query(question, gb_index)
    assert query.parts == parts
    assert ("asks 2 things" in query.describe()) == bool(parts)
