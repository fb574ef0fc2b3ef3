"""Input widgets for a step's fields, chosen by the field's kind; values go to the service unparsed."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, time
from typing import Any, Literal

import streamlit as st

from domain.clock import UK
from domain.files import MAX_PDF_BYTES
from services.run_views import FieldView
from ui.text import md
from ui.text_box import text_box


def _key(run_id: str, step: str, name: str) -> str:
    """`step` names the visit of the step (the wizard passes "step@number"), so a looped step starts blank."""
    return f"w:{run_id}:{step}:{name}"


def input_keys(run_id: str, step: str, f: FieldView) -> tuple[str, ...]:
    """The session keys of the widgets field_input draws for `f` (a date and time is two)."""
    key = _key(run_id, step, f.name)
    return (key + ":d", key + ":t") if f.kind == "datetime" else (key,)


def field_value(run_id: str, step: str, f: FieldView) -> Any:
    """What the caseworker has entered in a field drawn by field_input, read from the session (for callbacks)."""
    key = _key(run_id, step, f.name)
    raw = st.session_state.get(key)
    if f.kind == "yes_no":
        return None if raw is None else raw == "Yes"
    if f.kind == "date":
        return raw.isoformat() if isinstance(raw, date) else None
    if f.kind == "datetime":
        day, at = st.session_state.get(key + ":d"), st.session_state.get(key + ":t")
        return datetime.combine(day, at).isoformat() if isinstance(day, date) and at else None
    if f.kind == "pdf":
        return (raw.name, raw.getvalue()) if raw is not None else f.value
    if f.kind == "table":
        return st.session_state.get(key + ":rows", f.value or [])
    return raw


def with_kept(fields: Sequence[FieldView], kept: Mapping[str, Any]) -> list[FieldView]:
    """The fields with the answers given on the step's earlier pages (or before Back) as their values: a page
    drawn again shows what was entered, not what was saved."""
    return [replace(f, value=kept[f.name]) if f.name in kept else f for f in fields]


def field_input(
    run_id: str,
    step: str,
    f: FieldView,
    error: str | None,
    *,
    label_hidden: bool = False,
    on_change: Callable[[], None] | None = None,
) -> Any:
    """Draw one input; return what the caseworker entered (None when nothing). `label_hidden`: the page heading
    already asks this question, so the label is not drawn twice; it stays the input's accessible name, and the
    help is the caller's to show. `on_change` runs when the caseworker changes it, before the next page is drawn,
    whichever page that is (ui.question_flow keeps what was typed there)."""
    key = _key(run_id, step, f.name)
    label = f.label + ("" if f.required else " (optional)")
    help_text = None if label_hidden else (f.help or None)
    shown_label: Any = "collapsed" if label_hidden else "visible"
    if f.kind == "yes_no":  # no default: only an answer the caseworker saved is shown selected
        index = None if not isinstance(f.value, bool) else (0 if f.value else 1)
        choice = st.radio(
            label,
            ["Yes", "No"],
            index=index,
            key=key,
            horizontal=True,
            help=help_text,
            label_visibility=shown_label,
            on_change=on_change,
        )
        value: Any = None if choice is None else choice == "Yes"
    elif f.kind == "choice":
        index = f.options.index(f.value) if f.value in f.options else None
        value = st.radio(
            label, f.options, index=index, key=key, help=help_text, label_visibility=shown_label, on_change=on_change
        )
    elif f.kind == "multi_choice":
        value = st.multiselect(
            label,
            f.options,
            default=f.value or [],
            key=key,
            help=help_text,
            label_visibility=shown_label,
            on_change=on_change,
        )
    elif f.kind == "long_text":
        # A note pasted over the limit stays in the box; the step refuses it at the field (ui.text_box says why).
        value = text_box(
            label, f.value or "", key=key, help=help_text, label_visibility=shown_label, area=True, on_change=on_change
        )
    elif f.kind == "date":
        initial = date.fromisoformat(f.value) if f.value else None
        picked = st.date_input(
            label,
            value=initial,
            key=key,
            help=help_text,
            format="DD/MM/YYYY",
            label_visibility=shown_label,
            on_change=on_change,
        )
        value = picked.isoformat() if isinstance(picked, date) else None
    elif f.kind == "datetime":
        moment = datetime.fromisoformat(f.value) if f.value else None  # naive: kept from this page, UK time
        initial = moment.astimezone(UK) if moment and moment.tzinfo else moment
        left, right = st.columns(2)
        day = left.date_input(
            label, value=initial.date() if initial else None, key=key + ":d", format="DD/MM/YYYY", on_change=on_change
        )
        at = right.time_input(
            "Time (UK)", value=initial.time() if initial else time(10, 0), key=key + ":t", on_change=on_change
        )
        value = datetime.combine(day, at).isoformat() if isinstance(day, date) and at else None
    elif f.kind == "pdf":
        if isinstance(f.value, dict):
            st.caption(f"Uploaded: {md(f.value.get('file_name'))} (upload another to replace it)")
        elif isinstance(f.value, tuple):  # chosen on this step's page before, not saved yet
            st.caption(f"Chosen: {md(f.value[0])} (choose another to replace it)")
        uploaded = st.file_uploader(
            label,
            type=["pdf"],
            key=key,
            help=help_text,
            label_visibility=shown_label,
            # The uploader said "200MB per file" while the service refuses a PDF over 10 MB (domain.files): it now
            # says the real limit and refuses a larger file in the browser, before it is sent (QA, fifth session).
            max_upload_size=MAX_PDF_BYTES // (1024 * 1024),
        )
        value = (uploaded.name, uploaded.getvalue()) if uploaded is not None else f.value
    elif f.kind == "table":
        value = table_input(key, label, f)
    else:  # text, money, integer: typed text, checked by the service
        shown = "" if f.value is None else str(f.value)
        placeholder = "e.g. 1234.56" if f.kind == "money" else None
        value = text_box(
            label,
            shown,
            key=key,
            help=help_text,
            placeholder=placeholder,
            label_visibility=shown_label,
            on_change=on_change,
        )
    with st.empty():  # a fixed slot, drawn empty without an error: the fields below keep their place
        if error:
            st.markdown(f":red[**Error:** {error}]")
    return value


def _column_label(c: FieldView) -> str:
    return c.label + ("" if c.required else " (optional)")


def _column(c: FieldView, *, narrow_text: bool = False) -> Any:
    # Short values in narrow columns, so the grid fits the step's column and no column sits off to the right unseen
    # (QA: P3's "Debt fully discharged?" did); a heading cut short is read in full on hover (`help`). In a grid of
    # four columns or more, text after the first column is narrow too: a long cell shows whole when selected.
    label = _column_label(c)
    if c.kind == "date":
        return st.column_config.DateColumn(label, format="DD/MM/YYYY", width="small", help=label)
    if c.kind == "yes_no":
        return st.column_config.SelectboxColumn(label, options=["Yes", "No"], width="small", help=label)
    if c.kind == "choice":
        return st.column_config.SelectboxColumn(label, options=list(c.options), help=label)
    width: Literal["small"] | None = "small" if narrow_text or c.kind == "money" else None
    # No `max_chars`: the grid's cell editor cuts a longer paste to it without a word (QA, eighth session); the step
    # refuses a cell over its limit with its row and column (procedures.definition), as ui.text_box's boxes are.
    return st.column_config.TextColumn(label, width=width, help=label)


def _shown_cell(c: FieldView, value: Any) -> Any:
    if value is None:
        return None
    if c.kind == "date":
        return date.fromisoformat(value) if isinstance(value, str) else value
    if c.kind == "yes_no":
        return "Yes" if value else "No"
    return str(value)


def _entered_cell(c: FieldView, value: Any) -> Any:
    """A cell as the service expects it: ISO dates, booleans for yes/no, None for blanks (NaN/NaT)."""
    if value is None or (isinstance(value, float) and value != value) or str(value) in ("NaT", "nan", "None"):
        return None
    if c.kind == "date":
        return value.isoformat()[:10] if hasattr(value, "isoformat") else str(value)
    if c.kind == "yes_no":
        return value == "Yes"
    return value


def table_input(key: str, label: str, f: FieldView) -> list[dict[str, Any]]:
    """An editable table (rows can be added and deleted); its rows are kept for the step's buttons."""
    import pandas as pd  # here, not at the top: only a step with a table needs it (a slow first import)

    names = [c.name for c in f.columns]
    shown = pd.DataFrame(
        [{c.name: _shown_cell(c, row.get(c.name)) for c in f.columns} for row in (f.value or [])], columns=names
    )
    for c in f.columns:
        if c.kind == "date":
            shown[c.name] = pd.to_datetime(shown[c.name]).dt.date
        else:
            shown[c.name] = shown[c.name].astype("object")
    st.markdown(f"**{label}**")
    if f.help:
        st.caption(f.help)
    if len(f.columns) >= 4:  # narrow columns cut their headings ("Debt f"): name them in full, in order (QA)
        named = "; ".join(_column_label(c) for c in f.columns)
        st.caption(f"The columns, left to right (point at a heading to read it in full): {named}")
    edited = st.data_editor(
        shown,
        key=key,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={c.name: _column(c, narrow_text=i > 0 and len(f.columns) >= 4) for i, c in enumerate(f.columns)},
        placeholder="",
    )
    rows = [{c.name: _entered_cell(c, row.get(c.name)) for c in f.columns} for row in edited.to_dict("records")]
    st.session_state[key + ":rows"] = rows
    return rows
