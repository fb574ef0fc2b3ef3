"""The SR catalogue: every Process / Area / Sub Area combination the procedures may create.

The values are data copied exactly from the published procedures (see ../shared/PROCEDURES.md);
a combination not listed here is refused, because a wrong drop-down value routes work to the
wrong segment in CMS.
"""

from __future__ import annotations

from dataclasses import dataclass


class CatalogueError(ValueError):
    """A Process / Area / Sub Area combination that the SR catalogue does not contain."""


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    process: str
    area: str | None
    sub_area: str | None
    used_by: str
    source: str = "seed"  # "seed": named by a procedure; "inferred": our reading, see the docstring

    @property
    def label(self) -> str:
        return " / ".join(part for part in (self.process, self.area, self.sub_area) if part)


CATALOGUE: tuple[CatalogueEntry, ...] = (
    CatalogueEntry("Transition", "Legacy Case Data", "Finalise Case", "P3 step 2"),
    CatalogueEntry("Transition", "Set Up/Amend Residual Arrears", "Set Up Legacy LO", "P3 step 6"),
    CatalogueEntry("Escalated Enquiries", "Complaints", "Resolution", "P1, P2 escalated complaint"),
    CatalogueEntry("Escalated Enquiries", "Complaints", "Review", "P1, P2 escalated complaint"),
    CatalogueEntry("Escalated Enquiries", "Complaints", "ICE", "P1, P2 escalated complaint"),
    CatalogueEntry("Escalated Enquiries", "Appeals", "Appeal Against Decision", "P1, P2 outstanding appeal"),
    CatalogueEntry("Arrears", "Arrears Management", "Arrears Review", "P2 ongoing enforcement"),
    CatalogueEntry("Manual Handling", None, None, "P3 trigger (system generated, with a child SR)"),
    CatalogueEntry("Action Missed Payment", None, None, "P3 segment 5 priority (for the AFT team)"),
    # SSST work (seed 004) arrives as SRs allocated by a case manager; the seed names the linked
    # procedures (Court Presentation - County Court / Magistrates Court, Face to Face) but not the
    # drop-down values, so these four are our reading and are marked "inferred".
    CatalogueEntry("Enforcement", "Court Presentation", "County Court", "P5b", "inferred"),
    CatalogueEntry("Enforcement", "Court Presentation", "Magistrates Court", "P5c, P5d", "inferred"),
    CatalogueEntry("Enforcement", "Court Fee", "Court Fee Payment", "P5a", "inferred"),
    CatalogueEntry("Face to Face", "Visiting Service", "Face to Face Visit", "P5e", "inferred"),
    # P1 and P4 are worked on CSA-scheme contacts; they need an SR to record their outcome.
    CatalogueEntry("Transition", "CSA Information", "Information Request", "P1", "inferred"),
    CatalogueEntry("Transition", "CSA Information", "Update CMS", "P2", "inferred"),
    CatalogueEntry("Arrears", "CSA Arrears", "Manage Client Arrears", "P4", "inferred"),
)

_BY_KEY = {(e.process, e.area, e.sub_area): e for e in CATALOGUE}

STATUSES = ("Open", "In Progress", "Closed")
SUB_STATUSES = ("Complete", "Cancelled")
RESOLUTION_CODES = (
    "Completed",
    "Failed To Attend",
    "Referral Rejected",
    "Not Proceeding",
    "Information Provided",
    "Rerouted",
    "No Enforcement Action Recorded",
)
ACTIVITY_OUTCOMES = ("No Enforcement Action Recorded", "Enforcement Action Recorded", "Done")


def _blank(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def lookup(process: str | None, area: str | None = None, sub_area: str | None = None) -> CatalogueEntry:
    """Return the catalogue entry for a combination, or raise CatalogueError naming what is wrong."""
    key = (_blank(process) or "", _blank(area), _blank(sub_area))
    entry = _BY_KEY.get(key)
    if entry is not None:
        return entry
    processes = sorted({e.process for e in CATALOGUE})
    if key[0] not in processes:
        raise CatalogueError(f"Process '{key[0]}' is not in the SR catalogue. Choose one of: {', '.join(processes)}.")
    areas = sorted({e.area or "(none)" for e in CATALOGUE if e.process == key[0]})
    if not any(e.area == key[1] for e in CATALOGUE if e.process == key[0]):
        raise CatalogueError(
            f"Area '{key[1] or ''}' is not valid for Process '{key[0]}'. Valid areas: {', '.join(areas)}."
        )
    subs = sorted({e.sub_area or "(none)" for e in CATALOGUE if e.process == key[0] and e.area == key[1]})
    raise CatalogueError(
        f"Sub Area '{key[2] or ''}' is not valid for {key[0]} / {key[1]}. Valid sub areas: {', '.join(subs)}."
    )


def validate_status(status: str, sub_status: str | None) -> None:
    """Refuse a Status / Sub Status pair that CMS would not accept."""
    if status not in STATUSES:
        raise CatalogueError(f"Status '{status}' is not one of {', '.join(STATUSES)}.")
    if sub_status is not None and sub_status not in SUB_STATUSES:
        raise CatalogueError(f"Sub Status '{sub_status}' is not one of {', '.join(SUB_STATUSES)}.")
    if status == "Closed" and sub_status is None:
        raise CatalogueError("A Closed SR needs a Sub Status: Complete or Cancelled.")
    if status != "Closed" and sub_status is not None:
        raise CatalogueError(f"Sub Status '{sub_status}' applies only to a Closed SR.")
