"""What every run action starts from: the run loaded with its case, its procedure's machine, today's date, the
step's context and effects, and the view handed back to the wizard.

Shared by starting a run (services/run_start.py), answering its steps (services/runs.py), its letter previews
and its outcome, so each reads a run the same way.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from queue import Empty, SimpleQueue
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, load_only
from sqlalchemy.orm.attributes import set_committed_value
from statemachine import StateMachine

from db.models import Case, ProcedureRun, ServiceRequest, User, UserSession
from domain.clock import uk_local, utcnow
from procedures import registry
from procedures.definition import Ctx, Procedure, Step
from procedures.effects import Effect
from services import reference as reference_values
from services.access import check_actor, check_run, unavailable
from services.actor import Actor
from services.case_facts import case_facts
from services.errors import DomainError, NotFound, ValidationFailed
from services.run_records import run_records
from services.run_views import RunView, build, cms_context
from services.transaction import transaction
from services.views import BegunFrom


class _Model:
    def __init__(self, state: str) -> None:
        self.state = state


# Idle machines per procedure version. Building one costs more than running its guards (about 1.7 ms against
# 1.4 ms a send, measured on the shared build machine), so each is built once and reused: a call takes one (or
# builds one when every built one is in use by another thread), sets the run's state on it, and puts it back.
_IDLE_MACHINES: dict[tuple[str, str], SimpleQueue[StateMachine]] = {}


@contextmanager
def machine_at(procedure: Procedure, state: str) -> Iterator[StateMachine]:
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


# A practice run's own calendar (services/practice_sim.py: a scenario may say "six weeks later"); a real run
# never sets it. A ContextVar, so one server thread's practice clock is never another's.
PRACTICE_TODAY: ContextVar[date | None] = ContextVar("practice_today", default=None)


def run_today() -> date:
    """Today in the UK, or the practice run's own date; the one clock a run's answers and guards read."""
    return PRACTICE_TODAY.get() or uk_local(utcnow()).date()


def step_facts(run: ProcedureRun, case: Case) -> Mapping[str, Any]:
    """The facts a run's step reads, whether its whole step is saved or one of its pages checked: the case's, with
    the SRs the run has bound so far, the steps it has been through (a loop's count, e.g. P5e's misses), the day each
    was saved (the second PV check names the first's) and the SR it was begun from, if any (P1 from a complaint or
    appeal SR: its first question is checked against the SR's type)."""
    # A query only for a run begun from an SR, once per transaction (the view reads the same row from the session).
    begun = run.begun_from if run.begun_from_sr_id else None
    return case_facts(case).with_extra(
        run_sr_refs=tuple(sorted(run.sr_refs)),
        run_history=tuple(run.history),
        steps_saved_on=_steps_saved_on(run),
        begun_from_sr=(
            {"number": begun.number, "area": begun.area, "label": begun.label} if begun is not None else None
        ),
    )


def _steps_saved_on(run: ProcedureRun) -> dict[str, date]:
    """The UK day each step the run left forward was last saved on, from the run's record of its visits
    (`ProcedureRun.step_visits`): e.g. the first PV check's day, which the second one's caution names. Empty for runs
    started before that record was kept, and for practice runs, which never keep it."""
    visits = run.step_visits or {}
    return {
        step: uk_local(datetime.fromisoformat(at)).date() for step, (kind, at) in visits.items() if kind == "submit"
    }


def step_context(procedure: Procedure, run: ProcedureRun, case: Case) -> Ctx:
    """What the step's guards and effects read: the typed answers, the case's facts and today."""
    return Ctx(procedure.typed_answers(run.answers), step_facts(run, case), run_today())


def decide(procedure: Procedure, state: str, ctx: Ctx) -> str:
    """The step a run at `state` moves to for `ctx`, as every save decides it (real and practice runs alike).

    The step's answers' own rules first (`Field.check`, also checked on each question's page), then the machine's
    validators and guards. Raises ValidationFailed for answers those rules refuse, FieldError (NotYet for a day
    still to come) for one a validator refuses, TransitionNotAllowed when no next step fits.
    """
    refused = procedure.steps[state].refusals(ctx)
    if refused:
        raise ValidationFailed(refused)
    with machine_at(procedure, state) as machine:
        machine.send("proceed", ctx=ctx)
        return str(machine.model.state)


def step_effects(step: Step, ctx: Ctx) -> list[Effect]:
    """The step's effects for the current answers.

    Called only once the step's answers are complete (validated on submit, or awaiting confirmation) or for a
    step without fields, so an error here is a fault in the procedure and is raised, never read as "none yet".
    """
    return step.effects(ctx)


# The case and the run's SR come in the same query as the run: every action and every redraw reads both. So do
# the acting user's row and their browser session's, which services/access.py checks first on every call
# (deactivated, moved, signed out elsewhere, idle): loaded here, the check sends no statement of its own. Of those
# two only the columns the check reads are loaded (a later read of another is loaded then, as any expired one).
# Five entities side by side rather than joinedload(): SQLAlchemy builds a joined loader's row processors afresh on
# every execution.
# Built once: Session.get with loader options builds and sets up its query afresh on every call (a third of a
# load's CPU time); a new session holds no run yet, so this returns what get would.
_LOAD_RUN = (
    select(ProcedureRun, Case, ServiceRequest, User, UserSession)
    .join_from(ProcedureRun, Case, ProcedureRun.case_id == Case.id)
    .outerjoin_from(ProcedureRun, ServiceRequest, ProcedureRun.sr_id == ServiceRequest.id)
    .outerjoin_from(ProcedureRun, User, User.id == bindparam("user_id"))
    .outerjoin_from(ProcedureRun, UserSession, UserSession.token_hash == bindparam("token_hash"))
    .options(
        load_only(User.is_active, User.role, User.team_id, User.session_generation),
        load_only(UserSession.user_id, UserSession.revoked_at, UserSession.last_seen_at),
    )
    .where(ProcedureRun.id == bindparam("run_id"))
)


def load_run(session: Session, actor: Actor, run_id: str, action: str) -> tuple[ProcedureRun, Procedure, Case]:
    """The run, its procedure version and its case, once the actor may do `action` on it."""
    values = {"run_id": run_id, "user_id": actor.user_id, "token_hash": actor.session}
    row = session.execute(_LOAD_RUN, values).one_or_none()
    if row is None:
        raise NotFound(unavailable("procedure run"))
    run, case, sr, _user, signed_in = row
    # The run holds its case and SR, as a joined load would have set them: the session keeps only weak references,
    # and an SR nothing held would be read again by the next statement that asks the session for it.
    set_committed_value(run, "case", case)
    set_committed_value(run, "service_request", sr)
    check_actor(session, actor, signed_in=signed_in)
    check_run(session, actor, run, action=action)
    return run, procedure_of(run), case


def procedure_of(run: ProcedureRun) -> Procedure:
    """The procedure version the run started on; refused in plain words when this server does not have it."""
    try:
        return registry.get(run.procedure_id, run.procedure_version)
    except registry.UnknownProcedure:
        raise DomainError(_unknown_version(run.procedure_id, run.procedure_version)) from None


# Several app servers share one database: while a new release reaches them one by one, a run started on a server
# already updated may be opened on one not yet updated, which does not know the procedure version it runs on.
NEWER_VERSION = (
    "This procedure run uses a newer version of its procedure than this server has yet: Casework Guide is being "
    "updated. Nothing is lost. Reload the page in a few minutes; if this keeps happening, tell your team leader."
)
GONE_VERSION = (
    "This procedure run is on a version of its procedure that Casework Guide no longer has, so it cannot be opened. "
    "Nothing is lost: tell your team leader."
)


def _unknown_version(procedure_id: str, version: str) -> str:
    """Why a run's procedure version is not here: a newer release not yet on this server, or (against the registry's
    rule of keeping a version while runs use it) one removed."""
    try:
        latest = int(registry.get(procedure_id).version)
    except registry.UnknownProcedure:
        return NEWER_VERSION  # a procedure this server does not have at all: added by a newer release
    return NEWER_VERSION if version.isdigit() and int(version) > latest else GONE_VERSION


def run_view(
    session: Session, run: ProcedureRun, procedure: Procedure, case: Case, *, viewer: int | None = None
) -> RunView:
    """The wizard's view of the run as this transaction will commit it, for `viewer` (the user it is drawn for: whose
    the run is when its SR is someone else's, `run_views.allocated_to`)."""
    # Flush first: the view carries the run's version for the next action, so it must be the version this
    # transaction commits, not the one before a change still pending (a no-op when the caller just flushed).
    session.flush()
    ctx = step_context(procedure, run, case)
    step = procedure.steps[run.state]
    effects = step_effects(step, ctx) if run.pending_step == run.state or not step.fields else []
    sr = session.get(ServiceRequest, run.sr_id) if run.sr_id else None  # joined-loaded with the run: no query
    # A query of its own only for a run begun from an SR (P1 from My work): not joined into every run's load.
    begun = session.get(ServiceRequest, run.begun_from_sr_id) if run.begun_from_sr_id else None
    records = run_records(session, set(run.sr_refs.values()) | ({run.sr_id} if run.sr_id else set()))
    cms = (
        cms_context(session, run, effects, reference_values.current(session), seed=procedure.seed) if effects else None
    )
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
        begun_from=BegunFrom.of(begun),
        viewer=viewer,
    )


def view_run(actor: Actor, run_id: str) -> RunView:
    """The run as it stands, for the wizard to draw."""
    with transaction(read_only=True) as session:
        run, procedure, case = load_run(session, actor, run_id, "open this procedure run")
        return run_view(session, run, procedure, case, viewer=actor.user_id)
