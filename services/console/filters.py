"""What the team leader narrowed the list to, and the WHERE conditions that say it in SQL.

Decisions (the issue is silent or loose here):
- "Outstanding" means not Closed. A status filter narrows within Open / In Progress; asking for Closed
  shows closed SRs (a team leader checking what was closed), so the status filter is the whole truth.
- No status chosen means no status filter: every status, Closed included. QA found the page quietly put Open
  and In Progress back when every chip was cleared, so the list did not match what the field showed; the page
  says what an empty field lists instead of refusing it (clearing the chips is a quick way to see everything).
- Filtering by procedure is an IN over catalogue entries, so it needs no join and uses the same index as
  the other filters.
- Age is whole days since the SR was created. "Due" means an open deadline from now to
  `DUE_SOON_DAYS` days ahead; "overdue" an open deadline already past (both from Deadline rows).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ARRAY, Integer, and_, any_, bindparam, exists, or_
from sqlalchemy.orm import Session, aliased

from db.models import Case, Deadline, ServiceRequest
from domain import catalogue
from services.access import refuse, require_role
from services.actor import Actor
from services.console.links import catalogue_labels, procedure_entries
from services.errors import ValidationFailed

PAGE_SIZE = 50
DUE_SOON_DAYS = 7
UNALLOCATED = 0  # owner_id filter value meaning "no owner"
MAX_ID = 2_147_483_647  # the largest user id a database INTEGER holds
EXPORT_LIMIT = 100_000
OPEN_STATUSES = tuple(s for s in catalogue.STATUSES if s != "Closed")
DUE_FILTERS = ("overdue", "due_soon")
TL_ACTION = "use the team leader console"
AGE_LABELS = {"min_age_days": "At least (days old)", "max_age_days": "At most (days old)"}
"""The age limits' fields as the page labels them: their messages name them in the same words."""


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
        for name, label in AGE_LABELS.items():  # each message names its field as the page labels it (QA)
            value = getattr(self, name)
            if value is not None and not 0 <= value <= 36_500:
                errors[name] = f'"{label}" must be a whole number of days from 0 to 36500.'
        if self.min_age_days is not None and self.max_age_days is not None and self.min_age_days > self.max_age_days:
            errors["max_age_days"] = (
                f'"{AGE_LABELS["max_age_days"]}" must be the same as "{AGE_LABELS["min_age_days"]}" or more.'
            )
        if self.owner_id is not None and not 0 <= self.owner_id <= MAX_ID:  # beyond it, PostgreSQL's INTEGER fails
            errors["owner_id"] = "Choose an owner from the list."
        if self.due is not None and self.due not in DUE_FILTERS:
            errors["due"] = "Due must be 'overdue' or 'due_soon'."
        return errors


NO_FILTER = ConsoleFilter()  # every outstanding SR of the team


@dataclass(frozen=True, slots=True)
class Matched(ConsoleFilter):
    """A filter already worked out once: the ids of the team's SRs it keeps (`services/console/matched.py`).

    Its statements select by those ids alone (one array parameter, `matching`), so the work of the filter, a due
    filter's pairing of the team's SRs with their deadlines above all, is not done again by each of them."""

    ids: tuple[int, ...] = ()

    @classmethod
    def of(cls, filters: ConsoleFilter, ids: tuple[int, ...]) -> Matched:
        values: dict[str, Any] = {f.name: getattr(filters, f.name) for f in fields(ConsoleFilter)}
        return cls(ids=ids, **values)


def team_leader(session: Session, actor: Actor) -> int:
    require_role(session, actor, "team_leader", action=TL_ACTION)
    if actor.team_id is None:
        raise refuse(
            session, actor, "You are not in a team.", entity_type="user", entity_id=actor.user_id, action=TL_ACTION
        )
    return actor.team_id


def checked(filters: ConsoleFilter) -> ConsoleFilter:
    problems = filters.problems()
    if problems:
        raise ValidationFailed(problems)
    return filters


_DUE = aliased(Deadline, name="due")


def _open_deadline(due: str) -> Any:
    """EXISTS an open deadline of the SR, over an alias of deadlines: the deadline list selects from deadlines
    too, and the bare table would be correlated away, leaving the EXISTS with nothing to read."""
    condition = [_DUE.sr_id == ServiceRequest.id, _DUE.done.is_(False)]
    if due == "overdue":
        condition.append(_DUE.due_at < bindparam("now"))
    else:
        condition += [_DUE.due_at >= bindparam("now"), _DUE.due_at < bindparam("due_soon_end")]
    return exists().where(*condition)


