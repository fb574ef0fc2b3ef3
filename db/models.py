"""Typed SQLAlchemy 2 models: teams and users, cases, service requests and everything recorded on them.

Money columns are `Money` (exact pence), moments are `UTCDateTime` (aware UTC). Service
requests carry a version counter: a stale write raises instead of silently overwriting.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates

from db.types import Money, UTCDateTime
from domain import catalogue, time_histogram
from domain.clock import REGIONS, utcnow

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ROLES = ("caseworker", "team_leader", "policy", "admin")
SCHEMES = ("CSA 1993", "CSA 2003", "CMS 2012")


def _in(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return f"{column} IN ({quoted})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    region: Mapped[str] = mapped_column(String(20), default="England")

    users: Mapped[list[User]] = relationship(back_populates="team")


class User(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    # Loaded only where it is read (sign-in: services/auth.py undefers it in its one read of the user), not with every
    # page view's check of the signed-in user, the console's team-leader checks or the admin's user list.
    password_hash: Mapped[str | None] = mapped_column(String(255), deferred=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # New caseworkers are the ones a team leader watches for stuck runs.
    is_new_caseworker: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Bumped by a password reset, deactivation or a role or team change: every session and every signed-in
    # Actor carrying an older number is refused on its next page view or service call, on every server.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    team: Mapped[Team | None] = relationship(back_populates="users")


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint(_in("scheme", SCHEMES), name="scheme"),
        CheckConstraint(_in("region", REGIONS), name="region"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scin: Mapped[str] = mapped_column(String(12), unique=True)
    scheme: Mapped[str] = mapped_column(String(10))
    receiving_parent_name: Mapped[str] = mapped_column(String(200))
    receiving_parent_address: Mapped[str] = mapped_column(Text, default="")
    paying_parent_name: Mapped[str] = mapped_column(String(200))
    paying_parent_address: Mapped[str] = mapped_column(Text, default="")
    segment: Mapped[int] = mapped_column(Integer, default=1)
    region: Mapped[str] = mapped_column(String(20), default="England")
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)  # Special Client Records
    nationally_sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    potentially_violent: Mapped[bool] = mapped_column(Boolean, default=False)
    legacy_ongoing_enforcement: Mapped[bool] = mapped_column(Boolean, default=False)
    csa_liability_ended: Mapped[bool] = mapped_column(Boolean, default=False)
    financial_transition_complete: Mapped[bool] = mapped_column(Boolean, default=False)
    arrears_balance: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    sos_arrears: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))  # owed to the Secretary of State
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    team: Mapped[Team] = relationship()
    service_requests: Mapped[list[ServiceRequest]] = relationship(back_populates="case")
    liability_orders: Mapped[list[LiabilityOrder]] = relationship(back_populates="case")
    arrears_periods: Mapped[list[ArrearsPeriod]] = relationship(
        back_populates="case", order_by="ArrearsPeriod.period_start"
    )


# Team leader console (migration console4): the cases a potentially-violent or sensitive filter keeps, found
# without reading the whole cases table (about 7% and 2% of cases), with the case columns the console's deadline
# lists show (PostgreSQL). The filters' conditions are these very expressions (services/console/filters.py), so
# both databases see that the index covers them.
for _flag in (Case.potentially_violent, Case.sensitive):
    Index(
        f"ix_cases_{_flag.key}",
        Case.id,
        postgresql_where=_flag.is_(True),
        postgresql_include=["scin", "region"],
        sqlite_where=_flag.is_(True),
    )


class LiabilityOrder(Base):
    """A CSA liability order found on the legacy systems (P3 enters one SR per undischarged LO)."""

    __tablename__ = "liability_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    court: Mapped[str] = mapped_column(String(200))
    granted_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)
    discharged: Mapped[bool] = mapped_column(Boolean, default=False)
    enforcement: Mapped[str | None] = mapped_column(String(50))  # bailiff, EJO, DCA, charging order, ...

    case: Mapped[Case] = relationship(back_populates="liability_orders")


class ArrearsPeriod(Base):
    """One line of a paying parent's account breakdown (P4)."""

    __tablename__ = "arrears_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    amount_due: Mapped[Decimal] = mapped_column(Money)
    amount_paid: Mapped[Decimal] = mapped_column(Money)

    case: Mapped[Case] = relationship(back_populates="arrears_periods")


