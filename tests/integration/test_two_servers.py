"""People acting at the same moment on two app servers sharing one PostgreSQL (QA, 7 December, eighth session).

Each test makes the interleaving that went wrong happen every time, with no sleeps: a raw connection holds the write
lock (the advisory lock every writing transaction takes, db/engine.py), the actions start in threads in a known order
and queue for it (PostgreSQL grants a lock to its waiters first come, first served), then the lock is released.
Before the fixes each action read what it decided on before queueing, so the one that went second acted on what it
had read before the first committed.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import psycopg
import pytest
from sqlalchemy import select

from db.engine import WRITE_LOCK_KEY
from db.models import AuditEvent, Letter, OutboundEmail, ProcedureRun, ServiceRequest, User
from domain import mail
from domain.clock import UK, as_of
from services import console, email_delivery, letters, reminders, run_context, run_discard, run_start, runs, users
from services.console import handover
from services.errors import DomainError, PermissionDenied, ValidationFailed
from services.transaction import transaction
from services.work import my_work
from tests.crash_worker import run_script
from tests.integration.test_letters_service import _due as due_letter
from tests.integration.test_reminders import (
    CHRISTMAS_EVE,
    _deadline,
    _only_these_deadlines,
    _sr_of,
    _told,
    _user_id,
)
from tests.procedures.walk import information_request_sr, team_named
from tests.ssst import Recorder, smtp_server, team_sr

pytestmark = pytest.mark.postgres

_WAITING = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = %s"


class _Queued:
    """Actions started one by one in threads, each waiting for the held write lock before the next starts."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.results: list[object] = []
        self.threads: list[threading.Thread] = []

    def start(self, action: Callable[[], object]) -> None:
        index = len(self.results)
        self.results.append(None)

        def work() -> None:
            try:
                self.results[index] = action()
            except BaseException as exc:  # noqa: BLE001 - collected and asserted on by the test
                self.results[index] = exc

        thread = threading.Thread(target=work)
        self.threads.append(thread)
        thread.start()
        self._until_waiting(len(self.threads))

    def _until_waiting(self, n: int) -> None:
        """Until `n` transactions wait for the write lock (the action has read what it reads before it)."""
        deadline = time.monotonic() + 60
        with psycopg.connect(self.dsn, autocommit=True) as c:
            while (row := c.execute(_WAITING, (WRITE_LOCK_KEY,)).fetchone()) and row[0] < n:
                assert time.monotonic() < deadline, "the action never queued for the write lock"
                assert all(t.is_alive() for t in self.threads), self.results  # one finished without writing
                time.sleep(0.01)  # polling the test's own condition, not a product wait

    def join(self) -> list[object]:
        for thread in self.threads:
            thread.join(timeout=120)
        return self.results


@contextmanager
def _write_lock_held(pg_demo_db) -> Iterator[_Queued]:
    """Hold the write lock while the block starts its actions; release it at the end, then wait for them all."""
    dsn = pg_demo_db.url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as holder:
        holder.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
        queued = _Queued(dsn)
        try:
            yield queued
        finally:
            holder.rollback()  # releases the lock: the queued actions go, first come first served
            queued.join()


def _workable_sr(actor) -> tuple[int, int, str]:
    """A new Information Request SR allocated to the caseworker, which P1 works on the SR: (SR, case, procedure)."""
    return (*information_request_sr(actor), "P1")


def _answers(view) -> dict[str, object]:
    return {**run_script()[view.step.id], "_checklist": list(view.step.checklist)}


def _runs_on(sr_id: int) -> list[ProcedureRun]:
    with transaction() as session:
        return list(
            session.scalars(
                select(ProcedureRun).where(ProcedureRun.sr_id == sr_id, ProcedureRun.status == "in_progress")
            ).all()
        )


def test_work_this_sr_pressed_in_two_tabs_at_once_opens_one_run(pg_demo_db, actor_for):
    """A caseworker presses Work this SR in two tabs (or on two servers) at once: both open the same run, not two
    runs recording on one SR."""
    actor = actor_for("caseworker")
    sr_id, case_id, procedure_id = _workable_sr(actor)

    def start() -> object:
        return run_start.start_run(actor, procedure_id, case_id=case_id, sr_id=sr_id)

    with _write_lock_held(pg_demo_db) as queued:
        queued.start(start)
        queued.start(start)
    first, second = queued.results
    assert not isinstance(first, BaseException), first
    assert not isinstance(second, BaseException), second
    assert first.run_id == second.run_id
    assert [r.id for r in _runs_on(sr_id)] == [first.run_id]


