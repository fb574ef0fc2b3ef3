"""The template registry: every letter and form, who gets it, which procedure step uses it, its fields.

Contract with the procedure engine: when a step records a letter as due (a Letter row with status
'due', template_code, recipient and a JSON `context`), it calls `validate_context(code, context)`
first; that refuses, naming each field, any context that is missing a field the template uses or
supplies one it does not. A test checks the other half: each .docx uses exactly its declared
fields (plus the derived ones), no more and no fewer.

Codes starting "CWG" are ours: the published procedures name these letters and forms without
giving them a number (the court and paying parent cover letters for commitment, the SSST CPO
referral form, the PV check record and the P4 letters). The CMEL/CMSL/CMSF codes are the
published ones; the wording of every template is our own, except the CMSL5501 "What we'll talk
about" paragraphs, which are exact (PROCEDURES.md).

Decisions where the procedures are silent:
- "30 days" for P4 representations is 30 calendar days from the letter date (the date is printed).
- The account breakdown shows a running balance (what is still owed at the end of each period).
- A letter's date is the day it is rendered unless the step gives one (samples give one).
- Arrears owed to the Secretary of State above £65.00 are never written off; the P4 letters say so
  when they apply (exactly £65.00 can be written off; the limit is domain.arrears.SOS_WRITE_OFF_LIMIT).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from domain.arrears import SOS_WRITE_OFF_LIMIT, max_write_off, sos_kept
from domain.clock import REGIONS, format_date
from domain.deadlines import REPRESENTATION_DAYS, period_end
from domain.local_values import REPLY_PERIOD_NOTE
from domain.values import format_money
from letters.fields import ContextError, Derived, Field, Rule, convert, show

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
# Who each template is for, as the letter studio says it (QA: it showed "cpo", "vsat" as they are).
RECIPIENT_WORDS = {
    "receiving_parent": "the receiving parent",
    "paying_parent": "the paying parent",
    "client": "the client",
    "court": "the court",
    "cpo": "the court presenting officer",
    "vsat": "CSA VSAT INTERVIEWS",
    "file": "the case file",
}


def recipient_words(recipient: str | None, *, article: bool = True) -> str:
    """Who a letter is to, in words: "the case file" for CMEL7298, never the stored "file" (QA: "to the file");
    without `article` for a table's To column ("case file"). A recipient the catalogue does not name reads with
    its underscores as blanks."""
    if not recipient:
        return ""
    words = RECIPIENT_WORDS.get(recipient, f"the {recipient.replace('_', ' ')}")
    return words if article else words.removeprefix("the ")


@dataclass(frozen=True, slots=True)
class Scenario:
    """A fictional sample (or a variant: changes on top of the first sample) and the text it must show."""

    key: str
    label: str
    values: Mapping[str, Any]
    expect: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TemplateSpec:
    code: str
    title: str
    kind: str  # letter or form
    recipient: str  # receiving_parent, paying_parent, client, court, cpo, vsat, file
    # (procedure id, step id) of every step whose effects record it: checked against the steps' effects by
    # tests/unit/test_letter_used_by.py; the letter studio says them in words (services.letter_templates).
    used_by: tuple[tuple[str, str], ...]
    fields: tuple[Field, ...]
    samples: tuple[Scenario, ...]
    variants: tuple[Scenario, ...] = ()
    derived: tuple[Derived, ...] = ()
    rules: tuple[Rule, ...] = ()  # contradictions between values, refused at the field (letters.fields.Rule)
    ours: bool = False  # a code we made up (the procedures give none)
    send_as_pdf: bool = False
    version: int = 1  # the committed file is version 1; uploads add 2, 3, ...

    def __post_init__(self) -> None:
        pairs_ok = all(
            isinstance(pair, tuple) and len(pair) == 2 and all(isinstance(part, str) and part for part in pair)
            for pair in self.used_by
        )
        if not isinstance(self.used_by, tuple) or not pairs_ok:
            raise ValueError(f"{self.code}: used_by holds (procedure id, step id) pairs, not {self.used_by!r}")

    @property
    def path(self) -> Path:
        return TEMPLATE_DIR / f"{self.code}.docx"

    @property
    def prints_contact(self) -> bool:
        """A letter to a parent: it prints how to contact us under the sender (`LETTER_HEAD`, letter_contact)."""
        return all(f in self.fields for f in CONTACT_FIELDS)

    @property
    def variables(self) -> set[str]:
        """What the .docx must use: the declared fields and the derived values."""
        return {f.name for f in self.fields} | {d.name for d in self.derived}

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    def scenario(self, key: str) -> Scenario:
        for s in (*self.samples, *self.variants):
            if s.key == key:
                return s
        raise KeyError(f"{self.code} has no sample or variant {key!r}")

    def values_for(self, key: str) -> dict[str, Any]:
        """The JSON context of a sample, or of a variant laid over the first sample."""
        base = dict(self.samples[0].values)
        for s in self.samples:
            if s.key == key:
                return dict(s.values)
        base.update(self.scenario(key).values)
        return {k: v for k, v in base.items() if v is not None}

    def all_scenarios(self) -> tuple[Scenario, ...]:
        return (*self.samples, *self.variants)


def typed_context(spec: TemplateSpec, context: Mapping[str, Any]) -> dict[str, Any]:
    return convert(spec.code, spec.fields, spec.derived, context, spec.rules)


def display_context(spec: TemplateSpec, typed: Mapping[str, Any]) -> dict[str, Any]:
    """Values as the letter shows them: "1 December 2026", "£1,234.56", "10:30am"."""
    kinds = {f.name: f for f in spec.fields}
    out: dict[str, Any] = {}
    for name, value in typed.items():
        f = kinds.get(name)
        if f is not None:
            out[name] = show(f.kind, value, f)
        else:
            out[name] = show(next(d.kind for d in spec.derived if d.name == name), value)
    return out


# --- Fields used by many templates ------------------------------------------------------------

LETTER_DATE = Field("letter_date", kind="date", label="Date of the letter", required=False, default_today=True)
SCIN = Field("scin", kind="text", label="SCIN (our reference)")
RECIPIENT = Field("recipient_name", kind="text", label="Name of the person the letter is to")
ADDRESS = Field("recipient_address", kind="multiline", label="Their address (one line each)")
SR_NUMBER = Field("sr_number", kind="text", label="Service request number")
PAYING_NAME = Field("paying_parent_name", kind="text", label="Paying parent's name")
PAYING_ADDRESS = Field("paying_parent_address", kind="multiline", label="Paying parent's address")
COURT = Field("court_name", kind="text", label="Court")
COURT_ADDRESS = Field(
    "court_address",
    kind="multiline",
    label="Court address",
    help="The address under the court's name, one line each: the letter prints the court's name above it.",
)
HEARING_DATE = Field("hearing_date", kind="date", label="Hearing date")
HEARING_TIME = Field("hearing_time", kind="time", label="Hearing time")
AMOUNT_OWED = Field(
    "amount_owed", kind="money", label="Amount owed", more_than_zero="the court is asked to act on money that is owed"
)
CPO = Field("cpo_name", kind="text", label="Court presenting officer")
PV_FOUND = "Threatening behaviour recorded in 2019: two officers to attend"  # CMSF5579's sample of a check's findings
PV_MARKER = Field("pv_marker", kind="bool", label="A potentially violent (PV) marker is recorded")
PV_FINDINGS = Field("pv_findings", kind="multiline", label="What the PV check found", required=False)
_SET_BY_ADMINISTRATOR = (
    "Set for the office by an administrator (the published procedures give none); the letter leaves it out when it "
    "is not set."
)
CONTACT_FIELDS = (
    Field("contact_phone", kind="text", label="Our phone number", required=False, help=_SET_BY_ADMINISTRATOR),
    Field(
        "contact_hours", kind="text", label="When our phone lines are open", required=False, help=_SET_BY_ADMINISTRATOR
    ),
    Field(
        "contact_address",
        kind="multiline",
        label="Our postal address (one line each)",
        required=False,
        help=_SET_BY_ADMINISTRATOR,
    ),
)
"""How a parent reaches us, printed under the sender (services/letter_contact.py fills them when a letter is made)."""
LETTER_HEAD = (LETTER_DATE, RECIPIENT, ADDRESS, SCIN, *CONTACT_FIELDS)
"""The head of every letter to a parent: who it is to, our reference, and how to contact us."""
# Fictional contact details for the studio's samples: a number from Ofcom's range kept for drama (never a real line).
SAMPLE_CONTACT = {
    "contact_phone": "0808 157 0192",
    "contact_hours": "Monday to Friday, 8am to 6pm",
    "contact_address": "Sample Office\nPO Box 0000\nSampletown\nZZ1 1ZZ",
}
WITH_CONTACT = Scenario(
    "contact_set",
    "With our contact details set (fictional)",
    SAMPLE_CONTACT,
    ("Phone: 0808 157 0192 (Monday to Friday, 8am to 6pm)", "PO Box 0000"),
)
"""Every letter to a parent shows how to contact us once it is set: a variant laid over its first sample."""

REASONS: tuple[tuple[str, str], ...] = (
    ("complaint", "Complaint about the child maintenance group"),
    ("parentage", "Parentage"),
    ("under_16", "Client under 16"),
    ("payments", "Payments"),
    ("appeal", "Appeal"),
    ("further_information", "Further information needed"),
    ("change", "Change to the way maintenance is worked out"),
    ("enforcement_paying_parent", "Enforcement (paying parent)"),
    ("enforcement_update_receiving_parent", "Enforcement update (receiving parent)"),
    ("other", "Other (free text)"),
)
# Exact wording from the published CMSL5501 guidance (data, not prose: do not reword).
CMSL5501_PARAGRAPHS: dict[str, str] = {
    "complaint": "A complaint you have made against the child maintenance group",
    "parentage": "parentage of the child or children named in your child maintenance case",
    "under_16": (
        "Your child maintenance case because you are under the age of 16. "
        "You must bring an adult with you to this meeting"
    ),
    "payments": "Child maintenance payments made in your case",
    "appeal": "Your appeal against a decision made by the child maintenance group",
    "further_information": "The information we need from you about a specific aspect of your child maintenance case",
    "change": "Your request to change the way we work out child maintenance in your case",
    "enforcement_paying_parent": "Why we have taken action against you to recover money owed for child maintenance",
    "enforcement_update_receiving_parent": (
        "The steps we are taking against the other parent of your child or children to recover money owed "
        "for child maintenance"
    ),
}
OTHER_SAMPLE = "The childcare costs you told us about on your last call, and the receipts you can bring"

_ADDRESS_1 = "14 Demo Street\nExampletown\nEX1 2AB"
_ADDRESS_2 = "Flat 3, 9 Sample Road\nFictionbury\nFB4 5CD"
_COURT_ADDRESS = "1 Court Lane\nExampletown\nEX9 9ZZ"
HARD_NAME = "Siobhán O'Brien <&> Test"


def _same_words(text: str) -> str:
    return " ".join(text.replace(",", " ").split()).casefold()


def court_address_alone(values: dict[str, Any]) -> dict[str, str]:
    """The letters print the court's name above its address, so an address typed with the name on its first line
    loses that line (QA: court letters printed the name twice); an address that is only the name is refused."""
    name, address = values.get("court_name") or "", values.get("court_address") or ""
    lines = address.split("\n")
    while lines and _same_words(lines[0]) == _same_words(name):
        lines.pop(0)
    if address and not "".join(lines).strip():
        return {"court_address": "Enter the court's street address and postcode: the letter prints its name above."}
    values["court_address"] = "\n".join(lines)
    return {}


def _cmsl5501() -> TemplateSpec:
    base = {
        "letter_date": "2026-11-23",
        "recipient_name": "Alex Example",
        "recipient_address": _ADDRESS_1,
        "scin": "123456789012",
        "appointment_date": "2026-12-01",
        "appointment_time": "10:30",
        "appointment_location": "Exampletown Jobcentre, 2 High Street, Exampletown EX1 1AA",
        "reason": "payments",
    }
    variants = tuple(
        Scenario(f"reason_{value}", f"Reason: {label}", {"reason": value}, (CMSL5501_PARAGRAPHS[value],))
        for value, label in REASONS
        if value != "other"
    ) + (
        Scenario(
            "reason_other",
            "Reason: other (free text)",
            {"reason": "other", "other_details": OTHER_SAMPLE},
            (OTHER_SAMPLE,),
        ),
    )
    return TemplateSpec(
        code="CMSL5501",
        title="Information about your face to face meeting with us",
        kind="letter",
        recipient="client",
        used_by=(("P5e", "appointment"),),
        fields=(
            *LETTER_HEAD,
            Field("appointment_date", kind="date", label="Appointment date"),
            Field("appointment_time", kind="time", label="Appointment time"),
            Field("appointment_location", kind="multiline", label="Where the meeting is"),
            Field("reason", kind="choice", label="Reason for the meeting", choices=REASONS),
            Field(
                "other_details",
                kind="multiline",
                label="What we'll talk about (reason 'other')",
                required=False,
                required_when=("reason", "other"),
            ),
        ),
        samples=(
            Scenario(
                "payments",
                "Paying parent, payments",
                base,
                ("1 December 2026 at 10:30am", CMSL5501_PARAGRAPHS["payments"]),
            ),
            Scenario(
                "escaped_name",
                "A name with an apostrophe and <&>",
                {**base, "recipient_name": HARD_NAME, "reason": "complaint"},
                (HARD_NAME, CMSL5501_PARAGRAPHS["complaint"]),
            ),
        ),
        variants=variants,
    )


def _cmel9180() -> TemplateSpec:
    base = {
        "letter_date": "2026-11-23",
        "recipient_name": "Sam Sample",
        "recipient_address": _ADDRESS_2,
        "scin": "210987654321",
        "court_name": "Demo Magistrates' Court",
        "court_address": _COURT_ADDRESS,
        "hearing_date": "2027-01-14",
        "hearing_time": "14:00",
        "amount_owed": "4321.09",
        "costs": "95.00",
    }
    return TemplateSpec(
        code="CMEL9180",
        title="Liability order application: cover letter to the paying parent",
        kind="letter",
        recipient="paying_parent",
        used_by=(("P5d", "cover_letter"),),
        fields=(
            *LETTER_HEAD,
            COURT,
            COURT_ADDRESS,
            HEARING_DATE,
            HEARING_TIME,
            AMOUNT_OWED,
            Field("costs", kind="money", label="Court costs"),
        ),
        rules=(court_address_alone,),
        samples=(
            Scenario(
                "standard", "Hearing in January, £95 costs", base, ("14 January 2027 at 2pm", "£4,321.09", "£95.00")
            ),
        ),
        send_as_pdf=True,
    )


def _commitment_court() -> TemplateSpec:
    base = {
        "letter_date": "2026-11-23",
        "court_name": "Demo Magistrates' Court",
        "court_address": _COURT_ADDRESS,
        "scin": "210987654321",
        "paying_parent_name": "Sam Sample",
        "hearing_date": "2027-02-03",
        "hearing_time": "10:00",
        "amount_owed": "12500.00",
        "cpo_name": "Pat Presenter",
    }
    return TemplateSpec(
        code="CWGL001",
        title="Commitment: cover letter to the court",
        kind="letter",
        recipient="court",
        used_by=(("P5c", "court_cover_letter"),),
        fields=(LETTER_DATE, COURT, COURT_ADDRESS, SCIN, PAYING_NAME, HEARING_DATE, HEARING_TIME, AMOUNT_OWED, CPO),
        rules=(court_address_alone,),
        samples=(
            Scenario(
                "standard",
                "Commitment hearing in February",
                base,
                ("3 February 2027 at 10am", "£12,500.00", "Pat Presenter"),
            ),
        ),
        ours=True,
    )


def _commitment_paying_parent() -> TemplateSpec:
    base = {
        "letter_date": "2026-11-30",
        "recipient_name": "Sam Sample",
        "recipient_address": _ADDRESS_2,
        "scin": "210987654321",
        "court_name": "Demo Magistrates' Court",
        "court_address": _COURT_ADDRESS,
        "hearing_date": "2027-02-03",
        "hearing_time": "10:00",
        "amount_owed": "12500.00",
    }
    return TemplateSpec(
        code="CWGL002",
        title="Commitment: cover letter to the paying parent",
        kind="letter",
        recipient="paying_parent",
        used_by=(("P5c", "paying_parent_cover_letter"),),
        fields=(*LETTER_HEAD, COURT, COURT_ADDRESS, HEARING_DATE, HEARING_TIME, AMOUNT_OWED),
        rules=(court_address_alone,),
        samples=(
            Scenario("standard", "Commitment hearing in February", base, ("3 February 2027 at 10am", "£12,500.00")),
        ),
        ours=True,
    )


def _cmel7298() -> TemplateSpec:
    base = {
        "form_date": "2026-11-23",
        "sr_number": "1-00001234",
        "scin": "210987654321",
        "paying_parent_name": "Sam Sample",
        "court_name": "Demo Magistrates' Court",
        "hearing_date": "2027-01-14",
        "hearing_time": "14:00",
        "cpo_name": "Pat Presenter",
    }
    return TemplateSpec(
        code="CMEL7298",
        title="Enforcement form: liability order hearing date",
        kind="form",
        recipient="file",
        used_by=(("P5d", "create_cmel7298"), ("P5d", "cpt_bundle"), ("P5d", "forward_to_ecm")),
        fields=(
            Field("form_date", kind="date", label="Date completed", required=False, default_today=True),
            SR_NUMBER,
            SCIN,
            PAYING_NAME,
            COURT,
            HEARING_DATE,
            HEARING_TIME,
            CPO,
        ),
        samples=(
            Scenario(
                "standard",
                "Hearing date from the court presenting team",
                base,
                ("14 January 2027", "2pm", "Pat Presenter"),
            ),
        ),
    )


def _arrears_in_order(values: dict[str, Any]) -> dict[str, str]:
    """The period of the arrears cannot end before it starts."""
    start, end = values["arrears_from"], values["arrears_to"]
    if end >= start:
        return {}
    return {"arrears_to": f"The arrears cannot end on {format_date(end)}, before they start on {format_date(start)}."}


def _cmel7000() -> TemplateSpec:
    base = {
        "application_date": "2026-11-23",
        "scin": "210987654321",
        "paying_parent_name": "Sam Sample",
        "paying_parent_address": _ADDRESS_2,
        "court_name": "Demo Magistrates' Court",
        "hearing_date": "2027-01-14",
        "amount_owed": "4321.09",
        "arrears_from": "2024-04-01",
        "arrears_to": "2026-10-31",
    }
    return TemplateSpec(
        code="CMEL7000",
        title="Liability order application",
        kind="form",
        recipient="court",
        used_by=(("P5d", "cpt_bundle"), ("P5d", "forward_to_ecm")),
        fields=(
            Field("application_date", kind="date", label="Date of application", required=False, default_today=True),
            SCIN,
            PAYING_NAME,
            PAYING_ADDRESS,
            COURT,
            HEARING_DATE,
            AMOUNT_OWED,
            Field("arrears_from", kind="date", label="Arrears from"),
            Field("arrears_to", kind="date", label="Arrears to"),
        ),
        rules=(_arrears_in_order,),
        samples=(
            Scenario("standard", "Arrears over two years", base, ("£4,321.09", "1 April 2024", "31 October 2026")),
        ),
    )


def _cmel7211() -> TemplateSpec:
    base = {
        "scin": "210987654321",
        "paying_parent_name": "Sam Sample",
        "paying_parent_address": _ADDRESS_2,
        "court_name": "Demo Magistrates' Court",
        "court_address": _COURT_ADDRESS,
        "amount_owed": "12500.00",
        "hearing_date": "2027-02-03",
        "hearing_time": "10:00",
        "cpo_name": "Pat Presenter",
    }
    return TemplateSpec(
        code="CMEL7211",
        title="Court summons: commitment",
        kind="form",
        recipient="court",
        used_by=(("P5c", "build_bundle"), ("P5c", "cpo_assigned")),
        fields=(
            SCIN,
            PAYING_NAME,
            PAYING_ADDRESS,
            COURT,
            COURT_ADDRESS,
            AMOUNT_OWED,
            Field("hearing_date", kind="date", label="Hearing date (when the CPO gives it)", required=False),
            Field("hearing_time", kind="time", label="Hearing time (when the CPO gives it)", required=False),
            Field("cpo_name", kind="text", label="Court presenting officer (when known)", required=False),
        ),
        rules=(court_address_alone,),
        samples=(
            Scenario(
                "completed", "Completed: hearing date and CPO known", base, ("3 February 2027 at 10am", "Pat Presenter")
            ),
        ),
        variants=(
            Scenario(
                "part_completed",
                "Part completed: before the CPO gives a date",
                {"hearing_date": None, "hearing_time": None, "cpo_name": None},
                ("To be completed when the court presenting officer gives the hearing date",),
            ),
        ),
    )


def _cmsf5579() -> TemplateSpec:
    base = {
        "referral_date": "2026-11-23",
        "sr_number": "1-00004321",
        "scin": "123456789012",
        "client_name": "Alex Example",
        "client_address": _ADDRESS_1,
        "client_role": "paying_parent",
        "reason": "payments",
        "other_details": "",
        "pv_marker": False,
        "pv_checked_on": "2026-11-23",
        "referred_by": "Demo Caseworker, Specialist Services Support Team",
        "details": "Prefers a morning appointment.",
    }
    return TemplateSpec(
        code="CMSF5579",
        title="Visiting service referral",
        kind="form",
        recipient="vsat",
        used_by=(("P5e", "vsat_referral"),),
        fields=(
            Field("referral_date", kind="date", label="Date of referral", required=False, default_today=True),
            SR_NUMBER,
            SCIN,
            Field("client_name", kind="text", label="Client's name"),
            Field("client_address", kind="multiline", label="Client's address"),
            Field(
                "client_role",
                kind="choice",
                label="Client is the",
                choices=(("receiving_parent", "Receiving parent"), ("paying_parent", "Paying parent")),
            ),
            Field("reason", kind="choice", label="Reason for the visit", choices=REASONS),
            Field(
                "other_details",
                kind="multiline",
                label="What the visit is about (reason 'other')",
                required=False,
                required_when=("reason", "other"),
            ),
            PV_MARKER,
            Field("pv_checked_on", kind="date", label="Date of the full PV check"),
            # What the check found (a marker's history, two officers needed): the visiting officer reads it here, not
            # only in the SR Notes that VSAT never sees (QA, 6 December 2026)
            Field("pv_findings", kind="multiline", label="What the full PV check found", required=False),
            Field("referred_by", kind="text", label="Referred by"),
            Field("details", kind="multiline", label="Anything else the visiting officer should know", required=False),
        ),
        derived=(
            Derived(
                "reason_label",
                "text",
                lambda v: dict(REASONS)[v["reason"]],
                "The reason as words (for other, the form prints the details typed).",
            ),
        ),
        samples=(
            Scenario(
                "standard",
                "Paying parent, payments, no PV marker",
                base,
                ("Paying parent", "No PV marker recorded", "23 November 2026", "Payments"),
            ),
        ),
        variants=(
            Scenario(
                "pv_marker",
                "PV marker recorded",
                {"pv_marker": True, "pv_findings": PV_FOUND},
                ("A PV marker is recorded on this case", PV_FOUND),
            ),
            Scenario(
                "other_reason",
                "Reason: other (free text)",
                {"reason": "other", "other_details": "Questions about a change of address"},
                ("Reason for the visit | Questions about a change of address",),
            ),
            Scenario(
                "nothing_else",
                "Nothing else for the visiting officer",
                {"details": ""},
                ("Full PV check completed on 23 November 2026.",),
            ),
        ),
    )


ACTIONS = (("county_court", "County court"), ("commitment", "Commitment"), ("liability_order", "Liability order"))


def _cpo_referral() -> TemplateSpec:
    base = {
        "referral_date": "2026-11-23",
        "sr_number": "1-00001234",
        "scin": "210987654321",
        "paying_parent_name": "Sam Sample",
        "action": "liability_order",
        "court_name": "Demo Magistrates' Court",
        "hearing_date": "2027-01-14",
        "cpo_name": "Pat Presenter",
        "ecm_name": "Eve Enforcer",
        "pv_marker": False,
        "notes": "",
    }
    return TemplateSpec(
        code="CWGF003",
        title="Specialist Services Support Team: court presenting officer referral",
        kind="form",
        recipient="cpo",
        used_by=(("P5b", "create_folder"), ("P5c", "build_bundle"), ("P5d", "cpt_bundle"), ("P5d", "forward_to_ecm")),
        fields=(
            Field("referral_date", kind="date", label="Date of referral", required=False, default_today=True),
            SR_NUMBER,
            SCIN,
            PAYING_NAME,
            Field("action", kind="choice", label="Action requested", choices=ACTIONS),
            COURT,
            Field("hearing_date", kind="date", label="Hearing date (if known)", required=False),
            Field("cpo_name", kind="text", label="Court presenting officer (if known)", required=False),
            # Who asked for the action: the ECM, or for commitment a caseworker (seed 004); the form's row says which.
            Field("ecm_name", kind="text", label="Who asked for the action"),
            PV_MARKER,
            # What the PV check found (a marker's history, two officers needed): the CPO reads it on the referral,
            # not only in SR Notes they never see (QA, as CMSF5579's pv_findings)
            PV_FINDINGS,
            Field("notes", kind="multiline", label="Notes", required=False),
        ),
        samples=(
            Scenario(
                "liability_order",
                "Liability order, hearing known",
                base,
                ("Liability order", "14 January 2027", "Eve Enforcer"),
            ),
        ),
        variants=tuple(
            Scenario(f"action_{value}", f"Action: {label}", {"action": value}, (label,)) for value, label in ACTIONS
        )
        + (
            Scenario(
                "no_hearing_yet",
                "Hearing date not known yet",
                {"hearing_date": None, "cpo_name": None},
                ("Not known yet",),
            ),
            Scenario(
                "pv_marker",
                "PV marker recorded",
                {"pv_marker": True, "pv_findings": PV_FOUND},
                ("A PV marker is recorded", PV_FOUND),
            ),
            Scenario(
                "notes", "Notes for the CPO", {"notes": "Bring the payment history"}, ("Bring the payment history",)
            ),
        ),
        ours=True,
    )


def _pv_check() -> TemplateSpec:
    base = {
        "check_date": "2026-11-23",
        "checked_by": "Demo Caseworker",
        "sr_number": "1-00001234",
        "scin": "210987654321",
        "client_name": "Sam Sample",
        "check": "first",
        "pv_marker": False,
        "payments_since": "",
        "contact_since": "",
    }
    return TemplateSpec(
        code="CWGF004",
        title="Potentially violent (PV) check record",
        kind="form",
        recipient="file",
        used_by=(
            ("P5b", "create_folder"),
            ("P5b", "second_pv_check"),
            ("P5c", "build_bundle"),
            ("P5c", "second_pv_check"),
            ("P5d", "cpt_bundle"),
            ("P5d", "second_pv_check"),
        ),
        fields=(
            Field("check_date", kind="date", label="Date of the check", required=False, default_today=True),
            Field("checked_by", kind="text", label="Checked by"),
            SR_NUMBER,
            SCIN,
            Field("client_name", kind="text", label="Client's name"),
            Field(
                "check",
                kind="choice",
                label="Which check",
                choices=(("first", "Full PV check"), ("second", "Second PV check, 48 hours before the hearing")),
            ),
            PV_MARKER,
            PV_FINDINGS,
            Field(
                "payments_since",
                kind="multiline",
                label="Payments since the first check (second check)",
                required=False,
            ),
            Field(
                "contact_since", kind="multiline", label="Contact since the first check (second check)", required=False
            ),
        ),
        samples=(Scenario("first_clear", "Full check, no marker", base, ("Full PV check", "No PV marker recorded")),),
        variants=(
            Scenario(
                "first_marker",
                "Full check, marker recorded",
                {"pv_marker": True, "pv_findings": PV_FOUND},
                ("A PV marker is recorded", PV_FOUND),
            ),
            Scenario(
                "second",
                "Second check, 48 hours before the hearing",
                {"check": "second", "payments_since": "£50.00 received on 20 November 2026", "contact_since": "None"},
                ("Second PV check", "£50.00 received on 20 November 2026"),
            ),
        ),
        ours=True,
    )


# --- P4 ------------------------------------------------------------------------------------------


def _sos_kept(values: Mapping[str, Any]) -> bool:
    return sos_kept(values["sos_arrears"])


SOS_KEPT = Derived(
    "sos_kept",
    "bool",
    _sos_kept,
    f"True when more than {format_money(SOS_WRITE_OFF_LIMIT)} is owed to the Secretary of State (that part is never "
    "written off).",
)
# The end of the 30 days comes from the step (domain.deadlines.period_end: 30 calendar days, then the next
# working day of the case's region), so the letter states the same date as the deadline on the SR.
REPRESENTATIONS_END = Field("representations_end", kind="date", label="End of the 30 days for representations")
SOS_ARREARS = Field("sos_arrears", kind="money", label="Of which owed to the Secretary of State")
ARREARS_TO_DECIDE = Derived(
    "arrears_to_decide",
    "money",
    lambda v: max_write_off(v["arrears_balance"], v["sos_arrears"]),
    "What the receiving parent decides about: the arrears less any part owed to the Secretary of State that is "
    "never written off.",
)


def _sos_within(total: str) -> Rule:
    """The part owed to the Secretary of State is part of `total`, so it cannot be more than it."""

    def rule(values: dict[str, Any]) -> dict[str, str]:
        if values[total] >= values["sos_arrears"]:
            return {}
        return {
            "sos_arrears": f"The part owed to the Secretary of State ({format_money(values['sos_arrears'])}) cannot "
            f"be more than the arrears it is part of ({format_money(values[total])})."
        }

    return rule


def _sos_kept_within_remaining(values: dict[str, Any]) -> dict[str, str]:
    """Secretary of State arrears over the limit are never written off, so what is still owed includes them."""
    sos, remaining = values["sos_arrears"], values["amount_remaining"]
    if not sos_kept(sos) or remaining >= sos:
        return {}
    return {
        "amount_remaining": f"The arrears still owed ({format_money(remaining)}) cannot be less than the "
        f"{format_money(sos)} owed to the Secretary of State: more than {format_money(SOS_WRITE_OFF_LIMIT)} owed to "
        "the Secretary of State is never written off."
    }


def _thirty_days_on(values: dict[str, Any]) -> dict[str, str]:
    """The end of the 30 days is the date P4 works out (domain.deadlines.period_end), for the case's region or none."""
    letter_date, end = values["letter_date"], values["representations_end"]
    if end in {period_end(letter_date, region)[0] for region in (None, *REGIONS)}:
        return {}
    first = letter_date + timedelta(days=REPRESENTATION_DAYS)
    return {
        "representations_end": f"The 30 days end on {format_date(first)}, {REPRESENTATION_DAYS} calendar days after "
        f"the letter date ({format_date(letter_date)}), or on the next working day when that day is a weekend or bank "
        f"holiday, not on {format_date(end)}."
    }


