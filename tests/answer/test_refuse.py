"""The calibrated refusal: hard rules for named clauses, then the fitted logistic model."""

from __future__ import annotations

import math

from clausetrace.answer import ask
from clausetrace.answer.quoting import choose_sentences, quote_limit, quoted_spans
from clausetrace.answer.refuse import FEATURES, answer_probability, answer_style, features, load_model
from clausetrace.index import ClauseIndex
from clausetrace.query import Query, parse_query
from clausetrace.retrieve import HybridRetriever
from clausetrace.settings import Settings


def _features(query: Query, retriever: HybridRetriever, index: ClauseIndex) -> dict[str, float]:
    """The model's evidence for a question, as the answerer computes it."""
    hits = retriever.search(query, 5)
    chosen = choose_sentences(query, hits, index, *quote_limit(query, Settings()))
    return features(query, hits, index, quoted_spans(chosen))


def test_model_file_matches_the_features():
    model = load_model()
    assert model["features"] == list(FEATURES)
    assert len(model["coef"]) == len(model["mean"]) == len(model["scale"]) == len(FEATURES)
    assert 0 < model["threshold"] < 1 and "plain-heldout.jsonl" not in model["trained_on"]


def test_probability_is_a_logistic_of_scaled_features():
    model = {"mean": [0.0] * len(FEATURES), "scale": [1.0] * len(FEATURES), "intercept": 0.0}
    model["coef"] = [1.0] + [0.0] * (len(FEATURES) - 1)
    values = dict.fromkeys(FEATURES, 0.0) | {"best_dense": 2.0}
    assert math.isclose(answer_probability(values, model), 1 / (1 + math.exp(-2.0)))


def test_features_read_the_evidence(gb_index):
    retriever = HybridRetriever(gb_index)
    close = parse_query("Who must install smart meters at domestic premises?", gb_index)
    far = parse_query("Do Dutch suppliers in the Netherlands offer tulip discounts?", gb_index)
    near, away = (_features(q, retriever, gb_index) for q in (close, far))
    assert set(near) == set(FEATURES) - {"answer_style"}
    assert near["coverage"] > away["coverage"] and away["unknown_words"] > near["unknown_words"]
    assert near["sentence_dense"] > away["sentence_dense"] >= away["sentence_dense_mean"]


def test_answer_style_reads_questions_about_events_and_figures_as_less_answerable(gb_index):
    """The style model reads the question's vector and the closest sentence an answer would quote:
    a question about what happened in practice scores lower than one about a duty (neither question
    is in the tuning sets), and the same question scores differently beside another sentence."""
    model, retriever, settings = load_model(), HybridRetriever(gb_index), Settings()
    assert len(model["style"]["coef"]) == 3 * 384
    styles = []
    for text in (
        "Do suppliers have to offer an in-home display when they fit a smart meter?",
        "How many in-home displays did suppliers hand out last winter?",
    ):
        query = parse_query(text, gb_index)
        hits = retriever.search(query, 5)
        quoted = quoted_spans(choose_sentences(query, hits, gb_index, *quote_limit(query, settings)))
        vector = gb_index.embed_model.question_vector(query.search_text)
        sentence = gb_index.sentence_vectors.closest(vector, quoted)
        assert sentence is not None and sentence.shape == vector.shape
        styles.append((answer_style(vector, sentence, model), answer_style(vector, None, model)))
    (duty, duty_alone), (event, _) = styles
    assert duty > 0.5 > event and duty != duty_alone


def test_a_period_asked_for_is_unsupported_only_when_the_top_clauses_give_none(gb_index):
    """ESL 50.3 gives the new supplier's time ('15 working days'); no clause says how fast to report."""
    retriever = HybridRetriever(gb_index)
    given = parse_query("How long does a new supplier have to agree terms with the meter owner?", gb_index)
    absent = parse_query("How quickly do we have to report a smart metering security breach?", gb_index)
    assert "period" in given.asks_for and "period" in absent.asks_for
    found = [_features(q, retriever, gb_index)["period_unsupported"] for q in (given, absent)]
    assert found == [0.0, 1.0]


