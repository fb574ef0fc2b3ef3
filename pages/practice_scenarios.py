"""Practice scenarios for policy staff: a form (the case's facts, and each step of the expected path chosen from
the procedure's steps with its answers), checked at each input and against the procedure before it is saved."""

from functools import partial

import streamlit as st

import ui
from procedures import registry
from services import practice_scenario_form as forms
from services import practice_scenarios
from services.errors import ValidationFailed
from ui.scenario_form import error_at, value_input

actor = ui.actor("policy", page="practice_scenarios")
st.title("Practice scenarios")
st.write(
    "A scenario is a fictional case and the path the published procedure expects through it: each step with the "
    "answers expected there and what the caseworker learns at that point. Saving checks every value, then walks "
    "the path on the procedure; a path the procedure does not take is refused at the step where it breaks."
)
scenarios = ui.attempt(partial(practice_scenarios.scenarios_for_editing, actor)) or {}
NEW = ""
chosen = st.selectbox(
    "Start from", [NEW, *scenarios], format_func=lambda k: f"{k}: {scenarios[k]['title']}" if k else "A new scenario"
)
if chosen:
    base = scenarios[chosen]
else:
    titles = {p.id: f"{p.id} {p.title}" for p in registry.latest()}
    procedure_id = st.selectbox("Procedure", list(titles), format_func=titles.__getitem__)
    base = {"procedure": procedure_id, "walk": []}
FORM, ERRORS = f"sform:{chosen or base['procedure']}", f"serrors:{chosen or base['procedure']}"
form = st.session_state.setdefault(FORM, forms.form_from_scenario(base))
errors: dict[str, str] = st.session_state.get(ERRORS, {})
if errors:
    ui.error_summary(errors)


def field(name: str, label: str, *, long: bool = False) -> str:
    draw = st.text_area if long else st.text_input
    value = draw(label, form[name], key=f"{FORM}:{name}")
    error_at(errors.get(name))
    return str(value)


filled = {"procedure": form["procedure"], "allocated_sr": form["allocated_sr"], "editing": form.get("editing", "")}
filled |= {"key": field("key", "Reference"), "title": field("title", "Title (what happens, in plain words)")}
filled["summary"] = field("summary", "The case in a few sentences", long=True)
st.header("The fictional case")
left, right = st.columns(2)
facts = {}
for number, f in enumerate(forms.FACTS):
    with left if number % 2 == 0 else right:
        key = f"{FORM}:fact:{f.name}"
        facts[f.name] = value_input(f, form["facts"].get(f.name), key=key, error=errors.get(f"facts.{f.name}"))
filled["facts"] = facts
for name, label in forms.TABLE_LABELS.items():
    columns = [c.name for c in forms.TABLES[name]]
    # The table's name above it, and as its accessible name: a screen reader and the eye meet the name first (QA:
    # it was a caption under the table, which had no name of its own).
    st.subheader(label, anchor=False)
    rows = st.data_editor(
        [{c: row.get(c) for c in columns} for row in form[name]] or [dict.fromkeys(columns)],
        num_rows="dynamic",
        key=f"{FORM}:{name}",
        column_config={c.name: c.label for c in forms.TABLES[name]},
        placeholder="",
        alt=label,
    )
    error_at(errors.get(f"facts.{name}"))
    filled[name] = [r for r in rows if any(v not in (None, "") for v in r.values())]
st.header("The expected path")
error_at(errors.get("walk"))
steps = {s.id: s for s in forms.form_steps(form["procedure"])}
walk = []
for index, row in enumerate(form["walk"]):
    with st.container(border=True):
        st.subheader(f"Step {index + 1} of the path")
        prefix = f"{FORM}:walk:{index}"
        options = ["", *steps]
        step_id = st.selectbox(
            "Step",
            options,
            index=options.index(row["step"]) if row["step"] in options else 0,
            format_func=lambda s: steps[s].title if s else "Choose a step",
            key=f"{prefix}:step",
        )
        error_at(errors.get(f"walk.{index}.step"))
        event = st.text_area("What the caseworker learns here", row["event"], key=f"{prefix}:event", height=80)
        days = st.number_input("Days that pass first", 0, 365, row["days_later"], key=f"{prefix}:days")
        working = st.checkbox(
            "Then wait for the next working day", row["working_day"], key=f"{prefix}:working", wrap=True
        )
        answers = {}
        for f in steps[step_id].fields if step_id else ():
            got = row["answers"].get(f.name)
            error = errors.get(f"walk.{index}.{f.name}")
            answers[f.name] = value_input(f, got, key=f"{prefix}:{f.name}", error=error)
        walk.append({"step": step_id, "event": event, "days_later": days, "working_day": working})
        walk[-1] |= {"answers": answers, "kept": row.get("kept", {}) if step_id == row["step"] else {}}
filled["walk"] = walk
add, remove, save = st.columns(3)
if add.button("Add a step"):
    form["walk"] = [*walk, {"step": "", "event": "", "days_later": 0, "working_day": False, "answers": {}}]
    st.rerun()
if remove.button("Remove the last step", disabled=not walk):
    form["walk"] = walk[:-1]
    st.rerun()
if save.button("Check and save", type="primary"):
    form.update(filled)
    try:
        saved = forms.save_scenario_form(actor, filled)
    except ValidationFailed as exc:
        st.session_state[ERRORS] = exc.errors
    else:
        st.session_state[ERRORS] = {}
        st.session_state["scenario_saved"] = f"Saved '{saved.title}'. Caseworkers practising it now see this version."
    st.rerun()
if message := st.session_state.pop("scenario_saved", None):
    st.success(message)
