"""A small driver for walking procedures headlessly in tests, through the same API the wizard uses."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import select

from db.models import Case, ProcedureRun, ServiceRequest, Team
from procedures import registry
from services import run_context, run_outcomes, run_start, runs
from services.actor import Actor
from services.run_views import RunView
from services.transaction import transaction


def find_case(actor: Actor, **facts: Any) -> int:
    """The first demo case of the actor's team matching the given column values."""
    with transaction() as session:
        query = select(Case.id).where(Case.team_id == actor.team_id).order_by(Case.id)
        for name, value in facts.items():
            query = query.where(getattr(Case, name) == value)
        case_id = session.scalars(query).first()
        assert case_id is not None, f"no demo case in the team with {facts}"
        return case_id


def run_row(run_id: str) -> ProcedureRun:
    """The run's row as saved, detached: its columns to read after the session has closed."""
    with transaction() as session:
        run = session.get_one(ProcedureRun, run_id)
        session.expunge(run)
        return run


def team_named(name: str) -> int:
    """A demo team's id by its name."""
    with transaction() as session:
        return session.execute(select(Team.id).where(Team.name == name)).scalar_one()


def csa_case(actor: Actor, *, transition_complete: bool, sensitive: bool | None = None) -> int:
    """The first demo CSA-scheme case of the actor's team whose financial transition is complete, or not (and, when
    `sensitive` is given, sensitive or not)."""
    with transaction() as session:
        query = select(Case.id).where(
            Case.team_id == actor.team_id,
            Case.scheme != "CMS 2012",
            Case.financial_transition_complete.is_(transition_complete),
        )
        if sensitive is not None:
            query = query.where(Case.sensitive.is_(sensitive))
        case_id = session.scalars(query.order_by(Case.id)).first()
        assert case_id is not None, f"no CSA case with transition complete {transition_complete} in the team's demo"
        return case_id


def owned_complaint(owner: Actor) -> tuple[int, str, int]:
    """The first open demo complaint SR the caseworker owns on a case past financial transition, which P1 is begun
    from: (its id, its number, its case's id)."""
    with transaction() as session:
        complaint = session.scalars(
            select(ServiceRequest)
            .join(Case, Case.id == ServiceRequest.case_id)
            .where(
                ServiceRequest.owner_id == owner.user_id,
                ServiceRequest.area == "Complaints",
                ServiceRequest.status != "Closed",
                Case.financial_transition_complete.is_(True),
            )
            .order_by(ServiceRequest.id)
        ).first()
        assert complaint is not None, "no open complaint SR of theirs on a transitioned case in the demo"
        return complaint.id, complaint.number, complaint.case_id


def information_request_sr(actor: Actor) -> tuple[int, int]:
    """A new Information Request SR allocated to the caseworker on a case of theirs past transition, which P1 works on
    the SR: (SR, case)."""
    from services import records

    case_id = find_case(actor, financial_transition_complete=True)
    with transaction() as session:
        sr = records.create_sr(
            session,
            None,
            case=session.get_one(Case, case_id),
            process="Transition",
            area="CSA Information",
            sub_area="Information Request",
            owner_id=actor.user_id,
        )
        return sr.id, case_id


def csa_case_to_transition(actor: Actor) -> int:
    """The first demo case of the actor's team that P2 starts on: a CSA case whose financial transition is not
    complete (seed 001's "CSA case that is due to be transitioned")."""
    return csa_case(actor, transition_complete=False)


def team_case(actor: Actor, **facts: Any) -> Case:
    """`find_case` for a case that is not sensitive, as a detached row (its SCIN, names and markers)."""
    case_id = find_case(actor, sensitive=False, **facts)
    with transaction() as session:
        case = session.get_one(Case, case_id)
        session.expunge(case)
        return case


@contextmanager
def registered_up_to(procedure_id: str, version: str) -> Iterator[None]:
    """The registry as it was before `procedure_id`'s later versions were added: a run started inside starts on
    `version`, as one started before the change did. The later versions are back once it ends."""
    with pytest.MonkeyPatch.context() as patch:
        for pid, registered in list(registry.REGISTRY):
            if pid == procedure_id and int(registered) > int(version):
                patch.delitem(registry.REGISTRY, (pid, registered))
        yield


class Walk:
    """Drive one run: `answer(...)` submits the current step with its checklist ticked, confirming if asked.
    `version`: start it on that version of the procedure (a run started before a later one was added); `begun_from`:
    the SR it is begun from without working on it (P1 from a complaint or appeal SR)."""

    def __init__(
        self,
        actor: Actor,
        procedure_id: str,
        case_id: int,
        *,
        sr_id: int | None = None,
        version: str | None = None,
        begun_from: int | None = None,
    ) -> None:
        self.actor = actor
        start = {"case_id": case_id, "sr_id": sr_id, "begun_from": begun_from}
        if version is None:
            self.view: RunView = run_start.start_run(actor, procedure_id, **start)
        else:
            with registered_up_to(procedure_id, version):
                self.view = run_start.start_run(actor, procedure_id, **start)
            assert self.view.procedure_version == version, "that version is not registered"

    @property
    def step(self) -> str:
        return self.view.step.id

    def answer(self, *, confirm: bool = True, **answers: Any) -> RunView:
        payload = {**answers, "_checklist": list(self.view.step.checklist)}
        self.view = runs.submit_step(self.actor, self.view.run_id, payload, expected_version=self.view.version)
        if confirm and self.view.awaiting_confirmation:
            self.confirm()
        return self.view

    def confirm(self) -> RunView:
        self.view = runs.confirm_step(self.actor, self.view.run_id, expected_version=self.view.version)
        self._check_main_sr()
        return self.view

    def _check_main_sr(self) -> None:
        """The run's main SR is of the kind its procedure declares (`main_sr`: the console's procedure link)."""
        with transaction() as session:
            run = session.get_one(ProcedureRun, self.view.run_id)
            sr = session.get(ServiceRequest, run.sr_id) if run.sr_id else None
            if sr is not None:
                declared = registry.get(run.procedure_id, run.procedure_version).main_sr
                assert (sr.process, sr.area, sr.sub_area) == declared, run.procedure_id

    def carry_on_as(self, actor: Actor) -> RunView:
        """Another caseworker carries the run on (a hand-over's receiver), from where it is."""
        self.actor = actor
        self.view = run_context.view_run(actor, self.view.run_id)
        return self.view

    def back(self) -> RunView:
        self.view = runs.go_back(self.actor, self.view.run_id, expected_version=self.view.version)
        return self.view

    def back_from_check(self) -> RunView:
        """Back on "check your answers", as the wizard's Back there does: the step being checked again, unsaved."""
        assert self.view.awaiting_confirmation, "not on check your answers"
        self.view = runs.change_answer(self.actor, self.view.run_id, self.step, expected_version=self.view.version)
        return self.view

    def checked(self, **answers: Any) -> RunView:
        """Submit the step and stop on its "check your answers", which it must show: nothing saved yet."""
        self.answer(confirm=False, **answers)
        assert self.view.awaiting_confirmation, f"{self.step} saved without check your answers"
        return self.view

    def outcome(self) -> run_outcomes.RunOutcome:
        return run_outcomes.run_outcome(self.actor, self.view.run_id)

    def path(self) -> list[str]:
        return [state for state, _title in self.view.history]
