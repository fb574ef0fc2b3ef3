"""The outbox: every email a procedure sends is stored first, then sent by SMTP or by hand.

Flow: `queue_email` runs inside the procedure step's transaction (like services.records: it never
commits) and stores the complete RFC 5322 message as status 'queued', audits it, and raises the
follow-up phone call task for the sender. After that transaction commits, services/email_delivery.py
sends it when SMTP is set up (services.mail_settings) and records 'sent', or 'failed' with the error.
Without SMTP the message waits in the outbox: a caseworker downloads the .eml, sends it from their mail
client and marks it sent (here).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.headerregistry import Address

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from db.models import OutboundEmail, ServiceRequest, User
from domain import mail
from domain.clock import utcnow
from domain.files import safe_file_name, sha256
from procedures.effects import QueueEmail
from services import audit, records
from services.access import check_sr, require_role, unavailable
from services.actor import Actor
from services.downloads import FileDownload
from services.errors import DomainError, NotFound, ValidationFailed
from services.mail_settings import MAILBOX_NAMES, is_set, mailbox, not_set_notice
from services.transaction import transaction

ROLES = ("caseworker", "team_leader")


# A claim older than this was left by a sender that stopped mid-send (a server restarted): whether the email went is
# not known, so the outbox command never takes it over; a person who has checked may send it again, or mark it sent.
CLAIM_LEFT = timedelta(minutes=10)
SENDING_ELSEWHERE = (
    "This email is being sent now, from another screen or by the scheduled sending, so it was not sent again. "
    "Reload the Outbox in a minute to see whether it went."
)


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
    # An unaddressed email whose mailbox has been set since: the address it can be given (services.email_address_later)
    addressable_to: str | None = None
    sending_since: datetime | None = None  # one sender is sending it (services/email_delivery.py), or was interrupted

    @property
    def sending_now(self) -> bool:
        """A sender has it and is within its time (services/email_delivery.py): nobody else sends it meanwhile."""
        return self.sending_since is not None and utcnow() - self.sending_since < CLAIM_LEFT

    @property
    def sending_interrupted(self) -> bool:
        """Its sender stopped mid-send (a server restarted): whether it went is not known; a person decides."""
        return self.sending_since is not None and not self.sending_now

    @property
    def address_not_set(self) -> bool:
        """Queued for a mailbox whose address is not set: no recipient; `error` says who must set it."""
        return not self.to and self.status != "sent"

    @classmethod
    def of(cls, row: OutboundEmail, sr_number: str | None, *, addressable_to: str | None = None) -> EmailView:
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
            addressable_to,
            row.sending_since if row.status != "sent" else None,
        )


def _addresses(values: Sequence[str | Address], field: str) -> list[Address]:
    out = []
    for value in values:
        try:
            out.append(value if isinstance(value, Address) else mail.parse_address(value))
        except mail.AddressRefused as exc:
            raise ValidationFailed({field: str(exc)}) from None
    return out


def not_set_notices(effects: Iterable[object]) -> tuple[str, ...]:
    """For the step about to be saved: one notice per email it would queue to a default mailbox whose address is
    not set (services.mail_settings), said before saving so it is never a surprise in the Outbox."""
    notices: list[str] = []
    for effect in effects:
        if not isinstance(effect, QueueEmail) or effect.to:
            continue
        draft = effect.draft(sr_number="") if callable(effect.draft) else effect.draft
        key = mail.DEFAULT_RECIPIENT.get(draft.kind)
        if key is not None and not is_set(key) and (notice := not_set_notice(key)) not in notices:
            notices.append(notice)
    return tuple(notices)


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


def team_leaders(session: Session, team_id: int, *, whose: str = "The case's team") -> list[Address]:
    """The active team leaders of a team who have an email address (P5e's "owning caseworker and team leader" when
    no SR of the caseworker who asked is linked, or that SR has no owner: that team's leaders pass it on). `whose`
    names the team in the refusal when it has none."""
    leaders = session.scalars(
        select(User)
        .where(User.team_id == team_id, User.role == "team_leader", User.is_active, User.email.is_not(None))
        .order_by(User.id)
    ).all()
    if not leaders:
        raise ValidationFailed(
            {"to": f"{whose} has no team leader with an email address in Casework Guide. Ask an administrator "
             "to add one on the Users page, then save this step again."}
        )  # fmt: skip
    return [Address(display_name=u.display_name, addr_spec=u.email or "") for u in leaders]


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
    follow-up phone call task for the sender. `to` defaults to the mailbox configured for the draft's kind.

    A default mailbox whose address is not set (services.mail_settings.is_set) is never written as a recipient:
    the message's To is an empty group naming who it is for, `to_addrs` stays empty, and `error` holds the
    plain-words notice the Outbox shows; email_delivery never hands such a message to SMTP (see mail_settings)."""
    unset: str | None = None
    if to is None:
        key = mail.DEFAULT_RECIPIENT.get(draft.kind)
        if key is None:
            raise ValueError(f"{draft.kind} emails go to named people: pass `to` (see owner_and_team_leader)")
        if is_set(key):
            to = [mailbox(key)]
        else:
            to, unset = [], key
    to_list, cc_list = _addresses(to, "to"), _addresses(cc, "cc")
    if not to_list and unset is None:
        raise ValidationFailed({"to": "Enter at least one recipient"})
    for_whom = MAILBOX_NAMES[unset] if unset else None
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
        unaddressed=for_whom[:1].upper() + for_whom[1:] if for_whom else None,
    )
    row = OutboundEmail(
        sr_id=sr.id,
        message_id=str(message["Message-ID"]),
        to_addrs=", ".join(str(a) for a in [*to_list, *cc_list]),
        subject=str(message["Subject"])[:500],
        raw=mail.to_bytes(message),
        status="queued",
        error=not_set_notice(unset) if unset else None,
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
            **({"address_not_set": unset} if unset else {}),
            "subject": draft.subject,
            "attachments": [
                {"file_name": safe_file_name(f.file_name), "size": len(f.content), "sha256": sha256(f.content)}
                for f in files
            ],
        },
    )
    if follow_up and actor is not None:
        # "the enforcement case manager", but a mailbox named in capitals as it is ("CSA VSAT INTERVIEWS", QA)
        names = ", ".join(a.display_name or a.addr_spec for a in to_list) or (
            for_whom if for_whom and for_whom.isupper() else f"the {for_whom}"
        )
        records.raise_task(
            session,
            actor,
            sr=sr,
            assignee_id=actor.user_id,
            text=f'Phone {names} to follow up the email "{draft.subject}" (a read receipt was requested).',
        )
    return row


