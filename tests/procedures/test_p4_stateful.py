"""P4 under any sequence of submits (valid and invalid answers, random money), confirms, backs and days passing.

Whatever the caseworker does, the run never skips a step or its checks, never writes off Secretary of
State arrears over £65.00, never closes the SR with an activity undone, and never lets the run and its SR
disagree. One SQLite demo database per test; every example starts a fresh run on a case whose facts
(balance, Secretary of State arrears, region, nationally sensitive) it draws first.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from db.models import Activity, Deadline, Letter, ProcedureRun, ServiceRequest
from procedures import p4_manage_client_arrears as p4
from procedures import registry
from procedures.definition import Field
from services import run_context, run_start, run_views, runs
from services.actor import Actor
from services.errors import DomainError, ValidationFailed
from services.transaction import transaction
from tests.procedures.p4_helpers import Clock, set_facts
from tests.procedures.walk import find_case

PROCEDURE = registry.get("P4")
PENNY = Decimal("0.01")
SOS_VALUES = [Decimal(v) for v in ("0.00", "64.99", "65.00", "65.01", "412.50")]
REACHED: set[str] = set()  # steps any example reached, to show the walks go deep
money = st.decimals(min_value=0, max_value=5000, places=2, allow_nan=False, allow_infinity=False)


def _raw_value(f: Field, data: st.DataObject, today: Any, near: list[Decimal], careless: bool) -> Any:
    """An answer for one field; money comes near the rules' boundaries half the time."""
    if careless and data.draw(st.booleans()):
        return data.draw(st.sampled_from(["", "not a value", "-1", "12.345", None]))
    if f.kind == "money":
        if near and data.draw(st.booleans()):
            return str(data.draw(st.sampled_from(near)))
        return str(data.draw(money))
    if f.kind == "date":
        return (today + timedelta(days=data.draw(st.integers(-2, 20)))).isoformat()
    if f.kind == "choice":
        return data.draw(st.sampled_from(f.options))
    if f.kind == "yes_no":
        return data.draw(st.booleans())
    return data.draw(st.sampled_from(["Explained the balance", "Report OR-7 to the CSA Team", "Nothing"]))


