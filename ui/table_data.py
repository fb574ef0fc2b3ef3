"""Rows for st.dataframe and charts as an Arrow table, not a list of dicts; and the columns that show moments.

Why: Streamlit turns a list of dicts into a pandas DataFrame and then into Arrow, on every rerun; an Arrow
table it sends as it is. Measured for the Outstanding SRs page's 50-row table: 23.5 ms against 3.6 ms a table
at load average 11 on 2 cores (about 6x), and the page draws five tables and a chart on every click. The
columns and values are the same (text, whole numbers, true/false, moments), so what the browser draws is the same.

Moments go to the grid as timestamps, never as formatted text: the grid sorts a column by its values, and
text sorted "10 December" before "3 December" (QA). The column's format shows them the UK way, in UK time.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import streamlit as st

from domain.clock import UK

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

_MOMENT = pa.timestamp("us", tz="UTC")

# Said beside a table whose cells can be cut short (QA: the console's Types, SR detail's timeline): the grid's own way
# to read a cell whole, in place; its overlay wraps the text and stays on screen.
READ_IN_FULL = "A value cut short shows in full when you double-click its cell, or select the cell and press Enter."


def arrow_rows(rows: Sequence[Mapping[str, Any]], *, moments: Collection[str] = ()) -> pa.Table:
    """The rows as an Arrow table, columns in the order of the first row's keys (no rows: no columns).

    `moments` names the columns of aware datetimes: typed as timestamps even when every value is empty (a column
    of nothing but None would otherwise be typed null, and sort as nothing)."""
    table = pa.Table.from_pylist(list(rows))
    for name in moments:
        i = table.schema.get_field_index(name)
        if i >= 0:
            table = table.set_column(i, name, table.column(i).cast(_MOMENT))
    return table


def moment_column(label: str | None = None, **options: Any) -> Any:
    """A column of moments shown as "3 Dec 2026, 14:05" in UK time, sorted as moments."""
    return st.column_config.DatetimeColumn(label, format="D MMM YYYY, HH:mm", timezone=str(UK), **options)


def day_column(label: str | None = None, **options: Any) -> Any:
    """A column of moments shown as their UK day, "3 Dec 2026", sorted as moments."""
    return st.column_config.DatetimeColumn(label, format="D MMM YYYY", timezone=str(UK), **options)


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
