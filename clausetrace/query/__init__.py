"""Query stage: a question parsed once into a `Query` that retrieval and answering read."""

from clausetrace.query.mentions import mentioned_anchors
from clausetrace.query.parse import Query, clean_question, parse_query
from clausetrace.query.vocabulary import acronym_expansions, expand_query

__all__ = [
    "Query",
    "acronym_expansions",
    "clean_question",
    "expand_query",
    "mentioned_anchors",
    "parse_query",
]
