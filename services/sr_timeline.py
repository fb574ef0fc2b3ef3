"""An SR's timeline for SR detail: which audit events it shows, and which it tells together (the sentences are
`services/timeline.py`'s). QA, 7 December 2026 (second session), found three things a team leader misread:

- **The run's earlier steps were missing.** A procedure that makes its SR at step 2 or later saved its first steps
  before the SR existed, so their events carry no SR; one started from another SR (P5e from the initiating
  caseworker's SR) carried that SR until it made its own. The timeline now takes, besides the SR's own events, the
  step events of every run whose SR this is (`RUN_STEPS`: started, step saved, back, answers saved, CMS line
  ticked), so the run's story is read whole on its SR. Nothing else of another SR is taken: an SR the run made or
  changed is told by that SR's own events, on its own page, and unsaved or refused answers stay off every SR's
  history, as they are written (`run.draft_kept`, `run.answers_refused`).
- **A review date was two entries**, "Review date set for ..." and 'Deadline "Review date" set for ...':
  `records.set_review_date` writes the SR's review date and then its deadline, two audit events. Such a pair is told
  as one entry (`timeline.REVIEW_DATE_SET`), saying the date and that it was added to the deadlines (overdue from
  09:00 that day); both events stay in the audit trail, and the entry names both codes (`action`, `also`).
- **A status change gave the Sub Status as a plain value** ("Closed (Complete)"). It now says the Sub Status and
  Resolution Code as the CMS panel gave them (`services/recorded_cms.py`): the SR's latest close by the line kept
  with the SR, as SR detail lists it under "In CMS"; an earlier close (the SR was reopened since, and its line no
  longer kept) by the reference values in force when it was recorded.

The timeline is newest first, capped at TIMELINE_LIMIT events (an SR's history is short; the cap stops a
pathological one from flooding the page).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from db.models import AuditEvent, ProcedureRun, ServiceRequest
from domain.deadlines import REVIEW_DATE
from domain.reference import Kind
from procedures import registry
from procedures.effects import CmsLine
from services import recorded_cms, timeline

TIMELINE_LIMIT = 200
# A run's own step events: what the caseworker did in the run (never another SR's record, nor unsaved answers).
RUN_STEPS = ("run.started", "run.step", "run.back", "run.answers", "run.cms_ticked")
# A review date and its deadline are written in one transaction, one after the other.
PAIRED_WITHIN = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: datetime
    who: str
    action: str  # the audit code, for tests and the audit trail; screens show `text`
    summary: str
    text: str  # "Review date set to 2 December 2026 by Demo Caseworker, 14:02" (services/timeline.py)
    also: tuple[str, ...] = ()  # the codes of the other audit events this entry tells (a review date's deadline.set)


def sr_events(session: Session, sr: ServiceRequest) -> Sequence[AuditEvent]:
    """The SR's own audit events and the step events of the runs whose SR it is, newest first."""
    runs = select(ProcedureRun.id).where(ProcedureRun.sr_id == sr.id)
    of_its_runs = and_(
        AuditEvent.entity_type == "procedure_run", AuditEvent.entity_id.in_(runs), AuditEvent.action.in_(RUN_STEPS)
    )
    return session.scalars(
        select(AuditEvent)
        .where(or_(AuditEvent.sr_id == sr.id, of_its_runs))
        .order_by(AuditEvent.id.desc())
        .limit(TIMELINE_LIMIT)
    ).all()


def entries(session: Session, sr: ServiceRequest, names: Mapping[int, str]) -> tuple[TimelineEntry, ...]:
    """The SR's timeline in sentences, newest first: a review date and its deadline as one entry."""
    events = sr_events(session, sr)
    steps = _step_titles(session, events)
    latest_status = next((e for e in events if e.action == "sr.status"), None)
    found: list[TimelineEntry] = []
    at = 0
    while at < len(events):
        event = events[at]
        older = events[at + 1] if at + 1 < len(events) else None
        if older is not None and _review_date_pair(event, older):
            found.append(_review_date_entry(older, event, names))
            at += 2
            continue
        in_cms = _in_cms(session, sr, event, current=event is latest_status) if event.action == "sr.status" else None
        found.append(_entry(event, names, steps, in_cms))
        at += 1
    return tuple(found)