class P4Run(RuleBasedStateMachine):
    actor: Actor
    case_id: int
    clock: Clock

    def __init__(self) -> None:
        super().__init__()
        self.view: run_views.RunView | None = None

    @initialize(
        sos=st.sampled_from(SOS_VALUES) | money,
        owed_to_receiving_parent=money,
        region=st.sampled_from(["England", "Wales", "Scotland", "Northern Ireland"]),
        sensitive=st.booleans(),
    )
    def start(self, sos: Decimal, owed_to_receiving_parent: Decimal, region: str, sensitive: bool) -> None:
        self.sos, self.balance = sos, sos + owed_to_receiving_parent
        set_facts(
            self.case_id, sos_arrears=sos, arrears_balance=self.balance, region=region, nationally_sensitive=sensitive
        )
        self.view = run_start.start_run(self.actor, "P4", case_id=self.case_id)

    def _near(self) -> list[Decimal]:
        """Amounts on either side of every boundary the rules draw."""
        stable = Decimal(self._answers().get("stable_balance") or self.balance)
        points = {stable, self.sos, stable - self.sos, p4.SOS_WRITE_OFF_LIMIT, Decimal("0.00")}
        return sorted({p + d for p in points for d in (-PENNY, Decimal(0), PENNY) if p + d >= 0})

    def _answers(self) -> dict[str, Any]:
        assert self.view is not None
        with transaction() as session:
            run = session.get(ProcedureRun, self.view.run_id)
            assert run is not None
            return dict(run.answers)

    def _refused(self, call: Any) -> None:
        """Run a call that may be refused; a refusal changes nothing."""
        assert self.view is not None
        before = (self.view.version, self.view.step.id)
        try:
            self.view = call()
        except (ValidationFailed, DomainError):
            self.view = run_context.view_run(self.actor, self.view.run_id)
            assert (self.view.version, self.view.step.id) == before

    def _submit(self, data: st.DataObject, careless: bool) -> None:
        """Answer the current step; a careless caseworker also types nonsense and skips checks."""
        assert self.view is not None
        step = PROCEDURE.steps[self.view.step.id]
        near = self._near()
        answers: dict[str, Any] = {f.name: _raw_value(f, data, self.clock.today, near, careless) for f in step.fields}
        ticked = list(step.checklist)
        if careless and step.checklist and data.draw(st.booleans()):
            ticked = data.draw(st.lists(st.sampled_from(step.checklist), unique=True))
        answers["_checklist"] = ticked
        view = self.view
        self._refused(lambda: runs.submit_step(self.actor, view.run_id, answers, expected_version=view.version))

    @rule(data=st.data())
    def submit_carefully(self, data: st.DataObject) -> None:
        self._submit(data, careless=False)

    @rule(data=st.data())
    def submit_carelessly(self, data: st.DataObject) -> None:
        self._submit(data, careless=True)

    @rule(data=st.data())
    def submit_and_confirm(self, data: st.DataObject) -> None:
        self._submit(data, careless=False)
        self.confirm()

    @precondition(lambda self: self.view is not None and self.view.step.id in ("await_response", "write_off"))
    @rule(data=st.data())
    def ask_for_a_write_off_near_the_boundary(self, data: st.DataObject) -> None:
        """The write-off the rules guard most closely: amounts a penny either side of each limit."""
        assert self.view is not None
        if self.view.step.id == "await_response":
            answers: dict[str, Any] = {"response": p4.WRITE_OFF}
        else:
            answers = {
                "write_off_amount": str(data.draw(st.sampled_from(self._near()))),
                "write_off_letter_date": self.clock.today.isoformat(),
            }
        view = self.view
        self._refused(lambda: runs.submit_step(self.actor, view.run_id, answers, expected_version=view.version))
        self.confirm()

    @rule()
    def confirm(self) -> None:
        view = self.view
        assert view is not None
        self._refused(lambda: runs.confirm_step(self.actor, view.run_id, expected_version=view.version))

    @rule()
    def back(self) -> None:
        view = self.view
        assert view is not None
        self._refused(lambda: runs.go_back(self.actor, view.run_id, expected_version=view.version))

    @rule(days=st.integers(1, 40))
    def days_pass(self, days: int) -> None:
        self.clock.advance(days)

    def teardown(self) -> None:
        if self.view is not None:
            REACHED.update(s for s, _title in self.view.history)

    @invariant()
    def never_skips_a_step_or_its_checks(self) -> None:
        if self.view is None:
            return
        with transaction() as session:
            run = session.get(ProcedureRun, self.view.run_id)
            assert run is not None
            history, answers, checklists = list(run.history), dict(run.answers), dict(run.checklists)
        assert history[0] == PROCEDURE.initial
        assert history[-1] == self.view.step.id
        for index, (before, after) in enumerate(zip(history, history[1:], strict=False)):
            assert after in PROCEDURE.successors(before), f"{before} -> {after} is not a transition"
            if before in history[index + 1 :]:
                continue  # a loop came back to this step, which starts unanswered: its latest visit holds the answers
            step = PROCEDURE.steps[before]
            assert checklists.get(before) == list(step.checklist)
            for f in step.visible_fields(answers):
                assert not f.required or answers.get(f.name) is not None, f"{before}: {f.name} unanswered"

    @invariant()
    def the_run_and_its_sr_agree_and_nothing_closes_undone(self) -> None:
        if self.view is None:
            return
        with transaction() as session:
            run = session.get(ProcedureRun, self.view.run_id)
            assert run is not None
            if run.sr_id is None:
                assert run.status == "in_progress"
                return
            sr = session.get(ServiceRequest, run.sr_id)
            assert sr is not None
            assert (sr.status == "Closed") == (run.status == "finished") == (run.state == "done")
            undone = session.scalars(select(Activity.name).where(Activity.sr_id == sr.id, Activity.done.is_(False)))
            if sr.status == "Closed":
                assert sr.sub_status == "Complete"
                assert list(undone) == []
                codes = session.scalars(select(Letter.template_code).where(Letter.sr_id == sr.id)).all()
                closure = set(p4.CASE_CLOSURE.values())
                assert sorted(c for c in codes if c in closure) == sorted(closure)  # one to each parent
                still_open = session.scalars(select(Deadline).where(Deadline.sr_id == sr.id, Deadline.done.is_(False)))
                assert list(still_open) == []
            else:
                assert sr.status == "In Progress"

    @invariant()
    def secretary_of_state_arrears_over_65_pounds_are_never_written_off(self) -> None:
        if self.view is None:
            return
        with transaction() as session:
            run = session.get(ProcedureRun, self.view.run_id)
            assert run is not None
            if run.sr_id is None:
                return
            stable_balance = run.answers["stable_balance"]
            found = session.scalars(select(Letter).where(Letter.sr_id == run.sr_id)).all()
            letters = [(lt.template_code, dict(lt.context)) for lt in found]
        for code, context in letters:
            if code in p4.WRITE_OFF_CONFIRMATION.values():
                sos, written = Decimal(context["sos_arrears"]), Decimal(context["amount_written_off"])
                remaining = Decimal(context["amount_remaining"])
                stable = Decimal(stable_balance)
                assert Decimal("0.00") < written <= stable
                if sos > Decimal("65.00"):
                    assert written <= stable - sos
                assert remaining == stable - written
                everything = written == p4.max_write_off(stable, sos)  # all but SoS arrears over £65 that stay
                assert context["write_off"] == ("all" if everything else "part")
            if code in p4.CASE_CLOSURE.values():
                total = Decimal(context["amount_transitioned"]) + Decimal(context["amount_written_off"])
                assert total == Decimal(stable_balance)
                if self.sos > Decimal("65.00"):
                    assert Decimal(context["amount_transitioned"]) >= self.sos
                assert Decimal(context["amount_written_off"]) >= 0


def test_no_sequence_of_actions_breaks_the_p4_rules(sqlite_demo_db, actor_for, monkeypatch):
    actor = actor_for("caseworker")
    clock = Clock()
    real_today = clock.today
    monkeypatch.setattr(run_context, "run_today", clock)

    class Run(P4Run):
        def __init__(self) -> None:
            super().__init__()
            clock.today = real_today

    Run.actor = actor
    Run.case_id = find_case(actor, csa_liability_ended=True, financial_transition_complete=False)
    Run.clock = clock
    run_state_machine_as_test(
        Run,
        settings=settings(
            max_examples=30,
            stateful_step_count=100,  # most P4 steps wait on check your answers: a walk needs more actions to end
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            derandomize=True,
        ),
    )
    assert {"write_off", "after_window", "record_outcome", "done"} <= REACHED, "the walks should reach deep steps"
