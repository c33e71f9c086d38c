"""The loaded index: clause store, glossary, register and references, with FAISS, BM25 and the
embedding model loaded lazily from its pinned generation folder (``show``/``trace`` never load torch
or llama-index)."""

from __future__ import annotations

import difflib
import functools
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from clausetrace.anchors import canonical_anchor
from clausetrace.errors import ClausetraceError, NoVersionHeldError, UnknownAnchorError
from clausetrace.index.generations import Lease
from clausetrace.models import (
    Clause,
    Definition,
    IndexManifest,
    Obligation,
    ParsedDocument,
    Reference,
    Source,
)
from clausetrace.text import content_terms

if TYPE_CHECKING:
    from llama_index.core import VectorStoreIndex
    from llama_index.retrievers.bm25 import BM25Retriever

    from clausetrace.index.embed import LocalEmbedding
    from clausetrace.index.sentences import SentenceVectors
    from clausetrace.trace.graph import TraceGraph

T = TypeVar("T")
BM25_DIR = "bm25"
UBIQUITOUS_SHARE = 0.25
GLOSSARY_TERMS = 25  # a clause defining this many terms is a glossary, not an answer by itself


@dataclass
class ClauseIndex:
    """A loaded index generation: clause store, vector index, BM25 and the embedding model.

    ``path`` is the generation folder every lazy load reads; ``lease`` pins it while this lives.
    """

    path: Path
    manifest: IndexManifest
    documents: dict[str, ParsedDocument]
    obligations: list[Obligation] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    lease: Lease | None = field(default=None, repr=False, compare=False)
    clauses: dict[str, Clause] = field(init=False)
    by_anchor: dict[str, list[Clause]] = field(init=False)
    definitions: list[Definition] = field(init=False)
    term_df: dict[str, float] = field(init=False)
    _derived: dict[str, Any] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.clauses = {c.key: c for d in self.documents.values() for c in d.clauses}
        self.definitions = [x for d in self.documents.values() for x in d.definitions]
        self.by_anchor = {}
        for clause in self.clauses.values():
            self.by_anchor.setdefault(clause.anchor, []).append(clause)
        for versions in self.by_anchor.values():
            versions.sort(key=lambda c: self.source_of(c).date, reverse=True)
        self.term_df = _document_frequencies(c for c in self.clauses.values() if not c.is_subclause)
        self._glossary: dict[str, list[Definition]] = {}
        for definition in self.definitions:
            self._glossary.setdefault(definition.term.lower(), []).append(definition)
        terms = sorted(self._glossary, key=len, reverse=True)
        alternatives = "|".join(map(re.escape, terms))
        self._term_re = re.compile(rf"\b({alternatives})(?:s|es)?\b", re.I) if terms else None
        self._refs_by_key: dict[str, list[Reference]] = {}
        for ref in self.references:  # a sub-clause's references count for its numbered clause
            numbered = f"{ref.source_anchor.split('(', 1)[0]}@{ref.version}"
            key = numbered if numbered in self.clauses else f"{ref.source_anchor}@{ref.version}"
            self._refs_by_key.setdefault(key, []).append(ref)
        self._terms: dict[str, frozenset[str]] = {}
        self._title_terms: dict[str, frozenset[str]] = {}
        self._obligations_by_key: dict[str, list[Obligation]] = {}
        for ob in self.obligations:
            self._obligations_by_key.setdefault(f"{ob.anchor}@{ob.version}", []).append(ob)

    @property
    def generation(self) -> str:
        """Id of the generation this index was loaded from ('' for an index built before them)."""
        return self.manifest.generation

    @functools.cached_property
    def embed_model(self) -> LocalEmbedding:
        """The model the index was built for, loaded on first use (show/trace/diff never need it)."""
        from clausetrace.index.embed import LocalEmbedding
        from clausetrace.index.registry import model_name

        return LocalEmbedding(model_name(self.manifest.model))

    @functools.cached_property
    def vector_index(self) -> VectorStoreIndex:
        """The FAISS-backed llama-index vector index, loaded on first use from the pinned folder."""
        from llama_index.core import StorageContext, load_index_from_storage
        from llama_index.vector_stores.faiss import FaissVectorStore

        vector_store = FaissVectorStore.from_persist_dir(str(self.path))
        storage = StorageContext.from_defaults(vector_store=vector_store, persist_dir=str(self.path))
        return load_index_from_storage(storage, embed_model=self.embed_model)

    @functools.cached_property
    def sentence_vectors(self) -> SentenceVectors:
        """A vector per quotable sentence, loaded on first use from the pinned folder."""
        from clausetrace.index.sentences import SentenceVectors

        return SentenceVectors(self.path)

    @functools.cached_property
    def bm25(self) -> BM25Retriever:
        """The BM25 retriever over the same nodes, loaded on first use from the pinned folder."""
        from llama_index.retrievers.bm25 import BM25Retriever

        return BM25Retriever.from_persist_dir(str(self.path / BM25_DIR), show_progress=False)

    @functools.cached_property
    def prefixes(self) -> set[str]:
        """Citation prefixes of the indexed documents ('ESL', 'SMDA-266')."""
        return {d.source.prefix for d in self.documents.values()}

    @functools.cached_property
    def vocabulary(self) -> set[str]:
        """Lower-cased words of every indexed document."""
        return {w.lower() for d in self.documents.values() for w in re.findall(r"[A-Za-z]+", d.text)}

    @functools.cached_property
    def glossary_keys(self) -> set[str]:
        """Keys of glossary clauses: those holding many definitions (ESL 1.3, a condition's '.22')."""
        counts: dict[str, int] = {}
        for d in self.definitions:
            key = f"{d.anchor}@{d.version}"
            counts[key] = counts.get(key, 0) + 1
        return {key for key, n in counts.items() if n >= GLOSSARY_TERMS}

    def terms_of(self, key: str) -> frozenset[str]:
        """Content terms of a clause's text (computed once per clause)."""
        if key not in self._terms:
            self._terms[key] = frozenset(content_terms(self.clauses[key].text))
        return self._terms[key]

    def title_terms_of(self, key: str) -> frozenset[str]:
        """Content terms of a clause's heading, title path and document title (computed once)."""
        if key not in self._title_terms:
            clause = self.clauses[key]
            words = " ".join((clause.heading, *clause.title_path, self.source_of(clause).title))
            self._title_terms[key] = frozenset(content_terms(words))
        return self._title_terms[key]

    def linked(self, key: str) -> list[str]:
        """Keys of the indexed clauses a clause (anchor@version) refers to, in text order."""
        return self._links.get(key, [])

    @functools.cached_property
    def _links(self) -> dict[str, list[str]]:
        """Clause key -> keys of the clauses its references resolve to (same version when indexed)."""
        links: dict[str, list[str]] = {}
        for key, refs in self._refs_by_key.items():
            version = key.rsplit("@", 1)[1]
            targets = []
            for ref in refs:
                found = self.by_anchor.get(ref.target, [])
                same = [c for c in found if c.version == version]
                if found and (same or found)[0].key != key:
                    targets.append((same or found)[0].key)
            if targets:
                links[key] = list(dict.fromkeys(targets))
        return links

    def derived(self, name: str, build: Callable[[ClauseIndex], T]) -> T:
        """A value a later stage computes once from this index (e.g. the query thesaurus)."""
        if name not in self._derived:
            self._derived[name] = build(self)
        return self._derived[name]

    def extracted(self, clause: Clause) -> str:
        """A clause's text as the PDF text layer had it (split words unjoined): what diffs compare."""
        return self.documents[clause.doc_id].extracted(clause.start, clause.end)

    def warm(self) -> ClauseIndex:
        """Load everything a question or a trace needs now (model, FAISS, BM25, sentence vectors,
        graph), not later."""
        _ = (self.embed_model.model, self.vector_index, self.bm25, self.sentence_vectors, self.graph)
        return self

    def close(self) -> None:
        """Release the pin on the generation (it may then be pruned); later lazy loads may fail."""
        if self.lease is not None:
            self.lease.close()

    def source_of(self, clause: Clause) -> Source:
        """The catalogue entry of the document a clause comes from."""
        return self.documents[clause.doc_id].source

    def is_latest(self, clause: Clause) -> bool:
        """True when no newer version of the same anchor is indexed."""
        return self.by_anchor[clause.anchor][0].version == clause.version

    def versions(self, anchor: str) -> list[str]:
        """Versions of one anchor, newest first."""
        return [c.version for c in self.by_anchor.get(anchor, [])]

    def document_versions(self, document: str) -> list[str]:
        """Versions of a document ('ESL 48') indexed, oldest first."""
        inside = [c for c in self.clauses.values() if c.anchor.startswith(document + ".")]
        dates = {c.version: self.source_of(c).date for c in inside}
        return sorted(dates, key=dates.__getitem__)

    def in_force(self, as_of: str) -> set[str]:
        """Ids of the documents in force on a date: per document, the latest version dated on or
        before it. NoVersionHeldError when the date is before every version held."""
        check_date(as_of)
        chosen: dict[str, Source] = {}
        for doc in self.documents.values():
            source = doc.source
            if source.date <= as_of and (
                source.document not in chosen or chosen[source.document].date < source.date
            ):
                chosen[source.document] = source
        if not chosen:
            earliest = min(d.source.date for d in self.documents.values())
            raise NoVersionHeldError(f"no version held on {as_of}; earliest is {earliest}")
        return {source.id for source in chosen.values()}

    def get_clause(self, anchor: str, version: str | None = None, as_of: str | None = None) -> Clause:
        """The clause for an anchor (latest version unless pinned by version or by a date it was in
        force on); suggests near anchors if unknown."""
        canonical = canonical_anchor(anchor)
        versions = self.by_anchor.get(canonical, [])
        found = [c for c in versions if version in (None, c.version)]
        if as_of and found:
            try:
                held = [c for c in found if c.doc_id in self.in_force(as_of)]
            except NoVersionHeldError:
                held = []
            if not held:
                earliest = min(self.source_of(c).date for c in found)
                raise NoVersionHeldError(f"no version of {canonical} held on {as_of}; earliest is {earliest}")
            found = held
        if found:
            return found[0]
        if versions:
            have = ", ".join(self.versions(canonical))
            raise UnknownAnchorError(f"{canonical} @ {version}", [f"{canonical} @ {have}"])
        close = difflib.get_close_matches(canonical, list(self.by_anchor), n=5, cutoff=0.6)
        raise UnknownAnchorError(canonical, close)

    def has_anchor(self, anchor: str) -> bool:
        """True when the anchor, a clause inside it ('ESL 39' -> 'ESL 39.1') or the document it
        names ('SEC-M') is indexed."""
        return anchor in self.by_anchor or anchor in self._anchor_heads

    @functools.cached_property
    def _anchor_heads(self) -> frozenset[str]:
        """Every document prefix and every dotted head of an indexed anchor ('ESL 39', 'SEC-M 2.3')."""
        heads = {c.prefix for c in self.clauses.values()}
        for anchor in self.by_anchor:
            parts = anchor.split(".")
            heads.update(".".join(parts[:i]) for i in range(1, len(parts)))
        return frozenset(heads)

    def rarity(self, term: str) -> float:
        """Inverse clause frequency of a stemmed term (-log of its share; a term never seen counts
        as half a clause)."""
        return -math.log(self.term_df.get(term, 0.5 / max(len(self.clauses), 1)))

    def distinctive_terms(self, terms: set[str]) -> set[str]:
        """Terms that are not ubiquitous in the corpus (in under a quarter of the clauses)."""
        return {t for t in terms if self.term_df.get(t, 0.0) < UBIQUITOUS_SHARE}

    def defined_in(self, text: str) -> list[Definition]:
        """Definitions of the defined terms a text mentions, or their plurals (longest match wins at
        each place)."""
        if self._term_re is None:
            return []
        return [d for m in self._term_re.finditer(text) for d in self._glossary[m.group(1).lower()]]

    def definitions_of(self, term: str) -> list[Definition]:
        """Definitions of a term as written, any case, or of its singular ('customers' -> Customer)."""
        key = " ".join(term.lower().split())
        return self._glossary.get(key) or (self._glossary.get(key[:-1], []) if key.endswith("s") else [])

    def definitions_used(self, clause: Clause) -> list[Definition]:
        """Definitions of the capitalised terms a clause uses, written as defined: the clause's own
        document first, then the same instrument's other documents (a licence's glossary), latest."""
        found: dict[str, Definition] = {}
        for m in self._term_re.finditer(clause.text) if self._term_re else ():
            if m.group(0) != m.group(1):
                continue  # a plural: the clause does not write the term as defined
            for d in self._glossary[m.group(1).lower()]:
                usable = d.prefix == clause.prefix and d.term == m.group(1) and not _inside(d, clause)
                if usable and (d.term not in found or _prefer(d, found[d.term], clause, self)):
                    found[d.term] = d
        return list(found.values())

    def references_from(self, key: str) -> list[Reference]:
        """Cross-references made by a clause (anchor@version) and its sub-clauses (an item without
        references of its own: those of its numbered clause)."""
        return self._refs_by_key.get(key) or self._refs_by_key.get(numbered_key(key), [])

    def quoted_instruments(self, clause: Clause) -> list[str]:
        """Other instruments a guidance clause quotes (e.g. 'SEC F4.3'): its citations are secondary."""
        refs = self.references_from(clause.key)
        return list(dict.fromkeys(r.target for r in refs if r.secondary))

    def quoting(self, anchor: str) -> list[Clause]:
        """Latest guidance clauses quoting an anchor or a clause inside it (SMDA-266 2.5 for SEC F4.3)."""
        return self.referring(anchor, quotes_only=True)

    def referring(self, anchor: str, quotes_only: bool = False) -> list[Clause]:
        """Latest clauses whose references point at an anchor or inside it (only quotations, if asked)."""
        inside = (anchor + ".", anchor + "(", anchor + " ")  # "GSL" alone: every clause of it
        keys = {
            key
            for key, refs in self._refs_by_key.items()
            if any(
                (r.target == anchor or r.target.startswith(inside)) and (r.secondary or not quotes_only)
                for r in refs
            )
        }
        return [c for c in map(self.clauses.get, sorted(keys)) if c and self.is_latest(c)]

    def obligations_of(self, key: str) -> list[Obligation]:
        """Obligations stated by a clause (anchor@version); a lettered item shares its numbered
        clause's (the lead-in's 'must' governs every item)."""
        return self._obligations_by_key.get(key) or self._obligations_by_key.get(numbered_key(key), [])

    def parties_of(self, key: str) -> list[str]:
        """Normalised parties that owe the obligations of a clause."""
        return list(dict.fromkeys(o.party for o in self.obligations_of(key) if o.party))

    def keys_for_party(self, party: str) -> set[str]:
        """Clause keys with an obligation owed by a party (case-insensitive substring)."""
        wanted = party.lower()
        return {f"{o.anchor}@{o.version}" for o in self.obligations if wanted in o.party.lower()}

    @functools.cached_property
    def graph(self) -> TraceGraph:
        """The traceability graph over every indexed document (built on first use)."""
        from clausetrace.trace.graph import TraceGraph

        return TraceGraph(self.documents.values(), self.references)


