"""Import the heavy libraries later pages need while the first visitor is still on the sign-in page.

A fresh server imported pandas and pyarrow at the first page that draws a table (Home, after signing in):
about 1 s on an idle machine, and 15 s measured at load average 10 on 2 cores, during which the user saw a
half-drawn Home page. The sign-in page draws no table, and a person takes seconds to type a password, so
the imports are done in a background thread started by the first script run and are ready by then.
A failed import here only loses the head start: the page that needs the module imports it as before.
"""

from __future__ import annotations

import gc
import importlib
import logging
import threading

# What the signed-in pages load on first use: tables (pandas, pyarrow: Streamlit imports them when it first
# draws one), the letters (docxtpl pulls in python-docx, lxml and jinja2) and the bank holidays' countries (the
# `holidays` package imports its 280 country modules at the first working-day sum: a caseworker's first
# Continue in a fresh server waited about 120 ms for them, measured on 4 December 2026).
MODULES = ("pyarrow", "pandas", "docxtpl", "holidays.countries")

_log = logging.getLogger(__name__)
_lock = threading.Lock()
_thread: threading.Thread | None = None


def start() -> threading.Thread:
    """Start the imports once per server process (every later call returns the same thread)."""
    global _thread
    with _lock:
        if _thread is None:
            _thread = threading.Thread(target=_import_all, name="casework-warm-up", daemon=True)
            _thread.start()
        return _thread


def _import_all() -> None:
    for name in MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # the page that needs it imports it itself, and reports its own failure
            _log.warning("warm-up import of %s failed", name, exc_info=True)
    # Everything loaded so far lives as long as the server: out of the garbage collector's sight from now on.
    # A full collection walked these ~180,000 objects each time, 80 to 180 ms with the interpreter lock held
    # (no session runs meanwhile); Python still runs one now and then (.streamlit/config.toml turns off
    # Streamlit's after every run). Frozen, a full collection looks only at what the sessions made since.
    gc.freeze()
