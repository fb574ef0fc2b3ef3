"""Answering a run's steps: submit answers, confirm, go back, change an answer, and move the run on.

Every call is one transaction: the answers, the step's effects on the SRs and the state change are
saved together or not at all. The wizard page and the tests use exactly these functions.

    view = run_start.start_run(actor, "P1", case_id=case.id)
    view = runs.submit_step(actor, view.run_id, {"query_reason": "Complaint", ...,
                            "_checklist": list(view.step.checklist)}, expected_version=view.version)
    if view.awaiting_confirmation:            # "check your answers" before SRs, letters, dates, closing
        view = runs.confirm_step(actor, view.run_id, expected_version=view.version)
    view = runs.go_back(actor, view.run_id, expected_version=view.version)
    outcome = run_outcomes.run_outcome(actor, view.run_id)

Loading a run and building its view are in services/run_context.py, starting one in services/run_start.py,
its saved CMS lines in services/run_cms.py, what it recorded in services/run_outcomes.py.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session
from statemachine.exceptions import TransitionNotAllowed

from db.models import Case, ProcedureRun, ServiceRequest
from domain.clock import utcnow
from domain.values import FieldError
from procedures.definition import PdfUpload, Procedure, Step
from services import audit, letter_values, question_pages, run_context, run_effects, step_drafts, step_events
from services import reference as reference_values
from services.actor import Actor
from services.attachments import store_outcome_pdf
from services.errors import DomainError, ValidationFailed
from services.run_context import decide, load_run, run_view, step_context, step_effects, step_facts
from services.run_views import (
    DISCARDED,
    RunView,
    allocated_to,
    back_allowed,
    cms_context,
    cms_lines,
    handed_over,
    run_step,
)
from services.transaction import expect_version, transaction

log = logging.getLogger("casework")


def check_page(
    actor: Actor,
    run_id: str,
    answers: dict[str, Any],
    names: tuple[str, ...],
    *,
    expected_version: int,
    next_page: int | None = None,
) -> bool:
    """Check one question page's answers before the step's next page (services/question_pages.py), and keep the
    step's answers so far on the run as its draft, to resume at `next_page` after a reload (services/step_drafts.py;
    None: check only). A run that moved on meanwhile (another tab, a colleague) is refused as a save would be;
    a refusal writes nothing but its step events."""
    try:
        with transaction(read_only=next_page is None, writes=next_page is not None) as session:
            run, procedure, case = load_run(session, actor, run_id, "work this procedure run")
            expect_version(run, expected_version, what="This procedure run")
            _require_in_progress(run)
            check_holder(session, actor, run, procedure)
            today = run_context.run_today()
            step = run_step(procedure, run)
            question_pages.check_page(
                procedure.id,
                procedure.version,
                run.state,
                answers,
                names,
                checklist=step.checklist,
                facts=step_facts(run, case),
                today=today,
            )
            if next_page is not None:
                step_drafts.keep(session, actor, run, step, page=next_page, answers=answers)
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
            values[f.name] = f.parse(raw.get(f.name), today=run_context.run_today())
        except FieldError as exc:
            errors[f.name] = exc.message
    ticked = [item for item in step.checklist if item in (raw.get("_checklist") or [])]
    missing = [item for item in step.checklist if item not in ticked]
    if missing:  # first, as the page draws the checklist above the questions: the summary reads in page order (QA)
        errors = {"_checklist": "Confirm you have done this before you continue: " + "; ".join(missing), **errors}
    if errors:
        raise ValidationFailed(errors)
    return values, ticked


def _mark_rechecks(procedure: Procedure, run: ProcedureRun, state: str, changed: list[str]) -> None:
    if not changed:
        return
    marks = set(run.recheck)
    for other_id, other in procedure.steps.items():
        if other_id == state or not _answered_before(run, other_id, other):
            continue  # a step not yet answered is checked when it is first reached: nothing to check "again" (QA)
        uses = set(other.depends_on) | {f.when[0] for f in other.fields if f.when}
        if uses & set(changed):
            marks.add(other_id)
    run.recheck = sorted(marks)
    run.changed_answers = sorted(set(run.changed_answers) | set(changed))


def _answered_before(run: ProcedureRun, step_id: str, step: Step) -> bool:
    """The step has answers saved on the run (its checklist ticked, or any of its fields answered)."""
    return step_id in run.checklists or any(f.name in run.answers for f in step.fields)


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

    The step is decided first (its fields' rules, the machine's validators and guards read `ctx`, taken before any
    effect: run_context.decide), so answers a rule refuses never reach the effects; the effects then run, and the
    run moves to the decided step.
    """
    state = run.state
    ticked = run.checklists.get(state, [])  # kept for the audit: a loop back to this step clears it below
    ctx = step_context(procedure, run, case)
    try:
        new_state = decide(procedure, state, ctx)
    except TransitionNotAllowed:
        raise DomainError(f"'{procedure.steps[state].title}' has no next step for these answers.") from None
    except FieldError as exc:  # a validator refused the answers (facts may have changed since submit)
        raise ValidationFailed({exc.field: exc.message}) from None
    effects = procedure.steps[state].effects(ctx)
    in_force = reference_values.current(session) if effects else None
    cms = cms_context(session, run, effects, in_force, seed=procedure.seed) if in_force else None
    saved_lines = cms_lines(effects, cms) if cms is not None else ()
    env = run_effects.EffectEnv(session, actor, run, case, cms=cms)
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
    # Not flushed first: the run's changes go out with its step events' record of the visit (services/step_events.py),
    # one UPDATE of the run, not two. The event names only the case and the run's SR, both already saved (an SR the
    # effects created was flushed when its own audit event was appended).
    with session.no_autoflush:
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
    so Back stops after it. A loop back to a step (a chase, a new appointment) starts it unanswered; the earlier
    visit's answers and ticks are set aside (`ProcedureRun.earlier_visits`) for `rewind_history` to give back."""
    if new_state in run.history:
        looped = sorted(f.name for f in procedure.steps[new_state].fields)
        run.earlier_visits = [
            *(run.earlier_visits or []),
            {
                "at": len(run.history),
                "fields": looped,
                "answers": {k: v for k, v in run.answers.items() if k in looped},
                "checklist": run.checklists.get(new_state),
                "step": new_state,
            },
        ]
        run.answers = {k: v for k, v in run.answers.items() if k not in looped}
        run.checklists = {k: v for k, v in run.checklists.items() if k != new_state}
    run.state = new_state
    run.history = [*run.history, new_state]
    run.recheck = [s for s in run.recheck if s != left]
    run.pending_step = None
    if committed:
        run.committed_steps = len(run.history) - 1


