"""The case's Contact Notes: its contact history, read by the case's own team on the case page, whichever team holds
the SR each note was written on.

Separate from the SR's reads (services/sr_view.py) because a Contact Note is stored with the SR it was written on
(`Note.kind` "contact", `Note.sr_id`), so it followed that SR's team (`access.check_sr`), while in CMS the Contact
Notes are the case's. Decided 7 December 2026 (seventh session, QA "The case's team reads P5e's news but cannot open
the SR it names": the SSST wrote the visit summary on an SR handed over to it, and the case's team was told to read it):
- the case's team reads every Contact Note on the case, by the case page's own rule (`access.check_case`): another
  team is refused as for the case, and a sensitive case tells it only that requests go through Special Client Records;
- each note names the SR it was written on by number, as text; `sr_id` (for a link) is given only where the reader
  may open that SR's page: a team leader (the SR page is theirs) of the team holding the SR;
- SR Notes (kind "sr") stay with the SR's team and are not read here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from db.models import Case, Note, ServiceRequest, User
from services.access import check_case, opens_sr_page, require_role
from services.actor import Actor
from services.errors import NotFound
from services.transaction import transaction

ACTION = "read the case's Contact Notes"


@dataclass(frozen=True, slots=True)
class ContactNote:
    at: datetime
    author: str | None
    text: str
    sr_number: str | None  # the SR it was written on, shown as text
    sr_id: int | None  # only where the reader may open that SR's page: then the number is a link


def case_contact_notes(actor: Actor, case_id: int) -> list[ContactNote]:
    """The case's Contact Notes, newest first, for the case's own team, whichever team holds each note's SR."""
    with transaction(read_only=True) as session:
        require_role(session, actor, "caseworker", "team_leader", action=ACTION)
        case = session.get(Case, case_id)
        if case is None:
            raise NotFound("There is no such case.")
        check_case(session, actor, case, action=ACTION)
        rows = session.execute(
            select(Note.created_at, User.display_name, Note.text, ServiceRequest.number, ServiceRequest.id,
                   ServiceRequest.team_id)
            .outerjoin(User, User.id == Note.author_id)
            .outerjoin(ServiceRequest, ServiceRequest.id == Note.sr_id)
            .where(Note.case_id == case.id, Note.kind == "contact")
            .order_by(Note.created_at.desc(), Note.id.desc())
        ).all()  # fmt: skip
        return [
            ContactNote(at, author, text, number, sr_id if opens_sr_page(actor, team_id) else None)
            for at, author, text, number, sr_id, team_id in rows
        ]
