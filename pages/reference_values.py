"""Reference values: policy staff see every CMS value with its source and where it is used; confirm, correct, add."""

import streamlit as st

import ui
from domain.reference import Kind
from services import reference
from services.errors import DomainError, ValidationFailed
from ui.table_data import READ_IN_FULL, arrow_rows
from ui.text import md
from ui.text_box import text_box

CSV_HELP = (
    "An administrator can save every value to a CSV file and load a corrected file back (the README's section on "
    "reference values says how). The file is for a computer to read: "
    "its **key** column is the short name Casework Guide keeps for each value, which this page never asks for. "
    "Leave the keys as they are; a row with a new key adds a value (letters, digits, dots, dashes or underscores, "
    "at most 80). Loading checks every row and loads all of them, or none if any is wrong."
)

actor = ui.actor("policy", "admin", page="reference_values")
st.title("Reference values")
st.write(
    "Every value Casework Guide tells caseworkers to key into CMS. **Published** values are quoted from the "
    "published procedures. **Not confirmed** values are only suggestions: the CMS panel says what to choose in "
    "words until you confirm the value your CMS shows, or correct it. Each change is recorded with your name; "
    "saved steps keep the values of their day."
)
if done := st.session_state.pop("ref_done", None):
    st.success(md(done))  # it repeats a value as typed: shown as text, never as markdown
entries = ui.attempt(lambda: reference.list_entries(actor)) or []
LABELS = {"published": "Published", "local": "Confirmed locally", "unconfirmed": "Not confirmed"}
st.session_state.setdefault("ref_show", list(LABELS.values()))  # Home may have set it: no default beside it
shown = st.multiselect("Show", list(LABELS.values()), key="ref_show")
rows = [e for e in entries if LABELS[e.source] in shown]
table = [
    {
        "Kind": e.kind,
        "Value": e.value,
        "Source": LABELS[e.source],
        "Where the value comes from": e.source_detail + (f" (note: {e.note})" if e.note else ""),
        "Where it is used": e.where_used,
    }
    for e in rows
]
# Widths that add up to the 904 px a 1366 px screen gives the page: no sideways scrolling for the last column.
# The quotes and the steps are cut at the end; the caption below says how to read one whole.
widths = {"Kind": 110, "Value": 150, "Source": 150, "Where the value comes from": 250, "Where it is used": 240}
# A column that says the same on every row shown (filtered to "Not confirmed", both said "a suggestion only" on each
# of 42 rows while "Where it is used" was cut: QA, seventh session) is said once above the grid, and its width goes
# to "Where it is used".
same = [c for c in ("Source", "Where the value comes from") if len(table) > 1 and len({row[c] for row in table}) == 1]
said = {column: table[0][column] for column in same}
for column in same:
    widths["Where it is used"] += widths.pop(column)
    for row in table:
        del row[column]
# How many the filter keeps: Home counts the values waiting, and a grid does not say how many rows it holds (QA).
count = f"Showing {len(rows)} of the {len(entries)} values."
detail, label = said.get("Where the value comes from"), said.get("Source")
if detail and label and detail.startswith(label):  # "Not confirmed: a suggestion only" says the source too
    count += f" Every one is {md(detail[0].lower() + detail[1:])}."
elif detail:
    count += f" Where every one comes from: {md(detail)}."
elif label:
    count += f" Every one is {label.lower()}."
st.caption(count)
st.dataframe(
    arrow_rows(table),
    hide_index=True,
    width="stretch",
    placeholder="",
    column_config={
        c: st.column_config.TextColumn(width=w, help=READ_IN_FULL if c.startswith("Where") else None)
        for c, w in widths.items()
    },
)
st.caption(READ_IN_FULL)

st.header("Confirm or correct a value")
editable = [e for e in entries if e.source != "published"]
chosen = st.selectbox(
    "Value",
    editable,
    format_func=lambda e: f"{e.kind}: {e.value} ({LABELS[e.source].lower()})",
    index=None,
    placeholder="Choose a value",
    key="ref_chosen",
)
if chosen is not None:
    if chosen.need and chosen.source != "local":  # once confirmed, the panel gives the value itself
        st.caption(f"The CMS panel says, until it is confirmed: {chosen.need}")
    st.caption(f"Used at: {chosen.where_used}")
    if chosen.note:  # kept with the value; it was shown only in the CSV file (QA, 7 December)
        st.caption(f"Note: {md(chosen.note)}")
    if chosen.source == "local":  # confirming again is allowed: it records who checked it, and when, most recently
        st.caption(f"{chosen.source_detail}. Confirming it again records that you checked it against CMS today.")
    confirm_summary = st.container()
    with st.form("ref_confirm"):
        note = text_box("Note (optional)", key="ref_note")
        note_error = st.empty()
        if st.form_submit_button(f"Confirm '{chosen.value}' is the value our CMS shows", type="primary"):
            try:
                reference.confirm(actor, chosen.key, note=note)
            except ValidationFailed as exc:
                ui.refusal_at_fields(exc.errors, confirm_summary, {"note": note_error})
            except DomainError as exc:
                st.error(exc.message)
            else:
                st.session_state["ref_done"] = f"Confirmed: {chosen.kind} = {chosen.value}"
                st.rerun()
    correct_summary = st.container()  # above the form, as Add's (QA: the summary was under the button, no field said)
    with st.form("ref_correct"):
        new_value = st.text_input("The value exactly as our CMS shows it", key="ref_new_value")
        new_value_error = st.empty()
        if st.form_submit_button("Save the corrected value"):
            try:
                reference.correct(actor, chosen.key, new_value)
            except ValidationFailed as exc:
                ui.refusal_at_fields(exc.errors, correct_summary, {"value": new_value_error})
            else:
                st.session_state["ref_done"] = f"Corrected: {chosen.kind} = {' '.join(new_value.split())}"
                st.rerun()

st.header("Add a value")
st.caption("For a value your CMS has that the list above does not: choose its list and type it as CMS shows it.")
summary = st.container()  # the problems above the form, where a screen reader's user lands (GOV.UK)
with st.form("ref_add"):
    kind = st.selectbox("CMS list it belongs to", [k.value for k in Kind], key="ref_add_kind")
    kind_error = st.empty()
    value = st.text_input("Value exactly as our CMS shows it", key="ref_add_value")
    value_error = st.empty()
    if st.form_submit_button("Add the value"):
        try:
            reference.add(actor, kind, value)
        except ValidationFailed as exc:
            ui.refusal_at_fields(exc.errors, summary, {"kind": kind_error, "value": value_error})
        else:
            st.session_state["ref_done"] = f"Added: {kind} = {' '.join(value.split())}"
            st.rerun()

with st.expander("The whole list as a CSV file"):
    st.markdown(CSV_HELP)
