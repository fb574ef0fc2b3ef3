"""The team's deadlines, soonest first, each with how its date was worked out.

Decision: open Deadline rows, plus hearings, appointments, second PV checks and review dates held only as
SR fields (no Deadline row of that kind yet), worked out with domain.deadlines by the case's region.
Closed SRs' deadlines are left out.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from math import isqrt
from typing import Any

from sqlalchemy import ARRAY, Integer, Select, any_, bindparam, func, select
from sqlalchemy.orm import Session

from db.models import Case, Deadline, ServiceRequest, User
from domain import deadlines as rules
from domain.clock import utcnow
from services.actor import Actor
from services.console.filters import (
    NO_FILTER,
    ConsoleFilter,
    checked,
    conditions,
    filter_params,
    shape_of,
    team_leader,
)
from services.console.matched import ids_statement
from services.deadlines import DeadlineItem
from services.transaction import transaction


def deadlines(
    actor: Actor, filters: ConsoleFilter = NO_FILTER, *, limit: int = 100, now: datetime | None = None
) -> list[DeadlineItem]:
    """The open deadlines of the team's SRs matching `filters`, soonest first (overdue ones first, marked)."""
    filters, now = checked(filters), now or utcnow()
    with transaction(read_only=True) as session:
        team_id = team_leader(session, actor)
        return deadline_items(session, team_id, filters, limit=limit, now=now)


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


_DEADLINE_COLUMNS = (
    Deadline.sr_id,
    ServiceRequest.number,
    Case.scin,
    Deadline.kind,
    Deadline.due_at,
    Deadline.explanation,
    User.display_name,
)


@lru_cache(maxsize=256)
def _deadline_rows_statement(shape: ConsoleFilter) -> Select:
    """The soonest open Deadline rows of the SRs matching a filter shape (parameters: `filter_params`, limit),
    read in due order through the due-date index: quick for a team holding a fair share of all SRs, which
    meets `limit` of its own early. Built once per shape and reused."""
    return (
        select(*_DEADLINE_COLUMNS)
        .join(ServiceRequest, ServiceRequest.id == Deadline.sr_id)
        .join(Case, Case.id == ServiceRequest.case_id)
        .outerjoin(User, User.id == ServiceRequest.owner_id)
        .where(Deadline.done.is_(False), *conditions(shape)[0])
        .order_by(Deadline.due_at, Deadline.id)
        .limit(bindparam("limit", type_=Integer))
    )


@lru_cache(maxsize=256)
def _team_deadline_rows_statement(shape: ConsoleFilter) -> Select:
    """The same rows as `_deadline_rows_statement`, read from the matching SRs' own deadlines (the SR index,
    then each SR's deadlines, then a sort of those only): quick for a small team, whose deadlines are few and
    far between in the due-date index (a team of 25 SRs among 200,000 read all of it: 0.8 s on SQLite).

    `coalesce(done, false)` (done is never NULL, so the same condition) is what keeps the due-date index,
    which leads with `done`, out of this plan: SQLite, with no statistics, otherwise walks it for any team.
    The soonest `limit` deadline ids first, then their columns for those rows only."""
    where, needs_case = conditions(shape)
    soonest = select(Deadline.id).join(ServiceRequest, ServiceRequest.id == Deadline.sr_id)
    if needs_case:
        soonest = soonest.join(Case, Case.id == ServiceRequest.case_id)
    keys = (
        soonest.where(func.coalesce(Deadline.done, False).is_(False), *where)
        .order_by(Deadline.due_at, Deadline.id)
        .limit(bindparam("limit", type_=Integer))
        .subquery("soonest")
    )
    return (
        select(*_DEADLINE_COLUMNS)
        .select_from(keys)
        .join(Deadline, Deadline.id == keys.c.id)
        .join(ServiceRequest, ServiceRequest.id == Deadline.sr_id)
        .join(Case, Case.id == ServiceRequest.case_id)
        .outerjoin(User, User.id == ServiceRequest.owner_id)
        .order_by(Deadline.due_at, Deadline.id)
    )


