"""A small real index for the app tests (AppTest and the headless browser), built once per session.

It holds ESL 39 (2022-04-14 and 2025-08-01), ESL 40, ESL 48 (both versions) and SMDA-266: two
versions to diff, the in-home display duty, a guidance document that quotes other instruments.
Embeddings come from the shared test cache (.cache/tests), so a second build embeds nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
APP_SOURCES = (
    "esl-39-2022-04-14",
    "esl-39-2025-08-01",
    "esl-40-2025-08-01",
    "esl-48-2022-04-14",
    "esl-48-2025-08-01",
    "smda-266-v1.0",
)
_built: dict[str, Path] = {}


def build_app_index(docs: list, folder: Path) -> Path:
    """Build the small app index from parsed real documents into folder/index."""
    from clausetrace.index import build_index

    chosen = [d for d in docs if d.source.id in APP_SOURCES]
    missing = set(APP_SOURCES) - {d.source.id for d in chosen}
    if missing:
        pytest.fail(f"app test documents missing from the corpus: {sorted(missing)}")
    build_index(chosen, folder / "index", REPO / ".cache" / "tests")
    return folder / "index"


@pytest.fixture(scope="session")
def app_index_dir(gb_docs: list, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder of the small real app index (shared by test_app.py and test_browser.py)."""
    if "dir" not in _built:
        _built["dir"] = build_app_index(gb_docs, tmp_path_factory.mktemp("app"))
    return _built["dir"]
