"""What a finished run did to its SRs, for the wizard's finish page: created, closed, worked on, or not changed; and
the tasks and messages it raised, with whom each went to.

An SR the run started from but never changed (P5e's initiating SR, whose owner the run only emails and
messages) is said to be not changed: "worked on" there told the caseworker they had changed an SR they had not.
A change counts only when made by someone who saved a step of this run: a team leader reassigning the SR while
the run was open did not change it through the run.
A closed SR's Sub Status and Resolution Code are not part of what happened: they are given apart, as the CMS panel
gave them (services/recorded_cms.py), since either may have been a suggestion, not a value to quote.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from db.models import AuditEvent, ProcedureRun, ServiceRequest, Task, Team, User
from procedures.effects import CmsLine
from services import recorded_cms
from services.access import check_run
from services.actor import Actor
from services.errors import NotFound
from services.transaction import transaction


@dataclass(frozen=True, slots=True)
class RunSR:
    number: str
    label: str
    status: str
    sub_status: CmsLine | None  # as the CMS panel gave it when the SR closed (services/recorded_cms.py)
    resolution_code: CmsLine | None  # as the CMS panel gave it (services/recorded_cms.py)
    created_by_run: bool
    changed_by_run: bool

    @property
    def what_happened(self) -> str:
        """In words: "Created, now Open", "Created and closed", "Closed", "Worked on, now In Progress", "Not changed
        (it is Open)". A closed SR's Sub Status is not among them: see `in_cms`."""
        closed = self.status == "Closed"
        if self.created_by_run:
            return "Created and closed" if closed else f"Created, now {self.status}"
        if not self.changed_by_run:
            return f"Not changed (it is {self.status})"
        return "Closed" if closed else f"Worked on, now {self.status}"

    @property
    def in_cms(self) -> list[CmsLine]:
        """The closed SR's Sub Status and Resolution Code, as the CMS panel gave them (those it has)."""
        return [line for line in (self.sub_status, self.resolution_code) if line is not None]


# What changes an SR's own record (its fields, activities, notes, deadlines, letters). A task or message raised
# for its owner, an email about it, the run's own events: none of these is a change to the SR.
SR_CHANGES = (
    "sr.status",
    "sr.updated",
    "sr.reassigned",
    "activity.done",
    "note.sr",
    "deadline.set",
    "deadline.moved",
    "deadline.done",
    "letter.due",
)


def run_srs(actor: Actor, run_id: str) -> list[RunSR]:
    """Every SR the run recorded on, in the order it bound them; an SR is the run's own when made after it began.

    The run binds an SR it starts from (an allocated SR) and every SR it creates; one whose creation time
    is at or after the run's start was created by the run, since a bound SR existed before the run did.
    """
    with transaction(read_only=True) as session:
        run, ids = _readable_run(session, actor, run_id)
        srs = {sr.id: sr for sr in session.scalars(select(ServiceRequest).where(ServiceRequest.id.in_(ids)))}
        since = run.created_at.replace(microsecond=0)  # audit times are kept to the second
        workers = _workers(run)
        changed = set(
            session.scalars(
                select(AuditEvent.sr_id)
                .where(
                    AuditEvent.sr_id.in_(ids),
                    AuditEvent.at >= since,
                    AuditEvent.action.in_(SR_CHANGES),
                    AuditEvent.actor_id.in_(workers),
                )
                .distinct()
            )
        )
        return [
            RunSR(
                sr.number,
                sr.label,
                sr.status,
                recorded_cms.sub_status(session, sr),
                recorded_cms.resolution_code(session, sr),
                sr.created_at >= run.created_at,
                sr.id in changed,
            )
            for sr in (srs[i] for i in ids if i in srs)
        ]


@dataclass(frozen=True, slots=True)
class RunTask:
    kind: str  # "Task" or "Message"
    to: str  # the person's name, or the team's when it went to a whole team
    text: str
    sr_number: str | None


def run_tasks(actor: Actor, run_id: str) -> list[RunTask]:
    """The tasks and messages the run raised, oldest first, each with whom it went to: the finish page said nothing
    of them, so a caseworker could not tell that the initiating caseworker or another team had been told (QA), nor
    that a message for a team not in Casework Guide had come to the case's own team to pass on."""
    with transaction(read_only=True) as session:
        run, ids = _readable_run(session, actor, run_id)
        workers = _workers(run)
        rows = session.execute(
            select(Task, ServiceRequest.number, User.display_name, Team.name)
            .outerjoin(ServiceRequest, Task.sr_id == ServiceRequest.id)
            .outerjoin(User, Task.assignee_id == User.id)
            .outerjoin(Team, Task.team_id == Team.id)
            .where(Task.sr_id.in_(ids), Task.created_at >= run.created_at, Task.created_by_id.in_(workers))
            .order_by(Task.created_at, Task.id)
        ).all()
        return [
            RunTask(
                "Message" if task.kind == "message" else "Task",
                person or (f"The {team}" if team else ""),
                task.text,
                number,
            )
            for task, number, person, team in rows
        ]


def _readable_run(session: Session, actor: Actor, run_id: str) -> tuple[ProcedureRun, list[int]]:
    """The run, if the actor may read it, and the SRs it recorded on (bound or made, the main SR last if unbound)."""
    run = session.get(ProcedureRun, run_id)
    if run is None:
        raise NotFound("There is no procedure run with that reference. Open it again from My work.")
    check_run(session, actor, run, action="read this procedure run")
    return run, list(dict.fromkeys([*run.sr_refs.values(), *([run.sr_id] if run.sr_id else [])]))


def _workers(run: ProcedureRun) -> Select[int | None]:
    """Whoever moved the run on: its effects on SRs, tasks and messages are recorded in their name, in the same
    transaction, so they tell the run's own changes from anyone else's on the same SRs."""
    return (
        select(AuditEvent.actor_id)
        .where(
            AuditEvent.entity_type == "procedure_run",
            AuditEvent.entity_id == str(run.id),
            AuditEvent.action.in_(("run.started", "run.step")),
        )
        .distinct()
    )
