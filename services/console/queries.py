"""The team's outstanding SRs: one page at a time, the counts, the ageing chart and the team's members.

Decision: paging is keyset on (created_at, id), oldest first: the next page starts after the last row
shown, so a page costs the same at row 50 and at row 50,000 and rows added meanwhile never shift a page.

Decision (QA: "a header sort reorders only the page shown"): the list keeps this one order, and the page says
beside the table that a heading click sorts only the rows shown. Other orders across the whole list would each
need an index of their own to stay quick at 1,000,000 SRs; what a team leader sorts to find (overdue, an
owner's, the oldest, PV) the filters already find across every page, and oldest first is the age order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Integer, Select, and_, bindparam, func, or_, select, tuple_, type_coerce
from sqlalchemy.orm import Session

from db.models import Case, Deadline, ServiceRequest, User
from db.types import UTCDateTime
from domain.clock import utcnow
from services.actor import Actor
from services.console.filters import (
    AGE_BANDS,
    AGE_ENDS,
    NO_FILTER,
    PAGE_SIZE,
    ConsoleFilter,
    checked,
    conditions,
    filter_params,
    shape_of,
    team_leader,
)
from services.console.links import procedure_group, procedures_of
from services.console.matched import ids_statement
from services.transaction import transaction


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
class TeamMember:
    id: int
    display_name: str
    role: str
    active: bool = True


def rows_query(filters: ConsoleFilter) -> Select:
    """The filtered list's columns, oldest first; the caller adds the keyset and the limit."""
    where, _ = conditions(filters)
    return _with_columns(select()).where(*where).order_by(ServiceRequest.created_at, ServiceRequest.id)


