"""The reference catalogue: every CMS value Casework Guide tells a caseworker to key in, with its source.

A value is `published` (a seed procedure names it: the seed file and its exact words are kept, for each seed
that names it, and a test checks them character for character against docs/seeds/), `local` (this service's
policy staff confirmed, corrected or added it: who and when, stored in the database, see services/reference.py)
or `unconfirmed` (nobody has: Casework Guide only suggests it, and says in words what the caseworker must choose).

Procedures name entries by key (`value("resolution_code.completed")`, `sr_type("sr.finalise_case")`), never
by a bare string, so a procedure naming a key that is not here fails at import and in tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum


class Source(StrEnum):
    PUBLISHED = "published"
    LOCAL = "local"
    UNCONFIRMED = "unconfirmed"


class Kind(StrEnum):
    PROCESS = "Process"
    AREA = "Area"
    SUB_AREA = "Sub Area"
    STATUS = "Status"
    SUB_STATUS = "Sub Status"
    RESOLUTION_CODE = "Resolution Code"
    REASON = "Reason"
    ACTIVITY = "Activity"
    ACTIVITY_OUTCOME = "Activity outcome"
    LETTER = "Letter"


class SRStatus(StrEnum):
    """An SR's Status in CMS (and in Casework Guide's copy of the SR)."""

    OPEN = "Open"
    IN_PROGRESS = "In Progress"
    CLOSED = "Closed"


class SubStatus(StrEnum):
    """A closed SR's Sub Status."""

    COMPLETE = "Complete"
    CANCELLED = "Cancelled"


class UnknownReference(KeyError):
    """A key (or a value) the reference catalogue does not hold."""


@dataclass(frozen=True, slots=True)
class RefEntry:
    """One CMS value. `need` says in words what to choose when the value is not confirmed."""

    key: str
    kind: Kind
    value: str
    source: Source
    seed: str | None = None  # published: the seed file name under docs/seeds/
    quote: str | None = None  # published: the seed's exact words, which contain `value`
    # published: (seed, quote) for each other seed that names the value too, so a procedure of that seed cites its
    # own words and not another procedure's (QA: P5b to P5e quoted P3's seed for "In Progress")
    also: tuple[tuple[str, str], ...] = ()
    need: str = ""  # unconfirmed: what to choose, in words ("the Resolution Code your team uses for ...")
    confirmed_by: str | None = None  # local: who
    confirmed_at: str | None = None  # local: when (UK local, as shown)
    note: str = ""

    def citations(self, seed: str | None = None) -> tuple[tuple[str, str], ...]:
        """The (seed, quote) pairs a published value is cited by: for a procedure of `seed`, its own seed's words
        where that seed names the value, else the first seed's; without one (the Reference values page), all."""
        if self.seed is None or self.quote is None:
            return ()
        quotes = ((self.seed, self.quote), *self.also)
        own = tuple(q for q in quotes if q[0] == seed)
        return own or (quotes[:1] if seed else quotes)

    @property
    def is_instruction(self) -> bool:
        """Published and local values are exact instructions; an unconfirmed one is only a suggestion."""
        return self.source is not Source.UNCONFIRMED


S0, S1, S2, S3, S4 = (
    "000_bea1525379356cbf.txt",
    "001_d75d46e299a31c66.txt",
    "002_cfac8eeaf8c31dc1.txt",
    "003_be4c0931725dc13d.txt",
    "004_a8ae07a86098a507.txt",
)

# Each seed's title, in its own words (its heading), so a source is named as policy staff know the procedure and not
# only by the file the text came in. 003's heading is quoted as published, its unmatched bracket included.
PUBLISHED_TITLES: dict[str, str] = {
    S0: "CSA Information Required - Contact Caseworker",
    S1: "CSA Scheme Information Received - Update CMS",
    S2: "Enforcement/Liability Order Actions - Check CSA",
    S3: "Manage Client Arrears Contact CSA scheme) - summary",
    S4: "Specialist Services Support Team",
}


def _pub(
    key: str, kind: Kind, value: str, seed: str, quote: str, note: str = "", also: tuple[tuple[str, str], ...] = ()
) -> RefEntry:
    return RefEntry(key, kind, value, Source.PUBLISHED, seed=seed, quote=quote, note=note, also=also)


def _unc(key: str, kind: Kind, value: str, need: str, note: str = "") -> RefEntry:
    return RefEntry(key, kind, value, Source.UNCONFIRMED, need=_choose(need), note=note)


