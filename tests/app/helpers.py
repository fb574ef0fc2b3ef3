"""AppTest helpers: run the real entry script signed in as a demo user."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from ui.text import WORD_JOINER

ROOT = Path(__file__).resolve().parents[2]


def app_as(actor=None, *, timeout: float = 30) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    if actor is not None:
        at.session_state["actor"] = actor
    return at


def as_read(markdown: str) -> str:
    """What a reader sees of escaped markdown (ui.text.md): the escapes and word joiners are invisible."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace(WORD_JOINER, "")


def texts(at: AppTest) -> str:
    """Every piece of visible text on the page as a reader sees it (escapes undone), for assertions."""
    parts = [e.value for e in at.markdown] + [e.value for e in at.title] + [e.value for e in at.header]
    parts += [e.value for e in at.subheader] + [e.value for e in at.caption] + [e.value for e in at.error]
    parts += [e.value for e in at.warning] + [e.value for e in at.info] + [e.value for e in at.success]
    return as_read("\n".join(str(p) for p in parts))
