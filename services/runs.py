"""The headless procedure API: start a run, see the step, submit answers, confirm, go back, read the outcome.

Every call is one transaction: the answers, the step's effects on the SRs and the state change are
saved together or not at all. The wizard page and the tests use exactly these functions.

    view = start_run(actor, "P1", case_id=case.id)
    view = submit_step(actor, view.run_id, {"query_reason": "Complaint", ...,
                       "_checklist": list(view.step.checklist)}, expected_version=view.version)
    if view.awaiting_confirmation:            # "check your answers" before SRs, letters or closing
        view = confirm_step(actor, view.run_id, expected_version=view.version)
    view = go_back(actor, view.run_id, expected_version=view.version)
    outcome = run_outcome(actor, view.run_id)
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from queue import Empty, SimpleQueue
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload
from statemachine import StateMachine
from statemachine.exceptions import TransitionNotAllowed

from db.models import Case, Deadline, Letter, Note, ProcedureRun, ServiceRequest, Task
from domain.clock import uk_local, utcnow
from domain.values import FieldError
from procedures import registry
from procedures.definition import Ctx, PdfUpload, Procedure, StartSR, Step
from procedures.effects import Effect
from services import audit, letter_values, question_pages, run_effects, step_events
from services import reference as reference_values
from services.access import check_case, check_run, check_sr, require_role, unavailable
from services.actor import Actor
from services.attachments import store_outcome_pdf
from services.case_facts import case_facts
from services.errors import DomainError, GoneFromView, NotFound, ValidationFailed
from services.run_records import run_records
from services.run_views import (
    RunView,
    back_allowed,
    build,
    cms_context,
    cms_lines,
)
from services.transaction import expect_version, transaction

log = logging.getLogger("casework")


@dataclass(frozen=True, slots=True)
class ProcedureInfo:
    id: str
    version: str
    title: str
    seed: str
    starts: str
    roles: tuple[str, ...]
    steps: int


def procedures_for(actor: Actor) -> list[ProcedureInfo]:
    """The registered procedures this actor's role may run."""
    return [
        ProcedureInfo(p.id, p.version, p.title, p.seed, p.starts, p.roles, len(p.steps))
        for p in registry.latest()
        if actor.role in p.roles
    ]


def procedures_for_sr(
    process: str, area: str | None, sub_area: str | None, reason: str | None = None
) -> list[ProcedureInfo]:
    """Every procedure that works an allocated SR of this catalogue entry, the one its Reason names first.

    P5c (commitment) and P5d (liability order) both work Enforcement / Court Presentation / Magistrates
    Court SRs: the caseworker must choose by what was asked for, so both are offered, never one silently.
    """
    matches = [p for p in registry.latest() if (process, area, sub_area) in p.works_on]
    matches.sort(key=lambda p: reason is None or reason not in p.works_on_reasons)  # stable: registry order
    return [ProcedureInfo(p.id, p.version, p.title, p.seed, p.starts, p.roles, len(p.steps)) for p in matches]


def procedure_for_sr(
    process: str, area: str | None, sub_area: str | None, reason: str | None = None
) -> ProcedureInfo | None:
    """The first procedure that works an allocated SR of this catalogue entry, if any."""
    found = procedures_for_sr(process, area, sub_area, reason)
    return found[0] if found else None


class _Model:
    def __init__(self, state: str) -> None:
        self.state = state


# Idle machines per procedure version. Building one costs more than running its guards (about 1.7 ms against
# 1.4 ms a send, measured on the shared build machine), so each is built once and reused: a call takes one (or
# builds one when every built one is in use by another thread), sets the run's state on it, and puts it back.
_IDLE_MACHINES: dict[tuple[str, str], SimpleQueue[StateMachine]] = {}