def test_an_sr_handed_over_while_its_caseworker_starts_a_run_on_it_is_refused(pg_demo_db, actor_for):
    """The caseworker starts a procedure on their SR while the team leader, on the other server, hands the SR over:
    the hand-over is refused, as it is for any SR with a run in progress, and the SR stays with the team."""
    caseworker, leader = actor_for("caseworker"), actor_for("teamleader")
    sr_id, case_id, procedure_id = _workable_sr(caseworker)
    row = next(r for r in console.outstanding_page(leader, page_size=500).rows if r.id == sr_id)
    ssst = team_named("Specialist Services Support Team")

    with _write_lock_held(pg_demo_db) as queued:
        queued.start(lambda: run_start.start_run(caseworker, procedure_id, case_id=case_id, sr_id=sr_id))
        queued.start(
            lambda: console.hand_over(leader, [sr_id], ssst, "SSST work", expected_versions={sr_id: row.version})
        )
    started, handed = queued.results
    assert not isinstance(started, BaseException), started
    assert isinstance(handed, ValidationFailed), handed
    assert handed.errors["sr_ids"] == handover.RUN_IN_PROGRESS.format(
        procedure=procedure_id, number=row.number, who="Demo Caseworker"
    )
    with transaction() as session:
        sr = session.get_one(ServiceRequest, sr_id)
        assert (sr.team_id, sr.owner_id) == (leader.team_id, caseworker.user_id)
    assert [r.id for r in _runs_on(sr_id)] == [started.run_id]


def test_an_sr_handed_over_before_a_start_that_read_it_first_is_not_started_on(pg_demo_db, actor_for):
    """The other order: the hand-over commits first, so Work this SR finds the SR gone from the team and no run is
    made on an SR of another team."""
    caseworker, leader = actor_for("caseworker"), actor_for("teamleader")
    sr_id, case_id, procedure_id = _workable_sr(caseworker)
    row = next(r for r in console.outstanding_page(leader, page_size=500).rows if r.id == sr_id)
    ssst = team_named("Specialist Services Support Team")

    with _write_lock_held(pg_demo_db) as queued:
        queued.start(
            lambda: console.hand_over(leader, [sr_id], ssst, "SSST work", expected_versions={sr_id: row.version})
        )
        queued.start(lambda: run_start.start_run(caseworker, procedure_id, case_id=case_id, sr_id=sr_id))
    handed, started = queued.results
    assert not isinstance(handed, BaseException), handed
    assert isinstance(started, PermissionDenied), started
    assert str(started) == "You cannot open that service request: it does not exist, or it is not your team's."
    assert _runs_on(sr_id) == []


def test_a_caseworker_deactivated_while_an_sr_is_reassigned_to_them_gets_nothing(pg_demo_db, actor_for):
    """An administrator deactivates a caseworker on one server while the team leader, on the other, reassigns an SR
    to them: the reassignment is told they are no longer active, and the SR keeps its owner."""
    leader, admin = actor_for("teamleader"), actor_for("admin")
    row = next(r for r in console.outstanding_page(leader).rows if r.owner is not None)
    with transaction() as session:
        new_owner = session.scalars(
            select(User).where(
                User.team_id == leader.team_id,
                User.role == "caseworker",
                User.is_active,
                User.id != session.get_one(ServiceRequest, row.id).owner_id,
            )
        ).first()
        assert new_owner is not None
        username, name, new_owner_id = new_owner.username, new_owner.display_name, new_owner.id
        owner_before = session.get_one(ServiceRequest, row.id).owner_id

    with _write_lock_held(pg_demo_db) as queued:
        queued.start(lambda: users.set_active(admin, username, False))
        queued.start(
            lambda: console.reassign(
                leader, [row.id], new_owner_id, "Covering leave", expected_versions={row.id: row.version}
            )
        )
    deactivated, reassigned = queued.results
    assert deactivated is False
    assert isinstance(reassigned, ValidationFailed), reassigned
    assert reassigned.errors == {
        "new_owner": f"{name}'s account is no longer active, so nothing was reassigned. Choose another caseworker of "
        "your team."
    }
    with transaction() as session:
        assert session.get_one(ServiceRequest, row.id).owner_id == owner_before


