"""Runs of the team's new caseworkers that have made no progress for some working days.

Decision: in-progress runs in the team whose last save is at least N working days ago by the team's region
(CASEWORK_STUCK_WORKING_DAYS, default 3) and that are a new caseworker's (User.is_new_caseworker) to carry on now:
the SR's owner's when the run's SR is allocated (only they record on it: services/runs.check_holder,
services/run_views.allocated_to), otherwise the caseworker's who started it. The list is for the new caseworkers a
team leader watches, so a run a new caseworker started on an SR since given to an experienced one is left out, and
one an experienced caseworker started on an SR since given to a new one is listed (the lead's decision, ninth
session). Each names whose it is (`StuckRun.carried_on_by`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from db.models import Case, ProcedureRun, ServiceRequest, Team, User
from domain.clock import UK, add_working_days, as_utc, uk_local, utcnow, working_days_between
from procedures import registry
from services.actor import Actor
from services.console.filters import team_leader
from services.transaction import transaction
from services.views import BegunFrom


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
    procedure_version: str | None = None
    begun_from: BegunFrom | None = None  # the complaint or appeal SR a P1 run was begun from (run_start.start_run)
    sr_owner: str | None = None  # the SR's owner now; None while it is unallocated (or there is no SR)
    sr_team: str | None = None  # the SR's team, when a hand-over put it in another team than the run's

    @property
    def carried_on_by(self) -> str:
        """Whose the run is to carry on now, in words (the SR's owner's: services/runs.check_holder), the one the
        team leader talks to (QA: a reassigned SR's run was listed under the caseworker who started it)."""
        if self.sr_number is None:
            return self.caseworker  # no SR to allocate yet: the run stays with whoever started it
        if self.sr_owner is None:
            return "Unallocated SR"
        return f"{self.sr_owner} ({self.sr_team})" if self.sr_team else self.sr_owner

    @property
    def started_words(self) -> str:
        """Who started the run, where that is not whose it is now; for an unallocated SR, what allocating it does."""
        if self.sr_number is None:
            return "started it; no SR to reassign yet"
        if self.sr_owner is None:
            if self.waits_for_allocation:
                where = f"the {self.sr_team}" if self.sr_team else "the team"
                return f"started by {self.caseworker}; nobody can carry it on until {where} allocates the SR"
            return f"started by {self.caseworker}, who can carry it on until the SR is allocated"
        return "" if self.sr_owner == self.caseworker and not self.sr_team else f"started by {self.caseworker}"

    @property
    def waits_for_allocation(self) -> bool:
        """At a step a hand-over gave to the SR's next owner, nobody records it while the SR is unallocated
        (services/run_views.HandedOver.belongs_to)."""
        try:
            return self.state in registry.get(self.procedure_id, self.procedure_version).handed_over
        except registry.UnknownProcedure:
            return False

    @property
    def step_title(self) -> str:
        """The step as the run's version of the procedure names it (the stored state is an internal name no user
        should see), in the words My work and SR detail use for a step that is gone."""
        return registry.step_title(self.procedure_id, self.procedure_version, self.state)

    @property
    def what(self) -> str:
        """The procedure by its code and title, and the SR the run works (QA: "P1 on case ..." named neither the
        procedure in words nor the SR, which is what the team leader opens or reassigns)."""
        try:
            title = f"{self.procedure_id} {registry.get(self.procedure_id, self.procedure_version).title}"
        except registry.UnknownProcedure:
            title = self.procedure_id
        where = f", SR {self.sr_number} (case {self.scin})" if self.sr_number else f" (no SR yet, case {self.scin})"
        # The SR the caseworker began the run from, in the wizard's words: the one the team leader may know it by.
        begun = f", begun from {self.begun_from.words}" if self.begun_from else ""
        return f"{title}{where}{begun}"

    @property
    def idle_words(self) -> str:
        return f"{self.working_days_idle} working day{'' if self.working_days_idle == 1 else 's'}"


def stuck_working_days() -> int:
    """CASEWORK_STUCK_WORKING_DAYS (default 3); anything that is not a whole number of at least 1 means 3."""
    raw = os.environ.get("CASEWORK_STUCK_WORKING_DAYS", "3").strip()
    return max(int(raw), 1) if raw.isdigit() else 3


def stuck_runs(actor: Actor, *, working_days: int | None = None, now: datetime | None = None) -> list[StuckRun]:
    """In-progress runs that are the team's new caseworkers' to carry on, with no save for `working_days` working days
    or more."""
    with transaction(read_only=True) as session:
        return stuck_runs_in(session, team_leader(session, actor), working_days=working_days, now=now or utcnow())


def stuck_runs_in(session: Session, team_id: int, *, working_days: int | None = None, now: datetime) -> list[StuckRun]:
    """`stuck_runs` inside a transaction whose caller has already checked the team leader."""
    days = working_days or stuck_working_days()
    region = session.scalar(select(Team.region).where(Team.id == team_id)) or "England"
    today = uk_local(now).date()
    cutoff_day = add_working_days(today, -days, region)
    # Saved on or before cutoff_day (UK local) means at least `days` working days without progress.
    before = as_utc(datetime.combine(cutoff_day + timedelta(days=1), time(0), tzinfo=UK))
    # Columns only: the run's answers and history (JSON) are not needed to list it.
    begun = aliased(ServiceRequest)
    owner, sr_team = aliased(User), aliased(Team)
    rows = session.execute(
        select(
            ProcedureRun.id,
            ProcedureRun.procedure_id,
            ProcedureRun.state,
            User.display_name,
            Case.scin,
            ServiceRequest.number,
            ProcedureRun.updated_at,
            ProcedureRun.procedure_version,
            begun,  # few runs are begun from an SR, and only those load one
            owner.display_name,  # whose it is now: joined here, never a query per run
            sr_team.name,
            sr_team.id,
        )
        .join(User, User.id == ProcedureRun.started_by_id)
        .join(Case, Case.id == ProcedureRun.case_id)
        .outerjoin(ServiceRequest, ServiceRequest.id == ProcedureRun.sr_id)
        .outerjoin(owner, owner.id == ServiceRequest.owner_id)
        .outerjoin(sr_team, sr_team.id == ServiceRequest.team_id)
        .outerjoin(begun, begun.id == ProcedureRun.begun_from_sr_id)
        .where(
            ProcedureRun.team_id == team_id,
            ProcedureRun.status == "in_progress",
            ProcedureRun.updated_at < before,
            # Whose it is now: the SR's owner (outer-joined, NULL with no SR or an unallocated one), else the starter.
            func.coalesce(owner.is_new_caseworker, User.is_new_caseworker).is_(True),
        )
        .order_by(ProcedureRun.updated_at)
    ).all()
    idle = _idle_days(today, region)
    return [
        StuckRun(
            run_id,
            pid,
            state,
            name,
            scin,
            number,
            at,
            idle(uk_local(at).date()),
            version,
            BegunFrom.of(origin),
            holder,
            team_name if team_of_sr not in (None, team_id) else None,
        )  # fmt: skip
        for run_id, pid, state, name, scin, number, at, version, origin, holder, team_name, team_of_sr in rows
    ]


def _idle_days(today: date, region: str) -> Callable[[date], int]:
    """Working days from a last-save day to today, worked out once per distinct day (runs share days)."""
    return lru_cache(maxsize=None)(lambda day: working_days_between(day, today, region))
