"""No tick box cuts its label short: every st.checkbox and st.toggle in a page passes `wrap=True`.

Inside a column Streamlit draws a checkbox's label on one line and cuts what does not fit with an ellipsis: the
wizard's "Enter in CMS now" lines ("Area: choose the Area your team uses to record a con…") and its suggestion
notes were cut in the side column, so the caseworker could not read what to key into CMS. Checked on the source,
so a tick box added later cannot forget it.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*ROOT.joinpath("pages").glob("*.py"), *ROOT.joinpath("ui").glob("*.py"), ROOT / "app.py"])


def _tick_boxes(path: Path) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path)))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"checkbox", "toggle"}
    ]


def test_the_pages_have_tick_boxes_to_check():
    assert sum(len(_tick_boxes(p)) for p in SOURCES) >= 6


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_tick_box_label_wraps(path: Path):
    for call in _tick_boxes(path):
        given = {k.arg: k.value for k in call.keywords}
        value = given.get("wrap")
        assert isinstance(value, ast.Constant), f"{path.name}:{call.lineno}: pass wrap=True"
        assert value.value is True, f"{path.name}:{call.lineno}: pass wrap=True"