def test_a_remind_run_that_planned_before_a_reassignment_committed_does_not_tell_the_old_owner(pg_demo_db, actor_for):
    """QA, eighth session (left open then): cron's `remind` read what is due, then a team leader's reassignment on the
    other server committed before the run told the caseworker, and the run told them of an SR no longer theirs. The
    run now re-reads each person's SRs under the write lock before telling: the old owner is told nothing, the new
    owner was told by the reassignment, once."""
    caseworker, leader = actor_for("caseworker"), actor_for("teamleader")
    _only_these_deadlines()
    deadline_id = _deadline(caseworker, CHRISTMAS_EVE - timedelta(hours=1))  # overdue: told to its owner only
    sr_id, version = _sr_of(deadline_id)
    new_owner_id = _user_id("csa.cw2")

    def reassign() -> object:
        with as_of(CHRISTMAS_EVE):
            return console.reassign(leader, [sr_id], new_owner_id, "Leave", expected_versions={sr_id: version})

    with _write_lock_held(pg_demo_db) as queued:
        queued.start(reassign)  # first in the queue for the lock, not yet committed
        queued.start(lambda: reminders.remind(now=CHRISTMAS_EVE))  # plans with the caseworker as owner, then queues
    moved, report = queued.results
    assert not isinstance(moved, BaseException), moved
    assert not isinstance(report, BaseException), report
    assert (report.reminders, report.people) == (0, 0)
    assert _told() == [(deadline_id, "overdue", "csa.cw2")]
    assert reminders.notices(caseworker, now=CHRISTMAS_EVE).count == 0
    assert reminders.remind(now=CHRISTMAS_EVE + timedelta(minutes=5)).reminders == 0  # and nobody later, again


