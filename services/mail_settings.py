"""Where the SSST's emails go and how they leave: mailboxes and SMTP, from the environment.

Mailboxes (override any with CASEWORK_MAIL_<KEY>, e.g. CASEWORK_MAIL_VSAT="CSA VSAT INTERVIEWS <x@y>"):
- ssst: the team mailbox from the seed; every email is From it, and read receipts and replies go to it.
- vsat, ecm, cpt, cpo: PLACEHOLDERS under the reserved `.invalid` domain (RFC 2606), so nothing can
  reach a real person until an administrator sets the real addresses. A caller may always pass the
  address it knows (the CPO's own address from the CPO's email) instead of the default.

A mailbox whose address is still a placeholder is NOT SET (`is_set`), and is never presented as a recipient.
Decision (QA found emails queued to enforcement.case.manager@placeholder.invalid with no word to the
caseworker): the step still saves, because the procedure must go on and the caseworker cannot set an address;
but before saving, the step says plainly which mailbox is not set and that an administrator must set it
here (`not_set_notice`), and the email is stored in the Outbox with no recipient: its To is an empty
group naming who it is for ("Enforcement case manager - address not set:;"), it is never handed to SMTP,
and the Outbox shows "not set" with the same words instead of an address. The caseworker downloads it,
adds the address in their mail client, sends it and marks it sent. Refusing the step instead would stop
the casework on a setting only an administrator can change; sending to the placeholder would look sent.
An email queued before the address is set stays unaddressed until a caseworker addresses it from the Outbox,
which offers it once the address is set (services/email_address_later.py; never on its own: it may have been sent
by hand already).
The owning caseworker and team leader are addressed from their user records (User.email).

SMTP: CASEWORK_SMTP_HOST (unset means no sending: emails wait in the outbox to be downloaded as .eml),
CASEWORK_SMTP_PORT (default 587 with STARTTLS, else 25), CASEWORK_SMTP_USER, CASEWORK_SMTP_PASSWORD,
CASEWORK_SMTP_STARTTLS (1/true/yes), CASEWORK_SMTP_CAFILE (a CA bundle for an internal relay),
CASEWORK_SMTP_TIMEOUT (seconds, default 20). Read at each send, so a change needs no restart. The
password is never logged, shown, or stored in an error message.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from email.headerregistry import Address

from domain.mail import parse_address

SSST_MAILBOX = "2012SCHEME.SOUTHWESTSPECIALISTSERVICESUPPORTTEAM@CHILDMAINTENANCE.GSI.GOV.UK"

MAILBOXES: dict[str, str] = {
    "ssst": f"Specialist Services Support Team <{SSST_MAILBOX}>",
    "vsat": "CSA VSAT INTERVIEWS <csa.vsat.interviews@placeholder.invalid>",
    "ecm": "Enforcement Case Manager <enforcement.case.manager@placeholder.invalid>",
    "cpt": "Court Presenting Team <court.presenting.team@placeholder.invalid>",
    "cpo": "Court Presenting Officer <court.presenting.officer@placeholder.invalid>",
    "casework": "Casework Guide <casework.guide@placeholder.invalid>",  # sender of deadline reminders
}


# Who each mailbox is, in the words a caseworker reads when its address is not set.
MAILBOX_NAMES: dict[str, str] = {
    "ssst": "Specialist Services Support Team",
    "vsat": "CSA VSAT INTERVIEWS",
    "ecm": "enforcement case manager",
    "cpt": "court presenting team",
    "cpo": "court presenting officer",
    "casework": "Casework Guide sender",
}


def is_set(key: str) -> bool:
    """True when the mailbox has a real address: set by an administrator, or given by the seed (the SSST's).
    A placeholder (the reserved `.invalid` domain) is not set."""
    return not mailbox(key).addr_spec.lower().endswith(".invalid")


def not_set_notice(key: str) -> str:
    """What the caseworker reads about an email for a mailbox whose address is not set (see the module docstring)."""
    name = MAILBOX_NAMES[key]
    return (
        f"The {name} email address is not set in Casework Guide, so this email cannot be sent to them. "
        "An administrator must set it in the mail settings. Until then the email waits in the Outbox with no "
        "recipient: download it, add their address in your mail client, send it, then mark it as sent. Once the "
        "address is set, the Outbox offers to address it for you."
    )


def mailbox(key: str) -> Address:
    """The configured address for a mailbox key (ssst, vsat, ecm, cpt, cpo, casework)."""
    if key not in MAILBOXES:
        raise KeyError(f"unknown mailbox {key!r}; expected one of {', '.join(MAILBOXES)}")
    return parse_address(os.environ.get(f"CASEWORK_MAIL_{key.upper()}", MAILBOXES[key]))


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    port: int
    user: str | None
    password: str | None = field(repr=False)
    starttls: bool
    cafile: str | None
    timeout: float


def smtp_settings() -> SmtpSettings | None:
    """The SMTP relay to send through, or None when sending is not set up."""
    host = os.environ.get("CASEWORK_SMTP_HOST", "").strip()
    if not host:
        return None
    starttls = _flag("CASEWORK_SMTP_STARTTLS")
    return SmtpSettings(
        host=host,
        port=int(os.environ.get("CASEWORK_SMTP_PORT") or (587 if starttls else 25)),
        user=os.environ.get("CASEWORK_SMTP_USER") or None,
        password=os.environ.get("CASEWORK_SMTP_PASSWORD") or None,
        starttls=starttls,
        cafile=os.environ.get("CASEWORK_SMTP_CAFILE") or None,
        timeout=float(os.environ.get("CASEWORK_SMTP_TIMEOUT") or 20),
    )