def _choose(need: str) -> str:
    """A need in words, as an instruction: "the Area your team uses ..." becomes "choose the Area ..."."""
    return f"choose {need}" if need.startswith("the ") else need


F2F_REASON = (
    "the Reason your team uses for this kind of face to face; the procedure says 'choose the appropriate values'"
    " and names none"
)
P, A, SA = Kind.PROCESS, Kind.AREA, Kind.SUB_AREA
RC, RE, AC, AO = Kind.RESOLUTION_CODE, Kind.REASON, Kind.ACTIVITY, Kind.ACTIVITY_OUTCOME

BUILT_IN: tuple[RefEntry, ...] = (
    # Process
    _pub("process.transition", P, "Transition", S2, "Process = Transition"),
    _pub(
        "process.escalated_enquiries",
        P,
        "Escalated Enquiries",
        S1,
        "Process = Escalated Enquiries",
        note="The same seed spells it 'Escalated enquires' for complaints: the same drop-down value.",
    ),
    _pub("process.arrears", P, "Arrears", S1, "Process = Arrears"),
    _pub(
        "process.manual_handling", P, "Manual Handling", S2, "generate a Manual Handling SR and an associated child SR"
    ),
    _pub("process.action_missed_payment", P, "Action Missed Payment", S2, "expect an Action Missed Payment SR"),
    _unc("process.enforcement", P, "Enforcement", "the Process your team uses for enforcement court work"),
    _unc("process.face_to_face", P, "Face to Face", "the Process your team uses for a face to face visit"),
    # Area
    _pub("area.legacy_case_data", A, "Legacy Case Data", S2, "Area = Legacy Case Data"),
    _pub(
        "area.set_up_amend_residual_arrears",
        A,
        "Set Up/Amend Residual Arrears",
        S2,
        "Area = Set Up/Amend Residual Arrears",
    ),
    _pub("area.complaints", A, "Complaints", S1, "Area = Complaints"),
    _pub("area.appeals", A, "Appeals", S1, "Area = Appeals"),
    _pub("area.arrears_management", A, "Arrears Management", S1, "Area = Arrears Management"),
    _unc(
        "area.csa_information",
        A,
        "CSA Information",
        "the Area your team uses to record a contact about CSA information",
    ),
    _unc("area.csa_arrears", A, "CSA Arrears", "the Area your team uses for CSA-scheme arrears"),
    _unc("area.court_presentation", A, "Court Presentation", "the Area your team uses for court presentation"),
    _unc("area.court_fee", A, "Court Fee", "the Area your team uses for paying a court fee"),
    _unc("area.visiting_service", A, "Visiting Service", "the Area your team uses for the visiting service"),
    # Sub Area
    _pub("sub_area.finalise_case", SA, "Finalise Case", S2, "Sub Area = Finalise Case"),
    _pub("sub_area.set_up_legacy_lo", SA, "Set Up Legacy LO", S2, "Sub Area = Set Up Legacy LO"),
    _pub("sub_area.resolution", SA, "Resolution", S1, "Sub Area = Resolution/Review/ICE"),
    _pub("sub_area.review", SA, "Review", S1, "Sub Area = Resolution/Review/ICE"),
    _pub("sub_area.ice", SA, "ICE", S1, "Sub Area = Resolution/Review/ICE"),
    _pub("sub_area.appeal_against_decision", SA, "Appeal Against Decision", S1, "Sub Area = Appeal Against Decision"),
    _pub("sub_area.arrears_review", SA, "Arrears Review", S1, "Sub Area = Arrears Review"),
    _unc(
        "sub_area.information_request",
        SA,
        "Information Request",
        "the Sub Area your team uses for a request for CSA information",
    ),
    _unc(
        "sub_area.update_cms",
        SA,
        "Update CMS",
        "the Sub Area your team uses for updating a CMS case from CSA information",
    ),
    _unc(
        "sub_area.manage_client_arrears",
        SA,
        "Manage Client Arrears",
        "the Sub Area your team uses for managing a client's CSA arrears",
    ),
    _unc("sub_area.county_court", SA, "County Court", "the Sub Area your team uses for county court action"),
    _unc(
        "sub_area.magistrates_court",
        SA,
        "Magistrates Court",
        "the Sub Area your team uses for magistrates court action",
    ),
    _unc("sub_area.court_fee_payment", SA, "Court Fee Payment", "the Sub Area your team uses for a court fee payment"),
    _unc(
        "sub_area.face_to_face_visit", SA, "Face to Face Visit", "the Sub Area your team uses for a face to face visit"
    ),
    # Status and Sub Status
    _unc(
        "status.open",
        Kind.STATUS,
        SRStatus.OPEN,
        "leave the Status the system gives a new SR; the procedure names none",
    ),
    _pub(
        "status.in_progress",
        Kind.STATUS,
        SRStatus.IN_PROGRESS,
        S2,
        "update the SR Status to In Progress",
        also=((S4, "update the **Status** to **In Progress**"),),  # P5b step 4, P5c and P5d step 5, P5e step 2
    ),
    _pub("status.closed", Kind.STATUS, SRStatus.CLOSED, S2, "Update the **SR Status** to **Closed**"),
    _pub("sub_status.complete", Kind.SUB_STATUS, SubStatus.COMPLETE, S2, "the **Sub Status** to **Complete**"),
    _unc(
        "sub_status.cancelled",
        Kind.SUB_STATUS,
        SubStatus.CANCELLED,
        "the Sub Status that cancels the SR (the procedure says 'Close and Cancel the SR')",
    ),
    # Resolution Code
    _pub("resolution_code.failed_to_attend", RC, "Failed To Attend", S4, "**Resolution Code** to **Failed To Attend**"),
    _unc(
        "resolution_code.completed",
        RC,
        "Completed",
        "the Resolution Code your team uses for completed work; the procedure names none",
    ),
    _unc(
        "resolution_code.information_provided",
        RC,
        "Information Provided",
        "the Resolution Code your team uses when the information was provided; the procedure names none",
    ),
    _unc(
        "resolution_code.rerouted",
        RC,
        "Rerouted",
        "the Resolution Code your team uses when the case goes back to the CSA caseworkers; the procedure names none",
    ),
    _unc(
        "resolution_code.not_proceeding",
        RC,
        "Not Proceeding",
        "the Resolution Code your team uses when the court presenting officer does not proceed;"
        " the procedure names none",
    ),
    _unc(
        "resolution_code.referral_rejected",
        RC,
        "Referral Rejected",
        "the Resolution Code your team uses when VSAT rejects the referral; the procedure names none",
    ),
    # Reason
    _unc(
        "reason.liability_order", RE, "Liability Order", "the Reason your team uses for a liability order application"
    ),
    _unc("reason.commitment", RE, "Commitment", "the Reason your team uses for commitment action"),
    # P5e step 7: "Choose the appropriate values from the Reason and Resolution Code drop downs" (seed 004)
    _unc("reason.face_to_face.complaint", RE, "Complaint about the child maintenance group", F2F_REASON),
    _unc("reason.face_to_face.parentage", RE, "Parentage", F2F_REASON),
    _unc("reason.face_to_face.under_16", RE, "Client under 16", F2F_REASON),
    _unc("reason.face_to_face.payments", RE, "Payments", F2F_REASON),
    _unc("reason.face_to_face.appeal", RE, "Appeal", F2F_REASON),
    _unc("reason.face_to_face.further_information", RE, "Further information needed", F2F_REASON),
    _unc("reason.face_to_face.change", RE, "Change to the way maintenance is worked out", F2F_REASON),
    _unc("reason.face_to_face.enforcement_paying_parent", RE, "Enforcement (paying parent)", F2F_REASON),
    _unc(
        "reason.face_to_face.enforcement_update_receiving_parent",
        RE,
        "Enforcement update (receiving parent)",
        F2F_REASON,
    ),
    _unc("reason.face_to_face.other", RE, "Other (free text)", F2F_REASON),
    # Activities and their outcomes
    _pub("activity.access_legacy_system", AC, "Access Legacy System", S2, "the activity **Access Legacy System**"),
    _unc(
        "activity.identify_ongoing_enforcement",
        AC,
        "Identify Ongoing Enforcement",
        "the activity the system shows next to identify any enforcement action ongoing",
    ),
    _unc(
        "activity.set_up_legacy_lo",
        AC,
        "Set Up Legacy LO",
        "the activity for the SR you created for the financial transition team",
    ),
    _unc(
        "activity.hearing_date_recorded",
        AC,
        "Hearing Date Recorded",
        "the activity in the SR Activity Plan for the hearing date",
    ),
    _unc(
        "activity.cover_letter_issued",
        AC,
        "Cover Letter Issued",
        "the activity in the SR Activity Plan for the cover letter",
    ),
    _unc(
        "activity.second_pv_check",
        AC,
        "Second PV Check",
        "the activity in the SR Activity Plan for the second PV check",
    ),
    _unc(
        "activity.issue_stable_balance_letter",
        AC,
        "Issue the stable balance letter",
        "the activity your team uses for the stable balance letter",
    ),
    _unc(
        "activity.record_the_outcome",
        AC,
        "Record the outcome",
        "the activity your team uses to record the receiving parent's decision",
    ),
    _unc(
        "activity.check_outcome_went_for_transition",
        AC,
        "Check the outcome went for financial transition",
        "the activity your team uses for checking the outcome went for financial transition (it is sent automatically)",
    ),
    _unc(
        "activity.issue_case_closure_letters",
        AC,
        "Issue the case closure letters",
        "the activity your team uses for the case closure letters",
    ),
    _pub(
        "outcome.no_enforcement_action_recorded",
        AO,
        "No Enforcement Action Recorded",
        S2,
        "activity outcome as **No Enforcement Action Recorded**",
    ),
    _unc(
        "outcome.enforcement_action_recorded",
        AO,
        "Enforcement Action Recorded",
        "the activity outcome your team uses when enforcement action is recorded; the procedure names none",
    ),
    # Letters and forms CMS holds (the CWG codes are Casework Guide's own templates, not CMS values)
    _pub("letter.CMSL5501", Kind.LETTER, "CMSL5501", S4, "Send confirmation letter CMSL5501 to the client"),
    _pub("letter.CMSF5579", Kind.LETTER, "CMSF5579", S4, "Complete the Visiting Service referral form (CMSF5579)"),
    _pub("letter.CMEL7298", Kind.LETTER, "CMEL7298", S4, "Create enforcement form CMEL7298"),
    _pub("letter.CMEL7000", Kind.LETTER, "CMEL7000", S4, "CMEL7000 LO application form"),
    _pub("letter.CMEL7211", Kind.LETTER, "CMEL7211", S4, "CMEL7211 court summons form"),
    _pub("letter.CMEL9180", Kind.LETTER, "CMEL9180", S4, "CMEL9180 cover letter"),
)