def _who(event: AuditEvent, names: Mapping[int, str]) -> str:
    return names.get(event.actor_id, event.actor_name) if event.actor_id else event.actor_name


def _entry(
    event: AuditEvent,
    names: Mapping[int, str],
    steps: Mapping[str, Mapping[str, str]],
    in_cms: Mapping[Kind, CmsLine] | None,
) -> TimelineEntry:
    who = _who(event, names)
    titles = steps.get(event.entity_id) if event.entity_type == "procedure_run" else None
    text = timeline.line(event.action, event.before, event.after, who, names, titles, in_cms)
    return TimelineEntry(event.at, who, event.action, _summary(event), text)


def _review_date_pair(deadline: AuditEvent, updated: AuditEvent) -> bool:
    """Whether `deadline` is the review date deadline `records.set_review_date` wrote just after `updated`."""
    due, day = deadline.after or {}, updated.after or {}
    return (
        deadline.action == "deadline.set"
        and due.get("kind") == REVIEW_DATE
        and updated.action == "sr.updated"
        and set(day) == {"review_date"}
        and bool(day["review_date"])
        and (deadline.sr_id, deadline.actor_id, deadline.actor_name)
        == (updated.sr_id, updated.actor_id, updated.actor_name)
        and timedelta(0) <= deadline.at - updated.at <= PAIRED_WITHIN
    )


def _review_date_entry(updated: AuditEvent, deadline: AuditEvent, names: Mapping[int, str]) -> TimelineEntry:
    who = _who(updated, names)
    after = {"review_date": (updated.after or {})["review_date"], "due_at": (deadline.after or {}).get("due_at")}
    text = timeline.line(timeline.REVIEW_DATE_SET, updated.before, after, who, names)
    return TimelineEntry(deadline.at, who, updated.action, _summary(updated), text, also=(deadline.action,))


def _in_cms(session: Session, sr: ServiceRequest, event: AuditEvent, *, current: bool) -> dict[Kind, CmsLine]:
    """The lines the CMS panel gave for the Sub Status and Resolution Code a status change recorded: for the SR's
    latest one, exactly what SR detail lists under "In CMS" (the line kept with the SR at its close)."""
    after: dict[str, Any] = event.after or {}
    current = current and sr.status == after.get("status")
    at = sr.closed_at if current else event.at
    lines: dict[Kind, CmsLine] = {}
    if after.get("sub_status"):
        kept = sr.sub_status_cms if current and sr.sub_status == after["sub_status"] else None
        lines[Kind.SUB_STATUS] = recorded_cms.sub_status_at(session, str(after["sub_status"]), at, kept=kept)
    if after.get("resolution_code"):
        lines[Kind.RESOLUTION_CODE] = recorded_cms.resolution_code_at(session, str(after["resolution_code"]), at)
    return lines


def _summary(event: AuditEvent) -> str:
    """One readable line from an event's before/after (values only, never the hash)."""
    after: dict[str, Any] = event.after or {}
    before: dict[str, Any] = event.before or {}
    changed = [f"{k}: {before.get(k)!s} → {v!s}" for k, v in after.items() if k in before and before.get(k) != v]
    added = [f"{k}: {v!s}" for k, v in after.items() if k not in before]
    return "; ".join(changed + added)[:300]


def _step_titles(session: Session, events: Sequence[AuditEvent]) -> dict[str, dict[str, str]]:
    """Each run the events are about: its steps' titles by id, so the timeline names a step as the wizard does."""
    run_ids = {e.entity_id for e in events if e.entity_type == "procedure_run"}
    if not run_ids:
        return {}
    found = session.execute(
        select(ProcedureRun.id, ProcedureRun.procedure_id, ProcedureRun.procedure_version).where(
            ProcedureRun.id.in_(run_ids)
        )
    )
    return {run_id: _titles(procedure_id, version) for run_id, procedure_id, version in found}


def _titles(procedure_id: str, version: str) -> dict[str, str]:
    """A version's steps' titles by id; none for a version this server does not have (a newer release not yet on
    every server, services/run_context.procedure_of): the timeline then names its steps as it does a step gone."""
    try:
        return {step_id: step.title for step_id, step in registry.get(procedure_id, version).steps.items()}
    except registry.UnknownProcedure:
        return {}