def _stable_balance() -> TemplateSpec:
    base = {
        "letter_date": "2026-11-23",
        "recipient_name": "Alex Example",
        "recipient_address": _ADDRESS_1,
        "scin": "123456789012",
        "arrears_balance": "2345.67",
        "balance_date": "2026-11-20",
        "reply_by": "2026-12-23",
        "sos_arrears": "0.00",
    }
    return TemplateSpec(
        code="CWGL010",
        title="Your child maintenance arrears: do you want us to collect them?",
        kind="letter",
        recipient="receiving_parent",
        used_by=(("P4", "stable_balance_letter"),),
        fields=(
            *LETTER_HEAD,
            Field("arrears_balance", kind="money", label="Arrears balance"),
            Field("balance_date", kind="date", label="Balance worked out on"),
            Field("reply_by", kind="date", label="Reply by", help=REPLY_PERIOD_NOTE),
            SOS_ARREARS,
        ),
        derived=(SOS_KEPT, ARREARS_TO_DECIDE),
        rules=(_sos_within("arrears_balance"),),
        samples=(
            Scenario(
                "no_sos",
                "No arrears owed to the Secretary of State",
                base,
                ("£2,345.67", "20 November 2026", "23 December 2026"),
            ),
        ),
        variants=(
            Scenario(
                "sos_over_limit",
                "£120.00 owed to the Secretary of State (cannot be written off)",
                {"sos_arrears": "120.00"},
                ("£120.00 of this is owed to the Secretary of State", "what happens to the other £2,225.67"),
            ),
            Scenario(
                "sos_at_limit",
                f"Exactly {format_money(SOS_WRITE_OFF_LIMIT)} owed to the Secretary of State (can be written off)",
                {"sos_arrears": str(SOS_WRITE_OFF_LIMIT)},
                (),
            ),
        ),
        ours=True,
    )


