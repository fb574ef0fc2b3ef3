"""Lists of work: a caseworker's own SRs (paged), runs and tasks, a case looked up by SCIN.

My work pages through every SR allocated to the actor, keyset on (created_at, id) oldest first as the
console does, and says how many there are in all: a caseworker with 2,497 SRs sees "2,497" and can page to
the last one, never a silent cut at some limit. Each SR carries the procedures that work it (services.sr_work).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, joinedload, load_only

from db.models import Case, ProcedureRun, ServiceRequest, Task, User
from domain.clock import format_uk, utcnow
from domain.values import parse_scin
from procedures import registry
from services import audit
from services.access import check_case, require_role, unavailable
from services.actor import Actor
from services.case_facts import case_facts
from services.case_finder import actor_in_ssst
from services.errors import DomainError, GoneFromView, NotFound, ValidationFailed
from services.sr_work import WayToWork, already_on_case, already_running, ways_to_work
from services.transaction import transaction
from services.views import BegunFrom, CaseBanner, SRRow

PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class RunRow:
    id: str
    procedure_id: str
    state: str
    step_title: str
    scin: str
    sr_number: str | None
    updated_at: datetime
    begun_from: BegunFrom | None = None  # the complaint or appeal SR a P1 run was begun from, if any
    started_at: datetime | None = None
    # Its place, by start, among the listed runs started the same minute that would share its name: (n, of)
    same_start: tuple[int, int] | None = None

    @property
    def started(self) -> str:
        """When a run with no SR of its own yet was started, in words ("" for a run on an SR, which its SR names):
        two P1 runs begun on one case, or from one SR, are told apart by it (QA), on the row and in its link's name,
        and, when both began the same minute, by which came first."""
        if self.sr_number or self.started_at is None:
            return ""
        order = f" ({self.same_start[0]} of {self.same_start[1]} started then)" if self.same_start else ""
        return f"started {format_uk(self.started_at)}{order}"

    @property
    def carry_on(self) -> str:
        """The Carry on link's name, for this run: a screen reader's list of links read "Carry on, Carry on" (QA).
        By the SR the run records on, else the SR it was begun from, else its case, with when it was started."""
        if self.sr_number:
            return f"Carry on {self.procedure_id} on SR {self.sr_number}"
        started = f", {self.started}" if self.started else ""
        if self.begun_from:
            return f"Carry on {self.procedure_id} begun from SR {self.begun_from.number}{started}"
        return f"Carry on {self.procedure_id} on case {self.scin}{started}"


@dataclass(frozen=True, slots=True)
class RunOnSR:
    """The run in progress on one of the actor's SRs: "Work this SR" opens it (run_start.start_run resumes it)."""

    run_id: str
    procedure_id: str
    step_title: str
    started_by: str | None  # who started it, when not the actor (a colleague, before the SR was allocated on)

    @property
    def in_progress(self) -> str:
        """Where it is, in words: "In progress: <step>", and whose run it is when not the actor's."""
        by = f", started by {self.started_by}" if self.started_by else ""
        return f"In progress: {self.step_title}{by}"


