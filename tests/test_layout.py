"""The package layout: imports run one way along the stages, with no cycles and no reaching back
into ingest internals. Walks every import statement (including lazy ones inside functions)."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("clausetrace", "ingest", "corpus", "eval", "ui")
SHARED = {"clausetrace", "clausetrace.models", "clausetrace.errors", "clausetrace.settings"}
SHARED |= {"clausetrace.text", "clausetrace.anchors"}
# stage order: a module may import its own stage, the shared records and earlier stages only
STAGES = [
    "clausetrace.register",
    "clausetrace.trace",
    "clausetrace.index",
    "clausetrace.query",
    "clausetrace.retrieve",
    "clausetrace.answer",
    "clausetrace.serve",
    "clausetrace.review",
    "clausetrace.cli",
]
INGEST_PUBLIC = {"ingest", "ingest.sources"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            found[module_name(path)] = path
    found["app"] = REPO / "app.py"
    return found


def imports_of(path: Path, known: set[str]) -> set[str]:
    """Project modules a file imports (the longest known prefix of each imported name)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    resolved = set()
    for name in names:
        parts = name.split(".")
        for n in range(len(parts), 0, -1):
            if ".".join(parts[:n]) in known:
                resolved.add(".".join(parts[:n]))
                break
    return resolved


GRAPH = (lambda mods: {m: imports_of(p, set(mods)) - {m} for m, p in mods.items()})(project_modules())


def stage_of(module: str) -> int | None:
    return next((i for i, s in enumerate(STAGES) if module == s or module.startswith(s + ".")), None)


def test_no_import_cycles():
    """Depth-first search over the module graph finds no back edge."""
    state: dict[str, int] = {}
    cycles = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(GRAPH.get(module, ())):
            # a package importing its own submodules (re-exports) is not a cycle of stages
            if target.startswith(module + "."):
                continue
            if state.get(target) == 1:
                cycles.append(path + [target])
            elif target not in state:
                visit(target, path + [target])
        state[module] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])
    assert not cycles, cycles[:3]


def test_ingest_imports_only_itself_and_the_shared_records():
    for module, targets in GRAPH.items():
        if module.split(".")[0] == "ingest":
            later = {t for t in targets if t.split(".")[0] == "clausetrace" and t not in SHARED}
            assert not later, f"{module} imports later stages {later}"


def test_later_stages_use_only_the_public_ingest_api():
    for module, targets in GRAPH.items():
        if module.split(".")[0] != "ingest":
            internal = {t for t in targets if t.split(".")[0] == "ingest" and t not in INGEST_PUBLIC}
            assert not internal, f"{module} reaches into {internal}"


def test_stages_import_only_earlier_stages():
    for module, targets in GRAPH.items():
        own = stage_of(module)
        if own is None:
            continue
        later = {t for t in targets if (stage_of(t) or -1) > own}
        assert not later, f"{module} (stage {STAGES[own]}) imports later stages {later}"


def test_core_modules_stay_small():
    long = {m: n for m, p in project_modules().items() if (n := len(p.read_text().splitlines())) > 410}
    assert not long, long
