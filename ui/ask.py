"""The Ask page: a question, its cited answer (or refusal), sources and cross-references."""

from __future__ import annotations

import streamlit as st

from clausetrace.answer import CANNOT_ANSWER, Answer, Citation, ask
from clausetrace.answer.models import Duty
from clausetrace.answer.render import answer_markdown
from clausetrace.errors import QuestionRejectedError
from clausetrace.index import ClauseIndex
from clausetrace.index.lookup import page_label
from clausetrace.settings import Settings
from ui.common import chosen, chosen_as_of, go_to_clause, highlighted, md_escape

EXAMPLES = (
    "Does my supplier have to give me an in-home display?",
    "Who must ensure smart meters comply with the ESME Technical Specification?",
    "What does SLC 48.1 say?",
    "When does the duty to maintain a smart metering system apply?",
)

# ---------------------------------------------------------------- Ask


def use_example() -> None:
    """Example pill callback: fill the question box and ask it."""
    example = st.session_state.get("examples")
    if example:
        st.session_state.question = example
        st.session_state.ask_now = True
    st.session_state.examples = None


def page_ask(index: ClauseIndex) -> None:
    st.title("Ask")
    st.caption(
        "Answers quote the indexed licence conditions and guidance word for word; every "
        "sentence cites the clause it comes from. If the documents do not answer, it says so."
    )
    st.pills("Try an example", EXAMPLES, key="examples", on_change=use_example)
    with st.form("ask_form", border=False):
        st.text_area(
            "Your question",
            key="question",
            height=90,
            placeholder="e.g. Must a supplier fix a faulty in-home display?",
        )
        submitted = st.form_submit_button("Ask", type="primary")
    if submitted or st.session_state.pop("ask_now", False):
        run_question(index, st.session_state.get("question", ""))
    if st.session_state.get("ask_error"):
        st.error(f"Question not accepted: {md_escape(st.session_state.ask_error)}.")
    elif st.session_state.get("answer") is not None:
        if st.session_state.get("answer_generation") != index.generation:
            st.caption(
                f"Answered from index generation {md_escape(st.session_state.answer_generation)}; "
                "the index has been updated since: ask again for an answer from the current one."
            )
        show_answer(st.session_state.answer, st.session_state.get("answer_filters", ""))


def run_question(index: ClauseIndex, question: str) -> None:
    """Ask the library; keep the answer (or the rejection) in this user's session."""
    prefix, version, party = chosen("f_prefix"), chosen("f_version"), chosen("f_party")
    as_of = chosen_as_of()
    filters = {"document": prefix, "version": version, "party": party, "as of": as_of}
    st.session_state.answer, st.session_state.ask_error = None, None
    try:
        with st.spinner("Searching the documents…"):
            st.session_state.answer = ask(
                question, index, Settings(), prefix=prefix, version=version, party=party, as_of=as_of
            )
    except QuestionRejectedError as exc:
        st.session_state.ask_error = str(exc)
    st.session_state.answer_generation = index.generation
    used = [f"{k} {v}" for k, v in filters.items() if v]
    st.session_state.answer_filters = ", ".join(used)


def show_answer(answer: Answer, filters: str) -> None:
    st.markdown(f"**Question:** {md_escape(answer.question)}")
    if filters:
        st.caption(f"Filters: {md_escape(filters)}")
    if answer.understood:
        st.caption(f"Understood: {md_escape(answer.understood)}")
    if answer.refused:
        show_refusal(answer)
    else:
        if any(s.kind == "quote" for s in answer.sentences):
            show_parties(answer)
            show_duties(answer)
        with st.container(border=True):
            anchors = citation_names(answer)
            for s in answer.sentences:
                badges = " ".join(f":blue-badge[{n} · {md_escape(anchors[n])}]" for n in s.citations)
                text = md_escape(" ".join(s.text.split()))
                if s.kind == "summary":  # a version comparison, not a quotation
                    text = f":material/compare_arrows: _{text}_"
                st.markdown(f"{text} {badges}")
        for note in answer.notes:
            st.caption(md_escape(note))
        st.subheader("Sources")
        for c in answer.citations:
            citation_expander(c, quoted_spans(answer, c))
        show_cross_references(answer)
    st.download_button(
        "Download answer (Markdown)",
        answer_markdown(answer),
        file_name="answer.md",
        mime="text/markdown",
        on_click="ignore",
        icon=":material/download:",
    )


