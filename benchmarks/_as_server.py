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
    _wait_without_polling()


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


def _wait_without_polling() -> None:
    """Wait for a run's end by joining its script thread, as AppTest does right after anyway.

    AppTest waits by polling every millisecond (`time.sleep(0.001)` until the run says it stopped), so every
    timed run was rounded up to the next poll: the bare page's wall time came out about 0.9 ms over its CPU time
    (2 December). A server sends each element as it is drawn and waits for nothing of the kind.
    """
    from streamlit.testing.v1 import local_script_runner

    def require_widgets_deltas(runner: local_script_runner.LocalScriptRunner, timeout: float = 3) -> None:
        thread = runner._script_thread  # noqa: SLF001 - AppTest's own runner; it joins the same thread next
        if thread is not None:
            thread.join(timeout)
        if not runner.script_stopped():
            runner.request_stop()
            runner.join()
            raise RuntimeError(f"AppTest script run timed out after {timeout}(s)")

    local_script_runner.require_widgets_deltas = require_widgets_deltas  # type: ignore[assignment]
