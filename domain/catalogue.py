"""The SR catalogue: every Process / Area / Sub Area combination the procedures may create.

The values come from the reference catalogue (domain.reference), where each says its source;
a combination not listed here is refused, because a wrong drop-down value routes work to the
wrong segment in CMS.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain import reference
from domain.reference import Source, SRStatus, SubStatus


class CatalogueError(ValueError):
    """A Process / Area / Sub Area combination that the SR catalogue does not contain."""


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    process: str
    area: str | None
    sub_area: str | None
    used_by: str
    source: str = "published"  # "published": every value named by a seed; "unconfirmed": see domain.reference
    key: str = ""  # the SR type's key in domain.reference

    @property
    def label(self) -> str:
        return " / ".join(part for part in (self.process, self.area, self.sub_area) if part)


_USED_BY = {
    "sr.finalise_case": "P3 step 2",
    "sr.set_up_legacy_lo": "P3 step 6",
    "sr.complaint_resolution": "P1, P2 escalated complaint",
    "sr.complaint_review": "P1, P2 escalated complaint",
    "sr.complaint_ice": "P1, P2 escalated complaint",
    "sr.appeal": "P1, P2 outstanding appeal",
    "sr.arrears_review": "P2 ongoing enforcement",
    "sr.manual_handling": "P3 trigger (system generated, with a child SR)",
    "sr.action_missed_payment": "P3 segment 5 priority (for the AFT team)",
    "sr.county_court": "P5b",
    "sr.magistrates_court": "P5c, P5d",
    "sr.court_fee_payment": "P5a",
    "sr.face_to_face_visit": "P5e",
    "sr.csa_information_request": "P1",
    "sr.csa_information_update": "P2",
    "sr.manage_client_arrears": "P4",
}


def _entry(key: str) -> CatalogueEntry:
    published = all(reference.entry(k).source is Source.PUBLISHED for k in reference.SR_TYPES[key] if k)
    return CatalogueEntry(*reference.sr_type(key), _USED_BY[key], "published" if published else "unconfirmed", key=key)


# Every SR type of the reference catalogue (domain.reference): SSST work (seed 004) arrives as SRs allocated by
# a case manager and P1, P2 and P4 need an SR to record their outcome, but the seeds name none of their values,
# so those types are "unconfirmed" until policy staff confirm them (the Reference values page).
CATALOGUE: tuple[CatalogueEntry, ...] = tuple(_entry(key) for key in reference.SR_TYPES)

_BY_KEY = {(e.process, e.area, e.sub_area): e for e in CATALOGUE}

STATUSES: tuple[str, ...] = tuple(s.value for s in SRStatus)
SUB_STATUSES: tuple[str, ...] = tuple(s.value for s in SubStatus)


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
