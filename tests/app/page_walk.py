"""Walk a procedure through the wizard page in AppTest, with the same answers a headless Walk is given.

PageWalk has Walk's interface (`answer`, `step`, `view`, `outcome`, `path`), so the helpers that walk a
procedure's branches headlessly (tests/procedures/test_p*.py) can walk the same path through the page:
each answer is typed into the widget the page draws for that field, the checklist boxes are ticked, and
Continue (then Confirm and save, when the page asks) is clicked. What is asserted afterwards is read
back through the services, so the page is shown to record exactly what the headless walk records.
"""

from __future__ import annotations

from typing import Any

from streamlit.testing.v1 import AppTest

from services import run_context, run_outcomes, run_start
from services.actor import Actor
from services.run_views import RunView
from tests.app.answering import answer_step
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
        shown = self.at.get("progress")[0].proto.text  # "Step 2 of about 5: **<step title>**"
        assert view.step.title in shown, f"the page does not show the step {view.step.title!r}"
        self.pages_seen.append(view.step.id)
        answer_step(self.at, self.actor, self.run_id, **answers)
        if confirm and self.view.awaiting_confirmation:
            self.confirm()
        return self.view

    def carry_on_as(self, actor: Actor) -> RunView:
        """Another caseworker carries the run on (a hand-over's receiver), on their own wizard page."""
        self.actor = actor
        self.at = open_wizard(actor, self.run_id)
        return self.view

    def confirm(self) -> RunView:
        assert "Check your answers before saving" in texts(self.at)
        button(self.at, "Confirm and save").click().run()
        assert not self.at.exception, self.at.exception
        return self.view

    def checked(self, **answers: Any) -> RunView:
        """Fill and submit the step shown and stop on its check your answers, which it must show: nothing saved."""
        self.answer(confirm=False, **answers)
        assert self.at.title[0].value == "Check your answers before saving", f"{self.step} saved without checking"
        return self.view

    def back_from_check(self) -> RunView:
        """Back on check your answers: the step being checked again, at its last page, nothing recorded."""
        assert self.at.title[0].value == "Check your answers before saving"
        button(self.at, "Back").click().run()
        assert not self.at.exception, self.at.exception
        return self.view

    def outcome(self) -> run_outcomes.RunOutcome:
        return run_outcomes.run_outcome(self.actor, self.run_id)

    def path(self) -> list[str]:
        return [state for state, _title in self.view.history]
