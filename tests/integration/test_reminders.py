"""`remind` tells each owner once of what is due soon or overdue, their team leader once of what is a working
day overdue, by the case's region; never of a met deadline or a closed SR; snoozes hold it."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta

import pytest
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from db.models import AuditEvent, Case, Deadline, OutboundEmail, Reminder, ServiceRequest, User
from domain.clock import UK, as_of, utcnow
from services import console, records, reminders, users
from services.errors import ConflictError, PermissionDenied, ValidationFailed
from services.transaction import transaction
from tests.conftest import ROOT
from tests.procedures.walk import team_named
from tests.ssst import sent_in_background, smtp_server

CHRISTMAS_EVE = EVE = datetime(2026, 12, 24, 10, 0, tzinfo=UK)
SSST = "Specialist Services Support Team"


def _only_these_deadlines() -> None:
    """Demo data has deadlines of its own: mark them met so each test counts only what it sets up."""
    with transaction() as session:
        session.execute(update(Deadline).values(done=True))


def _deadline(actor, due_at: datetime, *, region: str = "England", owner_id: int | None = -1, case_no: int = 0) -> int:
    """A new open SR on the team's `case_no`th case (allocated to the actor), with one deadline due at `due_at`."""
    with transaction() as session:
        case = session.scalars(
            select(Case).where(Case.team_id == actor.team_id).order_by(Case.id).offset(case_no)
        ).first()
        case.region = region
        sr = records.create_sr(
            session,
            None,
            case=case,
            process="Arrears",
            area="Arrears Management",
            sub_area="Arrears Review",
            owner_id=actor.user_id if owner_id == -1 else owner_id,
        )
        return records.add_deadline(session, None, sr, kind="review_date", due_at=due_at, explanation="test").id


def _told() -> list[tuple[int, str, str]]:
    with transaction() as session:
        rows = session.execute(
            select(Reminder.deadline_id, Reminder.level, User.username)
            .join(User, Reminder.user_id == User.id)
            .order_by(Reminder.id)
        ).all()
        return [tuple(r) for r in rows]


def test_the_owner_is_told_once_of_a_deadline_due_tomorrow_and_sees_it_on_their_notices(demo_db, actor_for):
    caseworker = actor_for("caseworker")
    _only_these_deadlines()
    deadline_id = _deadline(caseworker, datetime(2026, 12, 2, 17, 0, tzinfo=UK))
    now = datetime(2026, 12, 1, 10, 0, tzinfo=UK)
    assert reminders.remind(now=now).reminders == 1
    assert reminders.remind(now=now).reminders == 0  # a second run tells nothing twice
    assert _told() == [(deadline_id, "due_soon", "caseworker")]
    seen = reminders.notices(caseworker, now=now)
    assert [n.deadline_id for n in seen.due_soon] == [deadline_id]
    assert seen.overdue == ()
    assert "Review date" in seen.due_soon[0].text
    with transaction() as session:
        assert session.scalar(select(func.count()).where(AuditEvent.action == "reminder.sent")) == 1


def test_a_deadline_a_working_day_overdue_tells_the_team_leader_by_the_cases_bank_holidays(demo_db, actor_for):
    caseworker = actor_for("caseworker")
    _only_these_deadlines()
    new_years_eve = datetime(2026, 12, 31, 17, 0, tzinfo=UK)
    england = _deadline(caseworker, new_years_eve, region="England")
    scotland = _deadline(caseworker, new_years_eve, region="Scotland", case_no=1)
    # Monday 4 January 2027, 17:30: a working day in England, the New Year holiday (observed) in Scotland.
    assert reminders.remind(now=datetime(2027, 1, 4, 17, 30, tzinfo=UK)).reminders == 3
    assert sorted(_told()) == sorted(
        [(england, "overdue", "caseworker"), (england, "escalated", "teamleader"), (scotland, "overdue", "caseworker")]
    )
    reminders.remind(now=datetime(2027, 1, 5, 17, 0, tzinfo=UK))
    assert (scotland, "escalated", "teamleader") in _told()
    leader = reminders.notices(actor_for("teamleader"), now=datetime(2027, 1, 5, 17, 0, tzinfo=UK))
    assert {n.deadline_id for n in leader.overdue} == {england, scotland}