@contextmanager
def _machine(procedure: Procedure, state: str) -> Iterator[StateMachine]:
    """A machine of this procedure at `state`, for this thread alone until the block ends."""
    idle = _IDLE_MACHINES.setdefault((procedure.id, procedure.version), SimpleQueue())
    try:
        machine = idle.get_nowait()
        machine.model.state = state
    except Empty:
        machine = procedure.machine(_Model(state), state_field="state")
    yield machine  # a machine whose send raised is dropped, not reused: nothing half-done is kept
    if not procedure.steps[machine.model.state].final:  # one that reached a final state has stopped for good
        idle.put(machine)


# A practice run's own calendar (services/practice_engine.py: a scenario may say "six weeks later"); a real run
# never sets it. A ContextVar, so one server thread's practice clock is never another's.
PRACTICE_TODAY: ContextVar[date | None] = ContextVar("practice_today", default=None)


def _today() -> date:
    return PRACTICE_TODAY.get() or uk_local(utcnow()).date()


def _ctx(procedure: Procedure, run: ProcedureRun, case: Case) -> Ctx:
    # The SRs the run has bound so far, and the steps it has been through (a loop's count, e.g. P5e's misses).
    facts = case_facts(case).with_extra(run_sr_refs=tuple(sorted(run.sr_refs)), run_history=tuple(run.history))
    return Ctx(procedure.typed_answers(run.answers), facts, _today())


def _start_sr(sr: ServiceRequest, *, family: bool = True) -> StartSR:
    """An SR as plain data for Procedure.bind_start, with its parent and open children."""
    return StartSR(
        sr.id,
        sr.number,
        sr.process,
        sr.area,
        sr.sub_area,
        sr.status,
        parent=_start_sr(sr.parent, family=False) if family and sr.parent else None,
        children=tuple(_start_sr(c, family=False) for c in sr.children if c.status != "Closed") if family else (),
    )


def _effects(step: Step, ctx: Ctx) -> list[Effect]:
    """The step's effects for the current answers.

    Called only once the step's answers are complete (validated on submit, or awaiting confirmation) or for a
    step without fields, so an error here is a fault in the procedure and is raised, never read as "none yet".
    """
    return step.effects(ctx)


# The case and the run's SR come in the same query as the run: every action and every redraw reads both.
_WITH_CASE_AND_SR = (joinedload(ProcedureRun.case, innerjoin=True), joinedload(ProcedureRun.service_request))
# Built once: Session.get with loader options builds and sets up its query afresh on every call (a third of a
# load's CPU time); a new session holds no run yet, so this returns what get would.
_LOAD_RUN = select(ProcedureRun).options(*_WITH_CASE_AND_SR).where(ProcedureRun.id == bindparam("run_id"))


def _load(session: Session, actor: Actor, run_id: str, action: str) -> tuple[ProcedureRun, Procedure, Case]:
    run = session.execute(_LOAD_RUN, {"run_id": run_id}).scalar_one_or_none()
    if run is None:
        raise NotFound(unavailable("procedure run"))
    check_run(session, actor, run, action=action)
    return run, registry.get(run.procedure_id, run.procedure_version), run.case


def _view(session: Session, run: ProcedureRun, procedure: Procedure, case: Case) -> RunView:
    # Flush first: the view carries the run's version for the next action, so it must be the version this
    # transaction commits, not the one before a change still pending (a no-op when the caller just flushed).
    session.flush()
    ctx = _ctx(procedure, run, case)
    step = procedure.steps[run.state]
    effects = _effects(step, ctx) if run.pending_step == run.state or not step.fields else []
    sr = session.get(ServiceRequest, run.sr_id) if run.sr_id else None  # joined-loaded with the run: no query
    records = run_records(session, set(run.sr_refs.values()) | ({run.sr_id} if run.sr_id else set()))
    cms = cms_context(session, run, effects, reference_values.current(session)) if effects else None
    return build(
        run,
        procedure,
        case,
        sr,
        effects=effects,
        ctx=ctx,
        cms=cms,
        letters=records.letters,
        deadlines=records.deadlines,
        files=records.files,
        emails=records.emails,
    )


