"""The runs behind one figure of the Insight page, for team leaders only (policy staff see no runs): the slowest or
newest of the team's runs at a step, each with its SR and caseworker, so the team leader can open it.

Separate from services/insight.py, which computes the figures: this is the one query that names people and cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from db.models import Case, ProcedureRun, ServiceRequest, StepEvent, User
from domain.clock import uk_local, utcnow
from procedures import registry
from services.access import require_role
from services.actor import Actor
from services.errors import DomainError, ValidationFailed
from services.insight import (
    MEASURES,
    RUNS_LISTED,
    InsightFilter,
    Measure,
    _field_label,
    _scope,
    _where,
    left_there,
)
from services.transaction import transaction


@dataclass(frozen=True, slots=True)
class RunBehind:
    run_id: str
    sr_id: int | None
    sr_number: str | None
    scin: str
    caseworker: str
    at: datetime
    working_seconds: int | None
    fields: tuple[str, ...]


_KINDS: dict[str, tuple[str, ...]] = {
    "reached": ("view",),
    "time": ("submit",),
    "errors": ("error",),
    "back": ("back",),
    "change": ("change",),
}


def runs_behind(
    actor: Actor,
    procedure_id: str,
    step: str,
    measure: Measure,
    filters: InsightFilter | None = None,
    *,
    today: date | None = None,
) -> list[RunBehind]:
    """The team's runs behind one figure (up to RUNS_LISTED, slowest or newest first); team leaders only."""
    filters = filters or InsightFilter()
    today = today or uk_local(utcnow()).date()
    lo, hi = filters.window(today)
    if measure not in MEASURES:
        raise ValidationFailed({"measure": "Choose one of the figures shown."})
    with transaction(read_only=True) as session:
        require_role(session, actor, "team_leader", action="see the runs behind a step's figures")
        team_id = _scope(session, actor, filters)
        if team_id is None:  # a team leader is always scoped to their own team; never all teams here
            raise DomainError("You can see the runs behind a figure for your own team only.")
        r, e = ProcedureRun, StepEvent
        if measure == "abandoned":
            found: dict[str, tuple[datetime, int | None, tuple[str, ...]]] = {
                run_id: (at, None, ())
                for run_id, at in session.execute(
                    select(r.id, r.updated_at)
                    .where(
                        r.team_id == team_id,
                        r.procedure_id == procedure_id,
                        r.state == step,
                        left_there(lo, hi, today),
                    )
                    .order_by(r.updated_at.desc())
                    .limit(RUNS_LISTED)
                )
            }
        else:
            conditions = [*_where(team_id, filters, lo, hi), e.procedure_id == procedure_id, e.step == step]
            conditions.append(e.kind.in_(_KINDS[measure]))
            if measure == "reached":
                conditions.append(e.first.is_(True))
            if measure == "time":
                conditions.append(e.working_seconds.is_not(None))
            last, slowest = func.max(e.at), func.max(e.working_seconds)
            order = slowest.desc() if measure == "time" else last.desc()
            grouped = session.execute(
                select(e.run_id, last, slowest, func.count())
                .where(*conditions)
                .group_by(e.run_id)
                .order_by(order, e.run_id)
                .limit(RUNS_LISTED)
            ).all()
            fields: dict[str, list[str]] = {}
            if measure == "errors" and grouped:
                for run_id, name in session.execute(
                    select(e.run_id, e.field).where(*conditions, e.run_id.in_([g[0] for g in grouped])).distinct()
                ):
                    fields.setdefault(run_id, []).append(name or "")
            procedure = registry.get(procedure_id)
            found = {
                g[0]: (g[1], g[2], tuple(sorted(_field_label(procedure, step, n) for n in fields.get(g[0], []))))
                for g in grouped
            }
        if not found:
            return []
        details = {
            row.id: row
            for row in session.execute(
                select(r.id, r.sr_id, ServiceRequest.number, Case.scin, User.display_name)
                .join(Case, Case.id == r.case_id)
                .join(User, User.id == r.started_by_id)
                .outerjoin(ServiceRequest, ServiceRequest.id == r.sr_id)
                .where(r.id.in_(list(found)), r.team_id == team_id)
            )
        }
    return [
        RunBehind(run_id, d.sr_id, d.number, d.scin, d.display_name, _aware(at), seconds, fields_)
        for run_id, (at, seconds, fields_) in found.items()
        if (d := details.get(run_id)) is not None
    ]


def _aware(moment: datetime) -> datetime:
    """SQLite hands back a max() of moments as naive UTC (the column type is lost in an aggregate)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