def test_a_met_deadline_or_a_closed_sr_is_never_reminded(demo_db, actor_for):
    caseworker = actor_for("caseworker")
    _only_these_deadlines()
    met = _deadline(caseworker, CHRISTMAS_EVE + timedelta(hours=2))
    closed = _deadline(caseworker, CHRISTMAS_EVE + timedelta(hours=3))
    with transaction() as session:
        session.get(Deadline, met).done = True
        sr = session.get(Deadline, closed).service_request
        records.set_status(session, None, sr, "Closed", sub_status="Complete", reason="done")
    assert reminders.remind(now=CHRISTMAS_EVE).reminders == 0
    assert _told() == []


def test_a_deadline_met_after_it_was_told_leaves_the_notices(demo_db, actor_for):
    caseworker = actor_for("caseworker")
    _only_these_deadlines()
    deadline_id = _deadline(caseworker, CHRISTMAS_EVE - timedelta(hours=1))
    reminders.remind(now=CHRISTMAS_EVE)
    assert [n.deadline_id for n in reminders.notices(caseworker, now=CHRISTMAS_EVE).overdue] == [deadline_id]
    with transaction() as session:
        session.get(Deadline, deadline_id).done = True
    assert reminders.notices(caseworker, now=CHRISTMAS_EVE).count == 0


def test_a_reassigned_srs_overdue_deadline_is_in_the_new_owners_notices_at_once_and_leaves_the_old_owners(
    demo_db, actor_for
):
    """QA: after a reassignment the old owner's Home still listed the SR as overdue, beside a list without it; and the
    new owner saw it only after the next `remind` run (seventh session). The reassignment now tells them itself."""
    caseworker, leader, new_owner = actor_for("caseworker"), actor_for("teamleader"), actor_for("csa.cw2")
    _only_these_deadlines()
    deadline_id = _deadline(caseworker, CHRISTMAS_EVE - timedelta(hours=1))
    reminders.remind(now=CHRISTMAS_EVE)
    assert [n.deadline_id for n in reminders.notices(caseworker, now=CHRISTMAS_EVE).overdue] == [deadline_id]
    assert reminders.notices(new_owner, now=CHRISTMAS_EVE).count == 0

    _reassign(leader, deadline_id, "csa.cw2", at=CHRISTMAS_EVE)

    assert [n.deadline_id for n in reminders.notices(new_owner, now=CHRISTMAS_EVE).overdue] == [deadline_id]
    assert reminders.notices(caseworker, now=CHRISTMAS_EVE).count == 0
    assert _told() == [(deadline_id, "overdue", "caseworker"), (deadline_id, "overdue", "csa.cw2")]
    with transaction() as session:  # told as `remind` tells it: audited as the system's, on the SR's timeline
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "reminder.sent").order_by(AuditEvent.id))
        told = event.all()[-1]
        assert (told.actor_id, told.entity_id, told.after["reminders"][0]["level"]) == (
            None,
            str(new_owner.user_id),
            "overdue",
        )
    assert reminders.remind(now=CHRISTMAS_EVE + timedelta(minutes=5)).reminders == 0  # told once, not again


ESCALATED_BY_EVE = CHRISTMAS_EVE - timedelta(days=6)  # Friday 18 December: a working day overdue by Monday 21st


def _sr_of(deadline_id: int) -> tuple[int, int]:
    """The deadline's SR: its id and version."""
    with transaction() as session:
        sr = session.get_one(Deadline, deadline_id).service_request
        return sr.id, sr.version


def _user_id(username: str) -> int:
    with transaction() as session:
        return session.scalars(select(User.id).where(User.username == username)).one()


def _reassign(leader, deadline_id: int, username: str, *, at: datetime) -> None:
    """The team leader gives the deadline's SR to `username` at the moment `at` (what it tells depends on when)."""
    sr_id, version = _sr_of(deadline_id)
    with as_of(at):
        console.reassign(leader, [sr_id], _user_id(username), "Leave", expected_versions={sr_id: version})


