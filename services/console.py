"""The team leader console: the team's outstanding SRs (filtered, counted, paged), deadlines, reassignment,
stuck runs and a CSV export. No Streamlit here; pages/outstanding.py only renders what this returns.

Decisions (the issue is silent or loose here):
- "Outstanding" means not Closed. A status filter narrows within Open / In Progress; asking for Closed
  shows closed SRs (a team leader checking what was closed), so the status filter is the whole truth.
- Procedure of an SR: the procedures the SR catalogue says use its Process / Area / Sub Area
  (`CatalogueEntry.used_by`, "P1, P2 escalated complaint" -> P1 and P2). An entry used by two procedures
  counts towards both in the counts by procedure. Filtering by procedure is an IN over catalogue entries,
  so it needs no join and uses the same index as the other filters.
- Age is whole days since the SR was created. "Due" means an open deadline from now to
  `DUE_SOON_DAYS` days ahead; "overdue" an open deadline already past (both from Deadline rows).
- Paging is keyset on (created_at, id), oldest first: the next page starts after the last row shown,
  so a page costs the same at row 50 and at row 50,000 and rows added meanwhile never shift a page.
- Deadlines list: open Deadline rows, plus hearings, appointments, second PV checks and review dates
  held only as SR fields (no Deadline row of that kind yet), worked out with domain.deadlines by the
  case's region. Closed SRs' deadlines are left out.
- Reassignment is all or nothing: one SR refused (another team's, a stale screen) and none moves. The
  new owner must be an active caseworker of the same team: only caseworkers run the wizards, so an SR
  given to anyone else would sit where nobody can work it. Naming a user of another team is refused
  and audited like an attempt on another team's SR (the page never offers one, so it is a crafted
  request); naming an inactive user or a non-caseworker of the team is a field error. Each SR gets its
  own `sr.reassigned` audit event with the old owner, the new owner and the reason.
- Stuck runs: in-progress runs of new caseworkers (User.is_new_caseworker) in the team whose last save
  is at least N working days ago by the team's region (CASEWORK_STUCK_WORKING_DAYS, default 3).
- The CSV export is audited (who exported what filter, how many rows): it is client data leaving the system.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime, time, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ARRAY,
    Integer,
    Select,
    and_,
    any_,
    bindparam,
    case,
    exists,
    func,
    or_,
    select,
    tuple_,
    type_coerce,
)
from sqlalchemy.orm import Session

from db.models import Case, Deadline, ProcedureRun, ServiceRequest, Team, User
from db.types import UTCDateTime
from domain import catalogue
from domain import deadlines as rules
from domain.clock import UK, add_working_days, as_utc, format_uk, uk_local, utcnow
from domain.values import FieldError, clean_text
from services import audit
from services.access import check_sr, refuse, require_role, unavailable
from services.actor import Actor
from services.errors import NotFound, ValidationFailed
from services.transaction import expect_version, transaction

PAGE_SIZE = 50
DUE_SOON_DAYS = 7
UNALLOCATED = 0  # owner_id filter value meaning "no owner"
EXPORT_LIMIT = 100_000
OPEN_STATUSES = tuple(s for s in catalogue.STATUSES if s != "Closed")
DUE_FILTERS = ("overdue", "due_soon")
TL_ACTION = "use the team leader console"


# --- Catalogue and procedures -------------------------------------------------------------------


@lru_cache(maxsize=1)
def procedure_entries() -> dict[str, tuple[tuple[str, str | None, str | None], ...]]:
    """Procedure id -> the catalogue entries (process, area, sub_area) it works on, from `used_by`."""
    found: dict[str, list[tuple[str, str | None, str | None]]] = {}
    for entry in catalogue.CATALOGUE:
        for pid in sorted(set(re.findall(r"\bP\d[a-e]?\b", entry.used_by))):
            found.setdefault(pid, []).append((entry.process, entry.area, entry.sub_area))
    return {pid: tuple(v) for pid, v in sorted(found.items())}


@lru_cache(maxsize=1)
def _procedures_by_entry() -> dict[tuple[str, str | None, str | None], tuple[str, ...]]:
    found: dict[tuple[str, str | None, str | None], list[str]] = {}
    for pid, entries in procedure_entries().items():
        for key in entries:
            found.setdefault(key, []).append(pid)
    return {key: tuple(pids) for key, pids in found.items()}


def procedures_of(process: str, area: str | None, sub_area: str | None) -> tuple[str, ...]:
    """The procedures that work on this catalogue entry (a dict look-up: it runs for every row shown)."""
    return _procedures_by_entry().get((process, area, sub_area), ())


def catalogue_labels() -> list[str]:
    return [e.label for e in catalogue.CATALOGUE]


# --- Filters and read models --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConsoleFilter:
    """What the team leader narrowed the list to; every field None/empty means "any"."""

    owner_id: int | None = None  # UNALLOCATED (0) for SRs with no owner
    procedure: str | None = None  # "P1", "P5a", ...
    catalogue_label: str | None = None  # "Transition / CSA Information / Information Request"
    statuses: tuple[str, ...] = OPEN_STATUSES
    min_age_days: int | None = None
    max_age_days: int | None = None
    potentially_violent: bool | None = None
    sensitive: bool | None = None
    due: str | None = None  # "overdue" or "due_soon"

    def problems(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        if any(s not in catalogue.STATUSES for s in self.statuses):
            errors["statuses"] = f"Status must be one of {', '.join(catalogue.STATUSES)}."
        if self.procedure is not None and self.procedure not in procedure_entries():
            errors["procedure"] = f"Procedure must be one of {', '.join(procedure_entries())}."
        if self.catalogue_label is not None and self.catalogue_label not in catalogue_labels():
            errors["catalogue_label"] = "Choose a Process / Area / Sub Area from the SR catalogue."
        for name in ("min_age_days", "max_age_days"):
            value = getattr(self, name)
            if value is not None and not 0 <= value <= 36_500:
                errors[name] = "Age must be a whole number of days from 0 to 36500."
        if self.min_age_days is not None and self.max_age_days is not None and self.min_age_days > self.max_age_days:
            errors["max_age_days"] = "The oldest age must be at least the youngest age."
        if self.due is not None and self.due not in DUE_FILTERS:
            errors["due"] = "Due must be 'overdue' or 'due_soon'."
        return errors


@dataclass(frozen=True, slots=True)
class ConsoleRow:
    id: int
    number: str
    case_id: int
    scin: str
    label: str
    status: str
    owner_id: int | None
    owner: str | None
    created_at: datetime
    age_days: int
    potentially_violent: bool
    sensitive: bool
    region: str
    next_due: datetime | None
    overdue: bool
    version: int
    procedures: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where the next page starts: after this (created_at, id)."""

    created_at: datetime
    id: int


