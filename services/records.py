"""What a step records on an SR, as plain operations inside the caller's transaction.

These never commit: a procedure step runs several of them and the state change together, so
either all of them are saved or none is. Each writes its audit event in the same transaction.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from db.models import Activity, Case, Counter, Deadline, Note, ServiceRequest, Task
from domain import catalogue
from domain.clock import UK, utcnow
from domain.values import NOTE_MAX_CHARS, clean_text
from services import audit
from services.actor import Actor

SR_FIELDS = (
    "number",
    "process",
    "area",
    "sub_area",
    "status",
    "sub_status",
    "resolution_code",
    "reason",
    "owner_id",
    "team_id",
)


def next_number(session: Session, name: str = "service_request") -> int:
    """Allocate the next value of a named counter; the row lock serialises concurrent allocators."""
    result = session.execute(
        update(Counter).where(Counter.name == name).values(value=Counter.value + 1).returning(Counter.value)
    ).scalar()
    if result is None:
        session.add(Counter(name=name, value=1))
        session.flush()
        return 1
    return int(result)


def format_sr_number(value: int) -> str:
    return f"1-{value:08d}"


# An SR number as people type it: "1-00000042", "1-42", "1 - 42".
_TYPED_SR_NUMBER = re.compile(r"^\s*1\s*-\s*0*(\d{1,8})\s*$")


def typed_sr_number(text: str | None) -> str | None:
    """The SR number `text` names, as stored ("1-00000042"), or None when it is not one."""
    match = _TYPED_SR_NUMBER.match(text or "")
    return format_sr_number(int(match.group(1))) if match else None


def create_sr(
    session: Session,
    actor: Actor | None,
    *,
    case: Case,
    process: str,
    area: str | None,
    sub_area: str | None,
    team_id: int | None = None,
    owner_id: int | None = None,
    parent: ServiceRequest | None = None,
    status: str = "Open",
    activities: tuple[str, ...] = (),
    **fields: Any,
) -> ServiceRequest:
    """Create an SR with catalogue-checked values, linked to the case (and its parent SR)."""
    catalogue.lookup(process, area, sub_area)
    catalogue.validate_status(status, None)
    sr = ServiceRequest(
        number=format_sr_number(next_number(session)),
        case=case,
        parent=parent,
        process=process,
        area=area,
        sub_area=sub_area,
        status=status,
        team_id=team_id if team_id is not None else case.team_id,
        owner_id=owner_id,
        **fields,
    )
    session.add(sr)
    for position, name in enumerate(activities):
        sr.activities.append(Activity(position=position, name=name))
    session.flush()
    audit.record(
        session,
        actor,
        "sr.created",
        entity_type="service_request",
        entity_id=sr.number,
        case_id=case.id,
        sr_id=sr.id,
        after=audit.snapshot(sr, SR_FIELDS) | {"parent": parent.number if parent else None},
    )
    return sr


class ActivitiesNotDone(catalogue.CatalogueError):
    """An SR cannot close Complete while a mandatory activity is still open."""


def set_status(
    session: Session,
    actor: Actor | None,
    sr: ServiceRequest,
    status: str,
    sub_status: str | None = None,
    *,
    resolution_code: str | None = None,
    reason: str | None = None,
    sub_status_cms: dict[str, str | None] | None = None,
) -> None:
    """Move the SR's Status / Sub Status; closing Complete needs every mandatory activity Done.

    `sub_status_cms`: the Sub Status line the CMS panel gave for this close (`SetStatus.sub_status_line`); any
    other change of Status drops the one kept from an earlier close, which no longer says what is in CMS."""
    catalogue.validate_status(status, sub_status)
    if status == "Closed" and sub_status == "Complete":
        open_ones = [a.name for a in sr.activities if a.mandatory and not a.done]
        if open_ones:
            raise ActivitiesNotDone(
                f"SR {sr.number} cannot be closed as Complete: "
                f"mark these activities Done first: {', '.join(open_ones)}."
            )
    before = audit.snapshot(sr, ("status", "sub_status", "resolution_code", "reason"))
    sr.status, sr.sub_status = status, sub_status
    sr.sub_status_cms = sub_status_cms if sub_status else None
    if resolution_code is not None:
        sr.resolution_code = resolution_code
    if reason is not None:
        sr.reason = reason
    sr.closed_at = utcnow() if status == "Closed" else None
    session.flush()
    audit.record(
        session,
        actor,
        "sr.status",
        entity_type="service_request",
        entity_id=sr.number,
        case_id=sr.case_id,
        sr_id=sr.id,
        before=before,
        after=audit.snapshot(sr, ("status", "sub_status", "resolution_code", "reason")),
    )


def update_sr(session: Session, actor: Actor | None, sr: ServiceRequest, **changes: Any) -> None:
    """Set SR fields (hearing date, CPO name, appointment, ...) and audit old and new values."""
    names = tuple(changes)
    before = audit.snapshot(sr, names)
    for name, value in changes.items():
        if name not in ServiceRequest.__table__.columns or name in ("id", "version", "status", "sub_status"):
            raise ValueError(f"{name} cannot be set with update_sr")
        setattr(sr, name, value)
    session.flush()
    audit.record(
        session,
        actor,
        "sr.updated",
        entity_type="service_request",
        entity_id=sr.number,
        case_id=sr.case_id,
        sr_id=sr.id,
        before=before,
        after=audit.snapshot(sr, names),
    )


def mark_activity_done(
    session: Session, actor: Actor | None, sr: ServiceRequest, name: str, *, outcome: str | None = None
) -> Activity:
    """Mark the named activity Done (adding it to the plan if the plan does not list it yet)."""
    activity = next((a for a in sr.activities if a.name == name), None)
    if activity is None:
        activity = Activity(position=len(sr.activities), name=name)
        sr.activities.append(activity)
    activity.done, activity.outcome = True, outcome
    activity.done_by_id = actor.user_id if actor else None
    activity.done_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        "activity.done",
        entity_type="activity",
        entity_id=activity.id,
        case_id=sr.case_id,
        sr_id=sr.id,
        after={"name": name, "outcome": outcome},
    )
    return activity


# A note a procedure step writes is built from answers each limited at its own field (a long text to 4,000
# characters) and the words around them, so it may be longer than a note typed whole may be: a step refused a
# "note" on no page of it (the phoned court presenting team's 4,000 characters and the sentence around them).
STEP_NOTE_MAX_CHARS = 20_000


def add_note(
    session: Session,
    actor: Actor | None,
    *,
    case: Case,
    text: str,
    sr: ServiceRequest | None = None,
    kind: str = "sr",
    max_chars: int = NOTE_MAX_CHARS,
) -> Note:
    """Append an SR note (kind 'sr') or a case contact note (kind 'contact'); `max_chars` for a step's note."""
    note = Note(
        kind=kind,
        case_id=case.id,
        sr_id=sr.id if sr else None,
        text=clean_text(text, field="note", max_chars=max_chars),
        author_id=actor.user_id if actor else None,
    )
    session.add(note)
    session.flush()
    audit.record(
        session,
        actor,
        f"note.{kind}",
        entity_type="note",
        entity_id=note.id,
        case_id=case.id,
        sr_id=sr.id if sr else None,
        after={"text": note.text},
    )
    return note


