"""Sending the outbox's emails by SMTP, after the step that queued them is saved (in the background of the app's
process, services/email_background.py, so the page does not wait for the mail server).

The network call happens outside any database transaction, so a slow or refusing server never rolls back
the step, and nothing is lost: a failed message stays in the outbox with its error and is retried with
`deliver` (or `send_waiting`, the CLI `outbox send` run by cron).

Decisions: a message the server accepted for some recipients but refused for others is 'sent' (it
went; retrying would send it twice) with the refusals kept in `error` for a person to follow up. A
password is only sent over STARTTLS, except to a relay on this machine (loopback).
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from email import message_from_bytes
from email import policy as email_policy
from email.headerregistry import Address
from email.utils import getaddresses

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import OutboundEmail
from domain import mail
from domain.clock import utcnow
from services import audit
from services.access import check_sr, require_role
from services.actor import Actor
from services.email import CLAIM_LEFT, ROLES, SENDING_ELSEWHERE, EmailView, find_sr, load_email, queue_email
from services.errors import DomainError, NotFound
from services.mail_settings import SmtpSettings, smtp_settings
from services.transaction import expect_version, transaction

LOOPBACK = ("127.0.0.1", "localhost", "::1")
MAX_ERROR_CHARS = 1000


def sending_enabled() -> bool:
    """True when SMTP is set up, so the outbox offers 'Send again' as well as the .eml download."""
    return smtp_settings() is not None


def send_email(
    actor: Actor,
    sr_id: int,
    draft: mail.Draft,
    *,
    to: Sequence[str | Address] | None = None,
    cc: Sequence[str | Address] = (),
    attachments: Sequence[tuple[str, bytes]] = (),
    expected_version: int | None = None,
) -> EmailView:
    """Queue an email for an SR in its own transaction, then try to send it (see module docstring)."""
    with transaction() as session:
        require_role(session, actor, *ROLES, action="send emails")
        sr = find_sr(session, sr_id)
        check_sr(session, actor, sr, action="send emails about this service request")
        expect_version(sr, expected_version, what=f"Service request {sr.number}")
        email_id = queue_email(session, actor, sr, draft, to=to, cc=cc, attachments=attachments).id
    return deliver(actor, email_id)


def _scrub(text: str, settings: SmtpSettings) -> str:
    if settings.password:
        text = text.replace(settings.password, "********")
    return text[:MAX_ERROR_CHARS]


def _transmit(settings: SmtpSettings, raw: bytes) -> dict[str, tuple[int, bytes]]:
    """Hand the stored bytes to the relay, exactly as they would be downloaded; return refused recipients."""
    parsed = message_from_bytes(raw, policy=email_policy.default)
    sender = getaddresses([str(parsed["From"])])[0][1]
    rcpts = [a for _, a in getaddresses([str(v) for v in parsed.get_all("To", []) + parsed.get_all("Cc", [])])]
    if settings.user and not settings.starttls and settings.host not in LOOPBACK:
        raise smtplib.SMTPException("refusing to send the SMTP password without STARTTLS")
    with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
        smtp.ehlo()
        if settings.starttls:
            smtp.starttls(context=ssl.create_default_context(cafile=settings.cafile))
            smtp.ehlo()
        if settings.user:
            smtp.login(settings.user, settings.password or "")
        return smtp.sendmail(sender, rcpts, raw)


def deliver(actor: Actor, email_id: int, *, from_outbox: bool = False) -> EmailView:
    """Send a queued or failed email through SMTP when it is set up; record 'sent' or 'failed' + error.

    Without SMTP, when it was already sent, or while another sender is sending it, nothing happens and the current
    state is returned; `from_outbox` (Send again pressed in the Outbox) is told the last in words instead, and may
    send again an email whose sending was interrupted (CLAIM_LEFT), once the person has checked it did not go.
    """
    return _deliver(actor, email_id, from_outbox=from_outbox)


def deliver_as_system(email_id: int) -> EmailView:
    """`deliver` for a command run by cron (reminders), with no signed-in user."""
    return _deliver(None, email_id)


def deliver_committed(email_id: int, *, on_behalf_of: Actor | None) -> EmailView:
    """`deliver` for the background sender (services/email_background.py): the email was committed by the saved step
    or move of `on_behalf_of`, whose access was checked then, so it is not checked again (signing out a moment later
    does not leave it unsent); the audit trail names them as the sender, or the system when None."""
    return _deliver(on_behalf_of, email_id, check_access=False)


def send_waiting(*, limit: int = 200) -> list[EmailView]:
    """Send every queued or failed email, oldest first, as the system (the CLI `outbox send`, run by cron).

    Does nothing when SMTP is not set up. An email whose recipient's address is not set (services.mail_settings) is
    not tried: it waits in the Outbox to be sent by hand, and is not reported as failing at every run."""
    if smtp_settings() is None:
        return []
    with transaction(read_only=True) as session:
        ids = session.scalars(
            select(OutboundEmail.id)
            .where(OutboundEmail.status != "sent", OutboundEmail.sr_id.is_not(None), OutboundEmail.to_addrs != "")
            .order_by(OutboundEmail.id)
            .limit(limit)
        ).all()
    return [_deliver(None, email_id) for email_id in ids]


def _get(session: Session, actor: Actor | None, email_id: int, action: str) -> OutboundEmail:
    if actor is not None:
        return load_email(session, actor, email_id, action)
    row = session.get(OutboundEmail, email_id)
    if row is None or row.sr_id is None:
        raise NotFound("There is no such email in the outbox.")
    return row


def _claim(
    actor: Actor | None, email_id: int, settings: SmtpSettings | None, *, from_outbox: bool, check_access: bool = True
) -> tuple[EmailView, bytes | None]:
    """Claim the email for this sender, in a transaction of its own: the write lock is taken before the email is
    read, so of two senders at the same moment the second reads the first's claim (QA, two servers: both sent it).
    Returns the view and the bytes to send, or None when there is nothing for this sender to send."""
    with transaction(writes=True) as session:
        row = _get(session, actor if check_access else None, email_id, "send emails")
        view = EmailView.of(row, find_sr(session, row.sr_id or 0).number)
        if settings is None or row.status == "sent" or view.address_not_set:  # no recipient: sent by hand
            return view, None
        now = utcnow()
        if row.sending_since is not None and (not from_outbox or now - row.sending_since < CLAIM_LEFT):
            if from_outbox:
                raise DomainError(SENDING_ELSEWHERE)
            return view, None  # left to its sender, or (interrupted) to a person in the Outbox
        row.sending_since = now
        audit.record(
            session,
            actor,
            "email.sending",
            entity_type="outbound_email",
            entity_id=row.id,
            sr_id=row.sr_id,
            after={"via": f"smtp {settings.host}:{settings.port}"},
        )
        return view, row.raw


def _deliver(actor: Actor | None, email_id: int, *, from_outbox: bool = False, check_access: bool = True) -> EmailView:
    """`deliver` for a signed-in user (access checked unless `check_access` is False) or the system (actor None)."""
    settings = smtp_settings()
    view, raw = _claim(actor, email_id, settings, from_outbox=from_outbox, check_access=check_access)
    if settings is None or raw is None:
        return view
    error: str | None
    try:
        refused = _transmit(settings, raw)
        error = "; ".join(f"{k}: {v[0]} {v[1].decode(errors='replace')}" for k, v in refused.items()) or None
        outcome = "sent"
    except (smtplib.SMTPException, OSError) as exc:
        error, outcome = f"{type(exc).__name__}: {exc}", "failed"
    with transaction() as session:
        # What happened is recorded whatever became of the sender's access meanwhile (the claim checked it): an
        # email that went is never left claimed, to be sent again.
        row = _get(session, None, email_id, "send emails")
        before = audit.snapshot(row, ("status", "error"))
        row.status = outcome
        row.error = _scrub(error, settings) if error else None
        row.sent_at = utcnow() if outcome == "sent" else None
        row.sending_since = None
        sr = find_sr(session, row.sr_id or 0)
        audit.record(
            session,
            actor,
            f"email.{outcome}",
            entity_type="outbound_email",
            entity_id=row.id,
            case_id=sr.case_id,
            sr_id=sr.id,
            before=before,
            after={"status": row.status, "error": row.error, "via": f"smtp {settings.host}:{settings.port}"},
        )
        return EmailView.of(row, sr.number)