WRITE_OFF = Field(
    "write_off",
    kind="choice",
    label="What the receiving parent wrote off",
    choices=(("all", "All of the arrears"), ("part", "Part of the arrears")),
)


def _write_off(code: str, recipient: str, who: str) -> TemplateSpec:
    base = {
        "letter_date": "2026-11-23",
        "recipient_name": "Alex Example" if recipient == "receiving_parent" else "Sam Sample",
        "recipient_address": _ADDRESS_1 if recipient == "receiving_parent" else _ADDRESS_2,
        "scin": "123456789012",
        "write_off": "part",
        "amount_written_off": "1000.00",
        "amount_remaining": "1345.67",
        "sos_arrears": "0.00",
        "representations_end": "2026-12-23",
    }
    return TemplateSpec(
        code=code,
        title=f"Arrears written off: confirmation to the {who}",
        kind="letter",
        recipient=recipient,
        used_by=(("P4", "write_off"),),
        fields=(
            *LETTER_HEAD,
            WRITE_OFF,
            Field("amount_written_off", kind="money", label="Amount written off"),
            Field("amount_remaining", kind="money", label="Arrears still owed"),
            SOS_ARREARS,
            REPRESENTATIONS_END,
        ),
        derived=(
            SOS_KEPT,
            Derived("arrears_remain", "bool", lambda v: v["amount_remaining"] > 0, "Anything still owed."),
        ),
        rules=(_sos_kept_within_remaining, _thirty_days_on),
        samples=(Scenario("part", "Part written off", base, ("£1,000.00", "£1,345.67", "23 December 2026")),),
        variants=(
            Scenario(
                "all",
                "All written off",
                {"write_off": "all", "amount_written_off": "2345.67", "amount_remaining": "0.00"},
                ("£2,345.67", "23 December 2026"),
            ),
            Scenario(
                "all_but_sos",
                "All written off except £120.00 owed to the Secretary of State",
                {
                    "write_off": "all",
                    "amount_written_off": "2225.67",
                    "amount_remaining": "120.00",
                    "sos_arrears": "120.00",
                },
                ("£120.00 owed to the Secretary of State",),
            ),
        ),
        ours=True,
    )