def start_run(actor: Actor, procedure_id: str, *, case_id: int, sr_id: int | None = None) -> RunView:
    """Start a procedure on a case (or on an SR allocated to the actor); resumes a run already open on that SR."""
    try:
        procedure = registry.get(procedure_id)
    except registry.UnknownProcedure as exc:
        raise NotFound(str(exc)) from None
    with transaction() as session:
        require_role(session, actor, *procedure.roles, action=f"run {procedure.id} {procedure.title}")
        case = session.get(Case, case_id)
        if case is None:
            raise NotFound(unavailable("case"))
        check_case(session, actor, case, action="start a procedure on this case")
        refs: dict[str, int] = {}
        if sr_id is not None:
            sr = session.get(ServiceRequest, sr_id)
            if sr is None or sr.case_id != case.id:
                raise NotFound(unavailable("service request"))
            check_sr(session, actor, sr, action="work this SR")
            bound = procedure.bind_start(_start_sr(sr))
            if isinstance(bound, str):
                raise DomainError(bound)
            watched = {sr_id, *bound.values(), *(child.id for child in sr.children)}
            existing = session.scalar(
                select(ProcedureRun).where(
                    ProcedureRun.status == "in_progress",
                    (ProcedureRun.sr_id == sr_id)
                    | (ProcedureRun.sr_id.in_(watched) & (ProcedureRun.procedure_id == procedure.id)),
                )
            )
            if existing is not None:
                return _view(session, existing, registry.get(existing.procedure_id, existing.procedure_version), case)
            refs = bound
        reason = procedure.can_start(case_facts(case))
        if reason:
            raise DomainError(reason)
        run = ProcedureRun(
            procedure_id=procedure.id,
            procedure_version=procedure.version,
            state=procedure.initial,
            answers={},
            allocated_refs=sorted(refs),
            history=[procedure.initial],
            committed_steps=0,
            case_id=case.id,
            sr_id=refs.get("main", sr_id),
            team_id=actor.team_id,
            started_by_id=actor.user_id,
            sr_refs=refs,
            recheck=[],
            return_to_summary=False,
        )
        session.add(run)
        session.flush()
        audit.record(
            session,
            actor,
            "run.started",
            entity_type="procedure_run",
            entity_id=run.id,
            case_id=case.id,
            sr_id=sr_id,
            after={"procedure": procedure.id, "version": procedure.version, "sr_refs": refs},
        )
        step_events.record(session, actor, run, case, [], "start")
        return _view(session, run, procedure, case)


def tick_cms(actor: Actor, run_id: str, saved_index: int, line: int, done: bool, *, expected_version: int) -> RunView:
    """Record that the caseworker has (or has not yet) keyed one saved CMS line into CMS."""
    with transaction() as session:
        run, procedure, case = _load(session, actor, run_id, "update this procedure run")
        expect_version(run, expected_version, what="This procedure run")
        saved = [dict(item) for item in run.cms_saved]
        if not 0 <= saved_index < len(saved) or not 0 <= line < len(saved[saved_index]["lines"]):
            raise GoneFromView("That CMS line is not on this run. Reload the page.")
        ticks = set(saved[saved_index].get("done", []))
        ticks = ticks | {line} if done else ticks - {line}
        saved[saved_index]["done"] = sorted(ticks)
        run.cms_saved = saved
        audit.record(
            session,
            actor,
            "run.cms_ticked",
            entity_type="procedure_run",
            entity_id=run.id,
            case_id=case.id,
            sr_id=run.sr_id,
            after={"step": saved[saved_index]["step"], "line": line, "done": done},
        )
        return _view(session, run, procedure, case)


def view_run(actor: Actor, run_id: str) -> RunView:
    with transaction(read_only=True) as session:
        run, procedure, case = _load(session, actor, run_id, "open this procedure run")
        return _view(session, run, procedure, case)