def _inside(definition: Definition, clause: Clause) -> bool:
    """True when a definition is written inside the clause itself."""
    return definition.doc_id == clause.doc_id and clause.start <= definition.start < clause.end


def _prefer(new: Definition, old: Definition, clause: Clause, index: ClauseIndex) -> bool:
    """Whether ``new`` is the better definition for a clause: its own document, else the latest."""
    if (new.doc_id == clause.doc_id) != (old.doc_id == clause.doc_id):
        return new.doc_id == clause.doc_id
    return index.documents[new.doc_id].source.date > index.documents[old.doc_id].source.date


def numbered_key(key: str) -> str:
    """The key of the numbered clause an item belongs to: 'ESL 42.5(b)@v' -> 'ESL 42.5@v'."""
    anchor, _, version = key.rpartition("@")
    return f"{anchor.split('(', 1)[0]}@{version}"


def _document_frequencies(clauses: Iterable[Clause]) -> dict[str, float]:
    """Share of clauses each content term occurs in."""
    counts: dict[str, int] = {}
    total = 0
    for clause in clauses:
        total += 1
        for term in content_terms(clause.text):
            counts[term] = counts.get(term, 0) + 1
    return {t: n / max(total, 1) for t, n in counts.items()}


def check_date(value: str) -> None:
    """Refuse a date that is not ISO 'YYYY-MM-DD' with a one-line reason."""
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ClausetraceError(f"'{value}' is not a date: write it as YYYY-MM-DD, e.g. 2020-01-01") from None
