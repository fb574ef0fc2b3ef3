"""An email queued while its mailbox's address was not set, addressed once an administrator has set it.

Such an email waits in the Outbox with no recipient (services/mail_settings.py): its To is an empty group naming
who it is for ("Enforcement case manager - address not set:;"). Setting the address later used to leave it so, to
be sent by hand. Now the Outbox offers, for each such email whose mailbox is set, to address it to that mailbox
(`address_now`): the stored message gets the address as its To, everything else kept (Message-ID, date, body,
attachments), and it is then sent like any other (by SMTP when set up, or downloaded and sent by hand).

Decision: never done on its own (by `outbox send` or when the setting changes). The caseworker may already have
sent the downloaded .eml by hand without marking it sent, and the recipient would get it twice; the button is
pressed by someone who knows.
"""

from __future__ import annotations

from domain import mail
from services import audit, email_delivery
from services.actor import Actor
from services.email import EmailView, find_sr, load_email, waiting_for
from services.errors import DomainError
from services.mail_settings import is_set, mailbox
from services.transaction import transaction


def address_now(actor: Actor, email_id: int) -> EmailView:
    """Give an unaddressed email the address its mailbox now has, and send it when SMTP is set up (as a step's email
    is sent once saved); refused in plain words when it cannot be addressed."""
    view = _address(actor, email_id)
    return email_delivery.deliver(actor, email_id) if email_delivery.sending_enabled() else view


def _address(actor: Actor, email_id: int) -> EmailView:
    with transaction() as session:
        row = load_email(session, actor, email_id, "address emails")
        if row.status == "sent" or row.to_addrs:
            raise DomainError("This email already has its recipient: there is nothing to address.")
        key = waiting_for(row)
        if key is None or not is_set(key):
            raise DomainError(
                "The address of who this email is for is still not set. An administrator must set it in the mail "
                "settings; until then, download the email, add the address in your mail client and send it."
            )
        to = mailbox(key)
        sr = find_sr(session, row.sr_id or 0)
        before = audit.snapshot(row, ("to_addrs", "error"))
        row.raw = mail.addressed(row.raw, to)
        row.to_addrs = str(to)
        row.error = None
        audit.record(
            session,
            actor,
            "email.addressed",
            entity_type="outbound_email",
            entity_id=row.id,
            case_id=sr.case_id,
            sr_id=sr.id,
            before=before,
            after={"to_addrs": row.to_addrs, "error": None, "mailbox": key},
        )
        return EmailView.of(row, sr.number)
