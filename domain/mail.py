"""The SSST's emails (P5): what each one says, and the RFC 5322 message built from it.

Pure: no network, no database. `services.email` stores and tracks them, `services.email_delivery`
sends them. Every message asks for a read receipt (Disposition-Notification-To, RFC 8098) to the
team mailbox, because the seed says "ensure that a read receipt is requested and follow up with a
telephone call"; the phone call is a task raised by the service when the email is queued.

Wording is ours (the seed gives none); client-facing terms are used even though these go to staff.
"""

from __future__ import annotations

import mimetypes
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from email import policy as email_policy
from email.headerregistry import Address, AddressHeader, Group, HeaderRegistry
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, getaddresses

from domain.clock import format_date, format_uk, uk_local
from domain.files import safe_file_name
from domain.values import format_money

# Kinds of email, one per thing the procedures send.
COURT_FEE_PAID = "court_fee_paid"  # P5a, to the ECM
CPO_REQUEST = "cpo_request"  # P5b step 2, P5d step 2, to the CPT
SECOND_PV_CHECK = "second_pv_check"  # P5b/c/d, to the CPO
CPT_LETTER_READY = "cpt_letter_ready"  # P5d steps 7-8, to the CPT, hearing date in the subject
CASE_FILE_TO_ECM = "case_file_to_ecm"  # P5b/c/d, forward the case file to the ECM
VSAT_REFERRAL = "vsat_referral"  # P5e step 1, CMSF5579 to CSA VSAT INTERVIEWS
VSAT_REJECTED = "vsat_rejected"  # P5e step 3, to the owning caseworker and team leader
VISIT_COMPLETED = "visit_completed"  # P5e step 6, to the owning caseworker and team leader

# Which configured mailbox each kind goes to; None means named people (owning caseworker and team leader).
DEFAULT_RECIPIENT = {
    COURT_FEE_PAID: "ecm",
    CPO_REQUEST: "cpt",
    SECOND_PV_CHECK: "cpo",
    CPT_LETTER_READY: "cpt",
    CASE_FILE_TO_ECM: "ecm",
    VSAT_REFERRAL: "vsat",
    VSAT_REJECTED: None,
    VISIT_COMPLETED: None,
}


def _policy() -> email_policy.EmailPolicy[EmailMessage]:
    """The default policy, with the read-receipt header folded as the address list it is (RFC 8098)."""
    registry = HeaderRegistry()
    registry.map_to_type("disposition-notification-to", AddressHeader)  # type: ignore[arg-type]  # stub too narrow
    return email_policy.default.clone(header_factory=registry)


POLICY = _policy()
# On the wire and in the .eml: CRLF, and headers not folded below RFC 5322's hard limit of 998 characters,
# because CPython folds some headers straight after the colon and its own parser then keeps that space.
WIRE_POLICY = POLICY.clone(linesep="\r\n", max_line_length=998)


def to_bytes(message: EmailMessage) -> bytes:
    """The message as sent and as downloaded (.eml)."""
    return message.as_bytes(policy=WIRE_POLICY)


class AddressRefused(ValueError):
    """An email address that cannot be used; the message is written for the user."""


@dataclass(frozen=True, slots=True)
class Draft:
    """What an email says, before it has recipients, a Message-ID and a date."""

    kind: str
    subject: str
    body: str


def _ref(scin: str, sr_number: str) -> str:
    return f"SCIN {scin}, SR {sr_number}"


def court_fee_paid(*, client_name: str, scin: str, sr_number: str, court: str, fee: Decimal, paid_on: date) -> Draft:
    """P5a: tell the enforcement case manager the court fee has been paid."""
    return Draft(
        COURT_FEE_PAID,
        f"Court fee paid: {client_name}, {_ref(scin, sr_number)}",
        f"The court fee of {format_money(fee)} for {client_name} (SCIN {scin}) was paid to {court} "
        f"on {format_date(paid_on)}.\n\nThe enforcement action can now go ahead.",
    )