def test_a_decision_asked_for_is_deferred_when_the_top_clauses_leave_it_to_a_direction(gb_index):
    """ESL 39A.7 leaves the tolerance to a document the Secretary of State publishes: the figure
    chosen is not in the corpus. Asking what the tolerance depends on asks for no decision."""
    retriever = HybridRetriever(gb_index)
    decided = parse_query(
        "What figure has the Secretary of State fixed for the year-two tolerance?", gb_index
    )
    rule = parse_query("What does the year-two installation tolerance depend on?", gb_index)
    assert "decision" in decided.asks_for and "decision" not in rule.asks_for
    found = [_features(q, retriever, gb_index)["decision_deferred"] for q in (decided, rule)]
    assert found == [1.0, 0.0]


def test_named_absent_instrument_is_refused_and_named(gb_index):
    answer = ask("What does SEC Section F5 say about forecasting communications hubs?", gb_index)
    assert answer.refused and "SEC F5" in answer.reason and answer.possibly_related


def test_answered_questions_carry_a_confidence(gb_index):
    answer = ask("Who must install smart meters at domestic premises?", gb_index)
    assert not answer.refused and answer.confidence is not None and 0 <= answer.confidence <= 1


def test_a_question_about_an_absent_licence_is_refused_even_with_close_clauses(gb_index):
    answer = ask(
        "Does the gas supply licence also oblige suppliers to offer customers an in-home display?", gb_index
    )
    assert answer.refused and "GSL is not in the indexed documents" in answer.reason
    assert answer.possibly_related  # the electricity licence's display clauses are still shown


def test_an_absent_condition_that_licence_clauses_only_refer_to_is_refused(gb_index):
    answer = ask("What does standard condition 51 require a supplier to do about consumption data?", gb_index)
    assert answer.refused and answer.reason.startswith("ESL 51 is not in the indexed documents")
    assert "ESL 47.9" in answer.reason  # the clause that refers to it is named


def test_guidance_quoting_an_absent_instrument_still_answers(gb_index):
    answer = ask("What does SEC Section F4.3 say about interoperability?", gb_index)
    assert not answer.refused and any(c.secondary for c in answer.citations)


def test_near_miss_about_an_absent_licence_is_refused(gb_index):
    answer = ask(
        "What does the Gas Supply Licence say about prices for gas meters in the Netherlands?", gb_index
    )
    assert answer.refused and answer.possibly_related


def test_an_instrument_named_but_referred_to_by_the_retrieved_clauses_is_not_outside(gb_index):
    from clausetrace.retrieve import make_retriever

    retriever = make_retriever(gb_index, Settings())

    def outside(question: str) -> float:
        query = parse_query(question, gb_index)
        return _features(query, retriever, gb_index)["outside_instrument"]

    supported = outside("Which version of the ESME Technical Specification must a replacement meter meet?")
    off_topic = outside("What does the GBCS say about tariff prices?")  # SMDA-266 names it, off topic
    assert supported < 0.5 < off_topic
    assert outside("Who must install smart meters?") == 0.0  # no instrument named


def test_a_question_in_words_the_corpus_never_uses_is_refused_by_rule(gb_index):
    answer = ask("What is the best recipe for lasagne?", gb_index)
    assert answer.refused and "are not used in the indexed documents" in answer.reason
    assert "lasagn" in answer.reason and answer.confidence is None  # the rule, not the model


def test_plain_words_the_corpus_never_uses_leave_an_on_topic_question_to_the_model(gb_index):
    answer = ask(
        "When the engagement body rules were rewritten in 2021, who could push back the changeover date?",
        gb_index,
    )  # back, changeover, push, rewritten are unknown; engagement, body, rules, date are not
    assert not answer.refused and answer.confidence is not None
    assert "ESL 45A.2" in {c.anchor for c in answer.citations}


