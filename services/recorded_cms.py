"""A Resolution Code or Sub Status recorded on an SR, in the words the "What to enter in CMS" panel gave it
(ui/cms_panel.py).

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

The Sub Status is taken the same way (QA, 7 December 2026: "Closed (Cancelled)" on the finish page and SR detail's
heading, though P5e's "Cancelled" and P1's, P2's, P4's and P5a's "Complete" were suggestions in the panel). Unlike a
Resolution Code, whether it was exact depends on the procedure that closed the SR (whether its seed names it, and
P5e's own words for a failed-to-attend close), which the value alone does not say: the line the panel gave is kept
with the SR when a run closes it (`ServiceRequest.sub_status_cms`, `SetStatus.sub_status_line`), so it is as it
stood then by construction. An SR closed outside a run (demo data) or before it was kept has no such line: its value
is then exact only where policy staff had confirmed it, otherwise a suggestion (nothing says a procedure published it
for this SR), never a claim of more than is known.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from db.models import ServiceRequest
from domain.reference import Kind, Source
from procedures.effects import CmsContext, CmsLine
from services import reference


def resolution_code(session: Session, sr: ServiceRequest) -> CmsLine | None:
    """The SR's Resolution Code as the CMS panel gave it when it was recorded, or None when it has none."""
    return resolution_code_at(session, sr.resolution_code, sr.closed_at) if sr.resolution_code else None


def resolution_code_at(session: Session, value: str, at: datetime | None) -> CmsLine:
    """A Resolution Code recorded at `at` (None: now), as the CMS panel gave it then (the SR timeline's too)."""
    return CmsContext(reference.current(session, at=at)).value(Kind.RESOLUTION_CODE, value)


# What to choose when nothing kept says which procedure closed the SR, so whether it names the value is not known.
UNKNOWN_CLOSE = "choose the Sub Status your team uses to close this SR"


def sub_status(session: Session, sr: ServiceRequest) -> CmsLine | None:
    """The SR's Sub Status as the CMS panel gave it when a run closed it, or None when it has none."""
    if not sr.sub_status:
        return None
    return sub_status_at(session, sr.sub_status, sr.closed_at, kept=sr.sub_status_cms)


def sub_status_at(
    session: Session, value: str, at: datetime | None, *, kept: dict[str, str | None] | None = None
) -> CmsLine:
    """A Sub Status recorded at `at` (None: now): the line the panel gave (`kept`) when a run closed the SR, else
    exact only where policy staff had confirmed the value then, otherwise a suggestion. The SR timeline says an
    earlier close (the SR since reopened: its line is no longer kept) this way too."""
    if kept:
        return CmsLine.of(kept)
    in_force = reference.current(session, at=at)
    found = in_force.by_value(Kind.SUB_STATUS, value)
    need = UNKNOWN_CLOSE if found is not None and found.source is Source.PUBLISHED else None
    return CmsContext(in_force).value(Kind.SUB_STATUS, value, need=need, given_here=False)
