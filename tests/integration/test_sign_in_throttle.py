"""Sign-in throttling: 50 guesses in a row get three checked passwords, then waits and a lock; a username
that matches no account is throttled in exactly the same words and steps; an administrator unlocks."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from db.models import AuditEvent, User
from domain.clock import utcnow
from services import auth, throttle, users
from services.errors import PermissionDenied
from services.transaction import transaction


class Clock:
    def __init__(self) -> None:
        self.now: datetime = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def wait(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(throttle, "utcnow", fake)
    return fake


def _try(username: str, password: str = "wrong-password-1", address: str | None = None) -> str:
    """The words a sign-in attempt is answered with ("ok" when it signs in)."""
    try:
        auth.sign_in(username, password, address=address)
    except PermissionDenied as exc:
        return exc.message
    return "ok"


def _actions(*names: str) -> list[str]:
    with transaction() as session:
        query = select(AuditEvent.action).where(AuditEvent.action.in_(names)).order_by(AuditEvent.id)
        return list(session.scalars(query))


def test_fifty_wrong_passwords_in_a_row_check_three_then_make_the_right_one_wait(demo_db, clock):
    answers = [_try("caseworker") for _ in range(50)]
    assert answers[:3] == [auth.BAD_SIGN_IN] * 3
    assert all("too many sign-in attempts" in a for a in answers[3:]), answers[3]
    assert "Wait 1 second" in answers[3]
    assert "too many sign-in attempts" in _try("caseworker", "demo-password")  # the right one, too early
    assert _actions("sign_in.failed").count("sign_in.failed") == 3
    assert len(_actions("sign_in.throttled")) == 48


def test_waiting_out_each_delay_still_locks_the_account_after_ten_failures_until_an_admin_unlocks(demo_db, clock):
    delays = []
    for _ in range(10):
        with transaction() as session:
            wait = throttle.wait_seconds(session, [f"user:{_user_id('caseworker')}"], clock.now)
        delays.append(wait)
        clock.wait(wait)
        assert _try("caseworker") == auth.BAD_SIGN_IN
    assert delays == [0, 0, 0, 1, 2, 4, 8, 16, 32, 60]
    assert _actions("sign_in.locked") == ["sign_in.locked"]
    clock.wait(120)
    locked = _try("caseworker", "demo-password")
    assert "Wait 13 minutes" in locked
    auth.unlock(None, username="caseworker")
    assert _try("caseworker", "demo-password") == "ok"
    assert _actions("sign_in.unlocked") == ["sign_in.unlocked"]


def test_a_lock_ends_by_itself_after_fifteen_minutes(demo_db, clock):
    for _ in range(10):
        clock.wait(61)
        _try("caseworker")
    clock.wait(14 * 60)
    assert "too many" in _try("caseworker", "demo-password")
    clock.wait(61)
    assert _try("caseworker", "demo-password") == "ok"


def test_the_users_list_says_whose_sign_in_is_locked_until_when_and_when_each_was_last_active(
    demo_db, clock, actor_for
):
    def listed(username: str) -> users.UserRow:
        return next(u for u in users.list_users(actor_for("admin")) if u.username == username)

    assert listed("caseworker").last_active is None  # never signed in
    for _ in range(10):
        clock.wait(61)
        _try("caseworker")
    locked = listed("caseworker")
    assert locked.locked_until is not None
    assert locked.locked_until - clock.now == timedelta(minutes=throttle.ACCOUNT.lock_minutes)
    assert [u.username for u in users.list_users(actor_for("admin")) if u.locked_until] == ["caseworker"]
    clock.wait(15 * 60 + 1)  # the lock has lifted by itself: the list no longer says it is locked
    assert listed("caseworker").locked_until is None
    auth.start_session("caseworker", "demo-password")  # as the sign-in page does: a browser session
    last = listed("caseworker").last_active
    assert last is not None
    assert abs(last - utcnow()) < timedelta(minutes=1)


def test_an_unknown_username_gets_the_same_words_at_every_attempt_as_a_real_one(demo_db, clock):
    def walk(username: str) -> list[str]:
        answers = []
        for gap in (0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 61, 300):
            clock.wait(gap)
            answers.append(_try(username))
        return answers

    assert walk("nobody.at.all") == walk("teamleader")


def test_unknown_usernames_cost_the_same_argon2_work_as_real_ones(demo_db):
    """No timing difference: an unknown username is verified against a dummy hash with the same parameters."""
    with transaction() as session:
        real = session.scalar(select(User.password_hash).where(User.username == "caseworker"))
    assert not auth._hasher().check_needs_rehash(auth._dummy_hash())
    assert real.split("$")[1:4] == auth._dummy_hash().split("$")[1:4]  # argon2id, version, m/t/p


def test_one_address_spraying_fifty_usernames_is_slowed_then_locked(demo_db, clock):
    answers = [_try(f"guess.{n}", address="203.0.113.9") for n in range(50)]
    assert answers[:10] == [auth.BAD_SIGN_IN] * 10
    assert all("too many" in a for a in answers[10:])
    assert "too many" in _try("caseworker", "demo-password", address="203.0.113.9")
    assert _try("caseworker", "demo-password", address="198.51.100.7") == "ok"  # another address is not held
    auth.unlock(None, address="203.0.113.9")
    assert _try("teamleader", "demo-password", address="203.0.113.9") == "ok"


def test_a_right_password_forgets_the_accounts_earlier_failures(demo_db, clock):
    _try("caseworker"), _try("caseworker")
    assert _try("caseworker", "demo-password") == "ok"
    assert [_try("caseworker") for _ in range(3)] == [auth.BAD_SIGN_IN] * 3


def test_only_an_administrator_unlocks(demo_db, actor_for):
    with pytest.raises(PermissionDenied):
        auth.unlock(actor_for("teamleader"), username="caseworker")
    assert auth.unlock(actor_for("admin"), username="caseworker") == 0


def _user_id(username: str) -> int:
    with transaction() as session:
        return session.scalar(select(User.id).where(User.username == username))


def test_the_command_line_unlocks_an_account_and_moves_a_user(demo_db, clock):
    from typer.testing import CliRunner

    from casework.cli import app

    for _ in range(10):
        clock.wait(61)
        _try("caseworker")
    runner = CliRunner()
    result = runner.invoke(app, ["users", "unlock", "caseworker"])
    assert (result.exit_code, result.output.strip()) == (0, "Unlocked.")
    assert _try("caseworker", "demo-password") == "ok"
    assert runner.invoke(app, ["users", "unlock", "nobody.here"]).exit_code == 2
    moved = runner.invoke(
        app, ["users", "move", "caseworker", "--role", "team_leader", "--team", "CSA Rules Reassessment Team"]
    )
    assert moved.exit_code == 0, moved.output
    assert auth.sign_in("caseworker", "demo-password").role == "team_leader"


def test_an_account_with_no_password_and_no_email_has_no_way_to_sign_in(demo_db, actor_for):
    """QA (seventh session): Unlock sign-in said "csa.cw2 can sign in now" of a demo colleague with no password and no
    email, whose next sign-in was refused. Asked of the database without reading any hash."""
    admin = actor_for("admin")
    assert users.has_a_way_to_sign_in(admin, "caseworker")  # a password
    assert not users.has_a_way_to_sign_in(admin, "csa.cw2")  # neither
    with transaction() as session:
        session.scalars(select(User).where(User.username == "csa.cw2")).one().email = "molly.lee@example.org"
    assert users.has_a_way_to_sign_in(admin, "csa.cw2")  # organisation sign-in matches this email
    assert not users.has_a_way_to_sign_in(admin, "nobody.here")
    with pytest.raises(PermissionDenied):
        users.has_a_way_to_sign_in(actor_for("teamleader"), "csa.cw2")