def _require_in_progress(run: ProcedureRun) -> None:
    """Refuse any answer, Back or Change on a run that is finished or was discarded, saying which."""
    if run.status == DISCARDED:
        raise DomainError(
            "This procedure run was discarded, so nothing more can be recorded on it. If the procedure is still "
            "needed, start it again from Start a procedure."
        )
    if run.status != "in_progress":
        raise DomainError("This procedure is finished; nothing more can be recorded on it.")


def _check_consistent(session: Session, run: ProcedureRun) -> None:
    """A run and its SR never disagree: the SR is closed exactly when the run has finished."""
    if run.sr_id is None:
        return
    sr = session.get_one(ServiceRequest, run.sr_id)
    if (sr.status == "Closed") != (run.status == "finished"):
        raise RuntimeError(f"run {run.id} is {run.status} but SR {sr.number} is {sr.status}")


def check_holder(session: Session, actor: Actor, run: ProcedureRun, procedure: Procedure) -> None:
    """Refuse anyone but the SR's owner at a step a hand-over gave to someone else (Procedure.handed_over), and
    everyone while the SR waits unallocated for its team: the one who handed over does not carry on as the owner.
    At any other step of a run whose SR is allocated, refuse anyone but its owner (`run_views.allocated_to`): a run
    reassigned with its SR is the new owner's to carry on (two servers, eighth session). Also for the other services
    that record on a run (services/run_discard.py)."""
    if run.sr_id is None:
        return
    sr = session.get_one(ServiceRequest, run.sr_id)  # loaded with the run (services/run_context.py): no query
    holder = handed_over(procedure, run, sr)
    if holder is not None and not holder.belongs_to(actor.user_id):
        raise DomainError(holder.refusal)
    owner = allocated_to(procedure, run, sr)
    if owner is not None and owner.owner_id != actor.user_id:
        raise DomainError(owner.refusal)