_BUILT_IN = {e.key: e for e in BUILT_IN}
_BY_VALUE = {(e.kind, e.value): e for e in BUILT_IN}
if len(_BUILT_IN) != len(BUILT_IN) or len(_BY_VALUE) != len(BUILT_IN):
    raise RuntimeError("reference catalogue: a key, or a value of one kind, is listed twice")

# The SR types procedures create or work on: a key naming its Process, Area and Sub Area entries.
SR_TYPES: dict[str, tuple[str, str | None, str | None]] = {
    "sr.finalise_case": ("process.transition", "area.legacy_case_data", "sub_area.finalise_case"),
    "sr.set_up_legacy_lo": ("process.transition", "area.set_up_amend_residual_arrears", "sub_area.set_up_legacy_lo"),
    "sr.complaint_resolution": ("process.escalated_enquiries", "area.complaints", "sub_area.resolution"),
    "sr.complaint_review": ("process.escalated_enquiries", "area.complaints", "sub_area.review"),
    "sr.complaint_ice": ("process.escalated_enquiries", "area.complaints", "sub_area.ice"),
    "sr.appeal": ("process.escalated_enquiries", "area.appeals", "sub_area.appeal_against_decision"),
    "sr.arrears_review": ("process.arrears", "area.arrears_management", "sub_area.arrears_review"),
    "sr.manual_handling": ("process.manual_handling", None, None),
    "sr.action_missed_payment": ("process.action_missed_payment", None, None),
    "sr.county_court": ("process.enforcement", "area.court_presentation", "sub_area.county_court"),
    "sr.magistrates_court": ("process.enforcement", "area.court_presentation", "sub_area.magistrates_court"),
    "sr.court_fee_payment": ("process.enforcement", "area.court_fee", "sub_area.court_fee_payment"),
    "sr.face_to_face_visit": ("process.face_to_face", "area.visiting_service", "sub_area.face_to_face_visit"),
    "sr.csa_information_request": ("process.transition", "area.csa_information", "sub_area.information_request"),
    "sr.csa_information_update": ("process.transition", "area.csa_information", "sub_area.update_cms"),
    "sr.manage_client_arrears": ("process.arrears", "area.csa_arrears", "sub_area.manage_client_arrears"),
}


