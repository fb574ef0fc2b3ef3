"""Rows for st.dataframe and charts as an Arrow table, not a list of dicts; and the columns that show moments.

Why: Streamlit turns a list of dicts into a pandas DataFrame and then into Arrow, on every rerun; an Arrow
table it sends as it is. Measured for the Outstanding SRs page's 50-row table: 23.5 ms against 3.6 ms a table
at load average 11 on 2 cores (about 6x), and the page draws five tables and a chart on every click. The
columns and values are the same (text, whole numbers, true/false, moments), so what the browser draws is the same.

Dates go to the grid as dates and moments, never as formatted text: text sorted "10 December" before "3 December"
(QA). Each cell of Streamlit's grid (1.67) has one string that is at once what its heading sort compares, what a copy
takes and what its accessible table beside the canvas holds for a screen reader: for a date cell, the column's
default ISO form whatever the format shown ("copyData" in the DataFrame bundle of streamlit/static). A moment sent
aware read "2026-12-02 09:00:00+00:00" there (QA). So a moment is sent as its UK wall-clock time and a day as its
UK date, and a moment's column steps by the minute: the string is "2026-12-02 09:00" or "2026-12-02", which sorts
as a date; `ui/a11y.py` then names each such read-only cell as the format shows it ("2 Dec 2026, 09:00").
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import streamlit as st

from domain.clock import uk_local

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

_MOMENT = pa.timestamp("us")  # UK wall-clock time: see the module's docstring
_DAY = pa.date32()
# The formats a date is shown in; ui/a11y.py names a cell in the same words.
DAY_FORMAT = "D MMM YYYY"
MOMENT_FORMAT = "D MMM YYYY, HH:mm"

# Said beside a table whose cells can be cut short (QA: the console's Types, SR detail's timeline): the grid's own way
# to read a cell whole, in place; its overlay wraps the text and stays on screen.
READ_IN_FULL = "A value cut short shows in full when you double-click its cell, or select the cell and press Enter."


def arrow_rows(
    rows: Sequence[Mapping[str, Any]], *, moments: Collection[str] = (), days: Collection[str] = ()
) -> pa.Table:
    """The rows as an Arrow table, columns in the order of the first row's keys (no rows: no columns).

    Every moment (an aware datetime) becomes its UK wall-clock time, and in the `days` columns its UK date: the grid's
    accessible table then reads "2026-12-02 09:00" or "2026-12-02", never a UTC offset (module docstring). `moments`
    and `days` also type a column whose every value is empty (typed null, it would sort as nothing)."""
    table = pa.Table.from_pylist([{k: _local(v, day=k in days) for k, v in row.items()} for row in rows])
    for names, kind in ((moments, _MOMENT), (days, _DAY)):
        for name in names:
            i = table.schema.get_field_index(name)
            if i >= 0:
                table = table.set_column(i, name, table.column(i).cast(kind))
    return table


def _local(value: Any, *, day: bool) -> Any:
    """A moment as UK wall-clock time (or its UK day); anything else as it is. A naive datetime is refused
    (domain.clock.as_utc): its zone cannot be known. Accepted: in the hour the clocks go back, a heading sort
    interleaves that hour's two runs of times (sorted by wall clock, as the accessible text must read)."""
    if not isinstance(value, datetime):
        return value
    local = uk_local(value)
    return local.date() if day else local.replace(tzinfo=None)


def moment_column(label: str | None = None, **options: Any) -> Any:
    """A column of moments (arrow_rows made them UK time) shown as "3 Dec 2026, 14:05" and sorted as moments. By the
    minute: its accessible text is then "2026-12-03 14:05", without seconds."""
    return st.column_config.DatetimeColumn(label, format=MOMENT_FORMAT, step=60, **options)


def day_column(label: str | None = None, **options: Any) -> Any:
    """A column of days (`arrow_rows(days=...)`) shown as "3 Dec 2026", sorted as days; accessible text "2026-12-03"."""
    return st.column_config.DateColumn(label, format=DAY_FORMAT, **options)


def table_or_sentence(rows: Sequence[Mapping[str, Any]] | pa.Table, empty: str, **options: Any) -> bool:
    """The rows as a table, or with none the sentence `empty` in its place: QA found empty grids under headings,
    a box of column names that says nothing. True when a table was drawn."""
    if not len(rows):
        st.caption(empty)
        return False
    st.dataframe(rows, hide_index=True, placeholder="", **options)
    return True


_NOWRAP = "white-space: nowrap"


def unbroken(rows: Sequence[Mapping[str, Any]], columns: Collection[str]) -> Styler:
    """Rows for st.table with the text of `columns` never broken across lines.

    An SR number broke at its hyphen ("1-" over "00000072") in the finish page's narrow column at 1366 px (QA). Not a
    non-breaking hyphen or a word joiner: the number is copied into CMS, and either character would go with it. A
    pandas Styler is how st.table takes CSS; Streamlit puts each cell's text in an element with a white-space of its
    own, so the rule is set on the cell and on everything in it (the table's id scopes it to this table).
    """
    import pandas as pd  # here, not at the top: a slow first import, and only pages with such a table need it

    frame = pd.DataFrame(list(rows))
    rules: list[dict[str, Any]] = []
    for name in columns:
        i = frame.columns.get_loc(name)
        rules += [{"selector": f"td.col{i}", "props": _NOWRAP}, {"selector": f"td.col{i} *", "props": _NOWRAP}]
    return frame.style.set_table_styles(rules)