class ServiceRequest(Base):
    __tablename__ = "service_requests"
    __table_args__ = (
        CheckConstraint(_in("status", catalogue.STATUSES), name="status"),
        CheckConstraint(
            "(status = 'Closed' AND sub_status IS NOT NULL) OR (status <> 'Closed' AND sub_status IS NULL)",
            name="sub_status_only_when_closed",
        ),
        Index("ix_sr_team_status_created", "team_id", "status", "created_at"),
        Index("ix_sr_owner_status", "owner_id", "status"),
        # Team leader console (migrations console1, console3, console4): keyset pages, index-only counts and ageing,
        # deadlines from SR fields.
        Index("ix_sr_team_created_id", "team_id", "created_at", "id"),
        # PostgreSQL also carries case_id and id in it (console4): a filter by a case flag or by due dates counts
        # and lists the team's SRs from the index alone, joined to the flagged cases or their deadlines.
        Index(
            "ix_sr_team_counts",
            "team_id",
            "status",
            "owner_id",
            "process",
            "area",
            "sub_area",
            "created_at",
            postgresql_include=["case_id", "id"],
        ),
        # The SR-held dates carry what the console's filters test on PostgreSQL (console5).
        *(
            Index(f"ix_sr_team_{name}", "team_id", column, postgresql_include=["status", "owner_id", "case_id", "id"])
            for name, column in (
                ("hearing", "hearing_at"),
                ("appointment", "appointment_at"),
                ("review", "review_date"),
            )
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("service_requests.id"), index=True)
    process: Mapped[str] = mapped_column(String(60))
    area: Mapped[str | None] = mapped_column(String(60))
    sub_area: Mapped[str | None] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(20), default="Open")
    sub_status: Mapped[str | None] = mapped_column(String(20))
    resolution_code: Mapped[str | None] = mapped_column(String(60))
    # The Sub Status as the CMS panel gave it when a run closed the SR ({"text", "suggestion", "source"}: a CmsLine
    # without its "On the SR, set " prefix): whether it was exact depends on the procedure that closed it, which
    # the value alone does not say (services/recorded_cms.py, migration srs1). None: closed outside a run, or before.
    sub_status_cms: Mapped[dict[str, str | None] | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(String(200))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_date: Mapped[date | None] = mapped_column(Date)
    hearing_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    court: Mapped[str | None] = mapped_column(String(200))
    cpo_name: Mapped[str | None] = mapped_column(String(200))
    summons_issued_on: Mapped[date | None] = mapped_column(Date)
    court_fee: Mapped[Decimal | None] = mapped_column(Money)
    costs: Mapped[Decimal | None] = mapped_column(Money)
    appointment_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    appointment_location: Mapped[str | None] = mapped_column(String(300))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case] = relationship(back_populates="service_requests")
    parent: Mapped[ServiceRequest | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[ServiceRequest]] = relationship(back_populates="parent")
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    team: Mapped[Team] = relationship()
    activities: Mapped[list[Activity]] = relationship(back_populates="service_request", order_by="Activity.position")
    notes: Mapped[list[Note]] = relationship(back_populates="service_request", order_by="Note.created_at")

    @validates("process", "area", "sub_area")
    def _blank_to_none(self, key: str, value: str | None) -> str | None:
        value = (value or "").strip() or None
        if key == "process" and value is None:
            raise catalogue.CatalogueError("Process is required.")
        return value

    def check_catalogue(self) -> catalogue.CatalogueEntry:
        """Raise CatalogueError unless Process / Area / Sub Area is a catalogue combination."""
        return catalogue.lookup(self.process, self.area, self.sub_area)

    @property
    def label(self) -> str:
        return " / ".join(p for p in (self.process, self.area, self.sub_area) if p)


