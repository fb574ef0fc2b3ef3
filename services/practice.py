"""Practice mode: rehearse a procedure on a fictional case, step by step, as in the real wizard (issue 18).

The run's row and scenarios: services/practice_store.py; the machine in memory: services/practice_sim.py; the
debrief: services/practice_debrief.py; the team's record: services/practice_record.py; policy staff's
scenarios: services/practice_scenarios.py.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from db.models import PracticeRun
from domain.clock import utcnow
from procedures import registry
from services import audit, practice_effects, question_pages, run_context
from services import reference as reference_values
from services.access import require_role
from services.actor import Actor
from services.errors import DomainError, GoneFromView, NotFound, ValidationFailed
from services.practice_debrief import compare
from services.practice_sim import Sim
from services.practice_store import (
    PRACTISING_ROLES,
    ScenarioInfo,
    all_scenarios,
    info,
    load_run,
    log_event,
    may_practise,
    sim_of,
    today,
)
from services.run_views import RunView, run_step
from services.transaction import expect_version, transaction

BANNER = "Practice: nothing here is real"


@dataclass(frozen=True, slots=True)
class PracticeView:
    practice_id: str
    reference: str
    scenario: ScenarioInfo
    run: RunView
    events: tuple[tuple[str, str], ...]  # (step title, what the caseworker learns there), up to this step
    finished: bool
    today: date  # the practice calendar's today (a scenario may let weeks pass)
    emails: tuple[tuple[str, str], ...] = ()  # (subject, to) a real run would have queued in the Outbox
    letters: tuple[tuple[int, str, str], ...] = ()  # (index, code, code and recipient): downloads marked PRACTICE
    files: tuple[str, ...] = ()  # what a real run would have stored with the SR (uploads, bundles), by name


def _view(row: PracticeRun, sim: Sim) -> PracticeView:
    sim.run.version = row.version  # the version this transaction commits (the caller has flushed)
    walk = row.scenario.get("walk", [])
    events = []
    for index, step in enumerate(sim.run.history):
        item = walk[index] if index < len(walk) else None
        if item and item.get("step") == step and item.get("event"):
            events.append((sim.procedure.steps[step].title, str(item["event"])))
    stored = [
        f"{item['name']} ({', '.join(item['documents'])})"
        for s in sim.sent
        for item in s["would"]
        if item["kind"] == "bundle"
    ]
    uploads = [v["file_name"] for v in sim.run.answers.values() if isinstance(v, dict) and "file_name" in v]
    return PracticeView(
        row.id,
        row.reference,
        info(row.scenario),
        sim.view(),
        tuple(events),
        sim.run.status == "finished",
        sim.now,
        emails=practice_effects.emails(sim.sent),
        letters=practice_effects.letters(sim.sent),
        files=tuple(uploads + stored),
    )


def _save(session: Session, actor: Actor, row: PracticeRun, sim: Sim, action: str, **after: Any) -> None:
    before_state = row.sim.get("state")
    row.sim = sim.dump()
    if sim.run.state != before_state:
        log_event(row, "at_step", step=sim.run.state)
    if sim.run.status == "finished" and row.status != "finished":
        row.status, row.finished_at = "finished", utcnow()
        row.passed = compare(row, sim).passed
        after["passed"] = row.passed
    audit.record(
        session,
        actor,
        action,
        entity_type="practice_run",
        entity_id=row.id,
        before={"state": before_state},
        after={"state": sim.run.state, "procedure": row.procedure_id, "scenario": row.scenario_key, **after},
    )


def start_practice(actor: Actor, scenario_key: str) -> PracticeView:
    """Start a practice run of the scenario's procedure on a fictional case made for this run."""
    with transaction() as session:
        require_role(session, actor, *PRACTISING_ROLES, action="practise procedures")
        scenario = all_scenarios(session).get(scenario_key)
        if scenario is None:
            raise NotFound("There is no such practice scenario. Choose one from the list.")
        procedure = registry.get(scenario["procedure"])
        if not may_practise(actor, procedure):
            raise DomainError(f"Your role cannot practise {procedure.title}.")
        reference_no = f"PRACTICE-{secrets.token_hex(3).upper()}"
        sim = Sim.start(
            procedure,
            scenario,
            reference_no=reference_no,
            team_id=actor.team_id,
            actor_name=actor.display_name,
            today=today(),
            reference=reference_values.current(session),
        )
        row = PracticeRun(
            user_id=actor.user_id,
            team_id=actor.team_id,
            procedure_id=procedure.id,
            procedure_version=procedure.version,
            scenario_key=scenario_key,
            scenario=scenario,
            reference=reference_no,
            status="in_progress",
            sim=sim.dump(),
            log=[{"at": utcnow().isoformat(), "event": "at_step", "step": sim.run.state}],
        )
        session.add(row)
        session.flush()
        sim.run.id = row.id
        audit.record(
            session,
            actor,
            "practice.started",
            entity_type="practice_run",
            entity_id=row.id,
            after={"procedure": procedure.id, "scenario": scenario_key, "reference": reference_no},
        )
        return _view(row, sim)


def view_practice(actor: Actor, practice_id: str) -> PracticeView:
    with transaction(read_only=True) as session:
        row = load_run(session, actor, practice_id)
        return _view(row, sim_of(session, actor, row))