@dataclass(frozen=True, slots=True)
class Page:
    rows: list[ConsoleRow]
    next_cursor: Cursor | None


@dataclass(frozen=True, slots=True)
class Counts:
    total: int
    by_status: dict[str, int]
    by_owner: dict[str, int]
    by_procedure: dict[str, int]
    by_catalogue: dict[str, int]


@dataclass(frozen=True, slots=True)
class DeadlineItem:
    sr_id: int
    sr_number: str
    scin: str
    kind: str
    due_at: datetime
    explanation: str
    overdue: bool
    owner: str | None
    source: str  # "deadline" (a Deadline row) or "sr" (worked out from the SR's fields)


@dataclass(frozen=True, slots=True)
class TeamMember:
    id: int
    display_name: str
    role: str


@dataclass(frozen=True, slots=True)
class StuckRun:
    run_id: str
    procedure_id: str
    state: str
    caseworker: str
    scin: str
    sr_number: str | None
    updated_at: datetime
    working_days_idle: int


@dataclass(frozen=True, slots=True)
class Reassigned:
    sr_numbers: tuple[str, ...]
    new_owner: str


@dataclass(frozen=True, slots=True)
class Export:
    file_name: str
    content: str
    rows: int


# --- Query building (shared by the page, the counts, the export and the benchmark) --------------


def _team_leader(session: Session, actor: Actor) -> int:
    require_role(session, actor, "team_leader", action=TL_ACTION)
    if actor.team_id is None:
        raise refuse(
            session, actor, "You are not in a team.", entity_type="user", entity_id=actor.user_id, action=TL_ACTION
        )
    return actor.team_id