def check_page(
    actor: Actor, run_id: str, answers: dict[str, Any], names: tuple[str, ...], *, expected_version: int
) -> bool:
    """Check one question page's answers before the step's next page (services/question_pages.py): nothing is
    written but the refusal's step events, and a run that moved on meanwhile (another tab, a colleague) is
    refused as a save would be."""
    try:
        with transaction(read_only=True) as session:
            run, procedure, _case = _load(session, actor, run_id, "work this procedure run")
            expect_version(run, expected_version, what="This procedure run")
            if run.status != "in_progress":
                raise DomainError("This procedure is finished; nothing more can be recorded on it.")
            question_pages.check_page(procedure.id, procedure.version, run.state, answers, names, today=_today())
    except ValidationFailed as refused:  # step insight counts a refusal at a page as one at the step's save
        step_events.record_refusal(actor, run_id, refused.errors)
        raise
    return True


def _validate(step: Step, raw: dict[str, Any], stored: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Parse this step's answers and its ticked checklist items; raise ValidationFailed with a message per field."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    current = dict(stored)
    for f in step.fields:
        current_with_step = {**current, **values}
        if not f.applies(current_with_step):
            continue
        try:
            values[f.name] = f.parse(raw.get(f.name), today=_today())
        except FieldError as exc:
            errors[f.name] = exc.message
    ticked = [item for item in step.checklist if item in (raw.get("_checklist") or [])]
    missing = [item for item in step.checklist if item not in ticked]
    if missing:
        errors["_checklist"] = "Confirm you have done this before you continue: " + "; ".join(missing)
    if errors:
        raise ValidationFailed(errors)
    return values, ticked


def _mark_rechecks(procedure: Procedure, run: ProcedureRun, state: str, changed: list[str]) -> None:
    if not changed:
        return
    marks = set(run.recheck)
    for other_id, other in procedure.steps.items():
        if other_id == state:
            continue
        uses = set(other.depends_on) | {f.when[0] for f in other.fields if f.when}
        if uses & set(changed):
            marks.add(other_id)
    run.recheck = sorted(marks)
    run.changed_answers = sorted(set(run.changed_answers) | set(changed))


def _advance(
    session: Session,
    actor: Actor,
    run: ProcedureRun,
    procedure: Procedure,
    case: Case,
    answers: dict[str, Any] | None = None,
    after_commit: list[Callable[[], object]] | None = None,
) -> None:
    """Apply the current step's effects and move to the next step, all in the caller's transaction.

    The machine decides first (its validators and guards read `ctx`, taken before any effect), so answers
    a validator refuses never reach the effects; the effects then run, and the run moves to the decided step.
    """
    state = run.state
    ticked = run.checklists.get(state, [])  # kept for the audit: a loop back to this step clears it below
    ctx = _ctx(procedure, run, case)
    try:
        with _machine(procedure, state) as machine:
            machine.send("proceed", ctx=ctx)
            new_state = machine.model.state
    except TransitionNotAllowed:
        raise DomainError(f"'{procedure.steps[state].title}' has no next step for these answers.") from None
    except FieldError as exc:  # a validator refused the answers (facts may have changed since submit)
        raise ValidationFailed({exc.field: exc.message}) from None
    effects = procedure.steps[state].effects(ctx)
    in_force = reference_values.current(session) if effects else None
    saved_lines = cms_lines(effects, cms_context(session, run, effects, in_force)) if in_force else ()
    env = run_effects.EffectEnv(session, actor, run, case)
    run_effects.apply(env, effects)
    if after_commit is not None:
        after_commit.extend(env.after_commit)
    _move_to(procedure, run, state, new_state, committed=bool(effects))
    if effects:
        saved = {
            "step": state,
            "title": procedure.steps[state].title,
            "reference_version": in_force.version if in_force else 0,
            "lines": [line.as_dict() for line in saved_lines],
            "done": [],
        }
        if saved_lines:
            run.cms_saved = [*run.cms_saved, saved]
    if procedure.steps[new_state].final:
        run.status, run.finished_at, run.return_to_summary = "finished", utcnow(), False
    audit.record(
        session,
        actor,
        "run.step",
        entity_type="procedure_run",
        entity_id=run.id,
        case_id=case.id,
        sr_id=run.sr_id,
        before={"state": state},
        after={
            "state": new_state,
            "effects": len(effects),
            **({"answers": answers, "checklist": ticked} if answers is not None else {}),
        },
    )
    _check_consistent(session, run)


def _move_to(procedure: Procedure, run: ProcedureRun, left: str, new_state: str, *, committed: bool) -> None:
    """The run leaves `left` for `new_state` (real and practice runs alike); `committed`: `left` saved effects,
    so Back stops after it. A loop back to a step (a chase, a new appointment) starts it unanswered."""
    if new_state in run.history:
        looped = {f.name for f in procedure.steps[new_state].fields}
        run.answers = {k: v for k, v in run.answers.items() if k not in looped}
        run.checklists = {k: v for k, v in run.checklists.items() if k != new_state}
    run.state = new_state
    run.history = [*run.history, new_state]
    run.recheck = [s for s in run.recheck if s != left]
    run.pending_step = None
    if committed:
        run.committed_steps = len(run.history) - 1


def _check_consistent(session: Session, run: ProcedureRun) -> None:
    """A run and its SR never disagree: the SR is closed exactly when the run has finished."""
    if run.sr_id is None:
        return
    sr = session.get_one(ServiceRequest, run.sr_id)
    if (sr.status == "Closed") != (run.status == "finished"):
        raise RuntimeError(f"run {run.id} is {run.status} but SR {sr.number} is {sr.status}")


def _rehearse(procedure: Procedure, run: ProcedureRun, case: Case) -> None:
    """Run the step's validators on a throwaway machine, so a refusal shows at the field on submit, not on confirm."""
    try:
        with _machine(procedure, run.state) as machine:
            machine.send("proceed", ctx=_ctx(procedure, run, case))
    except FieldError as exc:
        raise ValidationFailed({exc.field: exc.message}) from None
    except TransitionNotAllowed:
        pass  # _advance reports it


def _needs_confirmation(procedure: Procedure, run: ProcedureRun, case: Case) -> bool:
    effects = _effects(procedure.steps[run.state], _ctx(procedure, run, case))
    return any(e.needs_confirmation for e in effects)


def _ready(procedure: Procedure, run: ProcedureRun) -> bool:
    """The current step already has complete, valid answers (used when returning to the summary)."""
    step = procedure.steps[run.state]
    if step.final or run.state in run.recheck:
        return False
    raw = {**run.answers, "_checklist": run.checklists.get(run.state, [])}
    try:
        _validate(step, raw, run.answers)
    except ValidationFailed:
        return False
    return run.state in run.checklists or not step.checklist


def _after_commit(work: list[Callable[[], object]]) -> None:
    """Send what the step queued, now that it is saved; a failure leaves the email in the outbox with its error."""
    for item in work:
        try:
            item()
        except Exception:  # the email is kept (queued or failed) and can be sent again from the outbox
            log.exception("work after a saved step failed")


def _store_uploads(session: Session, actor: Actor, run: ProcedureRun, values: dict[str, Any]) -> None:
    """Store uploaded PDFs with the run's SR and keep only a reference to each in the answers."""
    for name, value in list(values.items()):
        if isinstance(value, PdfUpload):
            sr = session.get(ServiceRequest, run.sr_refs.get("main", -1))
            if sr is None:
                raise ValidationFailed({name: "There is no SR yet to link this file to."})
            try:
                stored = store_outcome_pdf(session, actor, sr, file_name=value.file_name, data=value.data)
            except ValidationFailed as exc:
                raise ValidationFailed({name: next(iter(exc.errors.values()))}) from None
            values[name] = {"attachment_id": stored.id, "file_name": stored.file_name, "sha256": stored.sha256}


def submit_step(actor: Actor, run_id: str, answers: dict[str, Any], *, expected_version: int) -> RunView:
    """Validate and save this step's answers; then confirm-or-advance as the step's effects require."""
    work: list[Callable[[], object]] = []
    try:
        view = _submit(actor, run_id, answers, expected_version, work)
    except ValidationFailed as refused:
        step_events.record_refusal(actor, run_id, refused.errors)
        raise
    _after_commit(work)
    return view_run(actor, run_id) if work else view  # afresh: the emails just sent, or failed with the error


def _submit(
    actor: Actor, run_id: str, answers: dict[str, Any], expected_version: int, work: list[Callable[[], object]]
) -> RunView:
    with transaction() as session:
        run, procedure, case = _load(session, actor, run_id, "work this procedure run")
        expect_version(run, expected_version, what="This procedure run")
        if run.status != "in_progress":
            raise DomainError("This procedure is finished; nothing more can be recorded on it.")
        state, step, before = run.state, procedure.steps[run.state], list(run.history)
        if step.final:
            raise DomainError("This is the last step; there is nothing to submit.")
        values, ticked = _validate(step, answers, run.answers)
        _store_uploads(session, actor, run, values)
        changed = [k for k, v in values.items() if k in run.answers and run.answers[k] != v]
        run.answers = {**run.answers, **values}
        run.checklists = {**run.checklists, state: ticked}
        run.pending_step = None
        _mark_rechecks(procedure, run, state, changed)
        run.recheck = [s for s in run.recheck if s != state]
        if step.fields:  # a letter value refused here is shown at the input it came from, and nothing is saved
            refused = letter_values.problems(procedure, step, run.answers, _effects(step, _ctx(procedure, run, case)))
            if refused:
                _rehearse(procedure, run, case)  # the step's own validators first: their message is the cause
                raise ValidationFailed(refused)
        if _needs_confirmation(procedure, run, case):
            _rehearse(procedure, run, case)  # without a confirmation, _advance runs the validators before effects
            run.pending_step = state
            run.return_to_summary = False
            audit.record(
                session,
                actor,
                "run.answers",
                entity_type="procedure_run",
                entity_id=run.id,
                case_id=case.id,
                sr_id=run.sr_id,
                after={"state": state, "answers": values, "checklist": ticked},
            )
        else:
            _advance(session, actor, run, procedure, case, answers=values, after_commit=work)
            _return_to_summary(session, actor, run, procedure, case)
        step_events.record(session, actor, run, case, before, "step")
        session.flush()
        return _view(session, run, procedure, case)


def _return_to_summary(session: Session, actor: Actor, run: ProcedureRun, procedure: Procedure, case: Case) -> None:
    """After a Change link, walk forward over steps already answered until the summary is reached again."""
    while run.return_to_summary and run.status == "in_progress" and _ready(procedure, run):
        if _needs_confirmation(procedure, run, case):
            run.pending_step = run.state
            run.return_to_summary = False
            return
        if _effects(procedure.steps[run.state], _ctx(procedure, run, case)):
            break  # a step that records something is always submitted by the caseworker
        _advance(session, actor, run, procedure, case)
    if run.return_to_summary:  # assigning even the same value would mark the run dirty: a second flush for nothing
        run.return_to_summary = False


def confirm_step(actor: Actor, run_id: str, *, expected_version: int) -> RunView:
    """The caseworker has checked their answers: record the step's effects and move on."""
    work: list[Callable[[], object]] = []
    with transaction() as session:
        run, procedure, case = _load(session, actor, run_id, "work this procedure run")
        expect_version(run, expected_version, what="This procedure run")
        if run.pending_step != run.state:
            raise DomainError("There is nothing waiting for confirmation on this step; submit its answers first.")
        before = list(run.history)
        _advance(session, actor, run, procedure, case, after_commit=work)
        step_events.record(session, actor, run, case, before, "step")
        session.flush()
        view = _view(session, run, procedure, case)
    _after_commit(work)
    return view_run(actor, run_id) if work else view  # afresh: the emails just sent, or failed with the error


def go_back(actor: Actor, run_id: str, *, expected_version: int) -> RunView:
    """Return to the previous step with every answer kept; refused once that step's effects are saved."""
    with transaction() as session:
        run, procedure, case = _load(session, actor, run_id, "work this procedure run")
        expect_version(run, expected_version, what="This procedure run")
        can_back, refusal = back_allowed(run, procedure)  # the same rule the view shows, without building it twice
        if not can_back:
            raise DomainError(refusal or "There is no earlier step to go back to.")
        before = list(run.history)
        _rewind(session, actor, run, case, run.history[-2])
        step_events.record(session, actor, run, case, before, "back")
        return _view(session, run, procedure, case)


def change_answer(actor: Actor, run_id: str, step_id: str, *, expected_version: int) -> RunView:
    """From "check your answers": reopen an earlier unsaved step, then come back to the summary."""
    with transaction() as session:
        run, procedure, case = _load(session, actor, run_id, "work this procedure run")
        expect_version(run, expected_version, what="This procedure run")
        allowed = run.history[run.committed_steps :]
        if step_id not in allowed:
            raise DomainError("That answer is already saved on the SR and cannot be changed here.")
        _rewind(session, actor, run, case, step_id)
        run.return_to_summary = True
        step_events.record(session, actor, run, case, [], "change")
        return _view(session, run, procedure, case)


def _rewind(session: Session, actor: Actor, run: ProcedureRun, case: Case, target: str) -> None:
    index = max(i for i, s in enumerate(run.history) if s == target)
    before = run.state
    run.history = run.history[: index + 1]
    run.state = target
    run.pending_step = None
    audit.record(
        session,
        actor,
        "run.back",
        entity_type="procedure_run",
        entity_id=run.id,
        case_id=case.id,
        sr_id=run.sr_id,
        before={"state": before},
        after={"state": target},
    )


@dataclass(frozen=True, slots=True)
class SROutcome:
    ref: str
    number: str
    process: str
    area: str | None
    sub_area: str | None
    status: str
    sub_status: str | None
    resolution_code: str | None
    parent_number: str | None
    activities: tuple[tuple[str, bool, str | None], ...]
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RunOutcome:
    status: str
    state: str
    srs: dict[str, SROutcome]
    deadlines: tuple[tuple[str, datetime, str], ...]
    tasks: tuple[tuple[str, str, int | None, int | None], ...]
    letters: tuple[tuple[str, str, str, dict[str, Any]], ...]
    contact_notes: tuple[str, ...]


def run_outcome(actor: Actor, run_id: str) -> RunOutcome:
    """Everything the run recorded: its SRs with statuses, notes, activities, deadlines, tasks and letters."""
    with transaction(read_only=True) as session:
        run, _procedure, case = _load(session, actor, run_id, "read this procedure run")
        srs: dict[str, SROutcome] = {}
        ids = list(run.sr_refs.values())
        for ref, sr_id in run.sr_refs.items():
            sr = session.get_one(ServiceRequest, sr_id)
            srs[ref] = SROutcome(
                ref,
                sr.number,
                sr.process,
                sr.area,
                sr.sub_area,
                sr.status,
                sr.sub_status,
                sr.resolution_code,
                sr.parent.number if sr.parent else None,
                tuple((a.name, a.done, a.outcome) for a in sr.activities),
                tuple(n.text for n in sr.notes if n.kind == "sr"),
            )
        deadlines = session.scalars(select(Deadline).where(Deadline.sr_id.in_(ids)).order_by(Deadline.id)).all()
        tasks = session.scalars(select(Task).where(Task.sr_id.in_(ids)).order_by(Task.id)).all()
        letters = session.scalars(select(Letter).where(Letter.sr_id.in_(ids)).order_by(Letter.id)).all()
        contact = session.scalars(
            select(Note.text).where(Note.case_id == case.id, Note.kind == "contact", Note.sr_id.in_(ids))
        ).all()
        return RunOutcome(
            run.status,
            run.state,
            srs,
            tuple((d.kind, d.due_at, d.explanation) for d in deadlines),
            tuple((t.kind, t.text, t.assignee_id, t.team_id) for t in tasks),
            tuple((lt.template_code, lt.recipient or "", lt.status, dict(lt.context)) for lt in letters),
            tuple(contact),
        )
