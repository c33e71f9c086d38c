"""JSON data of command results: the one conversion behind `--json` and every API body."""

from __future__ import annotations

from typing import Any


def plain(data: Any) -> Any:
    """JSON-ready data of pydantic models, lists and dicts of them, or plain values."""
    if hasattr(data, "model_dump"):
        return data.model_dump(mode="json")
    if isinstance(data, list | tuple):
        return [plain(x) for x in data]
    if isinstance(data, dict):
        return {k: plain(v) for k, v in data.items()}
    return data
