"""Practice scenarios for policy staff: edit one as data (JSON) or add one; it is checked against the procedure."""

import json
from functools import partial

import streamlit as st

import ui
from services import practice_scenarios
from services.errors import ValidationFailed

actor = ui.actor("policy", page="practice_scenarios")
st.title("Practice scenarios")
st.write(
    "A scenario is a fictional case's facts, the SR allocated (for procedures that work one) and the expected "
    "path: each step with the answers the procedure expects and what the caseworker learns there (`event`). "
    "Dates may be written `today+7` or `today+7 10:30`. Saving walks the path on the procedure; a path the "
    "procedure does not allow is refused with the step where it breaks."
)
scenarios = ui.attempt(partial(practice_scenarios.scenarios_for_editing, actor)) or {}
key = st.selectbox("Start from", ["(a new scenario)", *scenarios], index=0)
initial = scenarios.get(key, {"key": "", "procedure": "P5e", "title": "", "summary": "", "facts": {}, "walk": []})
text = st.text_area("Scenario (JSON)", json.dumps(initial, indent=1, ensure_ascii=False), height=500, key=f"sc:{key}")
if st.button("Check and save", type="primary"):
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        st.error(f"This is not valid JSON: {exc.msg} at line {exc.lineno}. Nothing was saved.")
    else:
        try:
            saved = practice_scenarios.save_scenario(actor, data if isinstance(data, dict) else {})
        except ValidationFailed as exc:
            ui.error_summary(exc.errors)
        else:
            st.success(f"Saved '{saved.title}'. Caseworkers practising {saved.procedure_id} now see it.")