def _with_email(username: str) -> str:
    """Give a demo user (the team's own caseworkers have none) an email address; return their display name."""
    with transaction() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        user.email = f"{username}@demo.casework.invalid"
        return user.display_name


def test_a_caseworker_given_an_escalated_sr_is_told_once_it_is_overdue_and_the_leader_not_again(
    demo_db, actor_for, monkeypatch
):
    """QA: a deadline escalated to the team leader counted as fully told, so the caseworker the leader then gave the
    SR to was never told of it (Outstanding SRs and their list showed it overdue, their notices did not). Told by the
    reassignment itself since the eighth session, its digest email goes once, from the reassignment, not the run."""
    caseworker, leader, new_owner = actor_for("caseworker"), actor_for("teamleader"), actor_for("csa.cw2")
    _only_these_deadlines()
    deadline_id = _deadline(caseworker, ESCALATED_BY_EVE)
    assert reminders.remind(now=CHRISTMAS_EVE).reminders == 2
    assert _told() == [(deadline_id, "overdue", "caseworker"), (deadline_id, "escalated", "teamleader")]

    name = _with_email("csa.cw2")
    later = CHRISTMAS_EVE + timedelta(hours=1)
    with smtp_server() as server:
        monkeypatch.setenv("CASEWORK_SMTP_HOST", server.host)
        monkeypatch.setenv("CASEWORK_SMTP_PORT", str(server.port))
        _reassign(leader, deadline_id, "csa.cw2", at=later)
        sent_in_background()  # sent once the reassignment was saved, after it answered
        [received] = server.handler.received
        assert received.rcpt_tos == ["csa.cw2@demo.casework.invalid"]
        assert received.message["Subject"] == "Casework Guide deadlines: 1 overdue"
        with transaction() as session:
            number = session.get_one(Deadline, deadline_id).service_request.number
        body = received.message.get_content().splitlines()
        assert body[:8] == [  # then the signature
            f"Dear {name},",
            "",
            "Casework Guide has deadlines for you to look at:",
            "",
            "Overdue:",
            f"- Review date: SR {number}, due 18 December 2026, 10:00",
            "",
            "Open Casework Guide to see each one and how its date was worked out.",
        ]
        report = reminders.remind(now=later + timedelta(hours=1))  # fully told again: nothing, and no email
        assert (report.reminders, report.people, report.emails) == (0, 0, 0)
        assert len(server.handler.received) == 1
    with transaction() as session:
        emails = session.scalars(select(OutboundEmail.status).where(OutboundEmail.subject.like("%deadlines%"))).all()
        assert emails == ["sent"]
        assert session.scalars(select(Reminder.email_id).where(Reminder.user_id == new_owner.user_id)).all() == [
            session.scalars(select(OutboundEmail.id).where(OutboundEmail.subject.like("%deadlines%"))).one()
        ]
    assert _told()[2:] == [(deadline_id, "overdue", "csa.cw2")]
    assert [n.deadline_id for n in reminders.notices(new_owner, now=later).overdue] == [deadline_id]
    assert reminders.notices(caseworker, now=later).count == 0
    assert [n.deadline_id for n in reminders.notices(leader, now=later).overdue] == [deadline_id]

    # Back to someone told already: told once each, so nobody now, and their notices list it again.
    _reassign(leader, deadline_id, "caseworker", at=later + timedelta(hours=2))
    assert len(_told()) == 3
    assert reminders.remind(now=later + timedelta(hours=2)).reminders == 0
    assert [n.deadline_id for n in reminders.notices(caseworker, now=later).overdue] == [deadline_id]