def _checked(filters: ConsoleFilter) -> ConsoleFilter:
    problems = filters.problems()
    if problems:
        raise ValidationFailed(problems)
    return filters


def _open_deadline(due: str) -> Any:
    condition = [Deadline.sr_id == ServiceRequest.id, Deadline.done.is_(False)]
    if due == "overdue":
        condition.append(Deadline.due_at < bindparam("now"))
    else:
        condition += [Deadline.due_at >= bindparam("now"), Deadline.due_at < bindparam("due_soon_end")]
    return exists().where(*condition)


def conditions(filters: ConsoleFilter) -> tuple[list[Any], bool]:
    """WHERE conditions on service_requests for `filters`, and whether they need the cases join.

    Values (the team, the owner, the age cut-offs, now) are named bind parameters without a value, filled
    in at execution from `filter_params`: a statement is built once per filter shape and reused (see
    `_page_statement`), and a parameter left out fails loudly instead of running with another caller's value.
    """
    where: list[Any] = [ServiceRequest.team_id == bindparam("team_id")]
    statuses = tuple(filters.statuses or catalogue.STATUSES)
    if statuses != catalogue.STATUSES:
        where.append(ServiceRequest.status.in_(statuses))
    if filters.owner_id == UNALLOCATED:
        where.append(ServiceRequest.owner_id.is_(None))
    elif filters.owner_id is not None:
        where.append(ServiceRequest.owner_id == bindparam("owner_id"))
    entries: list[tuple[str, str | None, str | None]] | None = None
    if filters.procedure:
        entries = list(procedure_entries()[filters.procedure])
    if filters.catalogue_label:
        chosen = next(e for e in catalogue.CATALOGUE if e.label == filters.catalogue_label)
        key = (chosen.process, chosen.area, chosen.sub_area)
        entries = [key] if entries is None or key in entries else []
    if entries is not None:
        where.append(_catalogue_in(entries))
    if filters.min_age_days is not None:
        where.append(ServiceRequest.created_at <= bindparam("created_by"))
    if filters.max_age_days is not None:
        where.append(ServiceRequest.created_at > bindparam("created_after"))
    needs_case = False
    if filters.potentially_violent is not None:
        where.append(Case.potentially_violent.is_(filters.potentially_violent))
        needs_case = True
    if filters.sensitive is not None:
        where.append(Case.sensitive.is_(filters.sensitive))
        needs_case = True
    if filters.due:
        where.append(_open_deadline(filters.due))
    return where, needs_case


def filter_params(team_id: int, filters: ConsoleFilter, now: datetime) -> dict[str, Any]:
    """The values for the bind parameters `conditions` names (keys a statement does not use are ignored)."""
    params: dict[str, Any] = {"team_id": team_id, "now": now, "due_soon_end": now + timedelta(days=DUE_SOON_DAYS)}
    if filters.owner_id is not None and filters.owner_id != UNALLOCATED:
        params["owner_id"] = filters.owner_id
    if filters.min_age_days is not None:
        params["created_by"] = now - timedelta(days=filters.min_age_days)
    if filters.max_age_days is not None:
        params["created_after"] = now - timedelta(days=filters.max_age_days + 1)
    return params


def _shape(filters: ConsoleFilter) -> ConsoleFilter:
    """`filters` with the values that become bind parameters blanked out: the key of a cached statement."""
    owner = filters.owner_id
    return replace(
        filters,
        owner_id=None if owner is None else UNALLOCATED if owner == UNALLOCATED else -1,
        statuses=tuple(filters.statuses),
        min_age_days=None if filters.min_age_days is None else 0,
        max_age_days=None if filters.max_age_days is None else 0,
    )


def _catalogue_in(entries: Sequence[tuple[str, str | None, str | None]]) -> Any:
    if not entries:
        return ServiceRequest.id.is_(None)  # nothing matches
    # Area and Sub Area may be NULL, so an IN over tuples would miss those rows: spell each one out.
    return or_(
        *(
            and_(
                ServiceRequest.process == p,
                ServiceRequest.area.is_(None) if a is None else ServiceRequest.area == a,
                ServiceRequest.sub_area.is_(None) if s is None else ServiceRequest.sub_area == s,
            )
            for p, a, s in entries
        )
    )