def _act(
    actor: Actor, practice_id: str, expected_version: int, action: str, do: Callable[[Sim], None], **logged: Any
) -> PracticeView:
    """One practice action in one transaction; a refusal is logged for the debrief (and audited), then raised."""
    refused: ValidationFailed | DomainError | None = None
    with transaction() as session:
        row = load_run(session, actor, practice_id)
        expect_version(row, expected_version, what="This practice run")
        sim = sim_of(session, actor, row)
        step = sim.run.state
        try:
            do(sim)
        except DomainError as exc:  # ValidationFailed too: its errors are per field, any other is one problem
            refused = exc
            _log_refusal(
                session,
                actor,
                row,
                step,
                exc.errors if isinstance(exc, ValidationFailed) else {"_problem": exc.message},
            )
        else:
            log_event(row, action.removeprefix("practice."), step=step, **logged)
            _save(session, actor, row, sim, action)
        session.flush()
        view = None if refused else _view(row, sim)
    if refused is not None:
        raise refused
    if view is None:  # refused is None exactly when the view was built above
        raise RuntimeError("a practice step saved no view")
    return view


def _log_refusal(session: Session, actor: Actor, row: PracticeRun, step: str, errors: dict[str, str]) -> None:
    """A refusal at `step` (per field, or one "_problem"), kept in the run's log for the debrief, and audited."""
    log_event(row, "refused", step=step, errors=errors)
    audit.record(
        session,
        actor,
        "practice.refused",
        entity_type="practice_run",
        entity_id=row.id,
        after={"state": step, "errors": errors},
    )


def check_page(
    actor: Actor, practice_id: str, answers: dict[str, Any], names: tuple[str, ...], *, expected_version: int
) -> bool:
    """As runs.check_page, on the practice run: one question page's answers checked as saving would check them,
    on the fictional case's facts and the practice calendar's today (a PV check that misses the case's marker is
    refused at its page, as in a real run). A refusal is kept for the debrief, as one at the step's save is; no
    draft is kept: a rehearsal reloaded mid-step asks the step's pages again, at no cost to a real record."""
    with transaction(read_only=True) as session:
        row = load_run(session, actor, practice_id)
        expect_version(row, expected_version, what="This practice run")
        sim = sim_of(session, actor, row)
        run = sim.run
        if run.status != "in_progress":
            raise DomainError("This practice run is finished; start it again to retry.")
        step = run_step(sim.procedure, run)
        try:
            question_pages.check_page(
                sim.procedure.id,
                sim.procedure.version,
                run.state,
                answers,
                names,
                checklist=step.checklist,
                facts=run_context.step_facts(run, sim.case),
                today=sim.now,
            )
            return True
        except ValidationFailed as exc:
            refused, state = exc, run.state
    with transaction() as session:  # the check only read: its refusal is written in a transaction of its own
        row = load_run(session, actor, practice_id)
        _log_refusal(session, actor, row, state, refused.errors)
    raise refused


def submit_step(actor: Actor, practice_id: str, answers: dict[str, Any], *, expected_version: int) -> PracticeView:
    """As runs.submit_step, on the practice run; the answers given are kept for the debrief."""

    return _act(actor, practice_id, expected_version, "practice.step", lambda sim: sim.submit(answers))


def confirm_step(actor: Actor, practice_id: str, *, expected_version: int) -> PracticeView:
    return _act(actor, practice_id, expected_version, "practice.step", lambda sim: sim.confirm())


def go_back(actor: Actor, practice_id: str, *, expected_version: int) -> PracticeView:
    return _act(actor, practice_id, expected_version, "practice.back", lambda sim: sim.back())


def change_answer(actor: Actor, practice_id: str, step_id: str, *, expected_version: int) -> PracticeView:
    return _act(actor, practice_id, expected_version, "practice.change", lambda sim: sim.change(step_id), to=step_id)


def tick_cms(
    actor: Actor, practice_id: str, saved_index: int, line: int, done: bool, *, expected_version: int
) -> PracticeView:
    """As run_cms.tick_cms, on the practice run: the caseworker has (or has not yet) keyed one saved CMS line.

    The ticks live where the real run keeps them, in the run's saved CMS lines (here inside the practice row's
    `sim` JSON), so a reload or another tab shows them and no column is needed."""
    with transaction() as session:
        row = load_run(session, actor, practice_id)
        expect_version(row, expected_version, what="This practice run")
        sim = sim_of(session, actor, row)
        saved = [dict(item) for item in sim.run.cms_saved]
        if not 0 <= saved_index < len(saved) or not 0 <= line < len(saved[saved_index]["lines"]):
            raise GoneFromView("That CMS line is not on this practice run. Reload the page.")
        ticks = set(saved[saved_index].get("done", []))
        saved[saved_index]["done"] = sorted(ticks | {line} if done else ticks - {line})
        sim.run.cms_saved = saved
        row.sim = sim.dump()
        audit.record(
            session,
            actor,
            "practice.cms_ticked",
            entity_type="practice_run",
            entity_id=row.id,
            after={"step": saved[saved_index]["step"], "line": line, "done": done},
        )
        session.flush()
        return _view(row, sim)


def retry(actor: Actor, practice_id: str) -> PracticeView:
    """The same scenario again, on a new fictional case."""
    with transaction(read_only=True) as session:
        row = load_run(session, actor, practice_id)
        key = row.scenario_key
    return start_practice(actor, key)
