"""clausetrace's reference extraction and resolution scored against ObliQA-XRef's hand-built links.

    python benchmarks/xref_gold.py [--data ../shared/bench/obliqa] [--xref ../shared/bench/obliqa-xref]
        [--grammar rulebook|gb] [--json]

Every passage of the ObliQA corpus is a clause; ``document_references`` reads its references
('rulebook': the dotted-rule grammar with the ADGM instrument names from document_map.json as data;
'gb': the GB licence grammar as shipped) and each target is resolved to a passage (the written
number, else its nearest enclosing level). Precision and recall of (source passage -> target
passage) pairs per reference type (Internal, External, Outsource), over the 1,104 passages the gold
file annotates (it does not annotate the others, so predictions there cannot be judged).

The gold file does not record every reference a passage makes (ranges are annotated by their
endpoints, "this Rule" and list items are often left out), so ``xref_adjudicated.csv`` holds a hand
review of each predicted Internal pair that is not in the gold (source UUID, target UUID, label:
correct, correct-range-member, correct-borderline or wrong-target; our judgement, no ObliQA text).
The adjudicated precision counts gold matches plus pairs judged correct, over the pairs judged;
the strict figure counts the borderline ones as wrong. A predicted pair the review has not seen is
reported as unjudged.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.machine import describe  # noqa: E402
from benchmarks.obliqa_data import DEFAULT_DATA, REPO, Corpus, load_document_map, load_passages, to_corpus  # noqa: E402
from clausetrace.models import Clause, ParsedDocument, Reference  # noqa: E402
from clausetrace.trace.references import document_references  # noqa: E402
from clausetrace.trace.rulebook import passage_key, resolve_rule  # noqa: E402

DEFAULT_XREF = REPO.parent / "shared" / "bench" / "obliqa-xref"
ADJUDICATED = Path(__file__).with_name("xref_adjudicated.csv")
JUDGED_CORRECT = {"correct", "correct-range-member", "correct-borderline"}
TYPES = ("Internal", "External", "Outsource")
Pair = tuple[str, str]  # (source passage UUID, target passage UUID)


class TypeScore(BaseModel):
    """Precision and recall of one reference type."""

    type: str
    gold: int = Field(description="Gold pairs of this type")
    gold_in_corpus: int = Field(description="Gold pairs whose target passage is in the corpus")
    predicted: int = Field(description="Predicted pairs of this type from annotated source passages")
    correct: int
    precision: float
    recall: float
    judged: int = Field(0, description="Predicted pairs outside the gold that the hand review labels")
    judged_correct: int = Field(0, description="Of those, labelled a correct reference")
    borderline: int = Field(0, description="Of those, labelled correct but borderline")
    unjudged: int = Field(0, description="Predicted pairs outside the gold that the review has not seen")
    adjudicated_precision: float | None = Field(None, description="(correct + judged correct) / judged pairs")
    adjudicated_precision_strict: float | None = Field(None, description="The same, borderline counted wrong")


class XrefReport(BaseModel):
    """One scoring run."""

    grammar: str
    annotated_sources: int
    references_found: int = Field(description="References extracted over the whole corpus")
    resolved: int = Field(description="Of those, resolved to a passage")
    types: list[TypeScore]
    seconds: float
    machine: str


def instrument_names(document_map: Mapping[int, list[str]]) -> dict[str, str]:
    """Instrument name or abbreviation -> prefix ('FSMR' and 'Market Rules' -> 'ADGM-17', 'ADGM-11')."""
    names: dict[str, str] = {}
    for document_id, entry in document_map.items():
        for name in entry[1:]:
            for variant in (name, re.sub(r"\s*\([^()]*\)$", "", name)):
                names.setdefault(" ".join(variant.split()), f"ADGM-{document_id}")
    return names


def passage_keys(doc: ParsedDocument) -> dict[str, str]:
    """Written form of each clause number -> clause key.

    On a collision the first passage wins, unless a later one heads the numbers under it: chapter 7
    is the '7.' followed by '7.1', not a list item '7.' met earlier.
    """
    clauses = doc.clauses
    heads = {i for i in range(len(clauses) - 1) if _key(clauses[i + 1]).startswith(_key(clauses[i]) + ".")}
    order = sorted(range(len(clauses)), key=lambda i: (i not in heads, i))
    keys: dict[str, str] = {}
    for i in order:
        keys.setdefault(clauses[i].number.split("#", 1)[0], clauses[i].key)  # a number as written wins
    for i in order:
        keys.setdefault(_key(clauses[i]), clauses[i].key)
    return keys


def _key(clause: Clause) -> str:
    return passage_key(clause.number.split("#", 1)[0])


def resolve(ref: Reference, keys_by_prefix: Mapping[str, Mapping[str, str]]) -> str | None:
    """Clause key a reference's target resolves to, or None."""
    prefix, _, number = ref.target.partition(" ")
    keys = keys_by_prefix.get(prefix)
    return resolve_rule(number, keys) if keys else None


def predicted_links(corpus: Corpus, grammar: str, instruments: Mapping[str, str]) -> tuple[list[Pair], int]:
    """(source UUID, target UUID) of every resolved reference, and how many references were found."""
    keys_by_prefix = {d.source.prefix: passage_keys(d) for d in corpus.documents}
    pairs, found = [], 0
    for doc in corpus.documents:
        refs = document_references(doc, instruments if grammar == "rulebook" else None)
        found += len(refs)
        clause_key = {c.anchor: c.key for c in doc.clauses}
        for ref in refs:
            target = resolve(ref, keys_by_prefix)
            if target:
                source = corpus.passage_of[clause_key[ref.source_anchor]].uid
                pairs.append((source, corpus.passage_of[target].uid))
    return list(dict.fromkeys(pairs)), found