def rows_query(filters: ConsoleFilter) -> Select:
    """The filtered list's columns, oldest first; the caller adds the keyset and the limit."""
    where, _ = conditions(filters)
    next_due = (
        select(type_coerce(func.min(Deadline.due_at), UTCDateTime))
        .where(Deadline.sr_id == ServiceRequest.id, Deadline.done.is_(False))
        .correlate(ServiceRequest)
        .scalar_subquery()
    )
    return (
        select(
            ServiceRequest.id,
            ServiceRequest.number,
            ServiceRequest.case_id,
            Case.scin,
            ServiceRequest.process,
            ServiceRequest.area,
            ServiceRequest.sub_area,
            ServiceRequest.status,
            ServiceRequest.owner_id,
            User.display_name,
            ServiceRequest.created_at,
            Case.potentially_violent,
            Case.sensitive,
            Case.region,
            next_due.label("next_due"),
            ServiceRequest.version,
        )
        .join(Case, Case.id == ServiceRequest.case_id)
        .outerjoin(User, User.id == ServiceRequest.owner_id)
        .where(*where)
        .order_by(ServiceRequest.created_at, ServiceRequest.id)
    )


@lru_cache(maxsize=256)
def _page_statement(shape: ConsoleFilter, keyset: str | None) -> Select:
    """The list statement for a filter shape, built once: building it and working out its cache key cost
    about as much as PostgreSQL takes to answer a first page. `keyset` is None for the first page,
    "row" for a row comparison (PostgreSQL) or "or" (SQLite); parameters after_created, after_id, limit."""
    query = rows_query(shape)
    after_created = bindparam("after_created", type_=UTCDateTime)
    after_id = bindparam("after_id", type_=Integer)
    if keyset == "row":
        query = query.where(tuple_(ServiceRequest.created_at, ServiceRequest.id) > tuple_(after_created, after_id))
    elif keyset == "or":
        query = query.where(
            or_(
                ServiceRequest.created_at > after_created,
                and_(ServiceRequest.created_at == after_created, ServiceRequest.id > after_id),
            )
        )
    return query.limit(bindparam("limit", type_=Integer))


def counts_query(filters: ConsoleFilter) -> Select:
    """One grouped query gives the counts by status, owner and catalogue entry (procedures follow)."""
    where, needs_case = conditions(filters)
    query = select(
        ServiceRequest.status,
        ServiceRequest.owner_id,
        ServiceRequest.process,
        ServiceRequest.area,
        ServiceRequest.sub_area,
        func.count().label("n"),
    )
    if needs_case:
        query = query.join(Case, Case.id == ServiceRequest.case_id)
    return query.where(*where).group_by(
        ServiceRequest.status,
        ServiceRequest.owner_id,
        ServiceRequest.process,
        ServiceRequest.area,
        ServiceRequest.sub_area,
    )


_counts_statement = lru_cache(maxsize=256)(counts_query)


@lru_cache(maxsize=1024)
def _entry(process: str, area: str | None, sub_area: str | None) -> tuple[str, tuple[str, ...]]:
    """A catalogue entry's label and procedures, worked out once for all the rows that share it."""
    return " / ".join(p for p in (process, area, sub_area) if p), procedures_of(process, area, sub_area)


def _rows(session: Session, query: Select, params: dict[str, Any], now: datetime) -> Iterator[ConsoleRow]:
    """Run a list statement as plain Core rows (no ORM loading: they are columns, not entities)."""
    for (
        id_,
        number,
        case_id,
        scin,
        process,
        area,
        sub_area,
        status,
        owner_id,
        owner,
        created,
        pv,
        sens,
        region,
        due,
        ver,
    ) in session.connection().execute(query, params).all():
        label, procedures = _entry(process, area, sub_area)
        yield ConsoleRow(
            id=id_,
            number=number,
            case_id=case_id,
            scin=scin,
            label=label,
            status=status,
            owner_id=owner_id,
            owner=owner,
            created_at=created,
            age_days=max((now - created).days, 0),
            potentially_violent=bool(pv),
            sensitive=bool(sens),
            region=region,
            next_due=due,
            overdue=due is not None and due < now,
            version=ver,
            procedures=procedures,
        )


