"""Reviewing the register in the app: accept, correct or reject one obligation, by a named reviewer.

Optimistic concurrency: the revision of an item is remembered when the form is first shown, and a
save names it; if someone saved in between, the store refuses with a conflict message.
"""

from __future__ import annotations

from typing import Any, get_args

import pandas as pd
import streamlit as st

from clausetrace.errors import ClausetraceError
from clausetrace.index import ClauseIndex
from clausetrace.models import Modality
from clausetrace.settings import Settings
from ui.common import md_escape

ACTIONS = {"Accept": "accepted", "Correct": "corrected", "Reject": "rejected"}


def review_store() -> Any:
    from clausetrace.review.store import ReviewStore

    return ReviewStore(Settings().review_path())


def reviewed(index: ClauseIndex, rows: list[Any]) -> tuple[list[Any], list[Any]] | None:
    """Items for the shown obligations and orphaned reviews; None after showing a store error."""
    from clausetrace.review.register import reviewed_register

    try:
        return reviewed_register(index, review_store(), rows)
    except ClausetraceError as exc:
        st.error(md_escape(str(exc)))
        return None


def item_label(i: Any) -> str:
    o = i.obligation
    return f"{o.anchor}@{o.version} #{i.item} · {o.party} · {o.modality} · {i.status}"


def review_panel(items: list[Any], orphans: list[Any]) -> None:
    st.subheader("Review")
    if not items:
        return
    labels = {item_label(i): i for i in items}
    chosen = labels[st.selectbox("Obligation to review", list(labels), key="review_pick")]
    o, ident = chosen.obligation, f"{chosen.obligation.key}|{chosen.identity}"
    seen = st.session_state.setdefault("review_seen", {}).setdefault(ident, chosen.revision)
    st.markdown(f"**{md_escape(o.anchor)}** · {md_escape(o.sentence)}")
    if chosen.review:
        r = chosen.review
        st.caption(md_escape(f"{r.status} by {r.reviewer} at {r.at} (revision {r.revision})"))
        if r.note:
            st.markdown("Note: " + md_escape(r.note))
    if chosen.text_changed:
        st.warning("Text changed since review: the clause text differs from the text that was reviewed.")
    with st.form("review_form", clear_on_submit=False):
        reviewer = st.text_input("Reviewer", key="reviewer_name")
        action = st.radio("Decision", list(ACTIONS), horizontal=True, key="review_action")
        a, b = st.columns(2)
        modalities = list(get_args(Modality))
        party = a.text_input("Party", value=str(chosen.value("party")))
        modality = b.selectbox("Modality", modalities, index=modalities.index(chosen.value("modality")))
        action_text = st.text_area("Action", value=str(chosen.value("action")), height=80)
        conditions = st.text_input("Conditions (separated by ;)", value="; ".join(chosen.value("conditions")))
        note = st.text_area("Note (required to reject)", key="review_note", height=68)
        submitted = st.form_submit_button("Save review")
    if submitted:
        fixes = None
        if ACTIONS[action] == "corrected":
            new = {"party": party, "modality": modality, "action": action_text, "conditions": conditions}
            old = {k: chosen.value(k) for k in new} | {"conditions": "; ".join(chosen.value("conditions"))}
            fixes = {k: v for k, v in new.items() if v != old[k]}
        save(chosen, ACTIONS[action], reviewer, note, fixes, seen, ident)
    if orphans:
        with st.expander(f"Orphaned reviews ({len(orphans)}): their clause is no longer in the index"):
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            "clause": r.clause_key,
                            "obligation": r.identity,
                            "status": r.status,
                            "reviewer": r.reviewer,
                            "note": r.note,
                            "at": r.at,
                        }
                        for r in orphans
                    ]
                ),
                hide_index=True,
                width="stretch",
            )


def save(chosen: Any, status: str, reviewer: str, note: str, fixes: Any, seen: int, ident: str) -> None:
    from clausetrace.review.store import ReviewConflictError

    try:
        saved = review_store().record(chosen.target(), status, reviewer, note, fixes, expected_revision=seen)
    except ReviewConflictError as exc:
        st.session_state.review_seen.pop(ident, None)
        st.error(md_escape(str(exc)))
        return
    except ClausetraceError as exc:
        st.error(md_escape(str(exc)))
        return
    st.session_state.review_seen[ident] = saved.revision
    st.session_state.review_saved = (
        f"{saved.anchor}: {saved.status} by {saved.reviewer} (revision {saved.revision})"
    )
    st.rerun()