def test_an_escalated_sr_nobody_owned_is_told_to_the_caseworker_it_is_allocated_to(demo_db, actor_for):
    """Unallocated, its leaders were told as its owner (overdue, then escalated); allocated, its caseworker is told,
    though they were told already of a deadline of their own due at the same moment (the check is per deadline)."""
    caseworker, leader = actor_for("caseworker"), actor_for("teamleader")
    _only_these_deadlines()
    deadline_id = _deadline(caseworker, ESCALATED_BY_EVE, owner_id=None)
    own = _deadline(caseworker, ESCALATED_BY_EVE, case_no=1)
    reminders.remind(now=CHRISTMAS_EVE)
    assert sorted(_told()) == sorted(
        [
            (deadline_id, "overdue", "teamleader"),
            (deadline_id, "escalated", "teamleader"),
            (own, "overdue", "caseworker"),
            (own, "escalated", "teamleader"),
        ]
    )
    assert reminders.remind(now=CHRISTMAS_EVE + timedelta(hours=1)).reminders == 0

    _reassign(leader, deadline_id, "caseworker", at=CHRISTMAS_EVE + timedelta(hours=2))  # allocated: told at once
    assert _told()[4:] == [(deadline_id, "overdue", "caseworker")]
    assert reminders.remind(now=CHRISTMAS_EVE + timedelta(hours=3)).reminders == 0
    seen = reminders.notices(caseworker, now=CHRISTMAS_EVE + timedelta(hours=3))
    assert [(n.deadline_id, n.level) for n in seen.overdue] == [(deadline_id, "overdue"), (own, "overdue")]


def test_a_leader_who_joined_after_the_escalation_is_not_told_of_it_when_the_sr_is_reassigned(demo_db, actor_for):
    """The escalation is told to the team once: a reassignment brings the deadline back for its new owner only."""
    caseworker, leader = actor_for("caseworker"), actor_for("teamleader")
    _only_these_deadlines()
    deadline_id = _deadline(caseworker, ESCALATED_BY_EVE)
    reminders.remind(now=CHRISTMAS_EVE)
    with transaction() as session:
        session.add(
            User(username="second.tl", display_name="Second Leader", role="team_leader", team_id=leader.team_id)
        )
    _reassign(leader, deadline_id, "csa.cw1", at=CHRISTMAS_EVE + timedelta(hours=1))
    assert _told()[2:] == [(deadline_id, "overdue", "csa.cw1")]
    assert reminders.remind(now=CHRISTMAS_EVE + timedelta(hours=2)).reminders == 0


def test_an_escalated_sr_given_to_a_caseworker_deactivated_before_the_next_run_tells_the_leaders_nothing_again(
    demo_db, actor_for
):
    """Nobody active owns it, so its leaders answer for it, and they were told of its escalation already."""
    caseworker, leader = actor_for("caseworker"), actor_for("teamleader")
    _only_these_deadlines()
    deadline_id = _deadline(caseworker, ESCALATED_BY_EVE)
    reminders.remind(now=CHRISTMAS_EVE)
    _reassign(leader, deadline_id, "csa.cw1", at=CHRISTMAS_EVE)  # told at once: it is overdue
    users.set_active(actor_for("admin"), "csa.cw1", False)
    assert reminders.remind(now=CHRISTMAS_EVE + timedelta(hours=1)).reminders == 0
    assert _told() == [
        (deadline_id, "overdue", "caseworker"),
        (deadline_id, "escalated", "teamleader"),
        (deadline_id, "overdue", "csa.cw1"),
    ]


def _plain_case_no(actor) -> int:
    """The offset (as `_deadline` takes it) of the team's first case that is not sensitive: one it can hand over."""
    with transaction() as session:
        flags = session.scalars(select(Case.sensitive).where(Case.team_id == actor.team_id).order_by(Case.id)).all()
    return flags.index(False)