def _rehearse(procedure: Procedure, run: ProcedureRun, case: Case) -> None:
    """Decide the step on a throwaway machine (its fields' rules and validators), so a refusal shows at the field on
    submit, not on confirm."""
    try:
        decide(procedure, run.state, step_context(procedure, run, case))
    except FieldError as exc:
        raise ValidationFailed({exc.field: exc.message}) from None
    except TransitionNotAllowed:
        pass  # _advance reports it


def _needs_confirmation(procedure: Procedure, run: ProcedureRun, case: Case) -> bool:
    effects = step_effects(procedure.steps[run.state], step_context(procedure, run, case))
    return any(e.needs_confirmation for e in effects)


def _ready(procedure: Procedure, run: ProcedureRun) -> bool:
    """The current step already has complete, valid answers (used when returning to the summary)."""
    step = run_step(procedure, run)
    if step.final or run.state in run.recheck:
        return False
    raw = {**run.answers, "_checklist": run.checklists.get(run.state, [])}
    try:
        _validate(step, raw, run.answers)
    except ValidationFailed:
        return False
    return run.state in run.checklists or not step.checklist


def _after_commit(work: list[Callable[[], object]]) -> None:
    """Hand what the step queued to the background sender, now that it is saved (services/email_background.py): the
    page answers at once, and an email that cannot be sent waits in the outbox with its error."""
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
    return view  # its emails queued: the background sender sends them after this answers


def _submit(
    actor: Actor, run_id: str, answers: dict[str, Any], expected_version: int, work: list[Callable[[], object]]
) -> RunView:
    with transaction(writes=True) as session:
        run, procedure, case = load_run(session, actor, run_id, "work this procedure run")
        expect_version(run, expected_version, what="This procedure run")
        _require_in_progress(run)
        check_holder(session, actor, run, procedure)
        state, step, before = run.state, run_step(procedure, run), list(run.history)
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
            effects = step_effects(step, step_context(procedure, run, case))
            refused = letter_values.problems(procedure, step, run.answers, effects)
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
        return run_view(session, run, procedure, case, viewer=actor.user_id)


def _return_to_summary(session: Session, actor: Actor, run: ProcedureRun, procedure: Procedure, case: Case) -> None:
    """After a Change link, walk forward over steps already answered until the summary is reached again."""
    while run.return_to_summary and run.status == "in_progress" and _ready(procedure, run):
        if _needs_confirmation(procedure, run, case):
            run.pending_step = run.state
            run.return_to_summary = False
            return
        if step_effects(procedure.steps[run.state], step_context(procedure, run, case)):
            break  # a step that records something is always submitted by the caseworker
        _advance(session, actor, run, procedure, case)
    if run.return_to_summary:  # assigning even the same value would mark the run dirty: a second flush for nothing
        run.return_to_summary = False


