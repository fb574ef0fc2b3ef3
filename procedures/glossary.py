"""Terms a new caseworker meets in the procedures, explained in plain words. Shown from every step."""

from __future__ import annotations

from domain.arrears import SOS_LIMIT_SHOWN

GLOSSARY: dict[str, str] = {
    "Receiving parent": "The parent who receives, or is expected to receive, child maintenance. The systems and the "
    "law still call them the PWC (parent with care) or PeWC (person with care); letters and calls never do.",
    "Paying parent": "The parent who pays, or is expected to pay, child maintenance. The systems and the law "
    "still call them the NRP (non resident parent); letters and calls never do.",
    "PWC / PeWC / NRP": "Old system terms for the receiving parent (PWC, PeWC) and the paying parent (NRP). Use "
    "receiving parent and paying parent with clients.",
    "CSA": "Child Support Agency: the 1993 and 2003 schemes, now closing, whose cases move to CMS.",
    "CMS": "Child Maintenance Service: the 2012 scheme, worked on the 2012 system where SRs live.",
    "CMG": "Child Maintenance Group, the part of DWP running child maintenance (NICMS in Northern Ireland).",
    "NICMS": "Northern Ireland Child Maintenance Service: does what CMG does, for Northern Ireland cases.",
    "SR": "Service request: the record on the 2012 system of a piece of work, with its Process, Area and Sub "
    "Area, status, notes and activity plan.",
    "SCIN": "The scheme client identification number that identifies a case.",
    "CSCS": "The Child Support Computer System, a CSA legacy system. Always check it: the data warehouse "
    "enforcement flag only covers CS2.",
    "CS2": "The CSA 2003 scheme computer system.",
    "CCD": "The clerical case database: CSA case records kept outside CSCS and CS2.",
    "Tallyman": "The tool CSA used to control and record legal enforcement; Tallyman notes hold a full "
    "breakdown of enforcement action and liability orders.",
    "LO": "Liability order: a court order confirming what a paying parent owes, needed before most enforcement.",
    "EJO": "Enforcement of Judgments Office: enforces judgments in Northern Ireland.",
    # P3's step 8 names these as what makes a segment 5 case a priority; a new caseworker met them unexplained (QA).
    "Charging order": "A court order securing arrears against property the paying parent owns, so they are paid "
    "when it is sold.",
    "Order for sale": "A court order to sell property the paying parent owns (usually after a charging order) so "
    "the arrears secured on it are paid.",
    "Committal order": "A court order sending a paying parent to prison for not paying (commitment). It may be "
    "suspended while they keep to what the court set.",
    "Sisted": "A Scottish court case that the court has paused (sisted) until something happens; it can be "
    "brought back.",
    "DCA": "Debt collection agency acting for the service.",
    "AFT": "The team handling arrears after financial transition; they expect an Action Missed Payment SR on "
    "priority cases.",
    "ICE": "Independent Case Examiner: reviews complaints the service could not resolve.",
    "ECM": "Enforcement case manager: asks for court action and pays court fees.",
    "CPT": "Court presenting team: arranges hearings and presents cases in court.",
    "CPO": "Court presenting officer: the person presenting the case at the hearing.",
    "PV": "Potentially violent marker: this client may be a risk to staff. PV checks come before any contact, "
    "visit or hearing, and again 48 hours before a hearing.",
    "VSAT": "Visiting Service Allocation Team: accepts or rejects face to face visit requests (CSA VSAT "
    "INTERVIEWS mailbox).",
    "SSST": "Specialist Services Support Team: routes work to visiting officers outside the 2012 system region.",
    "Special Client Records": "The team that holds sensitive cases; only its nominated caseworkers look at them, "
    "so you ask them for the information instead of looking yourself.",
    "Financial transition": "Moving a CSA case's arrears onto CMS once CSA liability has ended.",
    "Secretary of State arrears": "Arrears owed to the government rather than the receiving parent; over "
    f"{SOS_LIMIT_SHOWN} they are never written off.",
}
