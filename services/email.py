"""The outbox: every email a procedure sends is stored first, then sent by SMTP or by hand.

Flow: `queue_email` runs inside the procedure step's transaction (like services.records: it never
commits) and stores the complete RFC 5322 message as status 'queued', audits it, and raises the
follow-up phone call task for the sender. After that transaction commits, `deliver` sends it when
SMTP is set up (services.mail_settings) and records 'sent', or 'failed' with the error; the network
call happens outside any database transaction, so a slow or refusing server never rolls back the
step, and nothing is lost. Without SMTP the message waits in the outbox: a caseworker downloads the
.eml, sends it from their mail client and marks it sent. A failed message is retried with `deliver`.

Decisions: a message the server accepted for some recipients but refused for others is 'sent' (it
went; retrying would send it twice) with the refusals kept in `error` for a person to follow up. A
password is only sent over STARTTLS, except to a relay on this machine (loopback).
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes
from email import policy as email_policy
from email.headerregistry import Address
from email.utils import getaddresses

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from db.models import OutboundEmail, ServiceRequest, User
from domain import mail
from domain.clock import utcnow
from domain.files import safe_file_name, sha256
from services import audit, records
from services.access import check_sr, require_role, unavailable
from services.actor import Actor
from services.errors import DomainError, NotFound, ValidationFailed
from services.mail_settings import SmtpSettings, mailbox, smtp_settings
from services.transaction import expect_version, transaction

LOOPBACK = ("127.0.0.1", "localhost", "::1")
MAX_ERROR_CHARS = 1000
ROLES = ("caseworker", "team_leader")


@dataclass(frozen=True, slots=True)
class EmailView:
    id: int
    sr_id: int | None
    sr_number: str | None
    to: str
    subject: str
    status: str
    error: str | None
    created_at: datetime
    sent_at: datetime | None
    message_id: str

    @classmethod
    def of(cls, row: OutboundEmail, sr_number: str | None) -> EmailView:
        return cls(
            row.id,
            row.sr_id,
            sr_number,
            row.to_addrs,
            row.subject,
            row.status,
            row.error,
            row.created_at,
            row.sent_at,
            row.message_id,
        )


@dataclass(frozen=True, slots=True)
class EmlFile:
    file_name: str
    data: bytes
    media_type: str = "message/rfc822"


def sending_enabled() -> bool:
    """True when SMTP is set up, so the outbox offers 'Send again' as well as the .eml download."""
    return smtp_settings() is not None


def _addresses(values: Sequence[str | Address], field: str) -> list[Address]:
    out = []
    for value in values:
        try:
            out.append(value if isinstance(value, Address) else mail.parse_address(value))
        except mail.AddressRefused as exc:
            raise ValidationFailed({field: str(exc)}) from None
    return out


def owner_and_team_leader(session: Session, caseworker_id: int) -> list[Address]:
    """The owning caseworker's address and their team leaders' (P5e steps 3 and 6)."""
    user = session.get(User, caseworker_id)
    if user is None:
        raise NotFound("There is no such caseworker.")
    if not user.email:
        raise ValidationFailed({"to": f"{user.display_name} has no email address on their user record."})
    people = [Address(display_name=user.display_name, addr_spec=user.email)]
    leaders = session.scalars(
        select(User).where(
            User.team_id == user.team_id, User.role == "team_leader", User.is_active, User.email.is_not(None)
        )
    ).all()
    people += [Address(display_name=u.display_name, addr_spec=u.email or "") for u in leaders if u.id != user.id]
    return people


def queue_email(
    session: Session,
    actor: Actor | None,
    sr: ServiceRequest,
    draft: mail.Draft,
    *,
    to: Sequence[str | Address] | None = None,
    cc: Sequence[str | Address] = (),
    attachments: Sequence[tuple[str, bytes]] = (),
    follow_up: bool = True,
) -> OutboundEmail:
    """Store the message for `sr` as 'queued' (inside the caller's transaction), audit it, and raise the
    follow-up phone call task for the sender. `to` defaults to the mailbox configured for the draft's kind."""
    if to is None:
        key = mail.DEFAULT_RECIPIENT.get(draft.kind)
        if key is None:
            raise ValueError(f"{draft.kind} emails go to named people: pass `to` (see owner_and_team_leader)")
        to = [mailbox(key)]
    to_list, cc_list = _addresses(to, "to"), _addresses(cc, "cc")
    if not to_list:
        raise ValidationFailed({"to": "Enter at least one recipient"})
    ssst = mailbox("ssst")
    signature = "\n".join(
        part for part in (actor.display_name if actor else None, ssst.display_name, ssst.addr_spec) if part
    )
    files = [mail.Attachment(name, content) for name, content in attachments]
    message = mail.build_message(
        draft,
        sender=ssst,
        to=to_list,
        cc=cc_list,
        read_receipt_to=ssst,
        sent_at=utcnow(),
        signature=signature,
        sr_number=sr.number,
        attachments=files,
    )
    row = OutboundEmail(
        sr_id=sr.id,
        message_id=str(message["Message-ID"]),
        to_addrs=", ".join(str(a) for a in [*to_list, *cc_list]),
        subject=str(message["Subject"])[:500],
        raw=mail.to_bytes(message),
        status="queued",
        created_by_id=actor.user_id if actor else None,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "email.queued",
        entity_type="outbound_email",
        entity_id=row.id,
        case_id=sr.case_id,
        sr_id=sr.id,
        after={
            "kind": draft.kind,
            "message_id": row.message_id,
            "to": [str(a) for a in to_list],
            "cc": [str(a) for a in cc_list],
            "subject": draft.subject,
            "attachments": [
                {"file_name": safe_file_name(f.file_name), "size": len(f.content), "sha256": sha256(f.content)}
                for f in files
            ],
        },
    )
    if follow_up and actor is not None:
        names = ", ".join(a.display_name or a.addr_spec for a in to_list)
        records.raise_task(
            session,
            actor,
            sr=sr,
            assignee_id=actor.user_id,
            text=f'Phone {names} to follow up the email "{draft.subject}" (a read receipt was requested).',
        )
    return row


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
        sr = _sr(session, sr_id)
        check_sr(session, actor, sr, action="send emails about this service request")
        expect_version(sr, expected_version, what=f"Service request {sr.number}")
        email_id = queue_email(session, actor, sr, draft, to=to, cc=cc, attachments=attachments).id
    return deliver(actor, email_id)


def _sr(session: Session, sr_id: int) -> ServiceRequest:
    sr = session.get(ServiceRequest, sr_id)
    if sr is None:
        raise NotFound("There is no such service request.")
    return sr


def _load(session: Session, actor: Actor, email_id: int, action: str) -> OutboundEmail:
    require_role(session, actor, *ROLES, action=action)
    row = session.get(OutboundEmail, email_id)
    if row is None or row.sr_id is None:
        raise NotFound(unavailable("email"))
    check_sr(session, actor, _sr(session, row.sr_id), action=action, what="email")
    return row


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


def deliver(actor: Actor, email_id: int) -> EmailView:
    """Send a queued or failed email through SMTP when it is set up; record 'sent' or 'failed' + error.

    Without SMTP, or when it was already sent, nothing happens and the current state is returned.
    """
    return _deliver(actor, email_id)


def deliver_as_system(email_id: int) -> EmailView:
    """`deliver` for a command run by cron (reminders), with no signed-in user."""
    return _deliver(None, email_id)


def send_waiting(*, limit: int = 200) -> list[EmailView]:
    """Send every queued or failed email, oldest first, as the system (the CLI `outbox send`, run by cron).

    Does nothing when SMTP is not set up."""
    if smtp_settings() is None:
        return []
    with transaction() as session:
        ids = session.scalars(
            select(OutboundEmail.id)
            .where(OutboundEmail.status != "sent", OutboundEmail.sr_id.is_not(None))
            .order_by(OutboundEmail.id)
            .limit(limit)
        ).all()
    return [_deliver(None, email_id) for email_id in ids]


def _get(session: Session, actor: Actor | None, email_id: int, action: str) -> OutboundEmail:
    if actor is not None:
        return _load(session, actor, email_id, action)
    row = session.get(OutboundEmail, email_id)
    if row is None or row.sr_id is None:
        raise NotFound("There is no such email in the outbox.")
    return row


def _deliver(actor: Actor | None, email_id: int) -> EmailView:
    """`deliver` for a signed-in user (access checked) or the system (actor None)."""
    with transaction() as session:
        row = _get(session, actor, email_id, "send emails")
        raw, status, sr_number = row.raw, row.status, _sr(session, row.sr_id or 0).number
        view = EmailView.of(row, sr_number)
    settings = smtp_settings()
    if settings is None or status == "sent":
        return view
    error: str | None
    try:
        refused = _transmit(settings, raw)
        error = "; ".join(f"{k}: {v[0]} {v[1].decode(errors='replace')}" for k, v in refused.items()) or None
        outcome = "sent"
    except (smtplib.SMTPException, OSError) as exc:
        error, outcome = f"{type(exc).__name__}: {exc}", "failed"
    with transaction() as session:
        row = _get(session, actor, email_id, "send emails")
        before = audit.snapshot(row, ("status", "error"))
        row.status = outcome
        row.error = _scrub(error, settings) if error else None
        row.sent_at = utcnow() if outcome == "sent" else None
        sr = _sr(session, row.sr_id or 0)
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


def outbox(actor: Actor, *, limit: int = 200) -> list[EmailView]:
    """The team's emails: waiting and failed ones first (oldest first), then the most recently sent."""
    with transaction() as session:
        require_role(session, actor, *ROLES, action="see the outbox")
        rows = session.execute(
            select(OutboundEmail, ServiceRequest.number)
            .join(ServiceRequest, OutboundEmail.sr_id == ServiceRequest.id)
            .where(ServiceRequest.team_id == actor.team_id)
            .order_by(OutboundEmail.created_at.desc())
            .limit(limit)
        ).all()
        views = [EmailView.of(row, number) for row, number in rows]
    waiting = sorted((v for v in views if v.status != "sent"), key=lambda v: v.created_at)
    return waiting + [v for v in views if v.status == "sent"]


def sr_emails(actor: Actor, sr_id: int) -> list[EmailView]:
    """The emails of one SR, oldest first."""
    with transaction() as session:
        require_role(session, actor, *ROLES, action="see emails")
        sr = _sr(session, sr_id)
        check_sr(session, actor, sr, action="see this service request's emails")
        rows = session.scalars(
            select(OutboundEmail).where(OutboundEmail.sr_id == sr_id).order_by(OutboundEmail.id)
        ).all()
        return [EmailView.of(r, sr.number) for r in rows]


def email_views(session: Session, sr_ids: Iterable[int]) -> tuple[EmailView, ...]:
    """The emails of these SRs (already access-checked by the caller), oldest first, without their bytes."""
    ids = sorted(set(sr_ids))
    if not ids:
        return ()
    rows = session.execute(
        select(OutboundEmail, ServiceRequest.number)
        .options(defer(OutboundEmail.raw))
        .join(ServiceRequest, ServiceRequest.id == OutboundEmail.sr_id)
        .where(OutboundEmail.sr_id.in_(ids))
        .order_by(OutboundEmail.id)
    ).all()
    return tuple(EmailView.of(row, number) for row, number in rows)


def eml_file_name(view: EmailView) -> str:
    """The download name of an email: '<SR number>-email-<id>.eml'."""
    return f"{view.sr_number}-email-{view.id}.eml"


def download_eml(actor: Actor, email_id: int) -> EmlFile:
    """The stored message as a .eml file, to open and send from a mail client."""
    with transaction() as session:
        row = _load(session, actor, email_id, "download emails")
        sr = _sr(session, row.sr_id or 0)
        audit.record(
            session,
            actor,
            "email.downloaded",
            entity_type="outbound_email",
            entity_id=row.id,
            case_id=sr.case_id,
            sr_id=sr.id,
        )
        return EmlFile(eml_file_name(EmailView.of(row, sr.number)), row.raw)


def mark_sent(actor: Actor, email_id: int) -> EmailView:
    """Record that the caseworker sent the downloaded .eml from their own mail client."""
    with transaction() as session:
        row = _load(session, actor, email_id, "mark emails sent")
        if row.status == "sent":
            raise DomainError("This email is already marked as sent.")
        sr = _sr(session, row.sr_id or 0)
        before = audit.snapshot(row, ("status", "error"))
        row.status, row.sent_at = "sent", utcnow()
        audit.record(
            session,
            actor,
            "email.marked_sent",
            entity_type="outbound_email",
            entity_id=row.id,
            case_id=sr.case_id,
            sr_id=sr.id,
            before=before,
            after={"status": "sent", "via": "sent by hand from the downloaded .eml"},
        )
        return EmailView.of(row, sr.number)