def test_a_handed_over_srs_overdue_deadline_is_in_the_receiving_leaders_notices_at_once(demo_db, actor_for):
    """Unallocated in the receiving team, its leaders answer for it: told it is overdue, and of its escalation (their
    team's first), as the hand-over is saved; the giving team's notices drop it; the next run tells nothing again."""
    caseworker, leader, receiving = actor_for("caseworker"), actor_for("teamleader"), actor_for("ssst.teamleader")
    _only_these_deadlines()
    deadline_id = _deadline(caseworker, ESCALATED_BY_EVE, case_no=_plain_case_no(caseworker))
    reminders.remind(now=CHRISTMAS_EVE)
    sr_id, version = _sr_of(deadline_id)
    later = CHRISTMAS_EVE + timedelta(hours=1)

    with as_of(later):
        console.hand_over(leader, [sr_id], team_named(SSST), "SSST work", expected_versions={sr_id: version})

    assert [n.deadline_id for n in reminders.notices(receiving, now=later).overdue] == [deadline_id]
    assert reminders.notices(caseworker, now=later).count == 0
    assert reminders.notices(leader, now=later).count == 0
    assert sorted(_told()[2:]) == [
        (deadline_id, "escalated", "ssst.teamleader"),
        (deadline_id, "overdue", "ssst.teamleader"),
    ]
    assert reminders.remind(now=later + timedelta(minutes=5)).reminders == 0


def test_a_reassignment_refused_as_stale_tells_nobody_and_moves_nothing(demo_db, actor_for):
    """Two SRs ticked, the second changed since the screen showed it: the first's move is undone, and so would be
    any reminder (the reassignment tells only once every SR has moved)."""
    caseworker, leader = actor_for("caseworker"), actor_for("teamleader")
    _only_these_deadlines()
    first, second = (_deadline(caseworker, CHRISTMAS_EVE - timedelta(hours=n)) for n in (1, 2))
    (first_sr, first_version), (second_sr, second_version) = _sr_of(first), _sr_of(second)
    with as_of(CHRISTMAS_EVE), pytest.raises(ConflictError):
        console.reassign(
            leader,
            [first_sr, second_sr],
            _user_id("csa.cw2"),
            "Leave",
            expected_versions={first_sr: first_version, second_sr: second_version - 1},
        )
    assert _told() == []
    assert reminders.notices(actor_for("csa.cw2"), now=CHRISTMAS_EVE).count == 0
    with transaction() as session:
        owners = session.scalars(select(ServiceRequest.owner_id).where(ServiceRequest.id.in_([first_sr, second_sr])))
        assert set(owners) == {caseworker.user_id}


def test_a_reassignment_whose_transaction_fails_after_telling_leaves_no_reminder_row(demo_db, actor_for, monkeypatch):
    """The reminders are written in the reassignment's own transaction: a failure at its commit (here a fault made
    there) rolls back the move and the reminders together, and no digest is queued or sent."""
    caseworker, leader = actor_for("caseworker"), actor_for("teamleader")
    _only_these_deadlines()
    deadline_id = _deadline(caseworker, CHRISTMAS_EVE - timedelta(hours=1))
    _with_email("csa.cw2")
    sr_id, version = _sr_of(deadline_id)

    def fail_at_commit(session: Session) -> None:
        raise RuntimeError("the database went away at commit")

    with smtp_server() as server:
        monkeypatch.setenv("CASEWORK_SMTP_HOST", server.host)
        monkeypatch.setenv("CASEWORK_SMTP_PORT", str(server.port))
        event.listen(Session, "before_commit", fail_at_commit)
        try:
            with as_of(CHRISTMAS_EVE), pytest.raises(RuntimeError):
                console.reassign(leader, [sr_id], _user_id("csa.cw2"), "Leave", expected_versions={sr_id: version})
        finally:
            event.remove(Session, "before_commit", fail_at_commit)
        assert server.handler.received == []
    assert _told() == []
    assert _sr_of(deadline_id) == (sr_id, version)
    with transaction() as session:
        assert session.get_one(ServiceRequest, sr_id).owner_id == caseworker.user_id
        assert session.scalars(select(OutboundEmail.id).where(OutboundEmail.subject.like("%deadlines%"))).all() == []
        assert session.scalar(select(func.count()).where(AuditEvent.action == "reminder.sent")) == 0
    # The same reassignment, nothing failing: told at once.
    with as_of(CHRISTMAS_EVE):
        console.reassign(leader, [sr_id], _user_id("csa.cw2"), "Leave", expected_versions={sr_id: version})
    assert _told() == [(deadline_id, "overdue", "csa.cw2")]


