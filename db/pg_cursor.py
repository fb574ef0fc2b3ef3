"""psycopg cursors whose `description` is built when it is read, not whenever it is asked for.

psycopg builds a Column object per column each time `cursor.description` is asked for (about 80 us for 70 columns
on the build machine). SQLAlchemy asks once per statement only to learn whether rows came back: a statement it has
run before keeps its result's columns from that first run, so the list it was handed is never read again. A
wizard step's statements on PostgreSQL came to about 100 columns a save (the run is read with its case, SR, user
and session), all built for nothing. The Columns are built from the result the description was taken of, so the
list is the same whenever it is read (tests/integration/test_pg_cursor.py compares the two).
"""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any, overload

import psycopg
from psycopg.pq import ExecStatus

_ROWS = (ExecStatus.TUPLES_OK, ExecStatus.SINGLE_TUPLE, ExecStatus.TUPLES_CHUNK)


class LazyDescription(Sequence[psycopg.Column]):
    """The columns of one result, made on first read; its length is known without them."""

    __slots__ = ("_source", "_count", "_columns")

    def __init__(self, cursor: psycopg.Cursor[Any], result: Any) -> None:
        # What psycopg's Column reads of a cursor, fixed to this result (the cursor may run another statement).
        self._source = SimpleNamespace(pgresult=result, _encoding=cursor._encoding, adapters=cursor.adapters)
        self._count: int = result.nfields
        self._columns: list[psycopg.Column] | None = None

    def _built(self) -> list[psycopg.Column]:
        if self._columns is None:
            self._columns = [psycopg.Column(self._source, i) for i in range(self._count)]  # type: ignore[arg-type]
        return self._columns

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> psycopg.Column: ...
    @overload
    def __getitem__(self, index: slice) -> list[psycopg.Column]: ...
    def __getitem__(self, index: int | slice) -> psycopg.Column | list[psycopg.Column]:
        return self._built()[index]


class LazyDescriptionCursor(psycopg.Cursor[Any]):
    """psycopg's Cursor, with `description` None exactly when psycopg's is, and otherwise built when read."""

    @property
    def description(self) -> LazyDescription | None:  # type: ignore[override]
        result = self.pgresult
        if result and (result.nfields or result.status in _ROWS):  # as psycopg decides it
            return LazyDescription(self, result)
        return None
