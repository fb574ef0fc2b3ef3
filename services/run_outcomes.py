"""What a run recorded, read back whole: its SRs with statuses, notes, activities, deadlines, tasks and letters.

The procedure tests and the crash checks compare this with what the published procedure says a run records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from db.models import Deadline, Letter, Note, ServiceRequest, Task
from services.actor import Actor
from services.run_context import load_run
from services.transaction import transaction


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
        run, _procedure, case = load_run(session, actor, run_id, "read this procedure run")
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