@dataclass(frozen=True, slots=True)
class TaskRow:
    id: int
    kind: str  # task or message
    text: str
    sr_number: str | None
    scin: str | None
    created_at: datetime
    for_team: bool  # raised for the whole team, not the actor by name

    @property
    def heading(self) -> str:
        """The line above the task's text, the same on Home and My work (QA: Home said "Message for your team · ...
        · 100000197975" where My work said "Message · ... · case 100000197975"): what it is and for whom, when it
        was raised, and the SR and case it is about, each number named."""
        kind = "Message" if self.kind == "message" else "Task"
        parts = [f"{kind} for your team" if self.for_team else kind, format_uk(self.created_at)]
        if self.sr_number:
            parts.append(f"SR {self.sr_number}, case {self.scin}" if self.scin else f"SR {self.sr_number}")
        elif self.scin:
            parts.append(f"case {self.scin}")
        return " · ".join(parts)


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where the next page of My work starts: after this (created_at, id)."""

    created_at: datetime
    id: int


@dataclass(frozen=True, slots=True)
class MyWork:
    service_requests: list[SRRow]  # this page of the actor's SRs, oldest first
    runs: list[RunRow]
    tasks: list[TaskRow] = field(default_factory=list)
    total: int = 0  # every SR allocated to the actor that is not closed, on every page
    next_cursor: Cursor | None = None
    ways: dict[int, list[WayToWork]] = field(default_factory=dict)  # by SR id: the procedures that work it
    running: dict[int, RunOnSR] = field(default_factory=dict)  # by SR id: the run in progress on it, if any
    # by SR id: the procedures of runs in progress begun from it (P1 from a complaint or appeal SR), which record on SRs
    # of their own; "Worked by" says so (QA, seventh session: it said only "P1" of a complaint a P1 run was begun from)
    begun_here: dict[int, list[str]] = field(default_factory=dict)


def _my_srs_where(actor: Actor) -> list[ColumnElement[bool]]:
    return [
        ServiceRequest.owner_id == actor.user_id,
        ServiceRequest.status != "Closed",
        ServiceRequest.team_id == actor.team_id,
    ]


def my_work(actor: Actor, *, after: Cursor | None = None, page_size: int = PAGE_SIZE) -> MyWork:
    """A page of the SRs allocated to the actor that are not closed, with how many in all; their runs and tasks."""
    page_size = max(1, min(page_size, 500))
    with transaction(read_only=True) as session:
        require_role(session, actor, "caseworker", "team_leader", action="see casework")
        where = _my_srs_where(actor)
        total = session.scalar(select(func.count()).select_from(ServiceRequest).where(*where)) or 0
        query = (
            select(ServiceRequest)
            .options(joinedload(ServiceRequest.case), joinedload(ServiceRequest.owner))
            .where(*where)
            .order_by(ServiceRequest.created_at, ServiceRequest.id)
            .limit(page_size + 1)
        )
        if after is not None:
            query = query.where(
                or_(
                    ServiceRequest.created_at > after.created_at,
                    and_(ServiceRequest.created_at == after.created_at, ServiceRequest.id > after.id),
                )
            )
        srs = list(session.scalars(query).unique().all())
        more = len(srs) > page_size
        srs = srs[:page_size]
        ssst = actor_in_ssst(session, actor)
        ways = {
            sr.id: ways_to_work((sr.process, sr.area, sr.sub_area), sr.reason, case_facts(sr.case), ssst=ssst)
            for sr in srs
        }
        # One run at a time on an SR: run_start.start_run resumes the run already open on it whichever procedure is
        # asked for, so offering another procedure there would open a different one than the caseworker chose.
        # Newest first, so the run kept in `running` is the oldest, the one start_run resumes when there are several.
        open_runs = session.execute(
            select(ProcedureRun, User.display_name)
            # the columns a label needs, never the runs' answers and history (a page of SRs, each may have a run)
            .options(load_only(*_RUN_LABEL))
            .join(User, ProcedureRun.started_by_id == User.id)
            .where(ProcedureRun.status == "in_progress", ProcedureRun.sr_id.in_([sr.id for sr in srs]))
            .order_by(ProcedureRun.created_at.desc(), ProcedureRun.id.desc())
        ).all()
        # A procedure started from the case (P1 on a complaint or appeal SR) is bound to no SR until it saves, and then
        # to its own: what tells that it was begun is a run of it in progress on the case (as Start a procedure says),
        # with the SR each was begun from, if any, so the caution can say whether one is for this SR's query.
        on_cases: dict[tuple[int, str], list[BegunFrom | None]] = {}
        started_here: dict[tuple[int, str], list[bool]] = {}  # run by run: started by this caseworker
        begun_here: dict[int, list[str]] = {}
        for case_id, procedure_id, started_by, begun in session.execute(
            select(ProcedureRun.case_id, ProcedureRun.procedure_id, ProcedureRun.started_by_id, ServiceRequest)
            .outerjoin(ServiceRequest, ServiceRequest.id == ProcedureRun.begun_from_sr_id)
            .options(
                load_only(ServiceRequest.number, ServiceRequest.process, ServiceRequest.area, ServiceRequest.sub_area)
            )
            .where(ProcedureRun.status == "in_progress", ProcedureRun.case_id.in_({sr.case_id for sr in srs}))
            .order_by(ProcedureRun.created_at, ProcedureRun.id)
        ).all():
            on_cases.setdefault((case_id, procedure_id), []).append(BegunFrom.of(begun))
            started_here.setdefault((case_id, procedure_id), []).append(started_by == actor.user_id)
            if begun is not None and procedure_id not in begun_here.get(begun.id, []):
                begun_here.setdefault(begun.id, []).append(procedure_id)
        for sr in srs:
            ways[sr.id] = [
                replace(
                    w,
                    caution=already_on_case(
                        w.procedure_id,
                        on_cases[(sr.case_id, w.procedure_id)],
                        sr.id,
                        mine=started_here[(sr.case_id, w.procedure_id)],
                    ),
                )
                if not w.on_sr and not w.why_not and (sr.case_id, w.procedure_id) in on_cases
                else w
                for w in ways[sr.id]
            ]
        running: dict[int, RunOnSR] = {}
        for run, starter in open_runs:
            if run.sr_id is None:
                continue
            ways[run.sr_id] = [
                w if w.procedure_id == run.procedure_id else replace(w, why_not=already_running(run.procedure_id))
                for w in ways[run.sr_id]
            ]
            by = None if run.started_by_id == actor.user_id else starter
            running[run.sr_id] = RunOnSR(run.id, run.procedure_id, _step_title(run), by)
        return MyWork(
            [SRRow.of(sr) for sr in srs],
            runs_in_progress(session, actor),
            open_tasks(session, actor),
            total,
            Cursor(srs[-1].created_at, srs[-1].id) if more and srs else None,
            ways,
            running,
            begun_here,
        )


def runs_in_progress(session: Session, actor: Actor) -> list[RunRow]:
    """The runs in progress the actor started, and those on SRs they own now: a run on an SR reassigned to them is
    theirs to carry on (QA: it showed on neither list of the new owner's Home, which leaves SRs with a run to this
    one)."""
    owned = select(ServiceRequest.id).where(
        ServiceRequest.owner_id == actor.user_id, ServiceRequest.team_id == actor.team_id
    )
    runs = session.scalars(
        select(ProcedureRun)
        .options(
            joinedload(ProcedureRun.case),
            joinedload(ProcedureRun.service_request),
            joinedload(ProcedureRun.begun_from),
        )
        .where(
            or_(ProcedureRun.started_by_id == actor.user_id, ProcedureRun.sr_id.in_(owned)),
            ProcedureRun.status == "in_progress",
            ProcedureRun.team_id == actor.team_id,
        )
        .order_by(ProcedureRun.updated_at.desc())
    ).all()
    rows = [
        RunRow(
            r.id,
            r.procedure_id,
            r.state,
            _step_title(r),
            r.case.scin,
            r.service_request.number if r.service_request else None,
            r.updated_at,
            BegunFrom.of(r.begun_from),
            r.created_at,
        )
        for r in runs
        if not _handed_away(r, actor)
    ]
    return _told_apart(rows)


def _told_apart(rows: list[RunRow]) -> list[RunRow]:
    """Number, by start, the runs whose Carry on names would still be the same (started the same minute), so no two
    links or rows in the list read alike; the list's order is kept."""
    alike: dict[str, list[RunRow]] = {}
    for row in rows:
        alike.setdefault(row.carry_on, []).append(row)
    places: dict[str, tuple[int, int]] = {}
    for same in alike.values():
        if len(same) > 1:
            for n, row in enumerate(sorted(same, key=lambda r: (r.started_at or utcnow(), r.id)), start=1):
                places[row.id] = (n, len(same))
    return [replace(row, same_start=places[row.id]) if row.id in places else row for row in rows]


