"""Every file and every dotted name docs/adding-a-procedure.md tells a newcomer to open exists, so a module moved
or renamed without the recipe following it fails here (the example's walk covers what the steps do)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RECIPE = (ROOT / "docs" / "adding-a-procedure.md").read_text()
QUOTED = re.findall(r"`([^`]+)`", RECIPE)
PLACEHOLDER = re.compile(r"<|pN")  # `procedures/pN_<what_it_does>.py`: the file to write
PATHS = sorted({q for q in QUOTED if re.fullmatch(r"[a-z_]+/[\w/]*(\.py)?/?", q) and not PLACEHOLDER.search(q)})
DOTTED = sorted({q for q in QUOTED if re.fullmatch(r"(services|letters|procedures|domain|db|casework)(\.\w+)+", q)})


def test_the_recipe_names_files_and_dotted_names_to_check():
    assert "services/run_effects.py" in PATHS
    assert "services.letters.add_due_letter" in DOTTED


@pytest.mark.parametrize("path", PATHS)
def test_each_file_the_recipe_names_exists(path):
    assert (ROOT / path).exists(), f"docs/adding-a-procedure.md names {path}, which does not exist"


@pytest.mark.parametrize("dotted", DOTTED)
def test_each_dotted_name_the_recipe_names_can_be_imported(dotted):
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):  # the longest importable module, then attributes below it
        try:
            found = importlib.import_module(".".join(parts[:split]))
        except ModuleNotFoundError:
            continue
        for name in parts[split:]:
            assert hasattr(found, name), f"docs/adding-a-procedure.md names {dotted}: {name} is not there"
            found = getattr(found, name)
        return
    pytest.fail(f"docs/adding-a-procedure.md names {dotted}, which no module holds")
