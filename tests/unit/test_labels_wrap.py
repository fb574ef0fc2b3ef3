"""No tick box cuts its label short: every st.checkbox and st.toggle in a page passes `wrap=True`.

Inside a column Streamlit draws a checkbox's label on one line and cuts what does not fit with an ellipsis: the
wizard's "Enter in CMS now" lines ("Area: choose the Area your team uses to record a con…") and its suggestion
notes were cut in the side column, so the caseworker could not read what to key into CMS. Checked on the source,
so a tick box added later cannot forget it.
"""

import ast
from pathlib import Path

import pytest

from tests.unit.page_source import SOURCES, calls, keywords, source_id

TICK_BOXES = {"checkbox", "toggle"}


def test_the_pages_have_tick_boxes_to_check():
    assert sum(len(calls(p, TICK_BOXES)) for p in SOURCES) >= 6


@pytest.mark.parametrize("path", SOURCES, ids=source_id)
def test_every_tick_box_label_wraps(path: Path):
    for call in calls(path, TICK_BOXES):
        value = keywords(call).get("wrap")
        assert isinstance(value, ast.Constant), f"{path.name}:{call.lineno}: pass wrap=True"
        assert value.value is True, f"{path.name}:{call.lineno}: pass wrap=True"
