"""A Resolution Code recorded on an SR, in the words the "What to enter in CMS" panel gave it (ui/cms_panel.py).

QA (6 December 2026) found the wizard's finish page and SR detail showing a recorded Resolution Code as a plain value
("Closed (Cancelled, Referral Rejected)"), outside the CMS panel. What a caseworker expects there, and a team leader
checking their work, is the line they were given to key into CMS, in the same words, so the screen can be held up
against CMS:

- a code the published procedure gives, or policy staff confirmed, is exact: "Resolution Code = Failed To Attend", with
  its source;
- a code nobody has confirmed says what to choose, with ours marked as a suggestion: CMS holds the code the
  caseworker's team uses, which need not be ours, so the bare value claimed more than is known;
- as it stood when it was recorded: the reference values in force when the SR closed (now, while it is open), since a
  value policy staff correct later does not change what was keyed into CMS. The SR keeps the value the procedure
  recorded; a corrected value in force then is the one CMS holds.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from db.models import ServiceRequest
from domain.reference import Kind
from procedures.effects import CmsContext, CmsLine
from services import reference


def resolution_code(session: Session, sr: ServiceRequest) -> CmsLine | None:
    """The SR's Resolution Code as the CMS panel gave it when it was recorded, or None when it has none."""
    if not sr.resolution_code:
        return None
    in_force = reference.current(session, at=sr.closed_at)
    return CmsContext(in_force).value(Kind.RESOLUTION_CODE, sr.resolution_code)
