"""Which procedures work on which SR catalogue entries: the console's "procedure" filter and counts.

Decision: the procedures of an SR are the procedures the SR catalogue says use its Process / Area / Sub Area.
"""

from __future__ import annotations

import re
from functools import lru_cache

from domain import catalogue


@lru_cache(maxsize=1)
def procedure_entries() -> dict[str, tuple[tuple[str, str | None, str | None], ...]]:
    """Procedure id -> the catalogue entries (process, area, sub_area) it works on, from `used_by`."""
    found: dict[str, list[tuple[str, str | None, str | None]]] = {}
    for entry in catalogue.CATALOGUE:
        for pid in sorted(set(re.findall(r"\bP\d[a-e]?\b", entry.used_by))):
            found.setdefault(pid, []).append((entry.process, entry.area, entry.sub_area))
    return {pid: tuple(v) for pid, v in sorted(found.items())}


@lru_cache(maxsize=1)
def _procedures_by_entry() -> dict[tuple[str, str | None, str | None], tuple[str, ...]]:
    found: dict[tuple[str, str | None, str | None], list[str]] = {}
    for pid, entries in procedure_entries().items():
        for key in entries:
            found.setdefault(key, []).append(pid)
    return {key: tuple(pids) for key, pids in found.items()}


def procedures_of(process: str, area: str | None, sub_area: str | None) -> tuple[str, ...]:
    """The procedures that work on this catalogue entry (a dict look-up: it runs for every row shown)."""
    return _procedures_by_entry().get((process, area, sub_area), ())


def catalogue_labels() -> list[str]:
    return [e.label for e in catalogue.CATALOGUE]
