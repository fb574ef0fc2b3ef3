"""A text box that keeps whatever is pasted into it, however long: the service refuses text over its limit at the field.

Streamlit's box, given `max_chars`, ignores a change that would go over it, so a note pasted from a CSA system or an
email vanished whole, without a word, and the form then said "Enter ..." (QA, eighth session). Every box drawn with
this helper leaves `max_chars` out: the text stays in the box, and the service's check refuses it at the field with
the limit and its length ("Keep this to 200 characters or fewer (it has 260).", domain.values.too_long), so the
caseworker shortens what they pasted instead of typing it again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import streamlit as st

LabelVisibility = Literal["visible", "hidden", "collapsed"]


def text_box(
    label: str,
    value: str | None = "",
    *,
    key: str | None = None,
    help: str | None = None,
    placeholder: str | None = None,
    label_visibility: LabelVisibility = "visible",
    area: bool = False,
    on_change: Callable[[], None] | None = None,
) -> Any:
    """One line of text (or, with `area`, several), with no `max_chars`: see the module's docstring for why."""
    box = st.text_area if area else st.text_input
    return box(
        label,
        value=value,
        key=key,
        help=help,
        placeholder=placeholder,
        label_visibility=label_visibility,
        on_change=on_change,
    )