# --- Use cases ----------------------------------------------------------------------------------


def outstanding_page(
    actor: Actor,
    filters: ConsoleFilter = ConsoleFilter(),
    *,
    after: Cursor | None = None,
    page_size: int = PAGE_SIZE,
    now: datetime | None = None,
) -> Page:
    """One page of the team's SRs matching `filters`, oldest first, starting after `after`."""
    filters, now = _checked(filters), now or utcnow()
    page_size = max(1, min(page_size, 500))
    with transaction() as session:
        team_id = _team_leader(session, actor)
        params = filter_params(team_id, filters, now) | {"limit": page_size + 1}
        keyset = None
        if after is not None:
            keyset = "row" if session.get_bind().dialect.name == "postgresql" else "or"
            params |= {"after_created": after.created_at, "after_id": after.id}
        rows = list(_rows(session, _page_statement(_shape(filters), keyset), params, now))
        more = len(rows) > page_size
        rows = rows[:page_size]
        cursor = Cursor(rows[-1].created_at, rows[-1].id) if more and rows else None
        return Page(rows, cursor)


def counts(actor: Actor, filters: ConsoleFilter = ConsoleFilter(), *, now: datetime | None = None) -> Counts:
    """How many SRs match `filters`, by status, by owner, by procedure and by catalogue entry."""
    filters, now = _checked(filters), now or utcnow()
    with transaction() as session:
        team_id = _team_leader(session, actor)
        params = filter_params(team_id, filters, now)
        grouped = session.connection().execute(_counts_statement(_shape(filters)), params).all()
        names = {i: n for i, n in session.execute(select(User.id, User.display_name).where(User.team_id == team_id))}
    by_status: Counter[str] = Counter()
    by_owner: Counter[str] = Counter()
    by_procedure: Counter[str] = Counter()
    by_catalogue: Counter[str] = Counter()
    for status, owner_id, process, area, sub_area, n in grouped:
        by_status[status] += n
        by_owner[names.get(owner_id, "Unallocated" if owner_id is None else f"user {owner_id}")] += n
        for pid in procedures_of(process, area, sub_area) or ("(none)",):
            by_procedure[pid] += n
        by_catalogue[" / ".join(p for p in (process, area, sub_area) if p)] += n
    return Counts(
        sum(by_status.values()),
        dict(sorted(by_status.items())),
        dict(by_owner.most_common()),
        dict(sorted(by_procedure.items())),
        dict(by_catalogue.most_common()),
    )


AGE_BANDS = (
    (0, 7, "0-7 days"),
    (8, 14, "8-14 days"),
    (15, 30, "15-30 days"),
    (31, 60, "31-60 days"),
    (61, 90, "61-90 days"),
    (91, None, "over 90 days"),
)


def ageing(
    actor: Actor, filters: ConsoleFilter = ConsoleFilter(), *, now: datetime | None = None
) -> list[tuple[str, str, int]]:
    """(age band, status, count) for the filtered SRs, in band order: what the ageing chart draws."""
    filters, now = _checked(filters), now or utcnow()
    with transaction() as session:
        team_id = _team_leader(session, actor)
        where, needs_case = conditions(filters)
        band = case(
            *(
                (ServiceRequest.created_at > now - timedelta(days=high + 1), label)
                for _, high, label in AGE_BANDS
                if high is not None
            ),
            else_=AGE_BANDS[-1][2],
        ).label("band")
        query = select(band, ServiceRequest.status, func.count())
        if needs_case:
            query = query.join(Case, Case.id == ServiceRequest.case_id)
        query = query.where(*where).group_by(band, ServiceRequest.status)
        grouped = session.execute(query, filter_params(team_id, filters, now))
        found = {(b, st): n for b, st, n in grouped}
    order = [label for _, _, label in AGE_BANDS]
    return sorted(((b, st, n) for (b, st), n in found.items()), key=lambda t: (order.index(t[0]), t[1]))


