"""ui.table_data: the values a grid gets for dates. Streamlit's grid reads one string per cell for its heading sort and
for the accessible table a screen reader reads (ui/table_data.py's docstring): these tests pin what makes that string
"2026-07-03 17:30" or "2026-07-03" in UK time, never "2026-07-03 16:30:00+00:00"."""

from datetime import UTC, date, datetime

import pyarrow as pa
import pytest
from streamlit.elements.lib.column_types import ColumnConfig

from ui.table_data import arrow_rows, day_column, moment_column

SUMMER = datetime(2026, 7, 3, 16, 30, 5, tzinfo=UTC)  # 17:30:05 in London (BST)
LATE = datetime(2026, 7, 3, 23, 30, tzinfo=UTC)  # already the 4th in London
WINTER = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # 09:00 in London (GMT)


def test_a_moment_goes_to_the_grid_as_its_uk_wall_clock_time():
    table = arrow_rows([{"SR": "1-1", "When": SUMMER}, {"SR": "1-2", "When": WINTER}], moments=("When",))
    assert table.schema.field("When").type == pa.timestamp("us")  # no zone: the grid adds no offset to its text
    assert table.column("When").to_pylist() == [datetime(2026, 7, 3, 17, 30, 5), datetime(2026, 12, 2, 9, 0)]
    assert table.column("SR").to_pylist() == ["1-1", "1-2"]  # everything else as it was


def test_a_moment_not_named_is_still_shown_in_uk_time():
    """A moment column a caller forgot to name would otherwise reach the grid aware, shown an hour out in summer."""
    assert arrow_rows([{"Sent": SUMMER}]).column("Sent").to_pylist() == [datetime(2026, 7, 3, 17, 30, 5)]


def test_a_day_is_the_uk_date_of_the_moment():
    table = arrow_rows([{"Next due": LATE}, {"Next due": None}, {"Next due": date(2026, 12, 3)}], days=("Next due",))
    assert table.schema.field("Next due").type == pa.date32()
    assert table.column("Next due").to_pylist() == [date(2026, 7, 4), None, date(2026, 12, 3)]


def test_an_empty_date_column_is_still_typed_so_it_sorts_as_dates():
    table = arrow_rows([{"Due": None, "Next due": None}], moments=("Due",), days=("Next due",))
    assert table.schema.field("Due").type == pa.timestamp("us")
    assert table.schema.field("Next due").type == pa.date32()


def test_a_naive_datetime_is_refused_since_its_zone_cannot_be_known():
    with pytest.raises(ValueError, match="naive"):
        arrow_rows([{"When": datetime(2026, 7, 3, 16, 30)}])


def _settings(column: ColumnConfig) -> dict:
    """The column's type settings as Streamlit sends them (None is left out)."""
    return {k: v for k, v in column["type_config"].items() if v is not None}  # type: ignore[typeddict-item]


def test_the_columns_show_uk_words_by_the_minute_and_add_no_zone():
    """By the minute, so the accessible text has no seconds; no zone, since the values are UK time already (a zone
    would move them a second time)."""
    assert _settings(moment_column(width=150)) == {"type": "datetime", "format": "D MMM YYYY, HH:mm", "step": 60}
    assert _settings(day_column()) == {"type": "date", "format": "D MMM YYYY"}