def test_a_document_asked_about_by_a_title_no_indexed_document_has_is_refused_and_named(gb_index):
    """Appendix N only points to the SMKI RAPP; its own steps are not in the corpus."""
    query = parse_query("What steps does the SMKI RAPP set out for becoming an officer?", gb_index)
    held = parse_query("What does 'One Way Authentication' mean in the SMKI Code of Connection?", gb_index)
    assert query.outside_titles == ("SMKI RAPP",) and held.outside_titles == ()  # SEC Appendix N's title
    answer = ask("What does the SMKI Recovery Procedure require after a root key is compromised?", gb_index)
    assert answer.refused and "SMKI Recovery Procedure is not in the indexed documents" in answer.reason


def test_an_impact_question_is_answered_from_the_smda_table_even_naming_an_unindexed_instrument(gb_index):
    answer = ask(
        "If the meters our manufacturer builds for us turn out not to conform to SMETS, "
        "where does that leave our customers?",
        gb_index,
    )
    assert not answer.refused  # SMETS is not indexed, but the table says who is impacted
    assert answer.citations[0].anchor == "SMDA-266 4"
    assert "Consumers" in answer.parties


def test_an_impact_question_after_an_amount_still_goes_to_the_model(gb_index):
    answer = ask(
        "How much do meter owners charge when a non-compliant meter has to come out early?", gb_index
    )
    assert answer.refused


def test_a_question_about_a_place_outside_great_britain_is_refused_and_says_why(gb_index):
    answer = ask("My client has moved to Belfast. Can she still ask for an in-home display?", gb_index)
    assert answer.refused and "do not cover Belfast" in answer.reason
    assert answer.possibly_related  # the display clauses are still shown


def test_a_question_naming_a_part_of_great_britain_is_left_to_the_model(gb_index):
    answer = ask("Does the smart meter roll-out duty apply to homes in Scotland and Wales?", gb_index)
    assert not answer.reason.startswith("the indexed documents are Great Britain's")


def test_a_question_asking_the_guidance_about_an_absent_instrument_is_left_to_the_model(gb_index):
    question = "what does the GB Companion Specification oblige device makers to do?"
    asked = ask(f"According to the SMDA guidance, {question}", gb_index)
    assert not asked.reason.startswith("GBCS is not in the indexed documents")  # the guidance is asked
    plain = ask("W" + question[1:], gb_index)
    assert plain.refused and plain.reason.startswith("GBCS is not in the indexed documents")


def test_a_question_about_where_the_guidance_places_an_absent_instrument_is_answered_from_it(gb_index):
    answer = ask(
        "Where in the SMETS does the SMDA note say the electricity meter rules on keeping test evidence"
        " and meeting the GBCS are found?",
        gb_index,
    )
    assert not answer.refused
    assert "SMDA-266 2.6" in {c.anchor for c in answer.citations}  # it quotes SMETS for the ESME


def test_a_question_for_a_web_address_or_phone_number_the_clauses_do_not_give_is_refused(gb_index):
    answer = ask("What is the phone number of the DCC service desk?", gb_index)
    assert answer.refused and "no web address, email address or phone number" in answer.reason


def test_a_web_address_the_corpus_gives_is_answered(gb_index):
    answer = ask("What is the web address of the SMDA scheme?", gb_index)
    assert not answer.refused and any(a.startswith("SMDA-266") for a in {c.anchor for c in answer.citations})
    assert any("smda-scheme.co.uk" in c.text for c in answer.citations)


def test_a_rule_about_contact_details_is_not_a_request_for_them(gb_index):
    answer = ask("What contact details must the old supplier send about the meter owner?", gb_index)
    assert not answer.refused and "ESL 50.3" in {c.anchor for c in answer.citations}
