"""Hybrid retrieval: dense (FAISS) + BM25 fused on node id, plus anchor lookup, reference following
and an optional learned ranking of the fused clauses.

Fusion is weighted reciprocal rank ('rrf') or min-max score fusion ('score': alpha * dense +
(1 - alpha) * BM25, the thesaurus expansions' BM25 taking ``expansion_weight`` of the BM25 share).
llama-index's QueryFusionRetriever merges nodes with identical text (which would collapse the same
clause of two versions) and calls an LLM by default, hence this small BaseRetriever.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle
from llama_index.retrievers.bm25 import BM25Retriever

from clausetrace.index import ClauseIndex
from clausetrace.models import Clause
from clausetrace.query import Query
from clausetrace.retrieve.hits import Filters, Hit
from clausetrace.settings import Settings
from clausetrace.text import content_terms

if TYPE_CHECKING:
    from clausetrace.retrieve.ranker import LearnedRanker

Mode = Literal["hybrid", "dense", "bm25"]
Fusion = Literal["rrf", "score"]
Ranking = tuple[float, list[NodeWithScore]]


def _unique(hits: list[Hit]) -> list[Hit]:
    """First hit of each clause, in order."""
    seen: set[str] = set()
    return [h for h in hits if not (h.clause.key in seen or seen.add(h.clause.key))]


class HybridRetriever(BaseRetriever):
    """Dense + BM25 over clause nodes, fused on node id (reciprocal rank or min-max scores)."""

    def __init__(
        self,
        index: ClauseIndex,
        mode: Mode = "hybrid",
        candidates: int = 30,
        rrf_k: int = 60,
        dense_weight: float = 1.0,
        bm25_weight: float = 1.0,
        expansion_weight: float = 0.0,
        *,
        fusion: Fusion = "rrf",
        alpha: float = 0.35,
        follow_references: int = 0,
        ranker: LearnedRanker | None = None,
    ) -> None:
        super().__init__()
        self.index, self.mode, self.candidates = index, mode, candidates
        self.rrf_k, self.dense_weight, self.bm25_weight = rrf_k, dense_weight, bm25_weight
        self.expansion_weight, self.fusion, self.alpha = expansion_weight, fusion, alpha
        self.follow_references, self.ranker = follow_references, ranker
        self.node_count = len(index.vector_index.index_struct.nodes_dict)
        self._dense = index.vector_index.as_retriever(similarity_top_k=min(candidates, self.node_count))
        self._lexical = BM25Retriever(
            existing_bm25=index.bm25.bm25, similarity_top_k=self._dense.similarity_top_k
        )
        self.last_dense: dict[str, float] = {}
        self.last_bm25: dict[str, float] = {}

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        """Fused node ranking for one query (all candidates, best first)."""
        return self._fuse(self._rankings(query_bundle.query_str))

    def _rankings(self, text: str, expansions: str = "") -> list[Ranking]:
        """Weighted rankings to fuse: dense and BM25 over the text, BM25 over its expansions."""
        bundle = QueryBundle(text)
        dense = self._dense.retrieve(bundle) if self.mode != "bm25" else []
        lexical = self._bm25(bundle) if self.mode != "dense" else []
        extra = self._bm25(QueryBundle(expansions)) if expansions and self.mode != "dense" else []
        self.last_dense = {h.node.node_id: h.score or 0.0 for h in dense}
        self.last_bm25 = {h.node.node_id: h.score or 0.0 for h in lexical}
        if self.fusion == "score":
            lexical_share = 1 - self.alpha
            extra_share = lexical_share * self.expansion_weight if extra else 0.0
            return [(self.alpha, dense), (lexical_share - extra_share, lexical), (extra_share, extra)]
        return [(self.dense_weight, dense), (self.bm25_weight, lexical), (self.expansion_weight, extra)]

    def _fuse(self, rankings: list[Ranking]) -> list[NodeWithScore]:
        """The rankings fused on node id (by reciprocal rank or by min-max score), best first."""
        nodes = {h.node.node_id: h.node for _, ranked in rankings for h in ranked}
        fused = score_fusion(rankings) if self.fusion == "score" else rank_fusion(rankings, self.rrf_k)
        order = sorted(fused, key=lambda node_id: -fused[node_id])
        return [NodeWithScore(node=nodes[i], score=fused[i]) for i in order]

    def _bm25(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return [h for h in self._lexical.retrieve(query_bundle) if (h.score or 0) > 0]

    def _set_pool(self, n: int) -> None:
        """Candidates per retriever for the next search (the configured ``candidates`` stays as it is)."""
        self._dense.similarity_top_k = self._lexical.similarity_top_k = min(n, self.node_count)

    def search(
        self,
        query: Query,
        k: int = 5,
        prefix: str | None = None,
        version: str | None = None,
        keep: set[str] | None = None,
        as_of: str | None = None,
    ) -> list[Hit]:
        """Top-k clauses: named clauses, then quoting clauses, then definitions of terms asked about,
        then fused hits inside a named condition, then the other fused hits.

        ``as_of`` keeps the versions in force on that date instead of the latest ones.
        """
        filters = Filters(prefix, version, keep, self.index.in_force(as_of) if as_of else None)
        fused = self.candidate_hits(query, k, filters)
        if self.ranker is not None:
            fused = self.ranker.rerank(query, fused, self.index)
        direct = [h for h in self._direct_hits(query, filters) if self._admits(h.clause, filters)]
        _with_evidence(direct, fused)
        scopes = tuple(a + "." for a in query.scopes)
        in_scope = [h for h in fused if scopes and h.clause.anchor.startswith(scopes)]
        return _unique(direct + in_scope + fused)[:k]

    def candidate_hits(self, query: Query, k: int = 5, filters: Filters | None = None) -> list[Hit]:
        """Fused clause hits that pass the filters, with referenced clauses followed (what the
        ranker re-orders)."""
        filters = filters or Filters()
        self._set_pool(self.node_count if filters.narrow else max(self.candidates, 3 * k))
        fused = [h for h in self._fused_hits(query) if self._admits(h.clause, filters)]
        return self._with_referenced(fused, filters) if self.follow_references else fused

    def _fused_hits(self, query: Query) -> list[Hit]:
        """Fused node ranking aggregated to clauses (best node per clause), best first."""
        hits: dict[str, Hit] = {}
        glossaries = set() if query.asks_definition or query.definitions else self.index.glossary_keys
        for item in self._fuse(self._rankings(query.search_text, " ".join(query.expansions))):
            if item.node.metadata["key"] in glossaries:
                continue  # a glossary answers definition questions through its definitions only
            clause = self.index.clauses[item.node.metadata["key"]]
            hit = hits.setdefault(clause.key, Hit(clause=clause, score=item.score or 0.0))
            hit.dense = max(hit.dense, self.last_dense.get(item.node.node_id, 0.0))
            hit.bm25 = max(hit.bm25, self.last_bm25.get(item.node.node_id, 0.0))
        return list(hits.values())

    def _with_referenced(self, fused: list[Hit], filters: Filters) -> list[Hit]:
        """Each of the top ``follow_references`` hits followed by the clauses it refers to, then the rest."""
        have = {h.clause.key for h in fused}
        out: list[Hit] = []
        for rank, hit in enumerate(fused):
            out.append(hit)
            if rank >= self.follow_references:
                continue
            for key in self.index.linked(hit.clause.key):
                clause = self.index.clauses[key]
                if key not in have and self._admits(clause, filters):
                    have.add(key)
                    out.append(Hit(clause=clause, score=hit.score, via="reference"))
        return out

    def _admits(self, clause: Clause, filters: Filters) -> bool:
        """Filters: document prefix, version (default: latest of each anchor, or in force on the
        date asked for), allowed clause keys."""
        if filters.prefix and clause.prefix.upper() != filters.prefix.upper():
            return False
        if not self._current(clause, filters):
            return False
        return filters.keep is None or clause.key in filters.keep

    def _current(self, clause: Clause, filters: Filters) -> bool:
        """The version asked for: pinned, in force on the date, or else the latest."""
        if filters.version:
            return clause.version == filters.version
        if filters.in_force is not None:
            return clause.doc_id in filters.in_force
        return self.index.is_latest(clause)

    def _direct_hits(self, query: Query, filters: Filters) -> list[Hit]:
        """Clauses the question names, clauses quoting an instrument it names, definitions it asks for."""
        hits = []
        for anchor in query.indexed:
            if anchor in self.index.by_anchor:
                clause = next((c for c in self.index.by_anchor[anchor] if self._current(c, filters)), None)
                hits += [Hit(clause=clause, score=1.0, via="anchor")] if clause else []
        for anchor in query.quoted:  # not indexed, but quoted (SEC F4.3 in SMDA-266)
            hits += [Hit(clause=c, score=1.0, via="quote") for c in self.index.quoting(anchor)]
        hits += self._definition_hits(query, filters)
        return hits

    def _definition_hits(self, query: Query, filters: Filters) -> list[Hit]:
        """Clauses defining the terms the question mentions: those in a named condition first, then
        those whose definition shares most of the question's terms (of the terms one glossary
        defines, 'do bank holidays count as working days' is about Working Day, not Website)."""
        scopes = tuple(a + "." for a in query.indexed)
        found = []
        for definition in query.definitions:
            clause = self.index.clauses.get(f"{definition.anchor}@{definition.version}")
            if clause and self._current(clause, filters):
                asked = query.asks_definition  # else a term it quotes: ranked on its clause's evidence
                span = (definition.start, definition.end)
                via = "definition" if asked else "term"
                outside = not (scopes and clause.anchor.startswith(scopes))
                shared = len(query.terms & content_terms(definition.text))
                found.append(((outside, -shared), Hit(clause=clause, score=float(asked), via=via, span=span)))
        return [hit for _, hit in sorted(found, key=lambda item: item[0])]


def _with_evidence(direct: list[Hit], fused: list[Hit]) -> None:
    """A quoted term's definition takes the fused score and similarities of its clause, so what the
    refusal model reads is the clause's evidence, not a stand-in."""
    evidence = {h.clause.key: h for h in fused}
    for hit in direct:
        found = evidence.get(hit.clause.key)
        if hit.via == "term" and found:
            hit.score, hit.dense, hit.bm25 = found.score, found.dense, found.bm25


