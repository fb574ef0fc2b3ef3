"""A download generated when pressed never reruns the page: every st.download_button whose data is a callable
passes `on_click="ignore"`.

Why: Streamlit registers a generated download's callable under a new id on every run, and when a run ends it drops
the ids the page no longer shows. Pressed with the default `on_click="rerun"`, the button sends the rerun and the
request for the file together; the rerun registers a new id, and if it ends before the server has looked the
pressed id up (a server thread does, beside the rerun), the id is gone and no file comes: the outbox's "Download
.eml" lost its download this way in one full browser suite run (3 December 2026, a 30 s wait for a download that
never started). Reproduced with the server's lookup delayed by one second (a sitecustomize wrapping
`MediaFileManager.execute_deferred`): the pressed id was known when the request came and gone a second later, and
the browser test timed out every time; with "ignore" it passed. Nothing reruns, so the id stays until the
caseworker's next action. Checked on the source, so a download added later cannot forget it.
"""

import ast
from pathlib import Path

import pytest

from tests.unit.page_source import SOURCES, calls, keywords, source_id


def _makes_later(value: ast.expr | None) -> bool:
    """A partial(...) or a lambda: data made when the button is pressed."""
    if isinstance(value, ast.Lambda):
        return True
    return isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "partial"


def _generated(path: Path, call: ast.Call) -> bool:
    """The call's data (`data`, or second positionally) is made when pressed: written in the call, or a name the
    file binds to one (`csv_bytes = partial(...)`)."""
    data = keywords(call).get("data") or (call.args[1] if len(call.args) > 1 else None)
    if isinstance(data, ast.Name):
        tree = ast.parse(path.read_text(), filename=str(path))
        return any(
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == data.id for t in node.targets)
            and _makes_later(node.value)
            for node in ast.walk(tree)
        )
    return _makes_later(data)


def test_the_pages_have_generated_downloads_to_check():
    assert sum(1 for p in SOURCES for c in calls(p, {"download_button"}) if _generated(p, c)) >= 6


@pytest.mark.parametrize("path", SOURCES, ids=source_id)
def test_a_generated_download_does_not_rerun_the_page(path: Path):
    for call in calls(path, {"download_button"}):
        if not _generated(path, call):
            continue
        value = keywords(call).get("on_click")
        where = f'{path.name}:{call.lineno}: a download generated when pressed passes on_click="ignore"'
        assert isinstance(value, ast.Constant), where
        assert value.value == "ignore", where