def _handed_away(run: ProcedureRun, actor: Actor) -> bool:
    """The actor started the run and it is someone else's to carry on now: handed over (Procedure.handed_over), or
    its SR allocated to someone else (a team leader reassigned it). The rule of services/run_views.py
    (`HandedOver.belongs_to`, `allocated_to`), read from the SR already loaded with the run."""
    try:
        procedure = registry.get(run.procedure_id, run.procedure_version)
    except registry.UnknownProcedure:
        return False
    sr = run.service_request
    if sr is None:
        return False
    if run.state in procedure.handed_over:
        return sr.owner_id != actor.user_id
    return sr.owner_id is not None and sr.owner_id != actor.user_id


def open_tasks(session: Session, actor: Actor) -> list[TaskRow]:
    """Open tasks and messages raised for the actor by name, or for their whole team."""
    rows = session.execute(
        select(Task, ServiceRequest.number, Case.scin)
        .outerjoin(ServiceRequest, Task.sr_id == ServiceRequest.id)
        .outerjoin(Case, ServiceRequest.case_id == Case.id)
        .where(
            Task.done_at.is_(None),
            or_(Task.assignee_id == actor.user_id, and_(Task.assignee_id.is_(None), Task.team_id == actor.team_id)),
        )
        .order_by(Task.created_at, Task.id)
    ).all()
    return [
        TaskRow(t.id, t.kind, t.text, number, scin, t.created_at, t.assignee_id is None) for t, number, scin in rows
    ]


