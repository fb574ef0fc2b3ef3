"""Pages stop through ui.stop, never st.stop: once a run asks Streamlit to stop, every message it sends afterwards
is dropped, so app.py's page title (sent when the page is over) never reached the tab. ui.stop sends it first
(ui/page_end.py; tests/browser/test_page_titles.py shows it in Chromium). Checked on the source, so a page added
later cannot stop without its title."""

import ast
from pathlib import Path

import pytest

from tests.unit.page_source import ROOT, SOURCES, calls, source_id

HELPER = ROOT / "ui" / "page_end.py"
OTHERS = [p for p in SOURCES if p != HELPER]


def _stops_of(path: Path, owner: str) -> list[int]:
    """The lines of `owner.stop(...)` calls in `path`."""
    return [
        call.lineno
        for call in calls(path, {"stop"})
        if isinstance(call.func, ast.Attribute)
        and isinstance(call.func.value, ast.Name)
        and call.func.value.id == owner
    ]


def test_the_pages_stop_through_the_helper_and_only_it_calls_st_stop():
    assert sum(len(_stops_of(p, "ui")) for p in OTHERS) >= 10  # the pages' early stops were found and read
    assert len(_stops_of(HELPER, "st")) == 1


@pytest.mark.parametrize("path", OTHERS, ids=source_id)
def test_no_page_calls_st_stop(path: Path):
    assert _stops_of(path, "st") == [], f"{path.name}: call ui.stop(), which sends the page's title first"