def cpo_request(
    *, scin: str, sr_number: str, court: str, hearing_at: datetime | None, action: str, ask_hearing_date: bool = False
) -> Draft:
    """P5b/P5d step 2: ask the court presenting team who the court presenting officer will be; P5d's step 2 asks for
    the hearing date too (`ask_hearing_date`: seed 004, "to obtain a hearing date and the name of the assigned CPO")."""
    if ask_hearing_date:
        return Draft(
            CPO_REQUEST,
            f"Hearing date and court presenting officer needed: {action}, {court}, {_ref(scin, sr_number)}",
            f"Please tell us the hearing date, and who the court presenting officer will be, for this {action} at "
            f"{court} (SCIN {scin}, SR {sr_number}).",
        )
    hearing = f"The hearing is on {format_uk(hearing_at)}." if hearing_at else "The hearing date is not known yet."
    return Draft(
        CPO_REQUEST,
        f"Court presenting officer needed: {action}, {court}, {_ref(scin, sr_number)}",
        f"Please tell us who the court presenting officer will be for this {action} at {court} "
        f"(SCIN {scin}, SR {sr_number}). {hearing}",
    )


def second_pv_check(
    *,
    scin: str,
    sr_number: str,
    hearing_at: datetime,
    pv_result: str,
    payments: str,
    contact: str,
    liability_order: bool = False,
) -> Draft:
    """P5b/c/d: the second PV check, payments made and contact from the paying parent, for the CPO."""
    payments_line = (
        "Payments made that affect the liability order schedule" if liability_order else "Payments made since referral"
    )
    return Draft(
        SECOND_PV_CHECK,
        f"Second PV check before hearing on {format_date(hearing_at)}: {_ref(scin, sr_number)}",
        f"Second potentially violent (PV) check on the 2012 system, before the hearing on "
        f"{format_uk(hearing_at)}:\n\n"
        f"PV check: {pv_result}\n{payments_line}: {payments}\nContact from the paying parent: {contact}",
    )


def cpt_letter_ready(*, scin: str, sr_number: str, hearing_at: datetime, court: str) -> Draft:
    """P5d steps 7-8: the CMEL9180 cover letter is saved; the subject carries the hearing date."""
    return Draft(
        CPT_LETTER_READY,
        f"Hearing {format_date(hearing_at)}: CMEL9180 cover letter ready, {_ref(scin, sr_number)}",
        f"The CMEL9180 cover letter for the paying parent is saved in the CPT shared folder with the bundle "
        f"for the hearing at {court} on {format_uk(hearing_at)}.\n\n"
        "Please send the letter and summons on the date recorded, then tell us the date of issue.",
    )


def case_file_to_ecm(*, scin: str, sr_number: str, outcome: str, next_step: str, attached: bool) -> Draft:
    """P5b/c/d: forward the case file to the enforcement case manager after the hearing. `attached` says whether the
    email carries it (P5d attaches its forms); otherwise the body never says it is attached (QA, 7 December: P5b's and
    P5c's said so, with nothing attached)."""
    how = "is attached" if attached else "comes to you separately,"
    return Draft(
        CASE_FILE_TO_ECM,
        f"Case file after hearing: {_ref(scin, sr_number)}",
        f"The court presenting officer has returned the outcome: {outcome}\n\nThe case file {how} so that {next_step}.",
    )


def vsat_referral(*, scin: str, sr_number: str, client_role: str, reason: str) -> Draft:
    """P5e step 1: the completed Visiting Service referral form (CMSF5579) to CSA VSAT INTERVIEWS."""
    return Draft(
        VSAT_REFERRAL,
        f"Face to face referral CMSF5579: {_ref(scin, sr_number)}",
        f"Please find attached the completed Visiting Service referral form (CMSF5579) for the {client_role} "
        f"(SCIN {scin}).\n\nReason for the visit: {reason}\n\nA full PV check has been completed.",
    )


def vsat_rejected(*, scin: str, sr_number: str, reason: str) -> Draft:
    """P5e step 3: tell the owning caseworker and team leader that VSAT rejected the referral."""
    return Draft(
        VSAT_REJECTED,
        f"Face to face referral rejected: {_ref(scin, sr_number)}",
        f"The Visiting Service Allocation Team has rejected the face to face referral for SCIN {scin}.\n\n"
        f"Reason given: {reason}\n\nSR {sr_number} has been closed and cancelled.",
    )


def visit_completed(*, scin: str, sr_number: str, appointment_at: datetime | None, summary: str) -> Draft:
    """P5e step 6: the standard email telling the owning caseworker and team leader the visit is done."""
    when = f" on {format_date(appointment_at)}" if appointment_at else ""
    return Draft(
        VISIT_COMPLETED,
        f"Face to face visit completed: {_ref(scin, sr_number)}",
        f"The face to face visit for SCIN {scin} was completed{when}.\n\n{summary}\n\n"
        "A task has been raised for you to carry on with the case.",
    )


