"""The refusal rule: when the retrieved clauses do not support an answer, and why."""

from __future__ import annotations

from clausetrace.query import Query
from clausetrace.retrieve import Hit
from clausetrace.settings import Settings
from clausetrace.text import content_terms

DIRECT = ("anchor", "quote", "definition")  # hits the question asked for by name


def refusal_reason(query: Query, hits: list[Hit], settings: Settings) -> str:
    """Why the evidence does not support an answer, or '' when it does."""
    if any(h.via in DIRECT for h in hits):
        return ""
    if query.absent:
        return f"{', '.join(query.absent)} is not in the indexed documents"
    best = max(h.dense for h in hits)
    if best < settings.min_dense_score:
        return f"no clause is close in meaning (best similarity {best:.2f} < {settings.min_dense_score:.2f})"
    terms = query.distinctive
    if not terms:
        return ""
    covered = set().union(*(content_terms(h.clause.text) for h in hits[:3]))
    share = len(terms & covered) / len(terms)
    if share < settings.min_term_coverage:
        missing = ", ".join(sorted(terms - covered)[:5])
        return f"the nearest clauses do not mention the question's key terms ({missing})"
    return ""
