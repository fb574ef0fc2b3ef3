"""Everything a team leader sees about one SR: banner, audit timeline, notes, activities, letters,
deadlines (with how each was worked out), emails, attachments, related SRs and where its procedure runs stand
(the map with the current step).

One transaction reads it all, after `check_sr` (another team's SR is refused and the attempt audited).
The timeline is built by `services/sr_timeline.py`: the SR's own audit events and its runs' step events, newest
first, in the sentences of `services/timeline.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import defer, joinedload

from db.models import Activity, Attachment, Letter, Note, ProcedureRun, ServiceRequest, User
from domain.clock import format_date, format_uk
from domain.values import format_money, too_long
from procedures import registry
from procedures.effects import CmsLine
from services import recorded_cms, sr_timeline
from services.access import check_sr, opens_sr_page, reads_case, require_role, unavailable
from services.actor import Actor
from services.attachments import ROLES, AttachmentView, load_sr
from services.deadlines import DeadlineView, deadline_views
from services.email import EmailView, email_views
from services.errors import NotFound, ValidationFailed
from services.letters import LetterRow
from services.procedure_map import procedure_map
from services.records import typed_sr_number
from services.sr_timeline import TimelineEntry
from services.transaction import transaction
from services.views import BegunFrom, CaseBanner


@dataclass(frozen=True, slots=True)
class NoteView:
    at: datetime
    author: str | None
    text: str


@dataclass(frozen=True, slots=True)
class ActivityView:
    name: str
    mandatory: bool
    done: bool
    outcome: str | None
    done_at: datetime | None


@dataclass(frozen=True, slots=True)
class RelatedSR:
    id: int
    number: str
    label: str
    status: str
    relation: str  # "parent", "child", "same case"


@dataclass(frozen=True, slots=True)
class RunMap:
    run_id: str
    procedure_id: str
    procedure_title: str
    status: str
    step_title: str
    started_by: str
    updated_at: datetime
    map_dot: str
    begun_from: BegunFrom | None = None  # the complaint or appeal SR a P1 run on this SR was begun from


@dataclass(frozen=True, slots=True)
class BegunRun:
    """A run begun from this SR that works its case rather than this SR (P1 from a complaint or appeal SR): where it
    stands, and the SR it records on once its first step is saved (that SR's page has the run's map)."""

    procedure_id: str
    procedure_title: str
    status: str
    step_title: str
    started_by: str
    updated_at: datetime
    sr_id: int | None
    sr_number: str | None
    sr_label: str | None


@dataclass(frozen=True, slots=True)
class SRFullView:
    id: int
    number: str
    label: str
    status: str
    sub_status: CmsLine | None  # as the CMS panel gave it when the SR closed (services/recorded_cms.py)
    owner: str | None
    created_at: datetime
    version: int
    case: CaseBanner
    details: tuple[tuple[str, str], ...]  # what the procedures recorded on the SR (hearing, CPO, ...), set ones only
    resolution_code: CmsLine | None  # as the CMS panel gave it (services/recorded_cms.py), not among the details
    timeline: tuple[TimelineEntry, ...]
    notes: tuple[NoteView, ...]
    activities: tuple[ActivityView, ...]
    letters: tuple[LetterRow, ...]
    attachments: tuple[AttachmentView, ...]
    deadlines: tuple[DeadlineView, ...]
    emails: tuple[EmailView, ...]
    related: tuple[RelatedSR, ...]
    runs: tuple[RunMap, ...]
    begun_runs: tuple[BegunRun, ...] = ()  # runs begun from this SR that record on an SR of their own
    opens_case: bool = False  # the reader's team holds the SR's case, so its case page (pages/case.py) opens
    came_from: SRLink | None = None  # the SR page this one was opened from, if the reader may open it (sr_full_view)


@dataclass(frozen=True, slots=True)
class SRLink:
    """An SR whose page a link leads back to."""

    id: int
    number: str


def sr_details(sr: ServiceRequest) -> tuple[tuple[str, str], ...]:
    """The values procedures put on the SR, as (label, shown value), only those that are set. Not the Resolution Code:
    it is shown as the CMS panel gave it (`SRFullView.resolution_code`)."""
    values: list[tuple[str, Any]] = [
        ("Reason", sr.reason),
        ("Review date", format_date(sr.review_date) if sr.review_date else None),
        ("Court", sr.court),
        ("Court presenting officer", sr.cpo_name),
        ("Hearing", format_uk(sr.hearing_at) if sr.hearing_at else None),
        ("Summons issue date", format_date(sr.summons_issued_on) if sr.summons_issued_on else None),
        ("Court fee", format_money(sr.court_fee) if sr.court_fee is not None else None),
        ("Costs", format_money(sr.costs) if sr.costs is not None else None),
        ("Appointment", format_uk(sr.appointment_at) if sr.appointment_at else None),
        ("Appointment location", sr.appointment_location),
        ("Closed", format_uk(sr.closed_at) if sr.closed_at else None),
    ]
    return tuple((label, str(value)) for label, value in values if value not in (None, ""))


def sr_full_view(actor: Actor, sr_id: int, *, came_from: int | None = None) -> SRFullView:
    """The SR in full; with `came_from` (the SR whose page linked here: a related SR, the SR a run was begun from), that
    SR's number for a way back, only when the reader may open its page (`opens_sr_page`; else none: the id comes from
    the URL, and a way back the reader cannot take is left out, not refused)."""
    with transaction(read_only=True) as session:
        sr = load_sr(session, actor, sr_id, action="view this service request")
        back = session.get(ServiceRequest, came_from) if came_from is not None and came_from != sr.id else None
        names = {i: n for i, n in session.execute(select(User.id, User.display_name))}
        notes = session.scalars(select(Note).where(Note.sr_id == sr.id).order_by(Note.created_at, Note.id)).all()
        activities = session.scalars(select(Activity).where(Activity.sr_id == sr.id).order_by(Activity.position)).all()
        letters = session.scalars(select(Letter).where(Letter.sr_id == sr.id).order_by(Letter.id)).all()
        attachments = session.scalars(
            select(Attachment)
            .options(defer(Attachment.content))
            .where(Attachment.sr_id == sr.id)
            .order_by(Attachment.created_at)
        ).all()
        related = session.scalars(
            select(ServiceRequest)
            .where(
                or_(
                    ServiceRequest.case_id == sr.case_id,
                    ServiceRequest.parent_id == sr.id,
                    ServiceRequest.id == (sr.parent_id or -1),
                ),
                ServiceRequest.id != sr.id,
                ServiceRequest.team_id == sr.team_id,
            )
            .order_by(ServiceRequest.created_at)
        ).all()
        runs = session.scalars(
            select(ProcedureRun)
            .options(joinedload(ProcedureRun.begun_from))
            .where(ProcedureRun.sr_id == sr.id)
            .order_by(ProcedureRun.created_at)
        ).all()
        begun = session.scalars(
            select(ProcedureRun)
            .options(joinedload(ProcedureRun.service_request))
            .where(ProcedureRun.begun_from_sr_id == sr.id)
            .order_by(ProcedureRun.created_at, ProcedureRun.id)
        ).all()
        return SRFullView(
            id=sr.id,
            number=sr.number,
            label=sr.label,
            status=sr.status,
            sub_status=recorded_cms.sub_status(session, sr),
            owner=names.get(sr.owner_id) if sr.owner_id else None,
            created_at=sr.created_at,
            version=sr.version,
            case=CaseBanner.of(sr.case),
            details=sr_details(sr),
            resolution_code=recorded_cms.resolution_code(session, sr),
            timeline=sr_timeline.entries(session, sr, names),
            notes=tuple(NoteView(n.created_at, names.get(n.author_id) if n.author_id else None, n.text) for n in notes),
            activities=tuple(ActivityView(a.name, a.mandatory, a.done, a.outcome, a.done_at) for a in activities),
            letters=tuple(LetterRow.of(letter) for letter in letters),
            attachments=tuple(
                AttachmentView.of(a, names.get(a.uploaded_by_id) if a.uploaded_by_id else None) for a in attachments
            ),
            deadlines=deadline_views(session, [sr.id]),
            emails=email_views(session, [sr.id]),
            related=tuple(
                RelatedSR(
                    r.id,
                    r.number,
                    r.label,
                    r.status,
                    "parent" if r.id == sr.parent_id else "child" if r.parent_id == sr.id else "same case",
                )
                for r in related
            ),
            runs=tuple(_run_map(run, names) for run in runs),
            begun_runs=tuple(_begun_run(run, names) for run in begun),
            opens_case=reads_case(actor, sr.case.team_id),
            came_from=SRLink(back.id, back.number) if back is not None and opens_sr_page(actor, back.team_id) else None,
        )


def _run_map(run: ProcedureRun, names: dict[int, str]) -> RunMap:
    try:
        procedure = registry.get(run.procedure_id, run.procedure_version)
        title, step, dot = (
            procedure.title,
            procedure.steps[run.state].title,
            procedure_map(procedure.id, procedure.version, tuple(run.history)),
        )
    except (registry.UnknownProcedure, KeyError):  # never the state id: an internal name (registry.step_title)
        title, step, dot = run.procedure_id, registry.step_title(run.procedure_id, run.procedure_version, run.state), ""
    return RunMap(
        run.id,
        run.procedure_id,
        title,
        run.status,
        step,
        names.get(run.started_by_id, ""),
        run.updated_at,
        dot,
        BegunFrom.of(run.begun_from),
    )


def _begun_run(run: ProcedureRun, names: dict[int, str]) -> BegunRun:
    try:
        title = registry.get(run.procedure_id, run.procedure_version).title
    except registry.UnknownProcedure:
        title = ""
    own = run.service_request
    return BegunRun(
        run.procedure_id,
        title,
        run.status,
        registry.step_title(run.procedure_id, run.procedure_version, run.state),
        names.get(run.started_by_id, ""),
        run.updated_at,
        own.id if own else None,
        own.number if own else None,
        own.label if own else None,
    )


SR_NUMBER_FIELD = "sr_number"
SR_NUMBER_MAX = 20  # "1-00000042" with room to spare: longer is a paste of something else


def sr_id_by_number(actor: Actor, text: str) -> int:
    """The SR numbered `text` ("1-00000075", "1-75"), once the actor may view it: a team leader who is given an SR's
    number (a stuck run's, a caseworker's question) opens it without finding its row on the console's pages (QA,
    7 December). Another team's SR is refused as SR detail refuses it (audited), and one that does not exist alike."""
    if message := too_long(text.strip(), SR_NUMBER_MAX):  # kept in the box (ui.text_box), refused with its length
        raise ValidationFailed({SR_NUMBER_FIELD: message})
    number = typed_sr_number(text)
    if number is None:
        raise ValidationFailed({SR_NUMBER_FIELD: "Enter an SR number, for example 1-00000042."})
    with transaction(read_only=True) as session:
        require_role(session, actor, *ROLES, action="view this service request")
        sr = session.scalar(select(ServiceRequest).where(ServiceRequest.number == number))
        if sr is None:
            raise NotFound(unavailable("service request"))
        check_sr(session, actor, sr, action="view this service request")
        return sr.id
