"""Text people typed, shown as text: never as markdown, links, images or HTML.

Streamlit renders markdown almost everywhere (st.markdown, st.write of a string, captions, alerts, widget
labels), and a caseworker's answer or an admin-set display name holding `![x](http://...)` made the
browser fetch that address. Every place that shows user text passes it through `md` (inside markdown we
write ourselves) or `show` (on its own).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

# Escaped with a backslash (CommonMark lets any ASCII punctuation be), only where it would start markup, because
# each backslash is also in what a screen reader reads: Streamlit gives a widget's raw label as its accessible name
# ("Process \= Transition" was read out for a CMS line's tick box, QA 6 December 2026):
# - anywhere in a line: emphasis, code and strikethrough, links and images, HTML, entities, maths, tables, the escape;
# - ':' before a letter, which starts a directive (Streamlit's `:red[...]`, and `:name` on its own);
# - at a line's start: a heading, quote, list item or setext underline, and the '.' or ')' of "1." or "1)".
_ANYWHERE = re.compile(r"([\\`*_~\[\]<>&$|]|:(?=[A-Za-z]))")
_LINE_START = re.compile(r"^( {0,3})(?:([#>+=\-])|(\d{1,9})([.)]))")
# GFM's bare-URL and e-mail autolinks, and Streamlit's `:emoji:` and `:material/icon:` shortcodes, are found in the
# text after escapes are undone, so a word joiner (U+2060, invisible, zero width) breaks each of them: after the ':'
# of "scheme://" and of a shortcode, after the '@' of an address, inside "www.". Only there, because the joiner is
# copied with the text, and caseworkers copy the CMS lines into CMS (QA found one after every ':' and '@').
_AUTOLINK_MARKS = re.compile(r"(?<=:)(?=//|[\w+\-/]+:)|(?<=[\w.+\-]@)(?=[\w\-])|(?<=[wW]{3})(?=\.)")
WORD_JOINER = "\u2060"


def md(text: object) -> str:
    """`text` escaped for use inside markdown: shown exactly as typed, line breaks kept, no autolinks."""
    raw = str(text if text is not None else "")
    unlinked = _AUTOLINK_MARKS.sub(WORD_JOINER, raw)
    return "  \n".join(_escape_line(line) for line in unlinked.splitlines())


def _escape_line_start(line: str) -> str:
    """A heading, quote, list or setext marker at the line's start shown as the character it is."""
    return _LINE_START.sub(lambda m: m[1] + ("\\" + m[2] if m[2] else m[3] + "\\" + m[4]), line, count=1)


def _escape_line(line: str) -> str:
    # Leading blanks show as nothing in a paragraph, and four of them on the first line made the text a code block.
    escaped = _ANYWHERE.sub(r"\\\1", line.lstrip(" \t"))
    return _escape_line_start(escaped)


# A word GFM makes a link of (an address, "scheme://", "www.") or Streamlit an emoji or icon (":name:", ":material/"):
# none of them spans a blank, so the whole word between blanks is taken.
_TRIGGER = re.compile(r"[\w.+\-]@[\w\-]|://|www\.|:[\w+\-/]+:|:material/", re.IGNORECASE)
_LINKABLE = re.compile(rf"\S*(?:{_TRIGGER.pattern})\S*", re.IGNORECASE)
# Streamlit rewrites every ":material/" of a source to ":material_" before parsing it, code spans included.
_ICON_SLASH = re.compile(r"(?<=:material)/")


def exact(text: object) -> str:
    """`text` inside markdown, shown and copied as exactly its characters: a CMS line is copied into CMS, so nothing
    invisible is added (`md`'s word joiners would be). A word that would become a link, emoji or icon is a code
    span, which is copied as it is; the rest is escaped as `md` escapes it, line breaks kept."""
    raw = str(text if text is not None else "")
    return "  \n".join(_exact_line(line) for line in raw.splitlines())


def _exact_line(line: str) -> str:
    line, shown, start = line.strip(" \t"), [], 0
    for word in _LINKABLE.finditer(line):
        # the brackets and sentence marks around a word stay text when the word still makes a link without them
        lead = len(word[0]) - len(word[0].lstrip("(\"'"))
        core = word[0][lead:].rstrip(".,;!?)\"'")
        if not _TRIGGER.search(core):
            lead, core = 0, word[0]
        begin = word.start() + lead
        shown += [_ANYWHERE.sub(r"\\\1", line[start:begin]), _code(core)]
        start = begin + len(core)
    shown.append(_ANYWHERE.sub(r"\\\1", line[start:]))
    # a line starting with a code span has no heading or list marker to escape
    return _escape_line_start("".join(shown))


def _code(word: str) -> str:
    """A word as code spans, split at the '/' of ":material/" (an escaped '/' between them) so Streamlit keeps it."""
    return "\\/".join(literal(part) if part else "" for part in _ICON_SLASH.split(word))


def literal(text: object) -> str:
    """`text` as a code span inside markdown: every character shown and copied as it is, nothing added (no
    backslash, no joiner), for a value people copy whole, such as an email address."""
    raw = " ".join(str(text if text is not None else "").splitlines())
    fence = "`" * (max((len(run) for run in re.findall("`+", raw)), default=0) + 1)
    pad = " " if raw.startswith("`") or raw.endswith("`") else ""
    return f"{fence}{pad}{raw}{pad}{fence}"


# Around a word the browser must not break across lines (an SR number broke at its hyphen, "1-" over "00000072", QA).
_WHOLE = '<span style="white-space: nowrap">{}</span>'


def kept_whole(markdown: str, words: Iterable[str]) -> str:
    """`markdown` with each of `words` (SR numbers) in a span the browser never breaks across lines; for sentences,
    as `ui.table_data.unbroken` is for tables. Not a non-breaking hyphen or a word joiner: the number is copied into
    CMS, and either would go with it.

    Draw the result with `st.markdown(..., unsafe_allow_html=True)`, which lets raw HTML through the whole text: every
    piece of user or case text in `markdown` must already be escaped (`md`, `exact`, `literal`: they escape '<' and
    '&'). A word is looked for as `md` escapes it, standing alone (not part of a longer word), and shown escaped."""
    for word in {w for w in words if w}:
        markdown = re.sub(rf"(?<![\w\\]){re.escape(md(word))}(?!\w)", _in_whole_span, markdown)
    return markdown


def _in_whole_span(word: re.Match[str]) -> str:
    return _WHOLE.format(word[0])


def show(text: object, where: DeltaGenerator | None = None) -> None:
    """Show user text on its own line, as plain text in the page's font, copied as exactly its characters (`exact`:
    an address is a code span, with no word joiner after its '@' to go with it into an email or CMS; QA, 7 December,
    on check your answers)."""
    (where or st).markdown(exact(text))