class _HeldRelay(Recorder):
    """A relay that holds each message's DATA until the test lets it go, counting the messages that reached it."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived = 0
        self.changed = threading.Condition()
        self.gate = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.changed:
            self.arrived += 1
            self.changed.notify_all()
        await asyncio.get_running_loop().run_in_executor(None, self.gate.wait)  # the relay keeps serving others
        return await super().handle_DATA(server, session, envelope)


def _use_relay(monkeypatch, server) -> None:
    for name in ("USER", "PASSWORD", "STARTTLS", "CAFILE"):
        monkeypatch.delenv(f"CASEWORK_SMTP_{name}", raising=False)
    monkeypatch.setenv("CASEWORK_SMTP_HOST", server.host)
    monkeypatch.setenv("CASEWORK_SMTP_PORT", str(server.port))
    monkeypatch.setenv("CASEWORK_SMTP_TIMEOUT", "30")


def _email_actions(email_id: int) -> list[str]:
    with transaction() as session:
        return list(
            session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.entity_type == "outbound_email", AuditEvent.entity_id == str(email_id))
                .order_by(AuditEvent.id)
            ).all()
        )


@pytest.mark.parametrize("second", ["outbox", "command"])
def test_an_email_being_sent_is_not_sent_again_by_a_second_sender(pg_demo_db, actor_for, monkeypatch, second):
    """Send again is pressed on one server while the email is going out from the other (or the outbox command, from
    cron, finds it waiting): the email reaches the relay once. The Outbox is told in words; the command leaves it."""
    for name in ("HOST", "PORT"):
        monkeypatch.delenv(f"CASEWORK_SMTP_{name}", raising=False)
    actor = actor_for("ssst.caseworker")
    queued = email_delivery.send_email(
        actor,
        team_sr(actor),
        mail.cpt_letter_ready(
            scin="123456789012", sr_number="1-00000001", hearing_at=datetime(2027, 3, 12, 10, tzinfo=UK), court="Bath"
        ),
    )
    assert queued.status == "queued"  # no relay set up yet: it waits in the outbox
    relay = _HeldRelay()
    with smtp_server(relay) as server:
        _use_relay(monkeypatch, server)
        first: list[object] = []
        sender = threading.Thread(target=lambda: first.append(email_delivery.deliver(actor, queued.id)))
        sender.start()
        with relay.changed:
            assert relay.changed.wait_for(lambda: relay.arrived == 1, timeout=60)  # on its way, held at the relay

        again: list[object] = []

        def send_again() -> None:
            try:
                if second == "outbox":
                    again.append(email_delivery.deliver(actor, queued.id, from_outbox=True))
                else:
                    again.append(email_delivery.send_waiting())
            except BaseException as exc:  # noqa: BLE001 - asserted on below
                again.append(exc)
            with relay.changed:
                relay.changed.notify_all()

        other = threading.Thread(target=send_again)
        other.start()
        with relay.changed:  # the second sender is done, or (before the fix) reached the relay too
            relay.changed.wait_for(lambda: bool(again) or relay.arrived > 1, timeout=60)
        relay.gate.set()
        sender.join(timeout=60)
        other.join(timeout=60)

    assert len(relay.received) == 1
    (done,) = first
    assert (done.status, done.error, done.sending_since) == ("sent", None, None)
    if second == "outbox":
        (refused,) = again
        assert isinstance(refused, DomainError), refused
        assert str(refused) == email_delivery.SENDING_ELSEWHERE
    else:
        assert again == [[]] or [v.status for v in again[0]] == ["queued"]
    assert _email_actions(queued.id) == ["email.queued", "email.sending", "email.sent"]
    with transaction() as session:
        row = session.get_one(OutboundEmail, queued.id)
        assert (row.status, row.sending_since) == ("sent", None)


def test_a_caseworker_mid_step_when_their_sr_is_reassigned_saves_nothing_and_is_told_whose_it_is(pg_demo_db, actor_for):
    """The team leader reassigns an SR on one server while its caseworker is part-way through a step of the run on
    it on the other: their Continue saves nothing on the SR that is no longer theirs and says whose it is now; the
    run leaves their My work and is the new owner's to carry on."""
    caseworker, leader, colleague = actor_for("caseworker"), actor_for("teamleader"), actor_for("csa.cw1")
    sr_id, case_id, procedure_id = _workable_sr(caseworker)
    view = run_start.start_run(caseworker, procedure_id, case_id=case_id, sr_id=sr_id)  # the step open on screen
    row = next(r for r in console.outstanding_page(leader, page_size=500).rows if r.id == sr_id)
    console.reassign(leader, [sr_id], colleague.user_id, "Covering leave", expected_versions={sr_id: row.version})
    with transaction() as session:
        name = session.get_one(User, colleague.user_id).display_name
        notes_before = len(session.get_one(ServiceRequest, sr_id).notes)

    with pytest.raises(DomainError) as refused:
        runs.submit_step(caseworker, view.run_id, _answers(view), expected_version=view.version)
    assert str(refused.value) == (
        f"SR {row.number} is allocated to {name} now, so this procedure run is theirs to carry on, from their My "
        "work. Nothing was saved. If you think the SR should be yours, ask your team leader to reassign it to you."
    )
    with pytest.raises(DomainError, match="Nothing was saved"):
        run_discard.discard_run(caseworker, view.run_id, expected_version=view.version)
    now = run_context.view_run(caseworker, view.run_id)
    assert (now.version, now.step.id) == (view.version, view.step.id)
    assert now.allocated_to is not None
    assert now.allocated_to.message.startswith(f"SR {row.number} is allocated to {name} now")
    with transaction() as session:
        assert len(session.get_one(ServiceRequest, sr_id).notes) == notes_before
    assert view.run_id not in {r.id for r in my_work(caseworker).runs}
    # Work this SR from a My work drawn before the reassignment neither resumes the run nor starts another.
    with pytest.raises(DomainError) as again:
        run_start.start_run(caseworker, procedure_id, case_id=case_id, sr_id=sr_id)
    assert str(again.value) == (
        f"SR {row.number} is allocated to {name}, so only they can work it. If it should be yours, ask your team "
        "leader to reassign it to you."
    )

    # The new owner carries it on from their My work (Continue resumes the same run).
    assert view.run_id in {r.id for r in my_work(colleague).runs}
    theirs = run_start.start_run(colleague, procedure_id, case_id=case_id, sr_id=sr_id)
    assert theirs.run_id == view.run_id
    saved = runs.submit_step(colleague, view.run_id, _answers(theirs), expected_version=theirs.version)
    assert saved.version > theirs.version


def test_produce_pressed_on_two_servers_at_once_makes_the_letter_once(pg_demo_db, actor_for):
    """Two people press Produce on the same due letter on two servers: the letter is made and audited once, so the
    file the first downloads is the one stored (a second render wrote over it, with another sha256 in the audit
    trail); the second is told it was produced already."""
    actor = actor_for("caseworker")
    letter_id = due_letter()  # a CMSL5501 due on one of the team's SRs, with the template's sample values
    with _write_lock_held(pg_demo_db) as queued:
        queued.start(lambda: letters.render_letter(actor, letter_id))
        queued.start(lambda: letters.render_letter(actor, letter_id))
    made, again = queued.results
    assert not isinstance(made, BaseException), made
    assert isinstance(again, DomainError), again
    assert str(again) == (
        "This letter (CMSL5501) has already been produced, from another screen or by someone else. Reload the page "
        "to download it."
    )
    with transaction() as session:
        letter = session.get_one(Letter, letter_id)
        assert (letter.status, letter.sha256) == ("rendered", made.sha256)
        rendered = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "letter.rendered", AuditEvent.entity_id == str(letter_id))
        ).all()
        assert len(rendered) == 1
