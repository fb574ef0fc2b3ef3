"""Open one SR and change it: the smallest use cases the trust tests need (issue 7).

An SR reference may arrive from a URL query parameter, so it is parsed here and every lookup
goes through `check_sr` (another team's SR is refused and the attempt audited). Edits carry the
version the user's screen showed: a stale screen gets ConflictError, never a silent overwrite.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import ServiceRequest
from domain.values import FieldError, check_date, clean_text, parse_money
from services import records
from services.access import check_sr, unavailable
from services.actor import Actor
from services.errors import NotFound, ValidationFailed
from services.transaction import expect_version, transaction

SR_NUMBER = re.compile(r"^1-\d{8}$")
# Fields a caseworker edits directly; status, owner and team change through their own use cases.
TEXT_FIELDS = {"reason": 200, "court": 200, "cpo_name": 200, "appointment_location": 300}
MONEY_FIELDS = ("court_fee", "costs")
OTHER_FIELDS = {"review_date": date, "hearing_at": datetime, "summons_issued_on": date, "appointment_at": datetime}


@dataclass(frozen=True, slots=True)
class SRDetail:
    id: int
    number: str
    label: str
    status: str
    sub_status: str | None
    reason: str | None
    court_fee: Decimal | None
    version: int
    notes: tuple[str, ...]

    @classmethod
    def of(cls, sr: ServiceRequest) -> SRDetail:
        return cls(
            sr.id,
            sr.number,
            sr.label,
            sr.status,
            sr.sub_status,
            sr.reason,
            sr.court_fee,
            sr.version,
            tuple(n.text for n in sr.notes),
        )


def _load(session: Session, actor: Actor, ref: int | str, *, action: str) -> ServiceRequest:
    """The SR named by an id or an SR number (as typed in a URL), after the access check."""
    text = str(ref).strip()
    sr = None
    if SR_NUMBER.match(text):
        sr = session.scalar(select(ServiceRequest).where(ServiceRequest.number == text))
    elif text.isascii() and text.isdigit() and len(text) < 12:
        sr = session.get(ServiceRequest, int(text))
    if sr is None:
        raise NotFound(unavailable("service request"))
    check_sr(session, actor, sr, action=action)
    return sr


def open_sr(actor: Actor, ref: int | str) -> SRDetail:
    """What an SR page shows; `ref` may come straight from a query parameter."""
    with transaction(read_only=True) as session:
        return SRDetail.of(_load(session, actor, ref, action="view this service request"))


def _clean(changes: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, value in changes.items():
        try:
            if name in TEXT_FIELDS:
                cleaned[name] = clean_text(value, field=name, max_chars=TEXT_FIELDS[name], required=False) or None
            elif name in MONEY_FIELDS:
                cleaned[name] = None if value in (None, "") else parse_money(value, field=name)
            elif name in OTHER_FIELDS:
                if value is not None and not isinstance(value, OTHER_FIELDS[name]):
                    raise FieldError(name, f"{name.replace('_', ' ').capitalize()} is not a valid value.")
                cleaned[name] = None if value is None else check_date(value, field=name)
            else:
                errors[name] = f"{name.replace('_', ' ').capitalize()} cannot be changed here."
        except FieldError as exc:
            errors[exc.field] = exc.message
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def update_sr_fields(actor: Actor, ref: int | str, *, expected_version: int, **changes: Any) -> SRDetail:
    """Save edited SR fields if the SR is still at the version the user saw; audit old and new values."""
    cleaned = _clean(changes)
    with transaction() as session:
        sr = _load(session, actor, ref, action="change this service request")
        expect_version(sr, expected_version, what=f"Service request {sr.number}")
        records.update_sr(session, actor, sr, **cleaned)
        return SRDetail.of(sr)


def add_sr_note(actor: Actor, ref: int | str, text: str) -> SRDetail:
    """Append a note to an SR. Notes never overwrite each other, so no version check is needed."""
    with transaction() as session:
        sr = _load(session, actor, ref, action="add a note to this service request")
        try:
            records.add_note(session, actor, case=sr.case, sr=sr, text=text)
        except FieldError as exc:
            raise ValidationFailed({exc.field: exc.message}) from None
        session.refresh(sr, ["notes"])
        return SRDetail.of(sr)
