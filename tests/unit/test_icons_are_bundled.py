"""Every icon a page draws is one of Streamlit's bundled Material icons, never an emoji.

An emoji is drawn from the computer's own fonts: a locked-down desktop or thin client without a colour emoji
font shows an empty box where a refusal's or a warning's icon should be (seen in Chromium here). The Material
icons come with the app (`/static/media/MaterialSymbols-*.woff2`, served to every browser: see serve.py).
The browser tab's icon (`page_icon`) is a picture, not text, and is left as it is.
"""

import ast
from pathlib import Path

import pytest

from tests.unit.page_source import SOURCES, calls, keywords, source_id


def _icons(path: Path) -> list[tuple[int, ast.expr]]:
    return [(call.lineno, given["icon"]) for call in calls(path) if "icon" in (given := keywords(call))]


def test_the_pages_have_icons_to_check():
    assert sum(len(_icons(p)) for p in SOURCES) >= 20


@pytest.mark.parametrize("path", SOURCES, ids=source_id)
def test_every_icon_is_a_bundled_material_icon(path: Path):
    for line, value in _icons(path):
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            assert value.value.startswith(":material/"), f"{path.name}:{line}: {value.value!r}"
