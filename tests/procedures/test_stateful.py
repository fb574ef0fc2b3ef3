"""Property-based walks of every registered procedure: any sequence of submits, confirms, backs and
Change links, with random (often invalid) answers, keeps the run honest.

Invariants after every action: the history is a path the machine defines (no step skipped), the
run's state is the end of that path, the run and its SR agree (SR Closed exactly when the run has
finished), and no SR the run touched is Closed/Complete with a mandatory activity undone.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import select

from db.models import Case, ProcedureRun, ServiceRequest, User
from procedures import registry
from procedures.definition import Field
from services import run_context, run_start, runs
from services.actor import Actor
from services.case_facts import case_facts
from services.errors import DomainError, ValidationFailed
from services.transaction import transaction
from tests.pdfs import a_pdf

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)


PRINTABLE = st.text(alphabet=st.characters(whitelist_categories=("L", "N", "P", "S", "Zs")), min_size=1, max_size=60)


def answer_for(f: Field, *, valid_only: bool = False) -> st.SearchStrategy[object]:
    """Valid answers for the field's kind, or (unless valid_only) sometimes junk the validators must refuse."""
    junk = st.one_of(st.none(), TEXT, st.just("{{ 7*7 }}"), st.just("<&'\">"))
    today = date.today()
    valid: dict[str, st.SearchStrategy[object]] = {
        "text": PRINTABLE.filter(str.strip) | st.just("Sam O'Brien <&>"),
        "long_text": PRINTABLE.filter(str.strip) | st.just("{{ 7*7 }} {% if x %}"),
        "yes_no": st.booleans(),
        "choice": st.sampled_from(f.options) if f.options else st.none(),
        "multi_choice": st.lists(st.sampled_from(f.options), unique=True) if f.options else st.just([]),
        "money": st.decimals(min_value=0, max_value=5000, places=2).map(str)
        | st.sampled_from(["65.00", "65.01", "64.99", "0.00"]),
        "integer": st.integers(min_value=0, max_value=5),
        "date": st.integers(min_value=0, max_value=90).map(lambda d: (today + timedelta(days=d)).isoformat()),
        "datetime": st.integers(min_value=1, max_value=90).map(lambda d: f"{today + timedelta(days=d)} 10:30"),
    }
    valid["pdf"] = st.just(("outcome.pdf", a_pdf()))
    if f.kind == "table":
        row = st.fixed_dictionaries({c.name: answer_for(c, valid_only=True) for c in f.columns})
        valid["table"] = st.lists(row, min_size=1 if f.required else 0, max_size=3)
    return valid[f.kind] if valid_only else st.one_of(valid[f.kind], junk)


@pytest.fixture(scope="module")
def stateful_db(sqlite_templates, tmp_path_factory):
    target = tmp_path_factory.mktemp("stateful") / "casework.sqlite3"
    shutil.copy(sqlite_templates["demo"], target)
    return f"sqlite:///{target}"


def _actor_and_case(procedure_id: str) -> tuple[Actor, int]:
    procedure = registry.get(procedure_id)
    with transaction() as session:
        for username in ("caseworker", "ssst.caseworker"):
            user = session.scalar(select(User).where(User.username == username))
            cases = session.scalars(select(Case).where(Case.team_id == user.team_id).order_by(Case.id)).all()
            for case in cases:
                if procedure.can_start(case_facts(case)) is None:
                    return Actor.of(user), case.id
    raise AssertionError(f"no demo case can start {procedure_id}")


def machine_for(procedure_id: str) -> type[RuleBasedStateMachine]:
    procedure = registry.get(procedure_id)

    class Walk(RuleBasedStateMachine):
        @initialize()
        def start(self) -> None:
            self.actor, case_id = _actor_and_case(procedure_id)
            self.view = run_start.start_run(self.actor, procedure_id, case_id=case_id)

        def _call(self, fn, *args) -> None:  # noqa: ANN001
            try:
                self.view = fn(self.actor, self.view.run_id, *args, expected_version=self.view.version)
            except (ValidationFailed, DomainError):
                self.view = run_context.view_run(self.actor, self.view.run_id)

        def _submit(self, data: st.DataObject, *, valid_only: bool) -> None:
            if self.view.status != "in_progress" or self.view.awaiting_confirmation:
                return
            step = procedure.steps[self.view.step.id]
            answers = {f.name: data.draw(answer_for(f, valid_only=valid_only), label=f.name) for f in step.fields}
            checklist = list(step.checklist)
            if not valid_only and checklist:
                checklist = data.draw(st.lists(st.sampled_from(step.checklist), unique=True), label="checklist")
            self._call(runs.submit_step, {**answers, "_checklist": checklist})

        @rule(data=st.data())
        def submit_valid(self, data: st.DataObject) -> None:
            self._submit(data, valid_only=True)

        @rule(data=st.data())
        def submit_anything(self, data: st.DataObject) -> None:
            self._submit(data, valid_only=False)

        @rule()
        def confirm(self) -> None:
            if self.view.awaiting_confirmation:
                self._call(runs.confirm_step)

        @rule()
        def back(self) -> None:
            self._call(runs.go_back)

        @rule(data=st.data())
        def change(self, data: st.DataObject) -> None:
            if self.view.summary:
                row = data.draw(st.sampled_from(self.view.summary))
                self._call(runs.change_answer, row.step_id)

        @invariant()
        def honest(self) -> None:
            if not hasattr(self, "view"):
                return
            with transaction() as session:
                run = session.get(ProcedureRun, self.view.run_id)
                assert run.history[0] == procedure.initial
                assert run.state == run.history[-1]
                for source, target in zip(run.history, run.history[1:], strict=False):
                    assert target in procedure.successors(source), f"skipped from {source} to {target}"
                for sr_id in run.sr_refs.values():
                    sr = session.get(ServiceRequest, sr_id)
                    if sr.status == "Closed" and sr.sub_status == "Complete":
                        assert all(a.done for a in sr.activities if a.mandatory), f"{sr.number} closed with work undone"
                if run.sr_id is not None:
                    main = session.get(ServiceRequest, run.sr_id)
                    assert (main.status == "Closed") == (run.status == "finished")

    Walk.__name__ = f"Walk{procedure_id}"
    return Walk


@pytest.mark.parametrize("procedure_id", sorted({pid for pid, _ in registry.REGISTRY}))
def test_no_sequence_of_actions_skips_a_step_or_leaves_the_run_and_sr_disagreeing(
    procedure_id, stateful_db, monkeypatch
):
    monkeypatch.setenv("DATABASE_URL", stateful_db)
    walk = machine_for(procedure_id)
    walk.TestCase.settings = settings(
        max_examples=40,
        stateful_step_count=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    walk.TestCase().runTest()
