"""Clause -> node chunking: one node per clause, long clauses split with the anchor on every part."""

from __future__ import annotations

from llama_index.core.schema import MetadataMode, NodeRelationship

from clausetrace.index.nodes import corpus_nodes, document_nodes


def test_nodes_slice_the_document_and_keep_anchor(gb_docs):
    for doc in gb_docs:
        for node in document_nodes(doc, 180):
            assert doc.text[node.start_char_idx : node.end_char_idx] == node.text
            clause = next(c for c in doc.clauses if c.key == node.metadata["key"])
            assert clause.start <= node.start_char_idx < node.end_char_idx <= clause.end
            embedded = node.get_content(metadata_mode=MetadataMode.EMBED)
            assert clause.anchor in embedded


def test_every_numbered_clause_is_a_node_and_subclauses_are_not(gb_docs):
    nodes = corpus_nodes(gb_docs, 180)
    keys = {n.metadata["key"] for n in nodes}
    for doc in gb_docs:
        for clause in doc.clauses:
            assert (clause.key in keys) != clause.is_subclause, clause.key


def test_long_clauses_are_split_with_part_ids(gb_docs):
    nodes = corpus_nodes(gb_docs, 120)
    split = [n for n in nodes if n.metadata["parts"] > 1]
    assert split, "some clauses exceed 120 words"
    for node in split:
        assert node.node_id == f"{node.metadata['key']}#{node.metadata['part']}"
    ids = [n.node_id for n in nodes]
    assert len(ids) == len(set(ids))


def test_parts_cover_the_clause_without_overlap(gb_docs):
    doc = next(d for d in gb_docs if d.source.id == "esl-45-2025-08-01")
    nodes = document_nodes(doc, 80)
    by_key: dict[str, list] = {}
    for node in nodes:
        by_key.setdefault(node.metadata["key"], []).append(node)
    for parts in by_key.values():
        for before, after in zip(parts, parts[1:], strict=False):
            assert before.end_char_idx <= after.start_char_idx


def test_guidance_parent_section_holds_only_its_own_text(gb_docs):
    doc = next(d for d in gb_docs if d.source.prefix == "SMDA-266")
    section_2 = [n for n in document_nodes(doc, 180) if n.metadata["number"] == "2"]
    first_child = next(c for c in doc.clauses if c.number == "2.1")
    assert section_2 and all(n.end_char_idx <= first_child.start for n in section_2)


def test_nodes_are_linked_in_reading_order(gb_docs):
    nodes = document_nodes(gb_docs[0], 180)
    assert nodes[0].relationships[NodeRelationship.NEXT].node_id == nodes[1].node_id
    assert nodes[1].relationships[NodeRelationship.PREVIOUS].node_id == nodes[0].node_id
