"""No table shows the word "None": every st.dataframe and st.data_editor in a page passes `placeholder`.

Streamlit writes "None" in a cell with no value unless told otherwise, which no caseworker should read (an SR
field not filled in, a count hidden on Insight). An empty cell is what a form on paper would show. Checked on the
source, so a table added later cannot forget it.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*ROOT.joinpath("pages").glob("*.py"), *ROOT.joinpath("ui").glob("*.py"), ROOT / "app.py"])


def _tables(path: Path) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path)))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"dataframe", "data_editor"}
    ]


def test_the_pages_have_tables_to_check():
    assert sum(len(_tables(p)) for p in SOURCES) >= 15


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_table_leaves_a_missing_value_empty(path: Path):
    for call in _tables(path):
        given = {k.arg: k.value for k in call.keywords}
        assert "placeholder" in given, f"{path.name}:{call.lineno}: st.dataframe without placeholder shows None"
        value = given["placeholder"]
        assert isinstance(value, ast.Constant), f"{path.name}:{call.lineno}"
        assert value.value == "", f"{path.name}:{call.lineno}"
