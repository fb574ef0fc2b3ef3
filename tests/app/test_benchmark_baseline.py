"""The wizard benchmarks' bare page draws what the wizard draws at the step they time, element for element.

Why: the ratio to the bare page is only worth what that mirror is worth. Until 5 December 2026 the bare page drew
a potentially-violent warning the benchmark's case no longer had, and eight "done in CMS" elements the wizard had
stopped drawing, so every wizard ratio read low (benchmarks/_wizard_setup.py; README, Benchmarks). The two pages
are answered as the benchmarks answer them (the step's checklist and "No"), Continue is clicked on each, and the
main column of each is compared: kind of element and what it says, in order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

from benchmarks._wizard_setup import NEXT_STEP, p1_run_at_search_legacy, write_bare_page
from tests.app.helpers import app_as


def _drawn(node: Any, out: list[str], depth: int = 0) -> list[str]:
    """Each element under `node`, as its kind and its label or text, indented by its depth."""
    children = getattr(node, "children", None)
    if children:
        out.append("  " * depth + type(node).__name__)
        for child in children.values():
            _drawn(child, out, depth + 1)
    else:
        shown = getattr(node, "label", None) or getattr(node, "value", "")
        out.append("  " * depth + f"{type(node).__name__} {shown}")
    return out


def _answer_and_continue(page: AppTest) -> AppTest:
    for box in page.checkbox:
        if not str(box.key).startswith("cms:"):  # as the benchmarks do: the checklist, not the CMS lines
            box.check()
    page.radio[0].set_value("No")
    return next(b for b in page.button if b.label == "Continue").click().run()


def test_the_bare_page_draws_what_the_wizard_draws_at_the_timed_step(sqlite_demo_db, tmp_path: Path):
    actor, run_id = p1_run_at_search_legacy()
    wizard = app_as(actor).run()
    wizard.query_params["run"] = run_id
    wizard.switch_page("pages/wizard.py").run()
    bare = AppTest.from_file(str(write_bare_page(tmp_path / "bare.py", actor, run_id)), default_timeout=30).run()
    assert _drawn(wizard.main, []) == _drawn(bare.main, [])  # the step before: the same too

    _answer_and_continue(wizard)
    _answer_and_continue(bare)
    assert not wizard.exception
    assert not bare.exception
    assert [t.value for t in wizard.title] == [NEXT_STEP]
    drawn = _drawn(wizard.main, [])
    assert any(line.strip().startswith("Checkbox ") for line in drawn)  # the step's boxes and the CMS lines
    assert drawn == _drawn(bare.main, [])
