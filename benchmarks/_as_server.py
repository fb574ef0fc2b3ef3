"""AppTest run the way the real server runs a page, for the benchmarks that time pages through AppTest.

Both matter to what is timed: without them AppTest recompiles every script on every rerun, and runs a page of
pages/ on its own in Streamlit's old folder mode, without app.py (no sign-in check, sidebar or navigation) and
with a page list built from the folder on each run, none of which a server does.
"""

from __future__ import annotations


def as_server() -> None:
    """Call once, before the first AppTest run of the process."""
    _share_script_cache()
    _server_pages_mode()


def _share_script_cache() -> None:
    """One ScriptCache for every AppTest run in this process, like the server's single runtime cache."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    app_test.ScriptCache = lambda: shared  # type: ignore[assignment,misc]
    local_script_runner.ScriptCache = lambda: shared  # type: ignore[assignment,misc]


def _server_pages_mode() -> None:
    """Keep Streamlit's process-wide "pages/ folder mode" flag as the server keeps it (off once st.navigation ran).

    AppTest sets `PagesManager.uses_pages_directory = None` on the name it imported before each run; given a
    subclass under that name, the assignment lands on the subclass and the flag Streamlit reads stays as is.
    """
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import app_test

    app_test.PagesManager = type("ServerPagesManager", (PagesManager,), {})  # type: ignore[misc]