class Activity(Base):
    """One task in an SR's activity plan; mandatory ones must be Done before the SR closes Complete."""

    __tablename__ = "activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    sr_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    mandatory: Mapped[bool] = mapped_column(Boolean, default=True)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    outcome: Mapped[str | None] = mapped_column(String(100))
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    service_request: Mapped[ServiceRequest] = relationship(back_populates="activities")


class Note(Base):
    """SR notes (kind 'sr') and case contact notes (kind 'contact')."""

    __tablename__ = "notes"
    __table_args__ = (CheckConstraint("kind IN ('sr', 'contact')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), default="sr")
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    sr_id: Mapped[int | None] = mapped_column(ForeignKey("service_requests.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    service_request: Mapped[ServiceRequest | None] = relationship(back_populates="notes")
    author: Mapped[User | None] = relationship()


class Attachment(Base):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    sr_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40), default="document")  # outcome_pdf, bundle_zip, ...
    file_name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    storage_path: Mapped[str | None] = mapped_column(String(500))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def _new_run_id() -> str:
    return uuid.uuid4().hex


class ProcedureRun(Base):
    """A caseworker's walk through one procedure: where they are and every answer given."""

    __tablename__ = "procedure_runs"
    __table_args__ = (
        CheckConstraint("status IN ('in_progress', 'finished', 'abandoned')", name="status"),
        Index("ix_runs_user_status", "started_by_id", "status"),
        Index("ix_runs_team_status_updated", "team_id", "status", "updated_at"),  # console: stuck runs
        # Insight's runs left there, all teams (policy): index-only over the runs in progress.
        Index("ix_runs_status_updated", "status", "updated_at", "procedure_id", "state", "early"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_new_run_id)
    procedure_id: Mapped[str] = mapped_column(String(20))
    procedure_version: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(20), default="in_progress")
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Visited steps in order, and how many of them have committed effects (Back stops there).
    history: Mapped[list[str]] = mapped_column(JSON, default=list)
    committed_steps: Mapped[int] = mapped_column(Integer, default=0)
    # SRs the run created or works on, by the procedure's name for them ("main", "segment", "lo_1", ...).
    sr_refs: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    # Steps to look at again because an answer they depend on changed after they were answered.
    recheck: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Set by a Change link on "check your answers": after the changed step, come back to the summary.
    return_to_summary: Mapped[bool] = mapped_column(Boolean, default=False)
    # Bookkeeping beside the answers, which hold only what the caseworker answered (migration codebase1):
    # the step whose answers wait on "check your answers" before its effects are saved;
    pending_step: Mapped[str | None] = mapped_column(String(60))
    # the checklist items ticked, by step id;
    checklists: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict, server_default="{}")
    # the answers changed after they were first given (named on the steps to check again);
    changed_answers: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    # per saved step: its title, the reference version, the CMS lines then in force and which are done in CMS;
    cms_saved: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, server_default="[]")
    # the SR refs the run was started from (allocated to the caseworker).
    allocated_refs: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    sr_id: Mapped[int | None] = mapped_column(ForeignKey("service_requests.id"), index=True)
    # The SR a caseworker began the run from when the run works its case, not that SR (P1 from a complaint or appeal
    # SR in My work; migration runs1). Not among `sr_refs`, which are the SRs the run records on (see
    # services/run_start.start_run); None for a run started from the case alone, or before this column existed.
    begun_from_sr_id: Mapped[int | None] = mapped_column(ForeignKey("service_requests.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    started_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # Among the first 10 real runs its starter started (services/step_events.py, set with the start's events);
    # None for runs started before step insight. Insight's "left there" by experience reads it.
    early: Mapped[bool | None] = mapped_column(Boolean)
    # Each step the run has shown: {step: [kind, at]}, its latest view or save (kind "view" or "submit", at in ISO
    # 8601 UTC), kept by services/step_events.py beside the events it writes, so a save reads them off the run.
    # None for runs started before it was kept (their events are read instead); practice runs never set it.
    step_visits: Mapped[dict[str, list[str]] | None] = mapped_column(JSON)
    # The answers given on the current step's earlier question pages, not saved yet: {visit, version, page,
    # answers}, written by a page's Continue (services/step_drafts.py) without changing the run's version, and
    # good only while the run is still at that version, so a reload mid-step resumes where the caseworker was.
    draft: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # A step's answers and ticks set aside when a loop came back to it (the new visit starts unanswered), so Back
    # past the new visit gives the earlier one its answers again (services/runs.py, `_move_to`, `rewind_history`;
    # migration runs2): [{at: the new visit's place in `history`, fields: its field names, answers, checklist}].
    earlier_visits: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, server_default="[]")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case] = relationship()
    service_request: Mapped[ServiceRequest | None] = relationship(foreign_keys=[sr_id])
    begun_from: Mapped[ServiceRequest | None] = relationship(foreign_keys=[begun_from_sr_id])
    started_by: Mapped[User] = relationship()


