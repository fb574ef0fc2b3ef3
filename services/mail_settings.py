"""Where the SSST's emails go and how they leave: mailboxes and SMTP, from the environment.

Mailboxes (override any with CASEWORK_MAIL_<KEY>, e.g. CASEWORK_MAIL_VSAT="CSA VSAT INTERVIEWS <x@y>"):
- ssst: the team mailbox from the seed; every email is From it, and read receipts and replies go to it.
- vsat, ecm, cpt, cpo: PLACEHOLDERS under the reserved `.invalid` domain (RFC 2606), so nothing can
  reach a real person until an administrator sets the real addresses. A caller may always pass the
  address it knows (the CPO's own address from the CPO's email) instead of the default.
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