def rank_fusion(rankings: list[Ranking], rrf_k: int) -> dict[str, float]:
    """Weighted reciprocal-rank fusion on node id: sum of weight / (rrf_k + rank)."""
    fused: dict[str, float] = {}
    for weight, ranked in rankings:
        for rank, hit in enumerate(ranked, start=1):
            fused[hit.node.node_id] = fused.get(hit.node.node_id, 0.0) + weight / (rrf_k + rank)
    return fused


def score_fusion(rankings: list[Ranking]) -> dict[str, float]:
    """Min-max score fusion on node id: sum of weight * (score - lowest) / (highest - lowest)."""
    fused: dict[str, float] = {}
    for weight, ranked in rankings:
        top, low = (ranked[0].score or 0.0, ranked[-1].score or 0.0) if ranked else (0.0, 0.0)
        for hit in ranked:
            share = ((hit.score or 0.0) - low) / ((top - low) or 1.0)
            fused[hit.node.node_id] = fused.get(hit.node.node_id, 0.0) + weight * share
    return fused


def make_retriever(index: ClauseIndex, settings: Settings, mode: Mode = "hybrid") -> HybridRetriever:
    """A retriever (hybrid unless another mode is asked for) configured from settings."""
    from clausetrace.retrieve.ranker import load_ranker

    return HybridRetriever(
        index,
        mode=mode,
        candidates=settings.candidates,
        rrf_k=settings.rrf_k,
        dense_weight=settings.dense_weight,
        bm25_weight=settings.bm25_weight,
        expansion_weight=settings.expansion_weight,
        fusion=settings.fusion,
        alpha=settings.fusion_alpha,
        follow_references=settings.follow_references,
        ranker=load_ranker(settings.ranker) if settings.ranker and mode == "hybrid" else None,
    )
