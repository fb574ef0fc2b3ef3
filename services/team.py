"""Team leader views of the team's work."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from db.models import ServiceRequest
from services.access import require_role
from services.actor import Actor
from services.transaction import transaction
from services.views import SRRow


def outstanding_srs(actor: Actor, *, limit: int = 500) -> list[SRRow]:
    """The team's SRs that are not closed, oldest first."""
    with transaction(read_only=True) as session:
        require_role(session, actor, "team_leader", action="review the team's outstanding SRs")
        srs = session.scalars(
            select(ServiceRequest)
            .options(joinedload(ServiceRequest.case), joinedload(ServiceRequest.owner))
            .where(ServiceRequest.team_id == actor.team_id, ServiceRequest.status != "Closed")
            .order_by(ServiceRequest.created_at)
            .limit(limit)
        ).all()
        return [SRRow.of(sr) for sr in srs]
