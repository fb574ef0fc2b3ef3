"""Ticks in a table of SRs, read against the rows the browser showed, never against a fresh read.

A tick in `st.dataframe` is a row position. The console reads its page afresh on every run, and another team
leader's reassignment can shift the rows between the tick and the press of Reassign. Read against the fresh page,
a tick on row 2 then named whatever SR had moved up into row 2, and that SR was reassigned without being chosen.
The rows as drawn are therefore kept with the table's widget key. When a fresh read draws different rows (another
page, other filters, a change made elsewhere, a reassignment just saved), the table gets a new key, so the
browser drops its ticks rather than leaving them on whichever SRs now sit in those positions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ShownRow:
    """One row as the team leader saw it: the SR's number, its id, and its version (for the stale check)."""

    number: str
    id: int
    version: int


@dataclass(frozen=True, slots=True)
class ShownTable:
    """A table as drawn: its widget key and its rows in the order shown."""

    key: str
    rows: tuple[ShownRow, ...]

    def ticked(self, widget_state: object) -> list[ShownRow]:
        """The rows ticked in this table, from its widget's state (`st.session_state[key]`, None when absent)."""
        return [self.rows[i] for i in _positions(widget_state) if 0 <= i < len(self.rows)]


def redrawn(before: ShownTable | None, rows: Sequence[ShownRow], prefix: str, *, clear: bool = False) -> ShownTable:
    """The table to draw now: the same key while it shows the same SRs in the same order (so ticks stay on them),
    a new key when the SRs or their order changed, or when `clear` asks (ticks then start empty)."""
    numbers = [r.number for r in rows]
    if before is not None and not clear and [r.number for r in before.rows] == numbers:
        return ShownTable(before.key, tuple(rows))
    generation = int(before.key.rsplit(":", 1)[1]) + 1 if before is not None else 0
    return ShownTable(f"{prefix}:{generation}", tuple(rows))


def _positions(value: object) -> list[int]:
    """The ticked row positions in a dataframe's selection state (an attribute dict, or a plain dict in tests)."""
    if value is None:
        return []
    selection = value.get("selection") if isinstance(value, Mapping) else getattr(value, "selection", None)
    if selection is None:
        return []
    rows = selection.get("rows") if isinstance(selection, Mapping) else getattr(selection, "rows", None)
    return [int(i) for i in rows or []]
