"""Answer stage: cited sentences composed from retrieved clauses, change summaries, or a refusal."""

from clausetrace.answer.models import CANNOT_ANSWER, Answer, AnswerSentence, Citation, CrossReference
from clausetrace.answer.quoting import ask, compose, dated

__all__ = [
    "CANNOT_ANSWER",
    "Answer",
    "AnswerSentence",
    "Citation",
    "CrossReference",
    "ask",
    "compose",
    "dated",
]