def confirm_step(actor: Actor, run_id: str, *, expected_version: int) -> RunView:
    """The caseworker has checked their answers: record the step's effects and move on.

    A validator can still refuse here (the case's facts changed since the answers were saved): that refusal is
    recorded for step insight as a refused submit is, after this transaction rolled back.
    """
    work: list[Callable[[], object]] = []
    try:
        with transaction(writes=True) as session:
            run, procedure, case = load_run(session, actor, run_id, "work this procedure run")
            expect_version(run, expected_version, what="This procedure run")
            _require_in_progress(run)
            if run.pending_step != run.state:
                raise DomainError("There is nothing waiting for confirmation on this step; submit its answers first.")
            check_holder(session, actor, run, procedure)
            before = list(run.history)
            _advance(session, actor, run, procedure, case, after_commit=work)
            step_events.record(session, actor, run, case, before, "step")
            session.flush()
            view = run_view(session, run, procedure, case, viewer=actor.user_id)
    except ValidationFailed as refused:
        step_events.record_refusal(actor, run_id, refused.errors)
        raise
    _after_commit(work)
    return view  # its emails queued: the background sender sends them after this answers


def go_back(actor: Actor, run_id: str, *, expected_version: int) -> RunView:
    """Return to the previous step with every answer kept; refused once that step's effects are saved."""
    with transaction(writes=True) as session:
        run, procedure, case = load_run(session, actor, run_id, "work this procedure run")
        expect_version(run, expected_version, what="This procedure run")
        _require_in_progress(run)
        check_holder(session, actor, run, procedure)
        can_back, refusal = back_allowed(run, procedure)  # the same rule the view shows, without building it twice
        if not can_back:
            raise DomainError(refusal or "There is no earlier step to go back to.")
        before = list(run.history)
        _rewind(session, actor, run, case, run.history[-2])
        step_events.record(session, actor, run, case, before, "back")
        return run_view(session, run, procedure, case, viewer=actor.user_id)


def change_answer(actor: Actor, run_id: str, step_id: str, *, expected_version: int) -> RunView:
    """From "check your answers": reopen an earlier unsaved step, then come back to the summary."""
    with transaction(writes=True) as session:
        run, procedure, case = load_run(session, actor, run_id, "work this procedure run")
        expect_version(run, expected_version, what="This procedure run")
        _require_in_progress(run)
        check_holder(session, actor, run, procedure)
        allowed = run.history[run.committed_steps :]
        if step_id not in allowed:
            raise DomainError("That answer is already saved on the SR and cannot be changed here.")
        _rewind(session, actor, run, case, step_id)
        run.return_to_summary = True
        step_events.record(session, actor, run, case, [], "change")
        return run_view(session, run, procedure, case, viewer=actor.user_id)


def rewind_history(run: ProcedureRun, target: str) -> None:
    """Take the run back to its latest visit of `target` (Back, Change; real and practice runs alike). A step whose
    later visit is cut off gets its earlier visit's answers and ticks back: without them, a step the run had looped
    back into stood in the history unanswered after Back, and later steps and letters that read its answers found
    none (P4's dispute and "After the 30 days"; QA, eighth session)."""
    index = max(i for i, s in enumerate(run.history) if s == target)
    kept: list[dict[str, Any]] = []
    given_back: list[dict[str, Any]] = []
    for visit in run.earlier_visits or []:
        (given_back if visit["at"] > index else kept).append(visit)
    answers, checklists = dict(run.answers), dict(run.checklists)
    for visit in reversed(given_back):  # the latest first, so the earliest cut off has the last word
        for name in visit["fields"]:
            answers.pop(name, None)
        answers.update(visit["answers"])
        checklists.pop(visit["step"], None)
        if visit["checklist"] is not None:
            checklists[visit["step"]] = visit["checklist"]
    if given_back:
        run.answers, run.checklists, run.earlier_visits = answers, checklists, kept
    run.history = run.history[: index + 1]
    run.state = target


def _rewind(session: Session, actor: Actor, run: ProcedureRun, case: Case, target: str) -> None:
    before = run.state
    rewind_history(run, target)
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
