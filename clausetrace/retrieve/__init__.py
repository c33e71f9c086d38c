"""Retrieve stage: dense (FAISS) and BM25 rankings fused, behind the clauses a question names."""

from clausetrace.retrieve.hybrid import Hit, HybridRetriever, Mode, make_retriever

__all__ = ["Hit", "HybridRetriever", "Mode", "make_retriever"]
