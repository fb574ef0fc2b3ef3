"""No table shows the word "None": every st.dataframe and st.data_editor in a page passes `placeholder`.

Streamlit writes "None" in a cell with no value unless told otherwise, which no caseworker should read (an SR
field not filled in, a count hidden on Insight). An empty cell is what a form on paper would show. Checked on the
source, so a table added later cannot forget it.
"""

import ast
from pathlib import Path

import pytest

from tests.unit.page_source import SOURCES, calls, keywords, source_id

TABLES = {"dataframe", "data_editor"}


def test_the_pages_have_tables_to_check():
    assert sum(len(calls(p, TABLES)) for p in SOURCES) >= 15


@pytest.mark.parametrize("path", SOURCES, ids=source_id)
def test_every_table_leaves_a_missing_value_empty(path: Path):
    for call in calls(path, TABLES):
        given = keywords(call)
        assert "placeholder" in given, f"{path.name}:{call.lineno}: st.dataframe without placeholder shows None"
        value = given["placeholder"]
        assert isinstance(value, ast.Constant), f"{path.name}:{call.lineno}"
        assert value.value == "", f"{path.name}:{call.lineno}"