_FLAGGED = aliased(Case, name="flagged")


def _not_flagged(flag: str) -> Any:
    """The SR's case is not flagged `flag` (potentially_violent or sensitive), as NOT EXISTS a flagged case.

    Decision: about 93% and 98% of cases are not flagged, so a join on "flag IS FALSE" read nearly the whole
    cases table to keep most of it (the counts of a team of 50,000 among 1,000,000 SRs on PostgreSQL, 5 December
    2026: 92 ms); the anti-join reads only the few flagged cases, from the partial index that holds them
    (db/models.py, ix_cases_*), and needs no join of its own (18 ms). Both flags are NOT NULL, so "not flagged"
    is "flag IS FALSE". Over an alias, as in `_open_deadline`: the list statements join cases too, and the bare
    table would be correlated away."""
    column = getattr(_FLAGGED, flag)
    return ~exists().where(_FLAGGED.id == ServiceRequest.case_id, column.is_(True))


def conditions(filters: ConsoleFilter) -> tuple[list[Any], bool]:
    """WHERE conditions on service_requests for `filters`, and whether they need the cases join.

    Values (the team, the owner, the age cut-offs, now) are named bind parameters without a value, filled
    in at execution from `filter_params`: a statement is built once per filter shape and reused (see
    `page_statement`), and a parameter left out fails loudly instead of running with another caller's value.
    """
    if isinstance(filters, Matched):
        return [ServiceRequest.id == any_(bindparam("matching", type_=ARRAY(Integer)))], False
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
    for flag in ("potentially_violent", "sensitive"):
        wanted = getattr(filters, flag)
        if wanted is True:
            where.append(getattr(Case, flag).is_(True))
            needs_case = True
        elif wanted is False:
            where.append(_not_flagged(flag))
    if filters.due:
        where.append(_open_deadline(filters.due))
    return where, needs_case


def filter_params(team_id: int, filters: ConsoleFilter, now: datetime) -> dict[str, Any]:
    """The values for the bind parameters `conditions` names, and the age bands' ends the counts statement
    reads (keys a statement does not use are ignored)."""
    params: dict[str, Any] = {"team_id": team_id, "now": now, "due_soon_end": now + timedelta(days=DUE_SOON_DAYS)}
    params |= age_cutoffs(now)
    if filters.owner_id is not None and filters.owner_id != UNALLOCATED:
        params["owner_id"] = filters.owner_id
    if filters.min_age_days is not None:
        params["created_by"] = now - timedelta(days=filters.min_age_days)
    if filters.max_age_days is not None:
        params["created_after"] = now - timedelta(days=filters.max_age_days + 1)
    if isinstance(filters, Matched):
        params["matching"] = list(filters.ids)
    return params


AGE_BANDS = (
    (0, 7, "0-7 days"),
    (8, 14, "8-14 days"),
    (15, 30, "15-30 days"),
    (31, 60, "31-60 days"),
    (61, 90, "61-90 days"),
    (91, None, "over 90 days"),
)
"""The ageing chart's bands: (first day, last day or None, label). An SR is in a band when it was created less
than last day + 1 days ago and is not in an earlier band."""


AGE_ENDS = tuple((f"age_{i}", high) for i, (_, high, _) in enumerate(AGE_BANDS, 1) if high is not None)
"""The bind parameter of each band's end, youngest band first, with the band's last day."""


def age_cutoffs(now: datetime) -> dict[str, datetime]:
    """The moment each band ends: an SR created after it is in that band or a younger one."""
    return {name: now - timedelta(days=high + 1) for name, high in AGE_ENDS}


def shape_of(filters: ConsoleFilter) -> ConsoleFilter:
    """`filters` with the values that become bind parameters blanked out: the key of a cached statement."""
    owner = filters.owner_id
    shape = replace(
        filters,
        owner_id=None if owner is None else UNALLOCATED if owner == UNALLOCATED else -1,
        statuses=tuple(filters.statuses),
        min_age_days=None if filters.min_age_days is None else 0,
        max_age_days=None if filters.max_age_days is None else 0,
    )
    return replace(shape, ids=()) if isinstance(shape, Matched) else shape


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