def my_tasks(actor: Actor) -> list[TaskRow]:
    """The actor's open tasks and messages, oldest first."""
    with transaction(read_only=True) as session:
        require_role(session, actor, "caseworker", "team_leader", action="see casework")
        return open_tasks(session, actor)


def complete_task(actor: Actor, task_id: int) -> int:
    """Mark one of the actor's tasks (or their team's) done; audited."""

    with transaction() as session:
        require_role(session, actor, "caseworker", "team_leader", action="complete tasks")
        task = session.get(Task, task_id)
        mine = task is not None and (
            task.assignee_id == actor.user_id or (task.assignee_id is None and task.team_id == actor.team_id)
        )
        if task is None or not mine:
            raise GoneFromView("There is no such task for you. Reload the page.")
        if task.done_at is not None:
            raise DomainError("This task is already done.")
        task.done_at = utcnow()
        audit.record(
            session,
            actor,
            "task.done",
            entity_type="task",
            entity_id=task.id,
            sr_id=task.sr_id,
            after={"text": task.text},
        )
        return task.id


_RUN_LABEL = (
    ProcedureRun.sr_id,
    ProcedureRun.procedure_id,
    ProcedureRun.procedure_version,
    ProcedureRun.state,
    ProcedureRun.started_by_id,
    ProcedureRun.created_at,
)


def _step_title(run: ProcedureRun) -> str:
    """The run's step by its title; never its state id, even when the procedure no longer has that step."""
    return registry.step_title(run.procedure_id, run.procedure_version, run.state)


def find_case(actor: Actor, scin: str) -> CaseBanner:
    """Look a case up by SCIN; another team's case, or a sensitive one, is refused with the reason."""
    try:
        scin = parse_scin(scin)
    except ValueError as exc:
        raise ValidationFailed({"scin": str(exc)}) from None
    with transaction(read_only=True) as session:
        require_role(session, actor, "caseworker", "team_leader", action="look up cases")
        case = session.scalar(select(Case).where(Case.scin == scin))
        if case is None:
            raise NotFound(unavailable("case"))
        check_case(session, actor, case)
        return CaseBanner.of(case)