def _statements_telling(sr_ids: list[int], now: datetime) -> tuple[int, int]:
    """Reminders `tell_moved` wrote for these SRs, and the SQL statements it took, counted at the engine."""
    with transaction() as session:
        count = [0]

        def counted(*_args: object) -> None:
            count[0] += 1

        bind = session.connection().engine
        event.listen(bind, "before_cursor_execute", counted)
        try:
            reminders.tell_moved(session, sr_ids, now=now)
        finally:
            event.remove(bind, "before_cursor_execute", counted)
        told = session.scalar(
            select(func.count())
            .select_from(Reminder)
            .where(Reminder.deadline_id.in_(select(Deadline.id).where(Deadline.sr_id.in_(sr_ids))))
        )
    return told or 0, count[0]


def test_telling_a_reassignment_of_many_srs_takes_as_many_statements_as_of_a_few(demo_db, actor_for):
    """Set-based: a team leader who reassigns 40 SRs at once waits no longer on their reminders than for 4 (one
    statement reads their deadlines, one insert claims their reminders), not one round trip an SR."""
    caseworker = actor_for("caseworker")
    _only_these_deadlines()
    deadlines = [_deadline(caseworker, CHRISTMAS_EVE - timedelta(hours=1), case_no=n % 3) for n in range(44)]
    sr_ids = [_sr_of(d)[0] for d in deadlines]
    few, many = _statements_telling(sr_ids[:4], CHRISTMAS_EVE), _statements_telling(sr_ids[4:], CHRISTMAS_EVE)
    assert (few[0], many[0]) == (4, 40)
    assert few[1] == many[1]


def test_an_sr_nobody_owns_is_told_to_the_team_leaders(demo_db, actor_for):
    caseworker = actor_for("caseworker")
    _only_these_deadlines()
    deadline_id = _deadline(caseworker, CHRISTMAS_EVE + timedelta(hours=1), owner_id=None)
    reminders.remind(now=CHRISTMAS_EVE)
    assert _told() == [(deadline_id, "due_soon", "teamleader")]


def test_a_team_leader_snoozes_a_reminder_with_a_reason_and_it_waits_until_then(demo_db, actor_for):
    caseworker, leader = actor_for("caseworker"), actor_for("teamleader")
    _only_these_deadlines()
    deadline_id = _deadline(caseworker, CHRISTMAS_EVE + timedelta(hours=2))
    with pytest.raises(ValidationFailed) as refused:
        reminders.snooze(leader, deadline_id, until=CHRISTMAS_EVE + timedelta(days=1), reason="  ", now=CHRISTMAS_EVE)
    assert refused.value.errors == {"reason": "Enter why the reminders can wait."}
    with pytest.raises(PermissionDenied):
        reminders.snooze(
            caseworker, deadline_id, until=CHRISTMAS_EVE + timedelta(days=1), reason="x", now=CHRISTMAS_EVE
        )
    reminders.snooze(
        leader,
        deadline_id,
        until=CHRISTMAS_EVE + timedelta(days=1),
        reason="Court confirmed by phone",
        now=CHRISTMAS_EVE,
    )
    assert reminders.remind(now=CHRISTMAS_EVE).reminders == 0
    with transaction() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "reminder.snoozed"))
        assert event.after["reason"] == "Court confirmed by phone"
    assert reminders.remind(now=CHRISTMAS_EVE + timedelta(days=1, minutes=1)).reminders == 1  # overdue now


