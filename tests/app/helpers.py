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


# The span ui.text.kept_whole puts around an SR number; only our own, unescaped (typed text's '<' is escaped).
_KEPT_WHOLE = re.compile(r'(?<!\\)<span style="white-space: nowrap">(.*?)</span>')


def as_read(markdown: str) -> str:
    """What a reader sees of escaped markdown (ui.text.md): the escapes, word joiners and the span that keeps an SR
    number whole (ui.text.kept_whole) are invisible."""
    unwrapped = _KEPT_WHOLE.sub(r"\1", markdown)
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", unwrapped).replace(WORD_JOINER, "")


def texts(at: AppTest) -> str:
    """Every piece of visible text on the page as a reader sees it (escapes undone), for assertions."""
    parts = [e.value for e in at.markdown] + [e.value for e in at.title] + [e.value for e in at.header]
    parts += [e.value for e in at.subheader] + [e.value for e in at.caption] + [e.value for e in at.error]
    parts += [e.value for e in at.warning] + [e.value for e in at.info] + [e.value for e in at.success]
    return as_read("\n".join(str(p) for p in parts))