OUTCOMES = (
    ("pursue_all", "Receiving parent asked us to collect all the arrears"),
    ("part_written_off", "Part of the arrears written off"),
    ("all_written_off", "All of the arrears written off"),
    ("no_response", "No reply from the receiving parent: all the arrears moved over"),
)


SOS_TRANSITIONED = Field(
    "sos_arrears",
    kind="money",
    label="Of the amount moved, owed to the Secretary of State",
    help="Money owed to the Secretary of State is not collected for the receiving parent.",
)
SOS_INCLUDED = Derived(
    "sos_included",
    "bool",
    lambda v: v["sos_arrears"] > 0,
    "Part of the amount moved is owed to the Secretary of State.",
)
OWED_TO_RECEIVING_PARENT = Derived(
    "owed_to_receiving_parent",
    "money",
    lambda v: v["amount_transitioned"] - v["sos_arrears"],
    "The part of the amount moved that is owed to the receiving parent: the only part collected for them.",
)
SOME_OWED_TO_RECEIVING_PARENT = Derived(
    "some_owed_to_receiving_parent",
    "bool",
    lambda v: v["amount_transitioned"] > v["sos_arrears"],
    "Something owed to the receiving parent is moved over, to be collected for them.",
)


def _closure(code: str, recipient: str, who: str) -> TemplateSpec:
    receiving = recipient == "receiving_parent"
    base = {
        "letter_date": "2026-12-28",
        "recipient_name": "Alex Example" if receiving else "Sam Sample",
        "recipient_address": _ADDRESS_1 if receiving else _ADDRESS_2,
        "scin": "123456789012",
        "outcome": "part_written_off",
        "amount_written_off": "1000.00",
        "amount_transitioned": "1345.67",
        "sos_arrears": "0.00",
    }
    amounts = {
        "pursue_all": ("0.00", "2345.67"),
        "part_written_off": ("1000.00", "1345.67"),
        "all_written_off": ("2345.67", "0.00"),
        "no_response": ("0.00", "2345.67"),
    }
    expect = {
        "pursue_all": ("£2,345.67",),
        "part_written_off": ("£1,000.00", "£1,345.67"),
        "all_written_off": ("£2,345.67", "no arrears"),
        "no_response": ("£2,345.67",),
    }
    return TemplateSpec(
        code=code,
        title=f"Your CSA case has closed: letter to the {who}",
        kind="letter",
        recipient=recipient,
        used_by=(("P4", "closure_letters"),),
        fields=(
            *LETTER_HEAD,
            Field("outcome", kind="choice", label="P4 outcome", choices=OUTCOMES),
            Field("amount_written_off", kind="money", label="Amount written off"),
            Field("amount_transitioned", kind="money", label="Amount moved to the Child Maintenance Service"),
            SOS_TRANSITIONED,
        ),
        derived=(
            (SOS_INCLUDED, OWED_TO_RECEIVING_PARENT, SOME_OWED_TO_RECEIVING_PARENT) if receiving else (SOS_INCLUDED,)
        ),
        rules=(_sos_within("amount_transitioned"),),
        samples=(Scenario("part_written_off", "Part written off", base, expect["part_written_off"]),),
        variants=(
            *(
                Scenario(
                    f"outcome_{value}",
                    label,
                    {
                        "outcome": value,
                        "amount_written_off": amounts[value][0],
                        "amount_transitioned": amounts[value][1],
                    },
                    expect[value],
                )
                for value, label in OUTCOMES
            ),
            Scenario(
                "sos_moved",
                "£65.01 of the amount moved is owed to the Secretary of State",
                {"amount_transitioned": "1345.67", "sos_arrears": "65.01"},
                ("£65.01 of this is owed to the Secretary of State",)
                + (("collect the other £1,280.66 for you",) if receiving else ()),
            ),
            Scenario(
                "only_sos_moved",
                "Only the £65.01 owed to the Secretary of State is moved",
                {"amount_written_off": "2280.66", "amount_transitioned": "65.01", "sos_arrears": "65.01"},
                ("£65.01 of this is owed to the Secretary of State",),
            ),
        ),
        ours=True,
    )