def test_one_digest_email_per_person_per_run_goes_through_the_outbox(demo_db, actor_for, monkeypatch):
    caseworker = actor_for("caseworker")
    _only_these_deadlines()
    _deadline(caseworker, CHRISTMAS_EVE + timedelta(hours=2))
    _deadline(caseworker, CHRISTMAS_EVE - timedelta(hours=2))
    with smtp_server() as server:
        monkeypatch.setenv("CASEWORK_SMTP_HOST", server.host)
        monkeypatch.setenv("CASEWORK_SMTP_PORT", str(server.port))
        report = reminders.remind(now=CHRISTMAS_EVE)
        assert (report.reminders, report.people, report.emails) == (2, 1, 1)
        [received] = server.handler.received
        assert received.rcpt_tos == ["caseworker@demo.casework.invalid"]
        body = received.message.get_content()
        assert "Due soon:" in body
        assert "Overdue:" in body
        assert body.count("Review date: SR") == 2
        assert reminders.remind(now=CHRISTMAS_EVE).emails == 0
        assert len(server.handler.received) == 1
    with transaction() as session:
        assert session.scalars(select(OutboundEmail.status).where(OutboundEmail.subject.like("%deadlines%"))).all() == [
            "sent"
        ]


def test_without_smtp_nobody_gets_an_email_but_the_notices_are_there(demo_db, actor_for, monkeypatch):
    monkeypatch.delenv("CASEWORK_SMTP_HOST", raising=False)
    caseworker = actor_for("caseworker")
    _only_these_deadlines()
    _deadline(caseworker, CHRISTMAS_EVE + timedelta(hours=2))
    assert reminders.remind(now=CHRISTMAS_EVE).emails == 0
    assert reminders.notices(caseworker, now=CHRISTMAS_EVE).count == 1


def _remind_process(env: dict[str, str], *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _people_with_deadlines(actor_for, count: int) -> list[int]:
    """`count` new caseworkers of the demo team, each owning an SR with a deadline due in an hour."""
    caseworker = actor_for("caseworker")
    ids = []
    with transaction() as session:
        for n in range(count):
            user = User(
                username=f"remind.{n}",
                display_name=f"Remind Person {n}",
                email=f"remind.{n}@demo.casework.invalid",
                role="caseworker",
                team_id=caseworker.team_id,
            )
            session.add(user)
            session.flush()
            ids.append(user.id)
    for user_id in ids:
        _deadline(caseworker, utcnow() + timedelta(hours=1), owner_id=user_id)
    return ids


@pytest.mark.postgres
def test_two_remind_processes_at_once_tell_everything_exactly_once(pg_demo_db, actor_for, monkeypatch):
    _only_these_deadlines()
    people = _people_with_deadlines(actor_for, 6)
    with smtp_server() as server:
        env = {**os.environ, "CASEWORK_SMTP_HOST": server.host, "CASEWORK_SMTP_PORT": str(server.port)}
        first, second = (_remind_process(env, "-m", "casework", "remind") for _ in range(2))
        for process in (first, second):
            _out, err = process.communicate(timeout=120)
            assert process.returncode == 0, err
        assert sorted(r.rcpt_tos[0] for r in server.handler.received) == sorted(
            f"remind.{n}@demo.casework.invalid" for n in range(len(people))
        )
    told = _told()
    assert len(told) == len(set(told)) == len(people)


KILL_AFTER_FIRST_PERSON = """
import os, signal, sys
from sqlalchemy import event
from sqlalchemy.orm import Session
from db.models import Reminder

def _kill(session):
    if session.info.get("told"):
        os.kill(os.getpid(), signal.SIGKILL)

@event.listens_for(Session, "do_orm_execute")
def _mark(state):  # a reminder claimed: its insert
    if state.is_insert and state.statement.table.name == Reminder.__tablename__:
        state.session.info["told"] = True

event.listen(Session, "after_commit", _kill)
from services import reminders
reminders.remind()
"""


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_remind_killed_part_way_tells_the_rest_on_the_next_run_and_nothing_twice(
    backend, request, actor_for, monkeypatch
):
    request.getfixturevalue("sqlite_demo_db" if backend == "sqlite" else "pg_demo_db")
    _only_these_deadlines()
    people = _people_with_deadlines(actor_for, 3)
    process = _remind_process(dict(os.environ), "-c", KILL_AFTER_FIRST_PERSON)
    process.communicate(timeout=120)
    assert process.returncode == -9  # SIGKILL straight after the first person's transaction committed
    assert len(_told()) == 1
    assert reminders.remind().reminders == len(people) - 1
    told = _told()
    assert len(told) == len(set(told)) == len(people)