def _with_columns(query: Select) -> Select:
    """`query` with the list's columns added, and the SR's case and owner joined."""
    next_due = (
        select(type_coerce(func.min(Deadline.due_at), UTCDateTime))
        .where(Deadline.sr_id == ServiceRequest.id, Deadline.done.is_(False))
        .correlate(ServiceRequest)
        .scalar_subquery()
    )
    return (
        query.add_columns(
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
    )


@lru_cache(maxsize=256)
def page_statement(shape: ConsoleFilter, *, postgres: bool, after: bool) -> Select:
    """The list statement for a filter shape, built once: building it and working out its cache key cost
    about as much as PostgreSQL takes to answer a first page. With `after`, the rows after a keyset
    (parameters after_created, after_id: a row comparison on PostgreSQL, spelt out on SQLite); and limit.

    Decision: on PostgreSQL a filter on a case flag or on the owner picks the page's SR ids first, from indexes
    alone (the team's SRs with their case and owner in ix_sr_team_counts' included columns, the flagged cases in
    their partial index), and reads the rows' columns for those ids only. Read in one statement, PostgreSQL
    fetched every SR row of the team before the case filter dropped most of them (a team of 50,000 among
    1,000,000 SRs, 5 December 2026, five runs each by hand: potentially violent and overdue 90 to 121 ms, ids
    first 16 to 27 ms; one owner 15 to 16 ms, ids first 7 ms; sensitive 13 to 21 ms, ids first 9 ms). The other
    filters keep rows near the team's oldest, found at once by walking ix_sr_team_created_id, where the detour
    gains nothing that matters (unfiltered 2.1 to 1.6 ms, older than 300 days 1.2 to 1.6 ms, not potentially
    violent 1.3 to 1.8 ms). SQLite's indexes hold no included columns, and the page's read measured the same
    either way there (a team of 10,000 among 200,000 SRs), so it reads in one statement."""
    after_created = bindparam("after_created", type_=UTCDateTime)
    after_id = bindparam("after_id", type_=Integer)
    keyset: list[Any] = []
    if after and postgres:
        keyset.append(tuple_(ServiceRequest.created_at, ServiceRequest.id) > tuple_(after_created, after_id))
    elif after:
        keyset.append(
            or_(
                ServiceRequest.created_at > after_created,
                and_(ServiceRequest.created_at == after_created, ServiceRequest.id > after_id),
            )
        )
    oldest_first = (ServiceRequest.created_at, ServiceRequest.id)
    limit = bindparam("limit", type_=Integer)
    where, needs_case = conditions(shape)
    if not postgres or (not needs_case and shape.owner_id is None):
        return _with_columns(select()).where(*where, *keyset).order_by(*oldest_first).limit(limit)
    page = ids_statement(shape).where(*keyset).order_by(*oldest_first).limit(limit).subquery("page")
    return _with_columns(select().select_from(page).join(ServiceRequest, ServiceRequest.id == page.c.id)).order_by(
        *oldest_first
    )


def counts_query(filters: ConsoleFilter) -> Select:
    """One grouped query gives the counts by status, owner and catalogue entry (procedures follow) and, in the
    same pass over the team's SRs, how many of each group are younger than each age band's end (the ageing
    chart). All from ix_sr_team_counts alone, whose last column is created_at (migration console3)."""
    where, needs_case = conditions(filters)
    younger = [
        func.count().filter(ServiceRequest.created_at > bindparam(name, type_=UTCDateTime)) for name, _ in AGE_ENDS
    ]
    query = select(
        ServiceRequest.status,
        ServiceRequest.owner_id,
        ServiceRequest.process,
        ServiceRequest.area,
        ServiceRequest.sub_area,
        func.count().label("n"),
        *younger,
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


def read_rows(session: Session, query: Select, params: dict[str, Any], now: datetime) -> Iterator[ConsoleRow]:
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


def outstanding_page(
    actor: Actor,
    filters: ConsoleFilter = NO_FILTER,
    *,
    after: Cursor | None = None,
    page_size: int = PAGE_SIZE,
    now: datetime | None = None,
) -> Page:
    """One page of the team's SRs matching `filters`, oldest first, starting after `after`."""
    filters, now = checked(filters), now or utcnow()
    with transaction(read_only=True) as session:
        return page_in(session, team_leader(session, actor), filters, after=after, page_size=page_size, now=now)


def page_in(
    session: Session, team_id: int, filters: ConsoleFilter, *, after: Cursor | None, page_size: int, now: datetime
) -> Page:
    """`outstanding_page` inside a transaction whose caller has already checked the team leader."""
    page_size = max(1, min(page_size, 500))
    params = filter_params(team_id, filters, now) | {"limit": page_size + 1}
    if after is not None:
        params |= {"after_created": after.created_at, "after_id": after.id}
    postgres = session.get_bind().dialect.name == "postgresql"
    statement = page_statement(shape_of(filters), postgres=postgres, after=after is not None)
    rows = list(read_rows(session, statement, params, now))
    more = len(rows) > page_size
    rows = rows[:page_size]
    cursor = Cursor(rows[-1].created_at, rows[-1].id) if more and rows else None
    return Page(rows, cursor)


def counts(actor: Actor, filters: ConsoleFilter = NO_FILTER, *, now: datetime | None = None) -> Counts:
    """How many SRs match `filters`, by status, by owner, by procedure and by catalogue entry."""
    filters, now = checked(filters), now or utcnow()
    with transaction(read_only=True) as session:
        return counts_in(session, team_leader(session, actor), filters, now=now)


def counts_in(session: Session, team_id: int, filters: ConsoleFilter, *, now: datetime) -> Counts:
    """`counts` inside a transaction whose caller has already checked the team leader."""
    return counts_and_ageing_in(session, team_id, filters, now=now)[0]


def counts_and_ageing_in(
    session: Session, team_id: int, filters: ConsoleFilter, *, now: datetime
) -> tuple[Counts, list[tuple[str, str, int]]]:
    """`counts` and `ageing` from one statement (one pass over the team's SRs), inside a transaction whose
    caller has already checked the team leader."""
    params = filter_params(team_id, filters, now)
    grouped = session.connection().execute(_counts_statement(shape_of(filters)), params).all()
    names = {i: n for i, n in session.execute(select(User.id, User.display_name).where(User.team_id == team_id))}
    by_status: Counter[str] = Counter()
    by_owner: Counter[str] = Counter()
    by_procedure: Counter[str] = Counter()
    by_catalogue: Counter[str] = Counter()
    younger: dict[str, list[int]] = {}  # status -> [SRs younger than each band's end..., all]
    for status, owner_id, process, area, sub_area, n, *under in grouped:
        by_status[status] += n
        by_owner[names.get(owner_id, "Unallocated" if owner_id is None else f"user {owner_id}")] += n
        by_procedure[procedure_group(process, area, sub_area)] += n
        by_catalogue[" / ".join(p for p in (process, area, sub_area) if p)] += n
        sums = younger.setdefault(status, [0] * (len(under) + 1))
        for i, count in enumerate((*under, n)):
            sums[i] += count
    counts = Counts(
        sum(by_status.values()),
        dict(sorted(by_status.items())),
        dict(by_owner.most_common()),
        dict(sorted(by_procedure.items())),
        dict(by_catalogue.most_common()),
    )
    return counts, _bands(younger)


def _bands(younger: dict[str, list[int]]) -> list[tuple[str, str, int]]:
    """(band, status, SRs) in band order then status, bands with no SRs left out: each band holds the SRs younger
    than its end less those younger than the band before's end."""
    rows = []
    for i, (_, _, label) in enumerate(AGE_BANDS):
        for status in sorted(younger):
            cumulative = younger[status]
            n = cumulative[i] - (cumulative[i - 1] if i else 0)
            if n:
                rows.append((label, status, n))
    return rows


def ageing(
    actor: Actor, filters: ConsoleFilter = NO_FILTER, *, now: datetime | None = None
) -> list[tuple[str, str, int]]:
    """(age band, status, count) for the filtered SRs, in band order: what the ageing chart draws."""
    filters, now = checked(filters), now or utcnow()
    with transaction(read_only=True) as session:
        return ageing_in(session, team_leader(session, actor), filters, now=now)


def ageing_in(session: Session, team_id: int, filters: ConsoleFilter, *, now: datetime) -> list[tuple[str, str, int]]:
    """`ageing` inside a transaction whose caller has already checked the team leader."""
    return counts_and_ageing_in(session, team_id, filters, now=now)[1]


def team_members(actor: Actor) -> list[TeamMember]:
    """The team's caseworkers and team leaders, the deactivated among them too (marked): the owner filter lists a
    leaver, so their SRs can be found and handed on (QA: they counted under "By owner" but could not be filtered);
    reassignment offers the active caseworkers only."""
    with transaction(read_only=True) as session:
        team_id = team_leader(session, actor)
        users = session.execute(  # columns, not User entities: the password hash and the rest are not needed
            select(User.id, User.display_name, User.role, User.is_active)
            .where(User.team_id == team_id, User.role.in_(("caseworker", "team_leader")))
            .order_by(User.is_active.desc(), User.display_name)
        ).all()
        return [TeamMember(user_id, name, role, bool(active)) for user_id, name, role, active in users]
