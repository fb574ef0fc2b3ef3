"""P3 under any sequence of submits (valid and invalid answers), confirms, backs and Change links.

Whatever the caseworker does, the run only ever moves along transitions the machine defines (its
history is a path through the machine, one step at a time), no SR ever closes Complete with a
mandatory activity undone, and the run and its SR never disagree (the SR is Closed exactly when
the run is finished). Each example gets its own copy of the SQLite demo database, at one path.
"""

from __future__ import annotations

import os
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from sqlalchemy import select

from db.models import Case, ProcedureRun, ServiceRequest, User
from domain.clock import uk_local, utcnow
from procedures import registry
from procedures.definition import Field
from services import run_context, run_start, run_views, runs
from services.actor import Actor
from services.errors import DomainError, ValidationFailed
from services.transaction import transaction
from tests.conftest import remove_sqlite

P3 = registry.get("P3")
REACHED: set[str] = set()  # steps the examples reached, printed to judge how far they explore
WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", min_size=1, max_size=20).filter(str.strip)


def valid(f: Field) -> st.SearchStrategy[Any]:
    today = uk_local(utcnow()).date()
    if f.kind in ("text", "long_text"):
        return WORDS if f.required else st.one_of(st.none(), WORDS)
    if f.kind == "yes_no":
        return st.booleans()
    if f.kind == "choice":
        return st.sampled_from(f.options)
    if f.kind == "multi_choice":
        return st.lists(st.sampled_from(f.options), unique=True, min_size=1 if f.required else 0, max_size=3)
    if f.kind == "date":
        low = today - timedelta(days=f.past_days) if f.min_date == "today" else today.replace(year=2005)
        high = today if f.latest == "today" else today + timedelta(days=60)
        return st.dates(min_value=low, max_value=high).map(lambda d: d.isoformat())
    if f.kind == "money":
        return st.integers(min_value=1, max_value=9_999_999).map(lambda p: f"{p // 100}.{p % 100:02d}")
    if f.kind == "table":
        row = st.fixed_dictionaries({c.name: valid(c) for c in f.columns})
        return st.lists(row, min_size=1 if f.required else 0, max_size=3)
    raise AssertionError(f"no strategy for {f.kind}")


def invalid(f: Field) -> st.SearchStrategy[Any]:
    if f.kind == "table":
        bad_row = st.fixed_dictionaries({c.name: invalid(c) if c.required else valid(c) for c in f.columns})
        return st.one_of(st.just("not a table"), st.lists(bad_row, min_size=1, max_size=2))
    by_kind: dict[str, st.SearchStrategy[Any]] = {
        "yes_no": st.sampled_from(["maybe", None]),
        "choice": st.just("Not an option"),
        "multi_choice": st.just(["Not an option"]),
        "date": st.sampled_from(["31/02/2020", "1992-12-31", "tomorrow", None]),  # CSA dates start in 1993
        "money": st.sampled_from(["-5", "abc", "1.234", None]),
    }
    return by_kind.get(f.kind, st.sampled_from([None, "   "]))