def deadlines(actor: Actor, *, limit: int = 100, now: datetime | None = None) -> list[DeadlineItem]:
    """The team's open deadlines, soonest first (overdue ones first of all, and marked)."""
    now = now or utcnow()
    with transaction() as session:
        team_id = _team_leader(session, actor)
        return deadline_items(session, team_id, limit=limit, now=now)


# The rules for SR-held dates are pure functions of the date and the region or place, and every rerun of
# the console page asks for the same team's deadlines again: remember their answers (working-day maths
# and the explanation sentence cost about as much as the queries).
_hearing = lru_cache(maxsize=8192)(rules.hearing)
_second_pv_check = lru_cache(maxsize=8192)(rules.second_pv_check)
_appointment = lru_cache(maxsize=8192)(rules.appointment)
_review_date = lru_cache(maxsize=8192)(rules.review_date)


_SR_DATES: dict[str, Any] = {
    "hearing_at": ServiceRequest.hearing_at,
    "appointment_at": ServiceRequest.appointment_at,
    "review_date": ServiceRequest.review_date,
}
_HELD_KINDS = (rules.HEARING, rules.SECOND_PV_CHECK, rules.APPOINTMENT, rules.REVIEW_DATE)


def _open_team_srs() -> list[Any]:
    return [ServiceRequest.team_id == bindparam("team_id"), ServiceRequest.status != "Closed"]


@lru_cache(maxsize=1)
def _deadline_rows_statement() -> Select:
    """The team's soonest open Deadline rows (parameters team_id, limit), built once and reused."""
    return (
        select(
            Deadline.sr_id,
            ServiceRequest.number,
            Case.scin,
            Deadline.kind,
            Deadline.due_at,
            Deadline.explanation,
            User.display_name,
        )
        .join(ServiceRequest, ServiceRequest.id == Deadline.sr_id)
        .join(Case, Case.id == ServiceRequest.case_id)
        .outerjoin(User, User.id == ServiceRequest.owner_id)
        .where(Deadline.done.is_(False), *_open_team_srs())
        .order_by(Deadline.due_at, Deadline.id)
        .limit(bindparam("limit", type_=Integer))
    )


@lru_cache(maxsize=4)
def _sr_dates_statement(name: str) -> Select:
    """The team's open SRs holding a date in column `name`, soonest first (parameters team_id, limit)."""
    column = _SR_DATES[name]
    return (
        select(
            ServiceRequest.id,
            ServiceRequest.number,
            Case.scin,
            Case.region,
            column,
            ServiceRequest.court,
            ServiceRequest.appointment_location,
            User.display_name,
        )
        .join(Case, Case.id == ServiceRequest.case_id)
        .outerjoin(User, User.id == ServiceRequest.owner_id)
        .where(*_open_team_srs(), column.isnot(None))
        .order_by(column, ServiceRequest.id)
        .limit(bindparam("limit", type_=Integer))
    )


@lru_cache(maxsize=2)
def _held_statement(postgres: bool) -> Select:
    """Which of the SRs `read` already have a Deadline row for an SR-held kind. One array parameter on
    PostgreSQL: an IN list of 300 placeholders cost 13 ms in the driver alone."""
    in_read = (
        Deadline.sr_id == any_(bindparam("read", type_=ARRAY(Integer)))
        if postgres
        else Deadline.sr_id.in_(bindparam("read", expanding=True))
    )
    return select(Deadline.sr_id, Deadline.kind).where(in_read, Deadline.kind.in_(_HELD_KINDS))