def add_deadline(
    session: Session, actor: Actor | None, sr: ServiceRequest, *, kind: str, due_at: datetime, explanation: str
) -> Deadline:
    if not explanation.strip():
        raise ValueError(f"a {kind} deadline needs its one-line explanation of how the date was worked out")
    deadline = Deadline(sr_id=sr.id, kind=kind, due_at=due_at, explanation=explanation)
    session.add(deadline)
    session.flush()
    audit.record(
        session,
        actor,
        "deadline.set",
        entity_type="deadline",
        entity_id=deadline.id,
        case_id=sr.case_id,
        sr_id=sr.id,
        after={"kind": kind, "due_at": due_at, "explanation": explanation},
    )
    return deadline


def set_review_date(
    session: Session, actor: Actor | None, sr: ServiceRequest, review_date: date, explanation: str
) -> Deadline:
    """Record the review date on the SR and as a deadline a team leader sees when it is overdue."""
    update_sr(session, actor, sr, review_date=review_date)
    due = datetime.combine(review_date, datetime.min.time(), tzinfo=UK).replace(hour=9)
    return add_deadline(session, actor, sr, kind="review_date", due_at=due, explanation=explanation)


def raise_task(
    session: Session,
    actor: Actor | None,
    *,
    text: str,
    sr: ServiceRequest | None = None,
    assignee_id: int | None = None,
    team_id: int | None = None,
    kind: str = "task",
) -> Task:
    """Raise a task or message for another user or a whole team."""
    if assignee_id is None and team_id is None:
        raise ValueError("a task needs a user or a team to go to")
    task = Task(
        kind=kind,
        sr_id=sr.id if sr else None,
        assignee_id=assignee_id,
        team_id=team_id,
        text=clean_text(text, field="task"),
        created_by_id=actor.user_id if actor else None,
    )
    session.add(task)
    session.flush()
    audit.record(
        session,
        actor,
        f"{kind}.raised",
        entity_type="task",
        entity_id=task.id,
        case_id=sr.case_id if sr else None,
        sr_id=sr.id if sr else None,
        after={"text": task.text, "assignee_id": assignee_id, "team_id": team_id},
    )
    return task
