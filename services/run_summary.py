"""What a finished run did to its SRs, for the wizard's finish page: created, closed, worked on, or not changed.

An SR the run started from but never changed (P5e's initiating SR, whose owner the run only emails and
messages) is said to be not changed: "worked on" there told the caseworker they had changed an SR they had not.
A change counts only when made by someone who saved a step of this run: a team leader reassigning the SR while
the run was open did not change it through the run.
A closed SR's Resolution Code is not part of what happened: it is given apart, as the CMS panel gave it
(services/recorded_cms.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from db.models import AuditEvent, ProcedureRun, ServiceRequest
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
    sub_status: str | None
    resolution_code: CmsLine | None  # as the CMS panel gave it (services/recorded_cms.py)
    created_by_run: bool
    changed_by_run: bool

    @property
    def what_happened(self) -> str:
        """In words: "Created, now Open", "Created and closed (Complete)", "Closed (Cancelled)", "Worked on, now In
        Progress", "Not changed (it is Open)"."""
        closed = self.status == "Closed"
        # The Sub Status as CMS spells it: never re-cased (`str.capitalize` once lowered it).
        how = f" ({self.sub_status})" if closed and self.sub_status else ""
        if self.created_by_run:
            return f"Created and closed{how}" if closed else f"Created, now {self.status}"
        if not self.changed_by_run:
            return f"Not changed (it is {self.status})"
        return f"Closed{how}" if closed else f"Worked on, now {self.status}"


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
        run = session.get(ProcedureRun, run_id)
        if run is None:
            raise NotFound("There is no procedure run with that reference. Open it again from My work.")
        check_run(session, actor, run, action="read this procedure run")
        ids = list(dict.fromkeys([*run.sr_refs.values(), *([run.sr_id] if run.sr_id else [])]))
        srs = {sr.id: sr for sr in session.scalars(select(ServiceRequest).where(ServiceRequest.id.in_(ids)))}
        since = run.created_at.replace(microsecond=0)  # audit times are kept to the second
        # Whoever moved the run on: its effects on SRs are recorded in their name, in the same transaction.
        workers = (
            select(AuditEvent.actor_id)
            .where(
                AuditEvent.entity_type == "procedure_run",
                AuditEvent.entity_id == str(run.id),
                AuditEvent.action.in_(("run.started", "run.step")),
            )
            .distinct()
        )
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
                sr.sub_status,
                recorded_cms.resolution_code(session, sr),
                sr.created_at >= run.created_at,
                sr.id in changed,
            )
            for sr in (srs[i] for i in ids if i in srs)
        ]
