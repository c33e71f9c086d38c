"""Clauses -> llama-index TextNodes: one node per clause, long clauses split with the anchor kept."""

from __future__ import annotations

import re
from collections.abc import Iterable

from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode

from clausetrace.models import Clause, ParsedDocument
from clausetrace.text import trim_span

EMBEDDED_METADATA = ("anchor", "heading")
SENTENCE_END = re.compile(r"(?<=[.;:])\s+(?=\(?[A-Z0-9])")


def node_clauses(doc: ParsedDocument) -> list[Clause]:
    """Clauses that become retrieval nodes: every numbered clause; sub-paragraphs stay inside.

    A sub-paragraph with no parent clause (nothing to stay inside) is a node of its own.
    """
    return [c for c in doc.clauses if not c.is_subclause or c.parent is None]


def split_points(clause: Clause, doc: ParsedDocument) -> list[int]:
    """Offsets (in document text) where a long clause may be cut: sub-clause starts, sentence ends."""
    children = {c.number for c in doc.clauses if c.parent == clause.number}
    points = {c.start for c in doc.clauses if c.number in children}
    points |= {clause.start + m.end() for m in SENTENCE_END.finditer(clause.text)}
    return sorted(p for p in points if clause.start < p < clause.end)


def clause_parts(clause: Clause, doc: ParsedDocument, max_words: int) -> list[tuple[int, int]]:
    """Spans of the parts of a clause, each at most ~max_words words where cut points allow."""
    end = doc.own_end(clause)
    if len(doc.text[clause.start : end].split()) <= max_words:
        return [trim_span(doc.text, clause.start, end)]
    parts, start, last = [], clause.start, clause.start
    for point in [p for p in split_points(clause, doc) if p < end] + [end]:
        if len(doc.text[start:point].split()) > max_words and last > start:
            parts.append((start, last))
            start = last
        last = point
    parts.append((start, end))
    return [trim_span(doc.text, s, e) for s, e in parts if doc.text[s:e].strip()]


def make_node(clause: Clause, doc: ParsedDocument, span: tuple[int, int], part: int, parts: int) -> TextNode:
    """One TextNode for (part of) a clause; id = clause key, plus '#part' when split."""
    node_id = clause.key if parts == 1 else f"{clause.key}#{part}"
    metadata = {
        "key": clause.key,
        "anchor": clause.anchor,
        "heading": clause.heading,
        "number": clause.number,
        "prefix": clause.prefix,
        "version": clause.version,
        "doc_id": clause.doc_id,
        "title": doc.source.title,
        "title_path": " › ".join(clause.title_path),
        "page_start": clause.page_start,
        "page_end": clause.page_end,
        "part": part,
        "parts": parts,
    }
    excluded = [k for k in metadata if k not in EMBEDDED_METADATA]
    return TextNode(
        id_=node_id,
        text=doc.text[span[0] : span[1]],
        metadata=metadata,
        excluded_embed_metadata_keys=excluded,
        excluded_llm_metadata_keys=excluded,
        start_char_idx=span[0],
        end_char_idx=span[1],
        relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=doc.source.id)},
    )


def document_nodes(doc: ParsedDocument, max_words: int) -> list[TextNode]:
    """All nodes of one document, linked PREVIOUS/NEXT in reading order."""
    nodes: list[TextNode] = []
    for clause in node_clauses(doc):
        spans = clause_parts(clause, doc, max_words)
        nodes += [make_node(clause, doc, s, i + 1, len(spans)) for i, s in enumerate(spans)]
    for before, after in zip(nodes, nodes[1:], strict=False):
        before.relationships[NodeRelationship.NEXT] = RelatedNodeInfo(node_id=after.node_id)
        after.relationships[NodeRelationship.PREVIOUS] = RelatedNodeInfo(node_id=before.node_id)
    return nodes


def corpus_nodes(docs: Iterable[ParsedDocument], max_words: int) -> list[TextNode]:
    """Nodes of every document."""
    return [node for doc in docs for node in document_nodes(doc, max_words)]