def deadline_items(session: Session, team_id: int, *, limit: int, now: datetime) -> list[DeadlineItem]:
    """Merge the soonest `limit` of each source; each source is read in due order through an index.

    Which SR-held dates already have a Deadline row is looked up afterwards, for the SRs read only, in
    one query: as a NOT EXISTS in each source's select list PostgreSQL hashed the whole deadlines table
    (a sequential scan, 40 to 110 ms a source at a million SRs) to answer it for 100 rows. The statements
    are built once and run as Core rows (they are columns, not entities)."""
    conn = session.connection()
    params = {"team_id": team_id, "limit": limit}
    items: list[DeadlineItem] = []
    for sr_id, number, scin, kind, due_at, explanation, who in conn.execute(_deadline_rows_statement(), params):
        items.append(DeadlineItem(sr_id, number, scin, kind, due_at, explanation, due_at < now, who, "deadline"))

    hearings = conn.execute(_sr_dates_statement("hearing_at"), params).all()
    appointments = conn.execute(_sr_dates_statement("appointment_at"), params).all()
    reviews = conn.execute(_sr_dates_statement("review_date"), params).all()
    read = {r[0] for r in (*hearings, *appointments, *reviews)}
    held: set[tuple[int, str]] = set()
    if read:
        postgres = conn.dialect.name == "postgresql"
        found = conn.execute(_held_statement(postgres), {"read": sorted(read)})
        held = {(sr_id, kind) for sr_id, kind in found}

    def add(sr_id: int, number: str, scin: str, who: str | None, due: Any) -> None:
        if (sr_id, due.kind) not in held:
            items.append(
                DeadlineItem(sr_id, number, scin, due.kind, due.due_at, due.explanation, due.due_at < now, who, "sr")
            )

    for sr_id, number, scin, region, hearing_at, court, _, who in hearings:
        add(sr_id, number, scin, who, _hearing(hearing_at, court))
        add(sr_id, number, scin, who, _second_pv_check(hearing_at, region))
    for sr_id, number, scin, _, at, _, location, who in appointments:
        add(sr_id, number, scin, who, _appointment(at, location))
    for sr_id, number, scin, region, day, _, _, who in reviews:
        add(sr_id, number, scin, who, _review_date(day, region))
    items.sort(key=lambda d: (d.due_at, d.sr_id, d.kind))
    return items[:limit]


def team_members(actor: Actor) -> list[TeamMember]:
    """The team's active caseworkers and team leaders (the owner filter; reassignment offers the caseworkers)."""
    with transaction() as session:
        team_id = _team_leader(session, actor)
        users = session.scalars(
            select(User)
            .where(User.team_id == team_id, User.is_active.is_(True), User.role.in_(("caseworker", "team_leader")))
            .order_by(User.display_name)
        ).all()
        return [TeamMember(u.id, u.display_name, u.role) for u in users]


def reassign(
    actor: Actor,
    sr_ids: Sequence[int],
    new_owner_id: int,
    reason: str,
    *,
    expected_versions: dict[int, int] | None = None,
) -> Reassigned:
    """Give one or many SRs to another member of the team, with a reason; all move or none does."""
    errors: dict[str, str] = {}
    try:
        reason = clean_text(reason, field="reason", max_chars=200)
    except FieldError as exc:
        errors["reason"] = exc.message if reason.strip() else "Enter the reason for the reassignment."
    if not sr_ids:
        errors["sr_ids"] = "Choose at least one service request to reassign."
    if errors:
        raise ValidationFailed(errors)
    action = "reassign service requests"
    with transaction() as session:
        require_role(session, actor, "team_leader", action=action)
        # Every SR's access is checked before anything else is looked at, so an attempt on another
        # team's SR is refused and audited whoever it names as the new owner.
        chosen = []
        for sr_id in dict.fromkeys(sr_ids):
            sr = session.get(ServiceRequest, sr_id)
            if sr is None:
                raise NotFound(unavailable("service request"))
            check_sr(session, actor, sr, action=action)
            chosen.append(sr)
        new_owner = session.get(User, new_owner_id)
        if new_owner is not None and new_owner.team_id != actor.team_id:
            raise refuse(
                session,
                actor,
                "You can reassign service requests only to a caseworker of your own team.",
                entity_type="user",
                entity_id=new_owner.id,
                action=action,
            )
        if new_owner is None or not new_owner.is_active or new_owner.role != "caseworker":
            raise ValidationFailed({"new_owner": "Choose an active caseworker of your team."})
        numbers = []
        for sr in chosen:
            sr_id = sr.id
            if expected_versions is not None:
                expect_version(sr, expected_versions.get(sr_id), what=f"Service request {sr.number}")
            if sr.status == "Closed":
                raise ValidationFailed({"sr_ids": f"Service request {sr.number} is closed; it cannot be reassigned."})
            before = sr.owner_id
            if before == new_owner.id:
                numbers.append(sr.number)
                continue
            sr.owner_id = new_owner.id
            session.flush()
            audit.record(
                session,
                actor,
                "sr.reassigned",
                entity_type="service_request",
                entity_id=sr.number,
                case_id=sr.case_id,
                sr_id=sr.id,
                before={"owner_id": before},
                after={"owner_id": new_owner.id, "owner": new_owner.username, "reason": reason},
            )
            numbers.append(sr.number)
        return Reassigned(tuple(numbers), new_owner.display_name)


