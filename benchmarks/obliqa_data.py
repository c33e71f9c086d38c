"""ObliQA / ObliQA-MP data (../shared/bench/obliqa) as clausetrace documents, questions and gold keys.

Each ADGM document becomes one ParsedDocument whose text is its passages joined by blank lines;
each passage becomes one Clause whose span slices exactly that passage. Gold passages of the ObliQA
splits are matched on (DocumentID, PassageID), those of ObliQA-MP on the corpus UUID (qrels).
Nothing here is copied into the repository: the data is read at run time.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from clausetrace.models import Clause, ParsedDocument, Source

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "bench" / "obliqa"
CORPUS_DIR = "StructuredRegulatoryDocuments"
SNAPSHOT_DATE = "2024-12-08"  # ObliQADataset commit c1b2c3c0
SEPARATOR = "\n\n"

GoldKind = Literal["pair", "uuid"]
# split -> (question file, qrels file or None when the gold passages are in the question file)
SPLITS: dict[str, tuple[str, str | None]] = {
    "dev": ("ObliQA_dev.json", None),
    "test": ("ObliQA_test.json", None),
    "mp-val": ("obliqa_mp/ObliQA_MultiPassage_val.json", "obliqa_mp/qrels_val.txt"),
    "mp-test": ("obliqa_mp/ObliQA_MultiPassage_test.json", "obliqa_mp/qrels_test.txt"),
}


@dataclass(frozen=True, slots=True)
class Passage:
    """One corpus passage (the retrieval unit of ObliQA)."""

    uid: str  # corpus 'ID' (UUID)
    document_id: int
    passage_id: str
    text: str

    @property
    def pair(self) -> str:
        """The (DocumentID, PassageID) gold key, e.g. '11|1.1.1.(1)' (27 passages share one)."""
        return pair_key(self.document_id, self.passage_id)

    def gold_key(self, kind: GoldKind) -> str:
        """The key gold passages of a split are matched on."""
        return self.pair if kind == "pair" else self.uid


@dataclass(frozen=True, slots=True)
class Question:
    """One benchmark question with its gold keys (pairs or UUIDs, see gold_kind)."""

    qid: str
    text: str
    gold: frozenset[str]
    group: int = 0


@dataclass(frozen=True, slots=True)
class Corpus:
    """The passages as clausetrace documents, and the way back from a clause key to its passage."""

    documents: list[ParsedDocument]
    passage_of: dict[str, Passage]  # clause key -> passage


def pair_key(document_id: int, passage_id: str) -> str:
    """Gold key of a (DocumentID, PassageID) pair."""
    return f"{document_id}|{passage_id}"


def gold_kind(split: str) -> GoldKind:
    """ObliQA splits match gold on (DocumentID, PassageID); ObliQA-MP on the corpus UUID."""
    return "uuid" if split.startswith("mp-") else "pair"


def corpus_files(data: Path) -> list[Path]:
    """The 40 document files, in DocumentID order."""
    return sorted((data / CORPUS_DIR).glob("*.json"), key=lambda p: int(p.stem))


def load_passages(data: Path) -> list[Passage]:
    """Every passage of the corpus, by document then file order."""
    passages = []
    for path in corpus_files(data):
        for row in json.loads(path.read_text(encoding="utf-8")):
            passages.append(Passage(row["ID"], int(row["DocumentID"]), row["PassageID"], row["Passage"]))
    return passages


def load_document_map(data: Path) -> dict[int, list[str]]:
    """DocumentID -> [file stem, short name, titles...]."""
    raw = json.loads((data / "document_map.json").read_text(encoding="utf-8"))
    return {int(k): v for k, v in raw.items()}


def load_questions(data: Path, split: str) -> list[Question]:
    """Questions of a split with their gold keys ('dev-fit' / 'dev-check': one half of dev)."""
    if split in ("dev-fit", "dev-check"):
        return [q for q in load_questions(data, "dev") if dev_part(q.qid) == split.removeprefix("dev-")]
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}: choose from {', '.join(SPLITS)}")
    questions_file, qrels_file = SPLITS[split]
    rows = json.loads((data / questions_file).read_text(encoding="utf-8"))
    qrels = read_qrels(data / qrels_file) if qrels_file else {}
    out = []
    for row in rows:
        if qrels_file:
            gold = frozenset(qrels.get(row["QuestionID"], ()))
        else:
            gold = frozenset(pair_key(int(p["DocumentID"]), p["PassageID"]) for p in row["Passages"])
        out.append(Question(row["QuestionID"], row["Question"], gold, int(row.get("Group", 0))))
    return out


def read_qrels(path: Path) -> dict[str, set[str]]:
    """TREC qrels 'qid 0 docid rel' -> qid -> relevant docids (rel > 0)."""
    qrels: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 4 and int(parts[3]) > 0:
            qrels.setdefault(parts[0], set()).add(parts[2])
    return qrels


def document_title(names: list[str], document_id: int) -> str:
    """Longest title in the document map entry (the full name)."""
    return max(names[1:] or names or [f"ADGM document {document_id}"], key=len)


def make_source(document_id: int, names: list[str]) -> Source:
    """Catalogue entry of one ADGM document."""
    return Source(
        id=f"adgm-{document_id}",
        title=document_title(names, document_id),
        issuer="ADGM FSRA",
        prefix=f"ADGM-{document_id}",
        family="guidance",
        version=SNAPSHOT_DATE,
        date=SNAPSHOT_DATE,
        file=f"{CORPUS_DIR}/{document_id}.json",
        note="ObliQA benchmark corpus (research/evaluation only)",
    )


def unique_numbers(passages: list[Passage]) -> list[str]:
    """PassageIDs made unique inside one document: repeats get '#2', '#3', ..."""
    seen: dict[str, int] = {}
    numbers = []
    for passage in passages:
        seen[passage.passage_id] = seen.get(passage.passage_id, 0) + 1
        n = seen[passage.passage_id]
        numbers.append(passage.passage_id if n == 1 else f"{passage.passage_id}#{n}")
    return numbers


def to_document(source: Source, passages: list[Passage]) -> tuple[ParsedDocument, dict[str, Passage]]:
    """One document: passages joined by blank lines, one clause per passage with its exact span."""
    clauses, passage_of, offset = [], {}, 0
    for passage, number in zip(passages, unique_numbers(passages), strict=True):
        start, end = offset, offset + len(passage.text)
        clause = Clause(
            doc_id=source.id,
            prefix=source.prefix,
            version=source.version,
            number=number,
            start=start,
            end=end,
            text=passage.text,
        )
        clauses.append(clause)
        passage_of[clause.key] = passage
        offset = end + len(SEPARATOR)
    text = SEPARATOR.join(p.text for p in passages)
    return ParsedDocument(source=source, text=text, clauses=tuple(clauses)), passage_of


def to_corpus(passages: list[Passage], document_map: dict[int, list[str]]) -> Corpus:
    """All passages as clausetrace documents (one per DocumentID)."""
    by_doc: dict[int, list[Passage]] = {}
    for passage in passages:
        by_doc.setdefault(passage.document_id, []).append(passage)
    documents: list[ParsedDocument] = []
    passage_of: dict[str, Passage] = {}
    for document_id in sorted(by_doc):
        source = make_source(document_id, document_map.get(document_id, []))
        doc, mapping = to_document(source, by_doc[document_id])
        documents.append(doc)
        passage_of |= mapping
    return Corpus(documents, passage_of)


def data_hash(data: Path) -> str:
    """sha256 over the corpus files and the document map (the index depends on nothing else)."""
    digest = hashlib.sha256()
    for path in [*corpus_files(data), data / "document_map.json"]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


DevPart = Literal["fit", "check"]


def dev_part(qid: str) -> DevPart:
    """Which half of ObliQA dev a question is in, fixed by its id: 'fit' trains, 'check' chooses."""
    return "fit" if int(hashlib.sha256(qid.encode()).hexdigest()[:8], 16) % 2 == 0 else "check"
