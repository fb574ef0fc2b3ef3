"""Which procedure works which SR: the console's "procedure" filter, its counts and the row's procedures.

The link is the procedures' own declaration (`Procedure.main_sr`: the catalogue entry of the SR a run records
its outcome on, checked against the SR catalogue when procedures/ is imported), never prose.

Decision ("By procedure", issue 15): an SR counts once, under the procedure that works SRs of its kind. Two
procedures work Magistrates Court SRs (P5c and P5d, told apart by the SR's reason), so those count once under
"P5c or P5d". SRs a procedure raises for other work (complaints, appeals, arrears reviews, the system's
Manual Handling SRs) are worked outside these procedures and count under `OTHER_WORK`. Filtering by a
procedure keeps the SRs of the kind it works.
"""

from __future__ import annotations

from functools import lru_cache

from domain import catalogue
from procedures import registry

Entry = tuple[str, str | None, str | None]
OTHER_WORK = "Other SR kinds"


@lru_cache(maxsize=1)
def procedure_entries() -> dict[str, tuple[Entry, ...]]:
    """Procedure id -> the catalogue entries of the SRs it works, in registry order."""
    return {p.id: (p.main_sr,) for p in registry.latest() if p.main_sr is not None}


@lru_cache(maxsize=1)
def procedure_names() -> dict[str, str]:
    """Procedure id -> its code and title, as Insight heads it ("P4 Manage Client Arrears ..."): the console's filter
    offered the codes alone, which a new team leader cannot read (QA, 7 December)."""
    return {p.id: f"{p.id} {p.title}" for p in registry.latest() if p.main_sr is not None}


@lru_cache(maxsize=1)
def _procedures_by_entry() -> dict[Entry, tuple[str, ...]]:
    found: dict[Entry, list[str]] = {}
    for pid, entries in procedure_entries().items():
        for key in entries:
            found.setdefault(key, []).append(pid)
    return {key: tuple(pids) for key, pids in found.items()}


def procedures_of(process: str, area: str | None, sub_area: str | None) -> tuple[str, ...]:
    """The procedures that work SRs of this catalogue entry (a dict look-up: it runs for every row shown)."""
    return _procedures_by_entry().get((process, area, sub_area), ())


def procedure_group(process: str, area: str | None, sub_area: str | None) -> str:
    """The one "By procedure" group an SR of this catalogue entry counts under."""
    return " or ".join(procedures_of(process, area, sub_area)) or OTHER_WORK


def catalogue_labels() -> list[str]:
    return [e.label for e in catalogue.CATALOGUE]