def citation_names(answer: Answer) -> dict[int, str]:
    """Badge text per citation number: the anchor, with its version when two versions are cited."""
    counts: dict[str, int] = {}
    for c in answer.citations:
        counts[c.anchor] = counts.get(c.anchor, 0) + 1
    return {c.n: c.anchor + (f" @ {c.version}" if counts[c.anchor] > 1 else "") for c in answer.citations}


def quoted_spans(answer: Answer, c: Citation) -> list[tuple[int, int]]:
    """Spans (relative to the citation's text) of the answer sentences quoting it."""
    return [
        (s.start - c.start, s.end - c.start)
        for s in answer.sentences
        if c.n in s.citations
        and s.start is not None
        and s.end is not None
        and c.start <= s.start
        and s.end <= c.end
    ]


def show_parties(answer: Answer) -> None:
    """Who decides, who is impacted and who must act: the first thing a compliance lead looks for."""
    for label, names in (("Who decides", answer.deciders), ("Who is impacted", answer.impacted)):
        if names:
            st.markdown(f"#### {label}: " + " ".join(f":orange-badge[{md_escape(p)}]" for p in names))
    acting = [p for p in answer.parties if p not in {*answer.deciders, *answer.impacted}]
    if acting:
        badges = " ".join(f":green-badge[{md_escape(p)}]" for p in acting)
        st.markdown(f"#### Who must act: {badges}")
    else:
        st.markdown("#### Who must act: :gray-badge[not stated in the cited clauses]")


def show_duties(answer: Answer) -> None:
    """One card per party: its duties, each with the smallest clause stating it."""
    by_party: dict[str, list[Duty]] = {}
    for duty in answer.duties:
        by_party.setdefault(duty.party, []).append(duty)
    columns = st.columns(min(len(by_party), 3)) if by_party else []
    for i, (party, duties) in enumerate(by_party.items()):
        with columns[i % len(columns)].container(border=True):
            st.markdown(f"**{md_escape(party)}**")
            for d in duties:
                source = f"{d.quoted_from}, as quoted in {d.anchor}" if d.quoted_from else d.anchor
                secondary = " · secondary" if d.secondary else ""
                st.markdown(
                    f":violet-badge[{md_escape(d.modality)}] {md_escape(d.action)} "
                    f":blue-badge[{d.citation} · {md_escape(source)}{secondary}]"
                )


def show_refusal(answer: Answer) -> None:
    st.warning(
        f"**Not answered.** {CANNOT_ANSWER} Reason: {md_escape(answer.reason)}.", icon=":material/block:"
    )
    if answer.possibly_related:
        st.markdown("**Nearest clauses** (for orientation; they do not answer the question)")
        for c in answer.possibly_related:
            citation_expander(c, [])


def citation_expander(c: Citation, spans: list[tuple[int, int]]) -> None:
    """One cited clause: where it is, its text with the quoted sentence highlighted, the source."""
    flag = " · secondary" if c.secondary else ""
    label = f"[{c.n}] {c.anchor} · {c.heading or c.title.split(', ', 1)[-1]}"[:110]
    with st.expander(f"{md_escape(label)} · version {c.version}{flag}", icon=":material/article:"):
        latest = "" if c.latest else " (a newer version is indexed)"
        st.markdown(
            f"**{md_escape(c.anchor)}** — {md_escape(c.title)}  \nVersion "
            f"{md_escape(c.version)}{latest} · {page_label(c.page_start, c.page_end)}"
        )
        if c.secondary:
            quoted = ", ".join(c.quotes) or "another instrument"
            st.info(
                f"Secondary citation: this is guidance quoting {md_escape(quoted)}. Check the "
                "quoted instrument itself before relying on it.",
                icon=":material/info:",
            )
        with st.container(border=True):
            st.markdown(highlighted(c.text, spans))
        left, right = st.columns(2)
        if c.url:
            left.link_button("Official source", c.url, icon=":material/open_in_new:")
        right.button(
            "Open in Clause browser",
            key=f"open_{c.n}_{c.key}",
            on_click=go_to_clause,
            args=(c.anchor, c.version),
        )


def show_cross_references(answer: Answer) -> None:
    if not answer.cross_references:
        return
    st.subheader("Cross-references")
    st.caption("Clauses and instruments the cited clauses refer to.")
    for i, r in enumerate(answer.cross_references):
        left, right = st.columns([4, 1])
        text = f"{md_escape(r.from_anchor)} → **{md_escape(r.target)}** · {r.relation.replace('_', ' ')}"
        left.markdown(text)
        if r.in_corpus:
            right.button(f"Open {r.target}", key=f"xref_{i}", on_click=go_to_clause, args=(r.target,))
        else:
            right.markdown(":gray-badge[not in corpus]")