def parse_address(raw: str) -> Address:
    """'Name <user@example.org>' or 'user@example.org' as an Address; anything else is refused."""
    pairs = getaddresses([raw or ""])
    if len(pairs) != 1:
        raise AddressRefused(f"Enter one email address, like name@example.org (got {raw!r})")
    name, addr = pairs[0]
    local, at, domain = addr.rpartition("@")
    if not (local and at and "." in domain) or any(c.isspace() for c in addr) or "\n" in raw or "\r" in raw:
        raise AddressRefused(f"Enter an email address in the correct format, like name@example.org (got {raw!r})")
    return Address(display_name=name, addr_spec=addr)


def address_problem(raw: object) -> str | None:
    """Why an email address the caseworker typed is not one mail can send to, or None (also when none was typed).
    A field's own rule (`Field.check`): the address is refused on its own page, not at the step's last one."""
    if not raw:
        return None
    try:
        parse_address(str(raw))
    except AddressRefused as exc:
        return str(exc)
    return None


@dataclass(frozen=True, slots=True)
class Attachment:
    file_name: str
    content: bytes


def build_message(
    draft: Draft,
    *,
    sender: Address,
    to: Sequence[Address],
    cc: Sequence[Address] = (),
    read_receipt_to: Address,
    sent_at: datetime,
    signature: str,
    sr_number: str | None = None,
    attachments: Sequence[Attachment] = (),
    unaddressed: str | None = None,
) -> EmailMessage:
    """An RFC 5322 message with Message-ID, Date, read-receipt request and attachments.

    `unaddressed` names who the email is for when their address is not set (services.mail_settings): To is then
    an empty group of that name ("Enforcement case manager - address not set:;"), for a person to fill in."""
    if not to and unaddressed is None:
        raise AddressRefused("An email needs at least one recipient")
    message = EmailMessage(policy=POLICY)
    message["From"] = sender
    message["To"] = list(to) if to else [Group(f"{unaddressed}{NOT_SET}", ())]
    if cc:
        message["Cc"] = list(cc)
    message["Reply-To"] = read_receipt_to
    message["Subject"] = " ".join(draft.subject.split())  # a line break in a name must not start a new header
    message["Date"] = format_datetime(uk_local(sent_at))
    # Short enough not to fold (some parsers keep the folding space): <32 hex digits@domain>.
    message["Message-ID"] = f"<{uuid.uuid4().hex}@{(sender.domain or 'casework.invalid').lower()}>"
    message["Disposition-Notification-To"] = read_receipt_to
    if sr_number:
        message["X-Casework-SR"] = sr_number
    message.set_content(f"{draft.body}\n\n{signature}\n")
    for attachment in attachments:
        name = safe_file_name(attachment.file_name)
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        maintype, subtype = kind.split("/", 1)
        message.add_attachment(attachment.content, maintype=maintype, subtype=subtype, filename=name)
    return message


NOT_SET = " - address not set"  # after the name of who an unaddressed email is for, in its To group


def parse(raw: bytes) -> EmailMessage:
    """A stored message (`to_bytes`) read back."""
    message = BytesParser(policy=POLICY).parsebytes(raw)
    if not isinstance(message, EmailMessage):  # never: POLICY's message factory makes them
        raise TypeError("a stored email did not read back as a message")
    return message


def unaddressed_for(raw: bytes) -> str | None:
    """Who an unaddressed message (`build_message(unaddressed=...)`) is for, as its To group names them; else None."""
    to = parse(raw)["To"]
    if not isinstance(to, AddressHeader) or to.addresses or len(to.groups) != 1:
        return None
    name = to.groups[0].display_name or ""
    return name.removesuffix(NOT_SET) if name.endswith(NOT_SET) else None


def addressed(raw: bytes, to: Address) -> bytes:
    """The stored message with `to` as its To; everything else (Message-ID, date, body, attachments) kept."""
    message = parse(raw)
    del message["To"]
    message["To"] = to
    return to_bytes(message)


def recipients(message: EmailMessage) -> list[str]:
    """Every envelope recipient (To and Cc), as bare addresses."""
    return [addr for _, addr in getaddresses(message.get_all("To", []) + message.get_all("Cc", [])) if addr]
