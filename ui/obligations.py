"""The Obligations page: the register of duties, powers and exceptions, filtered and downloadable."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from clausetrace.index import ClauseIndex
from ui.common import chosen, chosen_as_of, doc_label, md_escape

# ---------------------------------------------------------------- Obligations


def page_obligations(index: ClauseIndex) -> None:
    from clausetrace.register import filter_register, to_csv

    st.title("Obligations")
    st.caption(
        "Every duty, power and exception found in the indexed documents, with the party "
        "that owes it. Click a column heading to sort; the sidebar filters apply."
    )
    register = filter_register(
        index.obligations, party=chosen("f_party"), prefix=chosen("f_prefix"), version=chosen("f_version")
    )
    as_of = chosen_as_of()
    if as_of:
        in_force = index.in_force(as_of)
        register = [o for o in register if o.doc_id in in_force]
        st.caption(f"As of {as_of}: the versions in force then.")
    left, middle, right = st.columns([2, 2, 1])
    modalities = sorted({o.modality for o in register})
    picked = left.multiselect("Modality", modalities, placeholder="All modalities")
    search = middle.text_input("Search actions", placeholder="e.g. in-home display")
    latest = right.toggle(
        "Latest only",
        value=chosen("f_version") is None and as_of is None,
        help="Hide obligations of superseded versions.",
    )
    rows = [
        o
        for o in register
        if (not picked or o.modality in picked)
        and (not search or search.lower() in (o.action + " " + o.sentence).lower())
        and (not latest or index.versions(o.anchor)[:1] == [o.version])
    ]
    if not rows:
        st.info("No obligation matches these filters.")
        return
    from ui.review import review_panel, reviewed

    result = reviewed(index, rows)
    frame = register_frame(index, rows)
    if result is not None:
        status = {id(i.obligation): i for i in result[0]}
        frame.insert(0, "review", [review_label(status.get(id(o))) for o in rows])
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        column_config={
            "action": st.column_config.TextColumn("action", width="large"),
            "secondary": st.column_config.CheckboxColumn("guidance", help="Read from guidance"),
        },
    )
    if saved := st.session_state.pop("review_saved", None):
        st.success(md_escape(saved))
    st.download_button(
        "Download CSV",
        to_csv(rows),
        file_name="obligations.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
    )
    st.download_button(
        "Reviewed register (CSV)",
        csv_with_reviews(index, rows, to_csv(rows)),
        file_name="obligations-reviewed.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
    )
    st.caption(f"{len(rows)} obligations shown of {len(index.obligations)} in the index.")
    by_party, by_doc = st.columns(2)
    with by_party:
        st.markdown("**Per party**")
        st.bar_chart(frame["party"].value_counts().rename("obligations"), horizontal=True)
    with by_doc:
        st.markdown("**Per document**")
        st.bar_chart(frame["document"].value_counts().rename("obligations"), horizontal=True)
    if result is not None:
        review_panel(*result)


def review_label(item: Any) -> str:
    """'accepted · Ada', 'unreviewed', with '(text changed)' when the clause changed since review."""
    if item is None or item.review is None:
        return "unreviewed"
    return f"{item.status} · {item.review.reviewer}" + (" (text changed)" if item.text_changed else "")


def csv_with_reviews(index: ClauseIndex, rows: list[Any], register_csv: str) -> str:
    """The register CSV with review status and reviewer (unchanged if the review store is unusable)."""
    from clausetrace.errors import ClausetraceError
    from clausetrace.review.register import with_review_columns
    from ui.review import review_store

    try:
        return with_review_columns(register_csv, index, review_store(), rows)
    except ClausetraceError:
        return register_csv


def register_frame(index: ClauseIndex, rows: list[Any]) -> pd.DataFrame:
    """The register as a table: party, modality, document, anchor, version, action."""
    return pd.DataFrame(
        [
            {
                "party": o.party,
                "modality": o.modality,
                "document": doc_label(index.documents[o.doc_id].source)
                if o.doc_id in index.documents
                else o.prefix,
                "anchor": o.anchor,
                "version": o.version,
                "action": o.action,
                "conditions": "; ".join(o.conditions),
                "secondary": o.secondary,
            }
            for o in rows
        ]
    )