def resolved_references(corpus: Corpus, instruments: Mapping[str, str]) -> list[Reference]:
    """Every rulebook reference of the corpus whose target resolves, with the target rewritten to the
    anchor of the clause it resolves to (so the index can follow it)."""
    keys_by_prefix = {d.source.prefix: passage_keys(d) for d in corpus.documents}
    resolved = []
    for doc in corpus.documents:
        for ref in document_references(doc, instruments):
            target = resolve(ref, keys_by_prefix)
            if target:
                anchor = target.rsplit("@", 1)[0]
                resolved.append(ref.model_copy(update={"target": anchor}))
    return resolved


def load_gold(xref: Path) -> list[dict[str, str]]:
    """Rows of CrossReferenceData.csv."""
    with (xref / "CrossReferenceData.csv").open(encoding="utf-8", newline="") as rows:
        return list(csv.DictReader(rows))


def load_adjudicated(path: Path = ADJUDICATED) -> dict[Pair, str]:
    """The hand review of predicted pairs outside the gold: (source, target) -> label."""
    with path.open(encoding="utf-8", newline="") as rows:
        return {(r["SourceID"], r["TargetID"]): r["Label"] for r in csv.DictReader(rows)}


def adjudicate(mine: set[Pair], gold: set[Pair], labels: Mapping[Pair, str]) -> dict[str, Any]:
    """Adjudicated precision of one type's predictions: gold matches plus pairs the review judged
    correct, over the pairs that are in the gold or judged."""
    outside = mine - gold
    seen = [labels[p] for p in outside if p in labels]
    right = sum(label in JUDGED_CORRECT for label in seen)
    borderline = seen.count("correct-borderline")
    judged_total = len(mine & gold) + len(seen)
    if not seen or not judged_total:
        return {"unjudged": len(outside) - len(seen)}
    return {
        "judged": len(seen),
        "judged_correct": right,
        "borderline": borderline,
        "unjudged": len(outside) - len(seen),
        "adjudicated_precision": round((len(mine & gold) + right) / judged_total, 4),
        "adjudicated_precision_strict": round((len(mine & gold) + right - borderline) / judged_total, 4),
    }


def score_types(
    predicted: Iterable[Pair],
    gold_rows: list[dict[str, str]],
    document_of: Mapping[str, int],
    labels: Mapping[Pair, str] | None = None,
) -> list[TypeScore]:
    """Per-type precision and recall over the gold file's annotated source passages (with the
    adjudicated precision where ``labels``, a hand review of pairs outside the gold, is given)."""
    annotated = {r["SourceID"] for r in gold_rows}
    preds = [p for p in predicted if p[0] in annotated]
    scores = []
    for kind in TYPES:
        gold = {(r["SourceID"], r["TargetID"]) for r in gold_rows if r["ReferenceType"] == kind}
        if kind == "Outsource":
            mine: set[Pair] = set()  # targets outside the corpus: never predicted
        else:
            internal = kind == "Internal"
            mine = {p for p in preds if (document_of.get(p[0]) == document_of.get(p[1])) == internal}
        correct = len(mine & gold)
        scores.append(
            TypeScore(
                type=kind,
                gold=len(gold),
                gold_in_corpus=sum(t in document_of for _, t in gold),
                predicted=len(mine),
                correct=correct,
                precision=round(correct / len(mine), 4) if mine else 0.0,
                recall=round(correct / len(gold), 4) if gold else 0.0,
                **(adjudicate(mine, gold, labels) if labels is not None else {}),
            )
        )
    return scores


def run(data: Path, xref: Path, grammar: str, adjudicated: Path | None = ADJUDICATED) -> XrefReport:
    """Extract, resolve and score."""
    started = time.perf_counter()
    passages = load_passages(data)
    document_map = load_document_map(data)
    corpus = to_corpus(passages, document_map)
    predicted, found = predicted_links(corpus, grammar, instrument_names(document_map))
    rows = load_gold(xref)
    return XrefReport(
        grammar=grammar,
        annotated_sources=len({r["SourceID"] for r in rows}),
        references_found=found,
        resolved=len(predicted),
        types=score_types(
            predicted,
            rows,
            {p.uid: p.document_id for p in passages},
            load_adjudicated(adjudicated) if adjudicated and adjudicated.exists() else None,
        ),
        seconds=round(time.perf_counter() - started, 1),
        machine=describe(),
    )


def main(argv: list[str] | None = None) -> None:
    """Score the extractor and print a table (or JSON)."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--xref", type=Path, default=DEFAULT_XREF)
    p.add_argument("--grammar", choices=["rulebook", "gb"], default="rulebook")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    report = run(args.data, args.xref, args.grammar)
    if args.json:
        print(report.model_dump_json(indent=2))
        return
    print(f"grammar {report.grammar}: {report.references_found} references, {report.resolved} resolved pairs")
    print(f"{'type':<10} {'gold':>5} {'in corpus':>9} {'pred':>5} {'correct':>7} {'P':>6} {'R':>6}")
    for t in report.types:
        print(
            f"{t.type:<10} {t.gold:>5} {t.gold_in_corpus:>9} {t.predicted:>5} {t.correct:>7} "
            f"{t.precision:>6.3f} {t.recall:>6.3f}"
        )
        if t.adjudicated_precision is not None:
            print(
                f"{'':<10} adjudicated P {t.adjudicated_precision:.3f}"
                f" (strict {t.adjudicated_precision_strict:.3f}):"
                f" {t.judged} pairs outside the gold reviewed by hand, {t.judged_correct} correct"
                f" ({t.borderline} borderline), {t.unjudged} unreviewed"
            )
    print(f"{report.seconds} s on {report.machine}")


if __name__ == "__main__":
    main()