def entry(key: str) -> RefEntry:
    """The built-in entry for a key (UnknownReference when there is none)."""
    try:
        return _BUILT_IN[key]
    except KeyError:
        raise UnknownReference(f"'{key}' is not in the reference catalogue") from None


def value(key: str) -> str:
    """The built-in value of an entry: what Casework Guide records on its own copy of the SR."""
    return entry(key).value


def sr_type(key: str) -> tuple[str, str | None, str | None]:
    """The built-in (Process, Area, Sub Area) values of an SR type."""
    try:
        keys = SR_TYPES[key]
    except KeyError:
        raise UnknownReference(f"'{key}' is not an SR type of the reference catalogue") from None
    process, area, sub_area = (value(k) if k else None for k in keys)
    if process is None:
        raise UnknownReference(f"'{key}' has no Process")
    return process, area, sub_area


def key_of(kind: Kind, built_in_value: str) -> str | None:
    """The key of the built-in entry with this value, or None (a value the caseworker typed)."""
    found = _BY_VALUE.get((kind, built_in_value))
    return found.key if found else None


def keys() -> tuple[str, ...]:
    return tuple(_BUILT_IN)


class Reference:
    """The entries in force: the built-in catalogue with this service's local changes laid over it."""

    def __init__(self, local: Iterable[RefEntry] = (), version: int = 0) -> None:
        self.version = version
        self._entries: dict[str, RefEntry] = dict(_BUILT_IN)
        for change in local:
            self._entries[change.key] = change

    def __getitem__(self, key: str) -> RefEntry:
        try:
            return self._entries[key]
        except KeyError:
            raise UnknownReference(f"'{key}' is not in the reference catalogue") from None

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def entries(self) -> list[RefEntry]:
        return sorted(self._entries.values(), key=lambda e: (list(Kind).index(e.kind), e.key))

    def by_value(self, kind: Kind, recorded: str) -> RefEntry | None:
        """The entry in force for a value a procedure recorded (its built-in value), or None."""
        key = key_of(kind, recorded)
        if key is None:
            key = next((e.key for e in self._entries.values() if e.kind == kind and e.value == recorded), None)
        return self._entries.get(key) if key else None


