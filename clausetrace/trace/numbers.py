"""Clause numbers as references write them: lists, ranges, licence names, conditions."""

from __future__ import annotations

import re

from clausetrace.trace.grammar import (
    CONTINUATION,
    ITEM,
    LICENCE_PREFIXES,
    MAX_RANGE,
    RANGE_GAP_RE,
    RANGE_PARTS_RE,
    SUB,
)


def expand_list(written: str, item: str = ITEM) -> list[str]:
    """'39.10 to 39.13' -> 39.10..39.13; '39A.5 (c) & (d)' -> 39A.5(c), 39A.5(d); in order."""
    items: list[str] = []
    prev_end = 0
    for m in re.finditer(item, written):
        gap, prev_end = written[prev_end : m.start()], m.end()
        first, *more = re.split(CONTINUATION, m.group())
        num, subs = _split_item(first)
        if RANGE_GAP_RE.fullmatch(gap) and items:
            items.extend(expand_range(items[-1], num + "".join(subs))[1:])
        else:
            items.append(num + "".join(subs))
        items.extend(num + "".join(_split_item(extra)[1]) for extra in more)
    return list(dict.fromkeys(items))


def _split_item(token: str) -> tuple[str, list[str]]:
    """'49. 19(a) (i)' -> ('49.19', ['(a)', '(i)'])."""
    subs = re.findall(SUB, token)
    num = re.sub(r"\s+", "", re.sub(SUB, "", token))
    return num, subs


def expand_range(low: str, high: str) -> list[str]:
    """'39.10', '39.13' -> every number between; 'F4.3', 'F4.4' -> both; else the two ends."""
    lo, hi = RANGE_PARTS_RE.match(low), RANGE_PARTS_RE.match(high)
    if lo and hi and lo["major"] == hi["major"]:
        a, b = int(lo["minor"]), int(hi["minor"])
        if a < b <= a + MAX_RANGE:
            return [f"{lo['major']}.{n}" for n in range(a, b + 1)]
    return [low, high]


def licence_prefix(name: str) -> str:
    """'Gas Supply Licence' -> 'GSL'; an unknown licence keeps its name."""
    name = " ".join(name.split())
    return LICENCE_PREFIXES.get(name, name)


def condition_of(number: str) -> str:
    """Condition (or top section) of a clause number: '39.15(a)' -> '39', '44A.3A' -> '44A'."""
    return re.split(r"[.(]", number, maxsplit=1)[0]


def top_level(number: str) -> str:
    """Numbered clause a sub-clause belongs to: '39.15(c)(i)' -> '39.15'."""
    return number.split("(", 1)[0].strip()
