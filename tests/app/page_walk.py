"""Walk a procedure through the wizard page in AppTest, with the same answers a headless Walk is given.

PageWalk has Walk's interface (`answer`, `step`, `view`, `outcome`, `path`), so the helpers that walk a
procedure's branches headlessly (tests/procedures/test_p*.py) can walk the same path through the page:
each answer is typed into the widget the page draws for that field, the checklist boxes are ticked, and
Continue (then Confirm and save, when the page asks) is clicked. What is asserted afterwards is read
back through the services, so the page is shown to record exactly what the headless walk records.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from streamlit.testing.v1 import AppTest

from services import run_context, run_outcomes, run_start
from services.actor import Actor
from services.run_views import RunView
from tests.app.helpers import texts
from tests.app.test_wizard import button, open_wizard


class PageWalk:
    """Drive one run through pages/wizard.py; `answer(...)` fills and submits the step shown."""

    def __init__(self, actor: Actor, procedure_id: str, case_id: int, *, sr_id: int | None = None) -> None:
        self.actor = actor
        started = run_start.start_run(actor, procedure_id, case_id=case_id, sr_id=sr_id)
        self.run_id = started.run_id
        self.at: AppTest = open_wizard(actor, self.run_id)
        self.pages_seen: list[str] = []

    @property
    def view(self) -> RunView:
        return run_context.view_run(self.actor, self.run_id)

    @property
    def step(self) -> str:
        return self.view.step.id

    def answer(self, *, confirm: bool = True, **answers: Any) -> RunView:
        view = self.view
        assert not view.awaiting_confirmation, "the page is asking to confirm, not for answers"
        at = self.at
        assert view.step.title in texts(at), f"the page does not show the step {view.step.title!r}"
        self.pages_seen.append(view.step.id)
        visit = f"{view.step.id}@{view.step_number}"  # the wizard keys its widgets per visit of a step
        for item in view.step.checklist:
            at.checkbox(key=f"ck:{self.run_id}:{visit}:{item}").check()
        fields = {f.name: f for f in view.step.fields}
        for name, value in answers.items():
            if fields[name].kind == "table":  # the grid is drawn prefilled; AppTest cannot edit its cells
                assert value == fields[name].value, f"{name}: only the prefilled rows can be kept in AppTest"
                continue
            self._fill(visit, fields[name].kind, name, value)
            at.run()  # conditional fields appear once the answers they depend on are given
        button(at, "Continue").click().run()
        assert not at.exception, at.exception
        assert "There is a problem" not in texts(at), texts(at)
        if confirm and self.view.awaiting_confirmation:
            self.confirm()
        return self.view

    def confirm(self) -> RunView:
        assert "Check your answers before saving" in texts(self.at)
        button(self.at, "Confirm and save").click().run()
        assert not self.at.exception, self.at.exception
        return self.view

    def outcome(self) -> run_outcomes.RunOutcome:
        return run_outcomes.run_outcome(self.actor, self.run_id)

    def path(self) -> list[str]:
        return [state for state, _title in self.view.history]

    def _fill(self, step: str, kind: str, name: str, value: Any) -> None:
        at, key = self.at, f"w:{self.run_id}:{step}:{name}"
        if kind == "yes_no":
            at.radio(key=key).set_value("Yes" if value else "No")
        elif kind == "choice":
            at.radio(key=key).set_value(value)
        elif kind == "multi_choice":
            at.multiselect(key=key).set_value(list(value))
        elif kind == "long_text":
            at.text_area(key=key).input(value)
        elif kind == "date":
            at.date_input(key=key).set_value(date.fromisoformat(str(value)))
        elif kind == "datetime":
            moment = datetime.fromisoformat(str(value))
            at.date_input(key=key + ":d").set_value(moment.date())
            at.time_input(key=key + ":t").set_value(moment.time())
        elif kind in ("text", "money", "integer"):
            at.text_input(key=key).input(str(value))
        else:
            raise AssertionError(f"{name}: a {kind} field cannot be filled through AppTest here")