BUILT_IN_REFERENCE = Reference()


def as_local(base: RefEntry, new_value: str, *, by: str, at: str, note: str = "") -> RefEntry:
    """An entry confirmed or corrected by policy staff."""
    return replace(base, value=new_value, source=Source.LOCAL, confirmed_by=by, confirmed_at=at, note=note)


def describe_source(e: RefEntry, seed: str | None = None) -> str:
    """The source in a sentence, for the CMS panel (`seed`: the seed of the procedure being worked, cited in its
    own words where it names the value, `RefEntry.citations`) and the Reference values page (every seed's)."""
    if e.source is Source.PUBLISHED:
        cited = e.citations(seed)
        said = f"Published procedure{'s' if len(cited) > 1 else ''}" + ";".join(_cited(s, q) for s, q in cited)
        if seed is not None and all(s != seed for s, _ in cited):  # QA: P5e's Closed quoted P3's procedure unsaid
            said += " (the procedure you are working does not name this value; this one does)"
        return said
    if e.source is Source.LOCAL:
        return f"Confirmed by {e.confirmed_by}, {e.confirmed_at}"
    return "Not confirmed: a suggestion only"


def published_quote(seed: str | None, quote: str) -> str:
    """A source that is a seed's own sentence (an SR field it says to update, `procedures.effects.UpdateSR`), named
    as `describe_source` names a published value's."""
    return "Published procedure" + (_cited(seed, quote) if seed else f": \u201c{quote}\u201d")


def _cited(seed: str, quote: str) -> str:
    """A seed's words after its published title: the seed's file name means nothing to policy staff (QA; the CSV
    export keeps it)."""
    title = PUBLISHED_TITLES.get(seed, "")
    return f" \u201c{title}\u201d: \u201c{quote}\u201d" if title else f": \u201c{quote}\u201d"


def full_sr_type(key: str) -> tuple[str, str, str]:
    """`sr_type` for an SR type with all three values (raises for one without an Area or Sub Area)."""
    process, area, sub_area = sr_type(key)
    if area is None or sub_area is None:
        raise UnknownReference(f"'{key}' has no Area or Sub Area")
    return process, area, sub_area