class LetterTemplate(Base):
    """An uploaded version of a Word template; the files under letters/ are version 1 of each code."""

    __tablename__ = "letter_templates"
    __table_args__ = (UniqueConstraint("code", "version", name="uq_letter_templates_code_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Letter(Base):
    """A letter or form for an SR: due (with the values it needs) until rendered and stored."""

    __tablename__ = "letters"
    __table_args__ = (
        CheckConstraint("status IN ('due', 'rendered', 'sent', 'cancelled')", name="status"),
        Index("ix_letters_status_code", "status", "template_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sr_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id"), index=True)
    template_code: Mapped[str] = mapped_column(String(40))
    template_version: Mapped[int | None] = mapped_column(Integer)
    recipient: Mapped[str | None] = mapped_column(String(40))  # receiving_parent, paying_parent, court, ...
    status: Mapped[str] = mapped_column(String(20), default="due")
    context: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    file_name: Mapped[str | None] = mapped_column(String(255))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    pdf_content: Mapped[bytes | None] = mapped_column(LargeBinary)
    sha256: Mapped[str | None] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    rendered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Produced as a letter to a parent while no way to contact us was set (services/letter_contact.py): it prints no
    # phone number or address, and must have them added by hand before it is sent (migration letters1).
    without_contact: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Deadline(Base):
    """Something due on an SR, with a sentence saying how the date was worked out."""

    __tablename__ = "deadlines"
    __table_args__ = (
        # console: soonest open deadlines, ties by id; their SRs from the index alone on PostgreSQL (console5)
        Index("ix_deadlines_done_due_id", "done", "due_at", "id", postgresql_include=["sr_id"]),
        Index("ix_deadlines_sr_done_due", "sr_id", "done", "due_at"),  # console: next due, due/overdue filters
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sr_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))  # review_date, court_fee_payment, second_pv_check, ...
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    explanation: Mapped[str] = mapped_column(Text, default="")
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    service_request: Mapped[ServiceRequest] = relationship()


class Task(Base):
    """A task or message raised for another user or a whole team."""

    __tablename__ = "tasks"
    __table_args__ = (
        CheckConstraint("kind IN ('task', 'message')", name="kind"),
        CheckConstraint("assignee_id IS NOT NULL OR team_id IS NOT NULL", name="has_assignee"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), default="task")
    sr_id: Mapped[int | None] = mapped_column(ForeignKey("service_requests.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OutboundEmail(Base):
    """An RFC 5322 message waiting in the outbox, sent, or failed with the error kept."""

    __tablename__ = "outbound_emails"
    __table_args__ = (CheckConstraint("status IN ('queued', 'sent', 'failed')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sr_id: Mapped[int | None] = mapped_column(ForeignKey("service_requests.id"), index=True)
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    to_addrs: Mapped[str] = mapped_column(Text)
    subject: Mapped[str] = mapped_column(String(500))
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    error: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set while one sender transmits it (services/email_delivery.py): no other sender sends it meanwhile (outbox1).
    sending_since: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditEvent(Base):
    """Append-only, hash-chained record of every change and refusal."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_entity", "entity_type", "entity_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(120))  # a reference value's key is up to 80 (audit2)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    sr_id: Mapped[int | None] = mapped_column(ForeignKey("service_requests.id"), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class Counter(Base):
    """Named counters for human-readable numbers (SR numbers), incremented inside the transaction."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class Reminder(Base):
    """One reminder told to one person about one deadline at one level: the record that makes `remind`
    exactly-once (claimed by inserting this row, in the same transaction as the notice and the email)."""

    __tablename__ = "reminders"
    __table_args__ = (
        CheckConstraint("level IN ('due_soon', 'overdue', 'escalated')", name="level"),
        # A moved deadline (the hearing moved) is a new due moment, so it is reminded again.
        UniqueConstraint("deadline_id", "level", "user_id", "due_at", name="uq_reminders_once"),
        Index("ix_reminders_user_created", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deadline_id: Mapped[int] = mapped_column(ForeignKey("deadlines.id"))
    level: Mapped[str] = mapped_column(String(10))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    email_id: Mapped[int | None] = mapped_column(ForeignKey("outbound_emails.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    deadline: Mapped[Deadline] = relationship()


class DeadlineSnooze(Base):
    """A team leader's decision to hold a deadline's reminders until a moment, with the reason."""

    __tablename__ = "deadline_snoozes"

    id: Mapped[int] = mapped_column(primary_key=True)
    deadline_id: Mapped[int] = mapped_column(ForeignKey("deadlines.id"), index=True)
    until: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text)
    by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class UserSession(Base):
    """A signed-in browser: only the sha256 of its token is kept, so a copy of this table signs no one in."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    generation: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(String(40))


class SignInThrottle(Base):
    """Failed sign-ins per account or per source address, for the delay and the temporary lock.

    `key` is `user:<id>` for an account, `name:<5 hex digits>` for a username that matches no account (a
    20-bit digest: enough to throttle it the same way, too short to read a password typed there back from a
    word list) and `address:<ip>` for a source address.
    """

    __tablename__ = "sign_in_throttles"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReferenceValue(Base):
    """One local change to the reference catalogue (domain.reference): a value confirmed, corrected or added.

    Rows are never updated: the latest row of a key is the value in force, its id the reference version,
    so every earlier value stays readable, and a run's saved CMS lines keep the values of their day.
    """

    __tablename__ = "reference_values"
    __table_args__ = (
        CheckConstraint("action IN ('confirmed', 'corrected', 'added')", name="action"),
        Index("ix_reference_values_key_id", "key", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    changed_by_name: Mapped[str] = mapped_column(String(200))  # a display name is up to 200 (refvalues2)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PracticeRun(Base):
    """A rehearsal of a procedure on a fictional case (issue 18), kept in a table of its own.

    Why a separate table and not a flag on procedure_runs: every real query (My work, the console, the
    deadline list, the CSV export, stuck runs, reminders, the outbox, the SR counter) reads procedure_runs,
    cases, service_requests, letters, deadlines and outbound_emails; a practice run writes none of those, so
    a query that forgets a filter has nothing practice-made to find. The fictional case, its SRs (numbers
    "PRACTICE-..."), what would have been keyed into CMS and what would have been sent live in this row's
    JSON only. The one shared table is the audit trail, where practice events are named `practice.*`.
    """

    __tablename__ = "practice_runs"
    __table_args__ = (
        CheckConstraint("status IN ('in_progress', 'finished')", name="status"),
        Index("ix_practice_runs_team_user", "team_id", "user_id"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_new_run_id)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    procedure_id: Mapped[str] = mapped_column(String(20))
    procedure_version: Mapped[str] = mapped_column(String(20))
    scenario_key: Mapped[str] = mapped_column(String(80))
    # The scenario as it was when the run started: a later edit by policy staff does not change a rehearsal.
    scenario: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reference: Mapped[str] = mapped_column(String(40))  # "PRACTICE-7F3A": never a 12-digit SCIN
    status: Mapped[str] = mapped_column(String(20), default="in_progress")
    # The simulated run (state, answers, history, fictional SRs, CMS lines, what would be sent) and its log.
    sim: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    log: Mapped[list[Any]] = mapped_column(JSON, default=list)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class PracticeScenario(Base):
    """A scenario added or edited by policy staff; the built-in ones are code (procedures/scenarios/).

    Rows are never updated: the latest row of a key is the scenario in force (like reference_values).
    """

    __tablename__ = "practice_scenarios"
    __table_args__ = (Index("ix_practice_scenarios_key_id", "key", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    procedure_id: Mapped[str] = mapped_column(String(20))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


STEP_EVENT_KINDS = ("view", "submit", "error", "back", "change")


class StepEvent(Base):
    """One thing that happened at one step of a real procedure run (issue 19's step insight): the step shown
    (`view`, when the run arrived there; `first` on the run's first arrival), saved (`submit`, with the working
    time since that arrival on the first save of the visit), refused at a field (`error`, one row per field),
    left by Back (`back`) or reopened from "check your answers" (`change`).

    Written in the same transaction as the step it describes (services/step_events.py), except `error`, which
    is written after the refused save rolled back. Team, caseworker and experience are copied onto each row so
    the Insight page's figures come from this table alone (services/insight.py). Practice runs write none.
    """

    __tablename__ = "step_events"
    __table_args__ = (
        CheckConstraint(_in("kind", STEP_EVENT_KINDS), name="kind"),
        Index("ix_step_events_run_id_id", "run_id", "id"),  # recording: the run's earlier events
        # The page's figures: index-only scans for a team (team leader) or for all teams (policy) over a period.
        Index(
            "ix_step_events_team_at",
            "team_id", "at", "procedure_id", "step", "kind", "first", "early", "working_seconds", "field", "run_id",
        ),
        Index(
            "ix_step_events_at", "at", "procedure_id", "step", "kind", "first", "early", "working_seconds", "field"
        ),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("procedure_runs.id"))
    procedure_id: Mapped[str] = mapped_column(String(20))
    step: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(10))
    field: Mapped[str | None] = mapped_column(String(60))
    first: Mapped[bool] = mapped_column(Boolean, default=False)
    working_seconds: Mapped[int | None] = mapped_column(Integer)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    early: Mapped[bool] = mapped_column(Boolean, default=False)  # the run is one of the caseworker's first 10
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


SUMMARY_COUNTS = ("reached", "timed", "errors", "back", "change")
SUMMARY_TIMES = tuple(f"t{i}" for i in range(time_histogram.BUCKETS))  # saves whose time fell in bucket i


def _step_summary(name: str, *, team: bool) -> Table:
    """Step events summed ahead of time (services/step_summary.py), so policy staff's figures read few rows.

    One row per UK day, (team,) procedure, step, refused question (`field`, '' for the step's own counts) and
    experience (`early`): the counts, and the saves' working times as a histogram, one column per bucket of
    domain/time_histogram.py. Added to by the same transaction that records the events, with increments.
    """
    keys: list[Column[Any]] = [Column("day", Date, primary_key=True)]
    if team:
        keys.append(Column("team_id", Integer, ForeignKey("teams.id"), primary_key=True))
    keys += [
        Column("procedure_id", String(20), primary_key=True),
        Column("step", String(60), primary_key=True),
        Column("field", String(60), primary_key=True),
        Column("early", Boolean, primary_key=True),
    ]
    counts: list[Column[Any]] = [Column(n, Integer, nullable=False, default=0) for n in SUMMARY_COUNTS + SUMMARY_TIMES]
    return Table(name, Base.metadata, *keys, *counts)


step_summary = _step_summary("step_summary", team=True)  # per team: policy's one-team filter
step_summary_all_teams = _step_summary("step_summary_all_teams", team=False)  # policy's all-teams view