def waiting_for(row: OutboundEmail) -> str | None:
    """The mailbox (its key) an email queued while that mailbox's address was not set is waiting for."""
    if row.status == "sent" or row.to_addrs:
        return None
    name = (mail.unaddressed_for(row.raw) or "").lower()
    return next((key for key, named in MAILBOX_NAMES.items() if named.lower() == name), None)


def addressable_to(row: OutboundEmail) -> str | None:
    """The address such an email can be given now that its mailbox is set (services.email_address_later)."""
    key = waiting_for(row)
    return str(mailbox(key)) if key is not None and is_set(key) else None


def find_sr(session: Session, sr_id: int) -> ServiceRequest:
    """The SR an email belongs to."""
    sr = session.get(ServiceRequest, sr_id)
    if sr is None:
        raise NotFound("There is no such service request.")
    return sr


def load_email(session: Session, actor: Actor, email_id: int, action: str) -> OutboundEmail:
    """An email of an SR the actor may do `action` on."""
    require_role(session, actor, *ROLES, action=action)
    row = session.get(OutboundEmail, email_id)
    if row is None or row.sr_id is None:
        raise NotFound(unavailable("email"))
    check_sr(session, actor, find_sr(session, row.sr_id), action=action, what="email")
    return row


def outbox(actor: Actor, *, limit: int = 200) -> list[EmailView]:
    """The team's emails: waiting and failed ones first (oldest first), then the most recently sent."""
    with transaction(read_only=True) as session:
        require_role(session, actor, *ROLES, action="see the outbox")
        rows = session.execute(
            select(OutboundEmail, ServiceRequest.number)
            .join(ServiceRequest, OutboundEmail.sr_id == ServiceRequest.id)
            .where(ServiceRequest.team_id == actor.team_id)
            .order_by(OutboundEmail.created_at.desc())
            .limit(limit)
        ).all()
        views = [EmailView.of(row, number, addressable_to=addressable_to(row)) for row, number in rows]
    waiting = sorted((v for v in views if v.status != "sent"), key=lambda v: v.created_at)
    return waiting + [v for v in views if v.status == "sent"]


def sr_emails(actor: Actor, sr_id: int) -> list[EmailView]:
    """The emails of one SR, oldest first."""
    with transaction(read_only=True) as session:
        require_role(session, actor, *ROLES, action="see emails")
        sr = find_sr(session, sr_id)
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


def download_eml(actor: Actor, email_id: int) -> FileDownload:
    """The stored message as a .eml file, to open and send from a mail client."""
    with transaction() as session:
        row = load_email(session, actor, email_id, "download emails")
        sr = find_sr(session, row.sr_id or 0)
        audit.record(
            session,
            actor,
            "email.downloaded",
            entity_type="outbound_email",
            entity_id=row.id,
            case_id=sr.case_id,
            sr_id=sr.id,
        )
        return FileDownload(eml_file_name(EmailView.of(row, sr.number)), "message/rfc822", row.raw)


def mark_sent(actor: Actor, email_id: int) -> EmailView:
    """Record that the caseworker sent the downloaded .eml from their own mail client; refused while a sender is
    sending it (services/email_delivery.py), whose outcome would otherwise be written over this."""
    with transaction(writes=True) as session:
        row = load_email(session, actor, email_id, "mark emails sent")
        if row.status == "sent":
            raise DomainError("This email is already marked as sent.")
        if row.sending_since is not None and utcnow() - row.sending_since < CLAIM_LEFT:
            raise DomainError(
                "This email is being sent now, from another screen or by the scheduled sending. Reload the Outbox in "
                "a minute to see whether it went."
            )
        row.sending_since = None
        sr = find_sr(session, row.sr_id or 0)
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