class P3Runs(RuleBasedStateMachine):
    """One P3 run driven through the headless API with arbitrary actions."""

    template: Path
    home: Path  # the worker's database folder: one path for every example, a fresh copy each time, so the engine
    # kept for that URL and the SQL it compiled serve all of them (tests/conftest.py, sqlite_home)

    def __init__(self) -> None:
        super().__init__()
        self.path = self.home / "p3-stateful.sqlite3"
        self.url = f"sqlite:///{self.path}"
        remove_sqlite(self.path)
        shutil.copy(self.template, self.path)
        self.old_url = os.environ.get("DATABASE_URL")
        os.environ["DATABASE_URL"] = self.url
        with transaction() as session:
            user = session.scalar(select(User).where(User.username == "caseworker"))
            assert user is not None
            self.actor = Actor.of(user)
        self.view: run_views.RunView | None = None

    def teardown(self) -> None:
        remove_sqlite(self.path)
        if self.old_url is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = self.old_url

    # --- set-up ---------------------------------------------------------------------------------

    @initialize(
        from_manual_handling=st.booleans(),
        sensitive=st.booleans(),
        segment=st.sampled_from([2, 5]),
    )
    def start(self, from_manual_handling: bool, sensitive: bool, segment: int) -> None:
        with transaction() as session:
            manual = session.scalars(
                select(ServiceRequest).where(ServiceRequest.process == "Manual Handling", ServiceRequest.children.any())
            ).one()
            if from_manual_handling:
                case, sr_id = manual.case, manual.id
            else:
                case = session.scalars(
                    select(Case)
                    .where(
                        Case.team_id == self.actor.team_id,
                        Case.legacy_ongoing_enforcement,
                        Case.id != manual.case_id,
                    )
                    .order_by(Case.id)
                ).first()
                assert case is not None
                sr_id = None
            case.sensitive, case.segment = sensitive, segment
            case_id = case.id
        self.view = run_start.start_run(self.actor, "P3", case_id=case_id, sr_id=sr_id)

    # --- actions --------------------------------------------------------------------------------

    def _run(self) -> tuple[str, list[str], int, int]:
        assert self.view is not None
        with transaction() as session:
            run = session.get(ProcedureRun, self.view.run_id)
            assert run is not None
            return run.state, list(run.history), run.version, run.committed_steps

    def _refresh(self) -> None:
        assert self.view is not None
        self.view = run_context.view_run(self.actor, self.view.run_id)

    def _moved_one_step_at_most(self, before: list[str], after: list[str]) -> None:
        if after == before:
            return
        assert after[:-1] == before, f"history jumped from {before} to {after}"
        assert after[-1] in P3.successors(before[-1]), f"{before[-1]} -> {after[-1]} is not a transition of P3"

    @rule(data=st.data())
    def submit(self, data: st.DataObject) -> None:
        assert self.view is not None
        state, history, version, _ = self._run()
        step = P3.steps[state]
        answers: dict[str, Any] = {}
        for f in step.fields:
            good = data.draw(st.sampled_from([True, True, True, False]), label=f"{f.name} valid")
            if good and f.name == "liability_orders" and data.draw(st.booleans(), label="keep prefilled LOs"):
                answers[f.name] = next(v.value for v in self.view.step.fields if v.name == f.name)
            else:
                answers[f.name] = data.draw(valid(f) if good else invalid(f), label=f.name)
        all_ticked = data.draw(st.sampled_from([True, True, True, False]), label="checklist complete")
        ticked = list(step.checklist) if all_ticked else data.draw(st.lists(st.sampled_from(step.checklist or ("",))))
        answers["_checklist"] = ticked
        try:
            self.view = runs.submit_step(self.actor, self.view.run_id, answers, expected_version=self.view.version)
        except ValidationFailed:
            assert self._run()[:3] == (state, history, version), "a refused submission changed the run"
            self._refresh()
            return
        except DomainError:
            assert step.final, "only the finished step refuses a submission"
            self._refresh()
            return
        self._moved_one_step_at_most(history, self._run()[1])
        REACHED.add(self._run()[0])

    @rule()
    def confirm(self) -> None:
        assert self.view is not None
        state, history, version, _ = self._run()
        try:
            self.view = runs.confirm_step(self.actor, self.view.run_id, expected_version=self.view.version)
        except DomainError:
            assert not self.view.awaiting_confirmation
            assert self._run()[:3] == (state, history, version)
            return
        after = self._run()[1]
        assert after != history, "a confirmation must move the run on"
        self._moved_one_step_at_most(history, after)
        REACHED.add(after[-1])

    @rule()
    def back(self) -> None:
        assert self.view is not None
        state, history, version, committed = self._run()
        try:
            self.view = runs.go_back(self.actor, self.view.run_id, expected_version=self.view.version)
        except DomainError:
            assert len(history) - 1 <= committed or P3.steps[state].final
            assert self._run()[:3] == (state, history, version)
            return
        after = self._run()[1]
        assert after == history[:-1], "Back goes to the previous step only"
        assert len(after) > committed, "Back crossed a step whose effects are saved"

    @rule(data=st.data())
    def change(self, data: st.DataObject) -> None:
        assert self.view is not None
        state, history, version, committed = self._run()
        target = data.draw(st.sampled_from(history), label="change step")
        try:
            self.view = runs.change_answer(self.actor, self.view.run_id, target, expected_version=self.view.version)
        except DomainError:
            # Refused: a step saved on the SR, or any step of a finished run (nothing more is recorded on it)
            assert target not in history[committed:] or P3.steps[state].final
            assert self._run()[:3] == (state, history, version)
            return
        after = self._run()[1]
        assert after == history[: len(after)]
        assert after[-1] == target
        assert len(after) > committed

    # --- properties -----------------------------------------------------------------------------

    @invariant()
    def history_is_a_path_through_the_machine(self) -> None:
        if self.view is None:
            return
        state, history, _, committed = self._run()
        assert history[0] == P3.initial
        assert history[-1] == state
        for before, after in zip(history, history[1:], strict=False):
            assert after in P3.successors(before), f"{before} -> {after} is not a transition of P3"
        assert committed <= len(history) - 1

    @invariant()
    def run_and_sr_agree_and_no_sr_closes_with_work_undone(self) -> None:
        if self.view is None:
            return
        with transaction() as session:
            run = session.get(ProcedureRun, self.view.run_id)
            assert run is not None
            assert (run.status == "finished") == P3.steps[run.state].final
            if run.sr_id is not None:
                main = session.get(ServiceRequest, run.sr_id)
                assert main is not None
                assert (main.status == "Closed") == (run.status == "finished")
            if run.status == "finished":
                assert run.sr_id is not None, "a finished run always has its SR"
            for sr in session.scalars(select(ServiceRequest).where(ServiceRequest.case_id == run.case_id)):
                if sr.status == "Closed" and sr.sub_status == "Complete":
                    undone = [a.name for a in sr.activities if a.mandatory and not a.done]
                    assert not undone, f"SR {sr.number} closed Complete with {undone} undone"


def test_p3_never_skips_a_step_closes_with_work_undone_or_disagrees_with_its_sr(sqlite_templates, sqlite_home):
    machine = type("P3RunsOnDemo", (P3Runs,), {"template": sqlite_templates["demo"], "home": sqlite_home})
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=30,
            stateful_step_count=40,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
            database=None,
        ),
    )
    print("P3 steps reached:", sorted(REACHED))
