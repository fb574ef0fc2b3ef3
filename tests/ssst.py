"""Helpers for the SSST tests: an SR of the actor's team, and a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage
from typing import Any

from sqlalchemy import select

from db.models import Case, ServiceRequest
from services import records
from services.actor import Actor
from services.transaction import transaction
from tests.conftest import free_port


def team_sr(actor: Actor) -> int:
    """A new open SR on a case of the actor's team, allocated to the actor."""
    with transaction() as session:
        case = session.scalars(select(Case).where(Case.team_id == actor.team_id).order_by(Case.id)).first()
        assert case is not None, "demo data has no case in this team"
        sr = records.create_sr(
            session,
            None,
            case=case,
            process="Arrears",
            area="Arrears Management",
            sub_area="Arrears Review",
            owner_id=actor.user_id,
        )
        return sr.id


def other_team_sr(actor: Actor) -> int:
    with transaction() as session:
        sr_id = session.scalars(
            select(ServiceRequest.id).where(ServiceRequest.team_id != actor.team_id).order_by(ServiceRequest.id)
        ).first()
        assert sr_id is not None
        return sr_id


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.data, policy=email_policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Recorder:
    """aiosmtpd handler: keeps every message; refuses every recipient ('*') or those ending with
    `refuse_rcpt`, or the data with the `refuse_data` reply."""

    refuse_rcpt: str | None = None
    refuse_data: str | None = None
    received: list[Received] = field(default_factory=list)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:  # noqa: N802
        if self.refuse_rcpt and (self.refuse_rcpt == "*" or address.endswith(self.refuse_rcpt)):
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.refuse_data:
            return self.refuse_data
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    host: str
    port: int
    handler: Recorder


@contextmanager
def smtp_server(handler: Recorder | None = None, **server_kwargs: Any) -> Iterator[SmtpServer]:
    from aiosmtpd.controller import Controller

    handler = handler or Recorder()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **server_kwargs)
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", port, handler)
    finally:
        controller.stop()


@dataclass
class HeldRecorder(Recorder):
    """A slow mail server: each message's DATA says it `arrived`, then waits until the test sets `release` (an event,
    never a sleep), the server's other connections served meanwhile."""

    arrived: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.arrived.set()
        await asyncio.get_running_loop().run_in_executor(None, self.release.wait)
        return await super().handle_DATA(server, session, envelope)


@contextmanager
def held_smtp_server() -> Iterator[SmtpServer]:
    """`smtp_server` with a `HeldRecorder`, released at the end whatever the test did, so the server can stop."""
    handler = HeldRecorder()
    with smtp_server(handler) as server:
        try:
            yield server
        finally:
            handler.release.set()


def sent_in_background(timeout: float = 60) -> None:
    """Wait (on the sender, never a sleep) until the emails a saved step or move handed to the background sender have
    been sent or have failed (services/email_background.py)."""
    from services import email_background

    assert email_background.wait_until_idle(timeout), f"emails still being sent after {timeout} s"
