"""Hybrid retrieval: dense (FAISS) + BM25 fused by reciprocal rank on node id, plus anchor lookup.

llama-index's QueryFusionRetriever merges nodes with identical text (which would collapse the same
clause of two versions) and calls an LLM by default, hence this small BaseRetriever.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle

from clausetrace.index import ClauseIndex
from clausetrace.models import Clause
from ingest.anchors import normalise_number

Mode = Literal["hybrid", "dense", "bm25"]

ACRONYMS = {
    "IHD": "In-Home Display",
    "CH": "Communications Hub",
    "CHTS": "Communications Hub Technical Specification",
    "ESME": "Electricity Smart Metering Equipment",
    "GSME": "Gas Smart Metering Equipment",
    "DCC": "Data and Communications Company",
    "SEC": "Smart Energy Code",
    "SMETS": "Smart Metering Equipment Technical Specifications",
    "GBCS": "Great Britain Companion Specification",
    "CoS": "Change of Supplier",
    "PPMID": "Prepayment Meter Interface Device",
    "HCALCS": "HAN Connected Auxiliary Load Control Switch",
    "SAPC": "Standalone Auxiliary Proportional Controller",
    "SMDA": "Smart Meter Device Assurance",
    "SMS": "Smart Metering System",
    "SLC": "standard licence condition",
    "MAP": "Meter Asset Provider",
    "CSP": "Communications Service Provider",
    "ARS": "Advanced Roll-out Specified",
    "SoS": "Secretary of State",
    "Ofgem": "Authority",
}
ACRONYM_RE = re.compile(r"\b(" + "|".join(map(re.escape, ACRONYMS)) + r")\b")

NUMBER = r"\d+[A-Z]?(?:\.\d+[A-Z]?)*(?:\s?\([a-z]{1,4}\))*"
PREFIXED = re.compile(
    r"\b(ESL|GSL|DCCL|SEC|SMETS|CHTS|GBCS|SMDA-266)\s+(?:Section\s+)?([A-Z]?" + NUMBER + r")",
    re.IGNORECASE,
)
LICENCE_WORDS = re.compile(
    r"\b(?P<dcc>DCC\s+)?(?P<gas>gas\s+(?:supply\s+)?)?(?:standard\s+)?(?:licence\s+)?"
    r"(?:SLC|LC|condition|paragraph|para\.?)\s+(?P<num>" + NUMBER + r")",
    re.IGNORECASE,
)
SEC_SECTION = re.compile(r"\bSection\s+(?P<num>[A-Z]\d+(?:\.\d+)*(?:\([a-z]+\))*)")


@dataclass
class Hit:
    """One retrieved clause with the evidence for its rank."""

    clause: Clause
    score: float  # fused score (named clauses rank first)
    dense: float = 0.0  # best cosine similarity of its nodes
    bm25: float = 0.0
    via: str = "hybrid"  # 'anchor' when the question named the clause
    nodes: list[str] = field(default_factory=list)


def expand_query(question: str) -> str:
    """Append the long forms of acronyms used in the question (DCC -> Data and Communications...)."""
    found = dict.fromkeys(ACRONYMS[m.group(1)] for m in ACRONYM_RE.finditer(question))
    return question if not found else f"{question} ({'; '.join(found)})"


def mentioned_anchors(question: str) -> list[str]:
    """Anchors a question names ('SLC 39.1' -> 'ESL 39.1', 'Section F4.3' -> 'SEC F4.3'), in order."""
    names: list[str] = []
    for m in PREFIXED.finditer(question):
        names.append(f"{m.group(1).upper()} {normalise_number(m.group(2))}")
    for m in LICENCE_WORDS.finditer(question):
        prefix = "DCCL" if m.group("dcc") else "GSL" if m.group("gas") else "ESL"
        names.append(f"{prefix} {normalise_number(m.group('num'))}")
    for m in SEC_SECTION.finditer(question):
        names.append(f"SEC {normalise_number(m.group('num'))}")
    return list(dict.fromkeys(names))


def named_anchors(question: str, index: ClauseIndex) -> list[str]:
    """Mentioned anchors that are indexed (a clause, or a condition/section holding clauses)."""
    return [a for a in mentioned_anchors(question) if index.has_anchor(a)]


def quoted_anchors(question: str, index: ClauseIndex) -> list[str]:
    """Mentioned anchors that are not indexed but are quoted by indexed clauses (SEC F4.3)."""
    return [a for a in mentioned_anchors(question) if not index.has_anchor(a) and index.quoting(a)]


class HybridRetriever(BaseRetriever):
    """Dense + BM25 over clause nodes, fused by weighted reciprocal rank keyed on node id."""

    def __init__(
        self,
        index: ClauseIndex,
        mode: Mode = "hybrid",
        candidates: int = 30,
        rrf_k: int = 60,
        dense_weight: float = 1.0,
        bm25_weight: float = 1.0,
    ) -> None:
        super().__init__()
        self.index, self.mode, self.candidates = index, mode, candidates
        self.rrf_k, self.dense_weight, self.bm25_weight = rrf_k, dense_weight, bm25_weight
        self.node_count = len(index.vector_index.index_struct.nodes_dict)
        self._dense = index.vector_index.as_retriever(similarity_top_k=min(candidates, self.node_count))
        self.last_dense: dict[str, float] = {}
        self.last_bm25: dict[str, float] = {}

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        """Fused node ranking for one query (all candidates, best first)."""
        dense = self._dense.retrieve(query_bundle) if self.mode != "bm25" else []
        lexical = self._bm25(query_bundle) if self.mode != "dense" else []
        fused: dict[str, float] = {}
        nodes: dict[str, NodeWithScore] = {}
        for weight, ranked in ((self.dense_weight, dense), (self.bm25_weight, lexical)):
            for rank, hit in enumerate(ranked, start=1):
                fused[hit.node.node_id] = fused.get(hit.node.node_id, 0.0) + weight / (self.rrf_k + rank)
                nodes.setdefault(hit.node.node_id, hit)
        self.last_dense = {h.node.node_id: h.score or 0.0 for h in dense}
        self.last_bm25 = {h.node.node_id: h.score or 0.0 for h in lexical}
        order = sorted(fused, key=lambda node_id: -fused[node_id])
        return [NodeWithScore(node=nodes[i].node, score=fused[i]) for i in order]

    def _bm25(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        self.index.bm25.similarity_top_k = min(self.candidates, self.node_count)
        return [h for h in self.index.bm25.retrieve(query_bundle) if (h.score or 0) > 0]

    def set_candidates(self, n: int) -> None:
        """Widen or narrow the per-retriever candidate pool."""
        self.candidates = n
        self._dense.similarity_top_k = min(n, self.node_count)

    def search(
        self,
        question: str,
        k: int = 5,
        prefix: str | None = None,
        version: str | None = None,
        keep: set[str] | None = None,
    ) -> list[Hit]:
        """Top-k clauses for a question; clauses it names come first; filters by prefix/version/keys."""
        filtered = bool(prefix or version or keep)
        self.set_candidates(self.node_count if filtered else max(self.candidates, 3 * k))
        ranked = self.retrieve(expand_query(question))
        hits: dict[str, Hit] = {}
        for item in ranked:
            clause = self.index.clauses[item.node.metadata["key"]]
            if not self._admits(clause, prefix, version, keep):
                continue
            hit = hits.setdefault(clause.key, Hit(clause=clause, score=item.score or 0.0))
            hit.dense = max(hit.dense, self.last_dense.get(item.node.node_id, 0.0))
            hit.bm25 = max(hit.bm25, self.last_bm25.get(item.node.node_id, 0.0))
            hit.nodes.append(item.node.node_id)
        named = self._named_hits(question, prefix, version, keep)
        ordered = named + [h for h in hits.values() if h.clause.key not in {n.clause.key for n in named}]
        return ordered[:k]

    def _admits(self, clause: Clause, prefix: str | None, version: str | None, keep: set[str] | None) -> bool:
        """Filters: document prefix, version (default: latest of each anchor), allowed clause keys."""
        if prefix and clause.prefix.upper() != prefix.upper():
            return False
        if version and clause.version != version:
            return False
        if not version and not self.index.is_latest(clause):
            return False
        return keep is None or clause.key in keep

    def _named_hits(self, question: str, prefix: str | None, version: str | None, keep: set[str] | None) -> list[Hit]:
        """Clauses the question names, ahead of everything else."""
        hits = []
        for anchor in named_anchors(question, self.index):
            for clause in self._clauses_for(anchor, version):
                if self._admits(clause, prefix, version, keep):
                    hits.append(Hit(clause=clause, score=1.0, via="anchor"))
        for anchor in quoted_anchors(question, self.index):
            for clause in self.index.quoting(anchor):
                if self._admits(clause, prefix, version, keep):
                    hits.append(Hit(clause=clause, score=1.0, via="quote"))
        return list({h.clause.key: h for h in hits}.values())

    def _clauses_for(self, anchor: str, version: str | None) -> list[Clause]:
        """The named clause; for a whole condition ('ESL 39'), its first clauses."""
        if anchor in self.index.by_anchor:
            versions = self.index.by_anchor[anchor]
            return [c for c in versions if version in (None, c.version)][:1]
        members = [a for a in self.index.by_anchor if a.startswith(anchor + ".") and "(" not in a]
        return [self.index.get_clause(a, version) for a in members[:2] if version is None or version in self.index.versions(a)]
