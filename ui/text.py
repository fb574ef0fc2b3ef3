"""Text people typed, shown as text: never as markdown, links, images or HTML.

Streamlit renders markdown almost everywhere (st.markdown, st.write of a string, captions, alerts, widget
labels), and a caseworker's answer or an admin-set display name holding `![x](http://...)` made the
browser fetch that address. Every place that shows user text passes it through `md` (inside markdown we
write ourselves) or `show` (on its own).
"""

from __future__ import annotations

import re
import string

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

# CommonMark lets any ASCII punctuation be escaped with a backslash: that stops links, images, emphasis,
# Streamlit's `:red[...]` directives, `$` maths and `<...>` HTML. GFM's bare-URL and e-mail autolinks are
# found in the text after escapes are undone, so a word joiner (U+2060, invisible, zero width) goes after
# every ':' and '@' and inside 'www.': `http://x` and `a@b.org` no longer match, and look the same.
_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
_AUTOLINK_MARKS = re.compile(r"([:@])|(?<=[wW]{3})(?=\.)")
WORD_JOINER = "\u2060"


def md(text: object) -> str:
    """`text` escaped for use inside markdown: shown exactly as typed, line breaks kept, no autolinks."""
    raw = str(text if text is not None else "")
    unlinked = _AUTOLINK_MARKS.sub(lambda m: (m.group(1) or "") + WORD_JOINER, raw)
    escaped = _PUNCTUATION.sub(r"\\\1", unlinked)
    return "  \n".join(escaped.splitlines())


def show(text: object, where: DeltaGenerator | None = None) -> None:
    """Show user text on its own line, as plain text in the page's font."""
    (where or st).markdown(md(text))