_HIGHEST_SR = select(func.coalesce(func.max(ServiceRequest.id), 0))


@lru_cache(maxsize=256)
def _matching_statement(shape: ConsoleFilter) -> Select:
    """How many of the team's SRs match a filter shape, counted up to `cap` (stopped there)."""
    capped = ids_statement(shape).limit(bindparam("cap", type_=Integer)).subquery()
    return select(func.count()).select_from(capped)


def _small_team(
    session: Session,
    team_id: int,
    filters: ConsoleFilter,
    limit: int,
    matching: int | None = None,
    *,
    now: datetime | None = None,
) -> bool:
    """Is reading the matching SRs' own deadlines cheaper than walking the due-date index until `limit` of them?

    Decision: the walk reads about limit x (all SRs / the matching SRs) index entries, each tested against its SR
    (and case), and reading from the matching SRs about (the matching SRs), so those go first while their number
    is below sqrt(limit x all SRs): below 10,000 in a database of 1,000,000 (a team of 50,000 walks, unfiltered),
    below 4,472 in 200,000. All SRs is the highest SR id (the end of the primary key); the matching SRs are
    counted only up to that cap, so the choice costs little next to either plan.

    The matching SRs are the team's SRs under every part of the filter (case flags, owner, due dates and the
    rest), not the team's SRs by status alone: a large team's potentially violent SRs (about 2,500 of 49,710) are
    found through the walk only after some 30,000 deadlines (162 ms at 1,000,000 SRs), and read from the SRs in
    18 ms (README, "Team leader console"). One filter reads a little slower this way: a large team's overdue SRs
    (4,827) are read from the SRs in 34 ms where the walk, which meets the overdue deadlines first, takes 29 ms.

    `matching`: that number when the caller has counted it already (the page's counts, `console.overview`, count
    exactly these SRs), so no count is sent; otherwise it is counted here (`now` dates the due filters)."""
    conn = session.connection()
    cap = isqrt(limit * int(conn.execute(_HIGHEST_SR).scalar_one()))
    if matching is None:
        params = filter_params(team_id, filters, now or utcnow()) | {"cap": cap}
        matching = int(conn.execute(_matching_statement(shape_of(filters)), params).scalar_one())
    return matching < cap


@lru_cache(maxsize=256)
def _sr_dates_statement(name: str, shape: ConsoleFilter) -> Select:
    """The SRs matching a filter shape that hold a date in column `name`, soonest first."""
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
        .where(*conditions(shape)[0], column.isnot(None))
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


def deadline_items(
    session: Session,
    team_id: int,
    filters: ConsoleFilter = NO_FILTER,
    *,
    limit: int,
    now: datetime,
    matching: int | None = None,
) -> list[DeadlineItem]:
    """Merge the soonest `limit` of each source; each source is read in due order through an index. `matching`:
    the team's SRs matching `filters`, if the caller has counted them (see `_small_team`).

    Which SR-held dates already have a Deadline row is looked up afterwards, for the SRs read only, in
    one query: as a NOT EXISTS in each source's select list PostgreSQL hashed the whole deadlines table
    (a sequential scan, 40 to 110 ms a source at a million SRs) to answer it for 100 rows. The statements
    are built once and run as Core rows (they are columns, not entities)."""
    conn = session.connection()
    shape = shape_of(filters)
    params = filter_params(team_id, filters, now) | {"limit": limit}
    items: list[DeadlineItem] = []
    small = _small_team(session, team_id, filters, limit, matching, now=now)
    rows = _team_deadline_rows_statement if small else _deadline_rows_statement
    for sr_id, number, scin, kind, due_at, explanation, who in conn.execute(rows(shape), params):
        items.append(DeadlineItem(sr_id, number, scin, kind, due_at, explanation, due_at < now, who, "deadline"))

    hearings = conn.execute(_sr_dates_statement("hearing_at", shape), params).all()
    appointments = conn.execute(_sr_dates_statement("appointment_at", shape), params).all()
    reviews = conn.execute(_sr_dates_statement("review_date", shape), params).all()
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