def _running_balance(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    balance = Decimal("0.00")
    out = []
    for row in rows:
        balance += row["amount_due"] - row["amount_paid"]
        out.append({**row, "balance": balance})
    return out


def _total(column: str) -> Any:
    return lambda values: sum((row[column] for row in values["periods"]), Decimal("0.00"))


PERIODS = Field(
    "periods",
    kind="rows",
    label="Account periods",
    columns=(
        Field("period_start", kind="date", label="From"),
        Field("period_end", kind="date", label="To"),
        Field("amount_due", kind="money", label="Amount due"),
        Field("amount_paid", kind="money", label="Amount paid"),
    ),
    derived_columns=(("balance", "money"),),
    derive_rows=_running_balance,
)


def _periods_in_order(values: dict[str, Any]) -> dict[str, str]:
    """Each account period ends on or after the day it starts."""
    for number, row in enumerate(values["periods"], start=1):
        start, end = row["period_start"], row["period_end"]
        if end < start:
            return {
                "periods": f"Row {number}: the period cannot end on {format_date(end)}, before it starts on "
                f"{format_date(start)}."
            }
    return {}


def _periods_add_up_to_the_balance(values: dict[str, Any]) -> dict[str, str]:
    """The breakdown ends at the confirmed arrears balance the other letters give, or it contradicts them (QA)."""
    left, balance = values["periods"][-1]["balance"], values["arrears_balance"]
    if left == balance:
        return {}
    return {
        "periods": f"The account periods leave {format_money(left)} owed, but the arrears balance is "
        f"{format_money(balance)}. A breakdown must end at the same balance as the other letters about these arrears."
    }


def _breakdown() -> TemplateSpec:
    base = {
        "letter_date": "2026-11-23",
        "recipient_name": "Sam Sample",
        "recipient_address": _ADDRESS_2,
        "scin": "123456789012",
        "arrears_balance": "2345.67",
        "periods": [
            {
                "period_start": "2025-04-01",
                "period_end": "2025-09-30",
                "amount_due": "1300.00",
                "amount_paid": "650.00",
            },
            {
                "period_start": "2025-10-01",
                "period_end": "2026-03-31",
                "amount_due": "1300.00",
                "amount_paid": "400.00",
            },
            {
                "period_start": "2026-04-01",
                "period_end": "2026-09-30",
                "amount_due": "1300.00",
                "amount_paid": "504.33",
            },
        ],
    }
    return TemplateSpec(
        code="CWGF015",
        title="Your child maintenance account: breakdown of the arrears",
        kind="letter",
        recipient="paying_parent",
        used_by=(("P4", "paying_parent_dispute"),),
        fields=(
            *LETTER_HEAD,
            Field(
                "arrears_balance",
                kind="money",
                label="Arrears balance",
                help="The confirmed balance the other letters give; the periods must leave the same amount owed.",
            ),
            PERIODS,
        ),
        rules=(_periods_in_order, _periods_add_up_to_the_balance),
        derived=(
            Derived("total_due", "money", _total("amount_due"), "Sum of the amounts due."),
            Derived("total_paid", "money", _total("amount_paid"), "Sum of the amounts paid."),
            Derived("balance", "money", lambda v: v["periods"][-1]["balance"], "What is still owed."),
        ),
        samples=(
            Scenario(
                "three_periods",
                "Three six-month periods",
                base,
                ("1 April 2025", "£3,900.00", "£1,554.33", "£2,345.67"),
            ),
        ),
        ours=True,
    )


def _shows_contact(spec: TemplateSpec) -> TemplateSpec:
    """A letter to a parent also renders with our contact details set (its samples leave them unset)."""
    return replace(spec, variants=(*spec.variants, WITH_CONTACT)) if spec.prints_contact else spec


TEMPLATES: dict[str, TemplateSpec] = {
    spec.code: _shows_contact(spec)
    for spec in (
        _cmsl5501(),
        _cmel9180(),
        _commitment_court(),
        _commitment_paying_parent(),
        _cmel7298(),
        _cmel7000(),
        _cmel7211(),
        _cmsf5579(),
        _cpo_referral(),
        _pv_check(),
        _stable_balance(),
        _write_off("CWGL011", "receiving_parent", "receiving parent"),
        _write_off("CWGL012", "paying_parent", "paying parent"),
        _closure("CWGL013", "receiving_parent", "receiving parent"),
        _closure("CWGL014", "paying_parent", "paying parent"),
        _breakdown(),
    )
}


def get(code: str) -> TemplateSpec:
    try:
        return TEMPLATES[code]
    except KeyError:
        raise KeyError(f"There is no letter or form with code {code!r}.") from None


def validate_context(code: str, context: Mapping[str, Any]) -> dict[str, Any]:
    """Check a due letter's JSON values against its template; return the typed values.

    Raises KeyError for an unknown code, and ContextError naming every missing, unknown or
    wrong field (its `problems` maps field to message).
    """
    return typed_context(get(code), context)


__all__ = ["TEMPLATES", "ContextError", "Scenario", "TemplateSpec", "get", "validate_context"]
