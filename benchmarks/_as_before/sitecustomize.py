"""Loaded by Python at start-up in the "as before 2 December 2026" app server of wizard_browser.py only (its
PYTHONPATH names this folder): the warm-up's gc.freeze() does nothing there, as before that day. With Streamlit's
collection after every run also on (a command-line option), that server collects as the app did then."""

import gc

gc.freeze = lambda: None