def stuck_working_days() -> int:
    """CASEWORK_STUCK_WORKING_DAYS (default 3); anything that is not a whole number of at least 1 means 3."""
    raw = os.environ.get("CASEWORK_STUCK_WORKING_DAYS", "3").strip()
    return max(int(raw), 1) if raw.isdigit() else 3


def stuck_runs(actor: Actor, *, working_days: int | None = None, now: datetime | None = None) -> list[StuckRun]:
    """In-progress runs of the team's new caseworkers with no save for `working_days` working days or more."""
    days = working_days or stuck_working_days()
    now = now or utcnow()
    with transaction() as session:
        team_id = _team_leader(session, actor)
        region = session.scalar(select(Team.region).where(Team.id == team_id)) or "England"
        today = uk_local(now).date()
        cutoff_day = add_working_days(today, -days, region)
        # Saved on or before cutoff_day (UK local) means at least `days` working days without progress.
        before = as_utc(datetime.combine(cutoff_day + timedelta(days=1), time(0), tzinfo=UK))
        rows = session.execute(
            select(ProcedureRun, User.display_name, Case.scin, ServiceRequest.number)
            .join(User, User.id == ProcedureRun.started_by_id)
            .join(Case, Case.id == ProcedureRun.case_id)
            .outerjoin(ServiceRequest, ServiceRequest.id == ProcedureRun.sr_id)
            .where(
                ProcedureRun.team_id == team_id,
                ProcedureRun.status == "in_progress",
                ProcedureRun.updated_at < before,
                User.is_new_caseworker.is_(True),
            )
            .order_by(ProcedureRun.updated_at)
        ).all()
        from domain.clock import working_days_between

        return [
            StuckRun(
                run.id,
                run.procedure_id,
                run.state,
                name,
                scin,
                number,
                run.updated_at,
                working_days_between(uk_local(run.updated_at).date(), today, region),
            )
            for run, name, scin, number in rows
        ]


CSV_COLUMNS = (
    "SR",
    "SCIN",
    "Process / Area / Sub Area",
    "Procedures",
    "Status",
    "Owner",
    "Created",
    "Age (days)",
    "PV",
    "Sensitive",
    "Next due",
    "Overdue",
)


def export_csv(actor: Actor, filters: ConsoleFilter = ConsoleFilter(), *, now: datetime | None = None) -> Export:
    """The whole filtered list (up to EXPORT_LIMIT rows) as CSV, in UK local times; the export is audited."""
    filters, now = _checked(filters), now or utcnow()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    with transaction() as session:
        team_id = _team_leader(session, actor)
        count = 0
        params = filter_params(team_id, filters, now) | {"limit": EXPORT_LIMIT}
        for r in _rows(session, _page_statement(_shape(filters), None), params, now):
            writer.writerow(
                (
                    r.number,
                    _safe(r.scin),
                    _safe(r.label),
                    " ".join(r.procedures),
                    r.status,
                    _safe(r.owner or "Unallocated"),
                    format_uk(r.created_at),
                    r.age_days,
                    "Yes" if r.potentially_violent else "No",
                    "Yes" if r.sensitive else "No",
                    format_uk(r.next_due),
                    "Yes" if r.overdue else "No",
                )
            )
            count += 1
        audit.record(
            session,
            actor,
            "console.exported",
            entity_type="team",
            entity_id=team_id,
            after={"filters": asdict(filters), "rows": count},
        )
    stamp = uk_local(now).strftime("%Y-%m-%d-%H%M")
    return Export(f"outstanding-srs-{stamp}.csv", out.getvalue(), count)


def _safe(text: str) -> str:
    """Neutralise spreadsheet formulas: a cell starting with = + - @ is read as text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
