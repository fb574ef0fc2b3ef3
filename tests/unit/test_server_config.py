"""The server settings in .streamlit/config.toml that the app's speed depends on, as Streamlit itself reads them."""

from __future__ import annotations

import ast
import subprocess
import sys

from tests.app.helpers import ROOT


def effective_option(name: str) -> str:
    """The option's value as `streamlit run` in the project folder sees it (a fresh process: Streamlit reads
    its config files once per process)."""
    code = f"from streamlit import config; print(config.get_option({name!r}))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)  # noqa: S603
    return result.stdout.strip()


def test_no_full_garbage_collection_after_every_script_run() -> None:
    """Streamlit's default collects all of the server's memory after every script run: about 150 ms holding the
    interpreter lock in our server (pandas, pyarrow and the letter libraries are loaded), during which no other
    session runs and the page being drawn waits for its last elements (benchmarks/wizard_browser.py)."""
    assert effective_option("runner.postScriptGC") == "False"


def test_no_other_site_may_drive_the_app_by_post_message() -> None:
    """Streamlit's default lets pages on its cloud's domains, framing the app, stop or rerun its scripts and hand
    it auth tokens by postMessage; the browser also matched every message the page posted to itself against those
    16 patterns (about 3 ms of script a wizard step, in Chromium's profiler)."""
    assert effective_option("client.allowedOrigins") == "[]"


def test_pages_are_compiled_without_magic_and_none_relies_on_it() -> None:
    """With Streamlit's "magic" a value alone on a line of a page is drawn; it is off (each page's source was
    parsed and its syntax tree rewritten before compiling, once per test in AppTest), so a page that left a value
    on a line to have it drawn would silently lose it. None does: every expression statement in app.py and
    pages/ is a call (st.*, a helper) or a docstring."""
    assert effective_option("runner.magicEnabled") == "False"
    found = []
    for path in [ROOT / "app.py", *sorted((ROOT / "pages").rglob("*.py"))]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0])
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Expr) and id(node) not in docstrings:
                if not isinstance(node.value, ast.Call | ast.Await | ast.Yield | ast.YieldFrom):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not found, f"a value alone on a line, drawn only by magic: {found}"
    assert len(list((ROOT / "pages").rglob("*.py"))) >= 10  # the pages were found
