"""The audit trail: append-only, hash-chained events written in the same transaction as the change.

Each event's hash covers its content and the previous event's hash, so editing or deleting any
row breaks the chain from that point; `verify_chain` names the first broken link. Appends are
serialised (db.engine's write lock on PostgreSQL, BEGIN IMMEDIATE on SQLite) so the chain stays
linear with several app servers on one database.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.orm import Session

from db import ride_along
from db.engine import chain_head, keep_chain_head
from db.models import AuditEvent
from domain.clock import utcnow
from services.actor import Actor

GENESIS = "0" * 64


def jsonable(value: Any) -> Any:
    """Turn Decimals, dates and nested containers into JSON-safe values (money stays exact as text)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    return value


def snapshot(row: Any, fields: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The row's column values (or just `fields`) as a JSON-safe dict, for before/after."""
    names = fields or tuple(c.key for c in row.__table__.columns if c.key not in ("content", "raw"))
    return {name: jsonable(getattr(row, name)) for name in names}


_CHAINED = ("at", "actor_id", "actor_name", "action", "entity_type", "entity_id", "case_id", "sr_id", "before", "after")


def _digest(event: AuditEvent) -> str:
    return _digest_of({name: getattr(event, name) for name in ("prev_hash", *_CHAINED)})


def _digest_of(values: dict[str, Any]) -> str:
    """The hash of one event's content and the previous event's hash (`values` holds the columns by name)."""
    body = {name: values[name] for name in _CHAINED} | {"prev": values["prev_hash"], "at": values["at"].isoformat()}
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


# Appended through Core, not as an ORM object: the event is never read back or changed in the transaction that
# writes it, and the unit of work's flush of one new object cost about a third of a wizard step's save. On
# PostgreSQL it rides along with the transaction's next write (db/ride_along.py), so its parameters are named apart.
_TABLE = cast(Table, AuditEvent.__table__)
_COLUMNS = (*_CHAINED, "prev_hash", "hash")
_APPEND = _TABLE.insert().values({_TABLE.c[name]: bindparam(f"audit_{name}") for name in _COLUMNS})


def record(
    session: Session,
    actor: Actor | None,
    action: str,
    *,
    entity_type: str,
    entity_id: object,
    case_id: int | None = None,
    sr_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Append one event to the chain inside the caller's transaction (the caller's pending ORM changes go out
    at its next flush or commit, in the same transaction)."""
    # The head is kept from when the write lock was taken (or from this transaction's last append), not read back.
    values: dict[str, Any] = {
        "at": utcnow().replace(microsecond=0),
        "actor_id": actor.user_id if actor else None,
        "actor_name": actor.username if actor else "system",
        "action": action,
        "entity_type": entity_type,
        "entity_id": str(entity_id),
        "case_id": case_id,
        "sr_id": sr_id,
        "before": jsonable(before) if before is not None else None,
        "after": jsonable(after) if after is not None else None,
        "prev_hash": chain_head(session) or GENESIS,
    }
    values["hash"] = _digest_of(values)
    ride_along.append(session, _APPEND, {f"audit_{name}": value for name, value in values.items()})
    keep_chain_head(session, values["hash"])


@dataclass(frozen=True, slots=True)
class ChainReport:
    events_checked: int
    first_broken_id: int | None
    reason: str | None

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None


def verify_chain(session: Session, *, batch: int = 5000) -> ChainReport:
    """Walk the chain in id order and report the first event whose link or hash does not match."""
    prev, checked, last_id = GENESIS, 0, 0
    while True:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch)
        ).all()
        if not rows:
            return ChainReport(checked, None, None)
        for event in rows:
            if event.prev_hash != prev:
                return ChainReport(checked, event.id, "its previous-hash does not match the event before it")
            if _digest(event) != event.hash:
                return ChainReport(checked, event.id, "its content does not match its hash")
            prev, checked, last_id = event.hash, checked + 1, event.id
        session.expunge_all()
