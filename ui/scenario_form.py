"""The inputs of the policy staff's scenario form, one per kind of value, each with its error below it."""

from __future__ import annotations

from typing import Any

import streamlit as st

from services.practice_scenario_form import FormField

YES_NO = ("", "Yes", "No")


def error_at(error: str | None) -> None:
    """A fixed slot under an input for its error (empty when there is none), as the wizard draws them."""
    with st.empty():
        if error:
            st.markdown(f":red[**Error:** {error}]")


def value_input(f: FormField, value: Any, *, key: str, error: str | None) -> Any:
    """Draw one input for a scenario value typed as `f` is; return what it holds (text, or a list of options)."""
    label = f.label
    if f.kind == "yes_no":
        shown = value if value in YES_NO else ""
        got: Any = st.selectbox(label, YES_NO, index=YES_NO.index(shown), key=key, format_func=lambda o: o or "—")
    elif f.kind == "choice":
        options = ("", *f.options)
        shown = value if value in options else ""
        got = st.selectbox(label, options, index=options.index(shown), key=key, format_func=lambda o: o or "—")
    elif f.kind == "multi_choice":
        got = st.multiselect(label, f.options, default=[v for v in value or [] if v in f.options], key=key)
    elif f.kind == "long_text":
        got = st.text_area(label, value or "", key=key, height=80)
    else:
        hints = {
            "date": "today, today+7, today-2 or 2026-12-01: dates count from the day the caseworker practises",
            "datetime": "today+7 10:30, or 2026-12-01 10:30",
            "money": "An amount such as 65.01",
            "pdf": "A file name such as outcome.pdf: practice uploads a blank PDF of that name",
        }
        got = st.text_input(label, value or "", key=key, help=hints.get(f.kind) or f.hint or None)
    error_at(error)
    return got
