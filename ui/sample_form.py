"""The letter studio's sample values as a form: one widget per template field, typed like the field."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, time
from functools import partial
from typing import Any

import streamlit as st

from services.letter_samples import date_range
from services.letter_templates import FieldRow
from ui.text import md


def _date(raw: Any) -> date | None:
    try:
        return date.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None


def _time(raw: Any) -> time | None:
    try:
        return time.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None


def _choice_label(names: Mapping[str, str], value: str) -> str:
    return names.get(value, value)


def sample_form(
    fields: Sequence[FieldRow], start: Mapping[str, Any], *, key: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Draw a widget per field, started from the sample; return the values typed and a slot under each field.

    The slots let the caller show each field's problem right under it once every value is known.
    """
    values: dict[str, Any] = {}
    slots: dict[str, Any] = {}
    for f in fields:
        label = f.label_in_form
        k = f"{key}:{f.name}"
        raw = start.get(f.name)
        if f.kind == "date":
            earliest, latest = date_range()
            picked = st.date_input(
                label, value=_date(raw), key=k, format="DD/MM/YYYY", min_value=earliest, max_value=latest
            )
            values[f.name] = picked.isoformat() if isinstance(picked, date) else None
        elif f.kind == "time":
            chosen = st.time_input(label, value=_time(raw), key=k, step=300)
            values[f.name] = chosen.strftime("%H:%M") if chosen else None
        elif f.kind == "money":
            values[f.name] = st.text_input(f"{label}, £", value=str(raw or ""), key=k, help="For example 1234.56")
        elif f.kind == "bool":
            values[f.name] = st.checkbox(label, value=bool(raw), key=k, wrap=True)
        elif f.kind == "choice":
            options: list[str] = [value for value, _ in f.choices]
            names: dict[str, str] = dict(f.choices)
            values[f.name] = st.selectbox(
                label,
                options,
                index=options.index(raw) if raw in options else None,
                format_func=partial(_choice_label, names),
                key=k,
            )
        elif f.kind == "multiline":
            values[f.name] = st.text_area(label, value=str(raw or ""), key=k, height=100, help=f.needed_when or None)
        elif f.kind == "rows":
            rows = [{c: "" if v is None else str(v) for c, v in row.items()} for row in (raw or [])]
            # The table's name above it and as its accessible name (QA, 7 December: a caption under the table, and a
            # grid with no name of its own), as on Practice scenarios.
            st.markdown(f"**{md(label)}**")
            st.caption("One row each; dates as 2026-12-01, money as 1234.56. Add or delete rows as needed.")
            edited = st.data_editor(
                rows,
                num_rows="dynamic",
                key=k,
                hide_index=True,
                width="stretch",
                placeholder="",
                alt=label,
                column_config=dict(f.columns),  # each column headed by its label, never its name in the code
            )
            values[f.name] = [dict(r) for r in edited]
        else:
            values[f.name] = st.text_input(label, value=str(raw or ""), key=k)
        slots[f.name] = st.empty()
    return values, slots
