"""The public API of the README's Python example resolves to real functions."""

from __future__ import annotations

import clausetrace


def test_every_public_name_imports():
    for name in ("ingest_corpus", "build_index", "load_index", "ask", "get_clause"):
        assert callable(getattr(clausetrace, name)), name


def test_readme_example_runs(gb_index):
    answer = clausetrace.ask("Who must be a party to the Smart Energy Code?", gb_index)
    assert "Electricity Supplier" in answer.parties and answer.citations
    assert clausetrace.get_clause(gb_index, "ESL 48.1").text.startswith("The licensee must")
