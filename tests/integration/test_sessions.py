"""Sessions end when access ends: a deactivated user, a password reset or a move to another team or role
refuses the next service call and the next page view's session check, on SQLite and PostgreSQL alike.
A reload resumes a session from its token only while it is unrevoked, fresh and its user unchanged."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from db.models import AuditEvent, ProcedureRun, ServiceRequest, User, UserSession
from domain.clock import utcnow
from services import (
    auth,
    console,
    run_context,
    run_start,
    runs,
    service_requests,
    session_rules,
    sessions,
    users,
    work,
)
from services.access import SESSION_ENDED, VERIFIED
from services.errors import SessionEnded
from services.transaction import transaction
from tests.crash_worker import run_script
from tests.procedures.walk import find_case


def _own_sr(actor) -> int:
    with transaction() as session:
        return session.scalars(
            select(ServiceRequest.id).where(ServiceRequest.team_id == actor.team_id).order_by(ServiceRequest.id)
        ).first()


def _last(action: str) -> AuditEvent:
    with transaction() as session:
        return session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id.desc())
        ).first()


def _open(username: str) -> auth.SignedIn:
    return auth.start_session(username, "demo-password")


def test_a_session_resumes_from_its_token_and_the_database_keeps_only_the_tokens_hash(demo_db):
    opened = _open("caseworker")
    resumed, message = sessions.resume(opened.token)
    assert (resumed, message) == (opened.actor, None)
    with transaction() as session:
        stored = session.scalars(select(UserSession.token_hash)).all()
    assert stored == [hashlib.sha256(opened.token.encode()).hexdigest()]
    assert sessions.resume("not-a-token") == (None, None)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda: users.set_active(None, "caseworker", False), "deactivated"),
        (lambda: users.set_password(None, "caseworker", "a-new-long-password-1"), "password reset"),
        (lambda: users.set_role_team(None, "caseworker", role="caseworker", team="Specialist Services Support Team"),
         "role or team changed"),
    ],
    ids=["deactivated", "password reset", "moved team"],
)  # fmt: skip
def test_deactivation_a_password_reset_or_a_team_move_ends_an_open_session_at_its_next_call(demo_db, change, reason):
    opened = _open("caseworker")
    actor = opened.actor
    sr_id = _own_sr(actor)
    service_requests.open_sr(actor, sr_id)  # works before
    change()
    with pytest.raises(SessionEnded) as caught:
        service_requests.add_sr_note(actor, sr_id, "written after access ended")
    assert caught.value.message == SESSION_ENDED
    refusal = _last("refused")
    assert (refusal.actor_id, refusal.after["attempted"]) == (actor.user_id, "act with an ended session")
    with pytest.raises(SessionEnded):
        work.my_work(actor)
    with pytest.raises(SessionEnded):  # the next page view
        sessions.check(actor, opened.token)
    assert sessions.resume(opened.token) == (None, None)  # a reload, a new tab, another server
    with transaction() as session:
        row = session.scalars(select(UserSession)).one()
        notes = [n.text for n in session.get_one(ServiceRequest, sr_id).notes]
    assert (row.revoked_at is not None, row.revoked_reason) == (True, reason)
    assert "written after access ended" not in notes


def test_a_team_leader_moved_to_another_team_as_a_caseworker_loses_the_old_teams_console(demo_db):
    opened = _open("teamleader")
    assert console.counts(opened.actor).total > 0
    users.set_role_team(None, "teamleader", role="caseworker", team="Specialist Services Support Team")
    with pytest.raises(SessionEnded):
        console.counts(opened.actor)
    again = _open("teamleader")  # signing in again gives the new role and team
    assert again.actor.role == "caseworker"
    assert again.actor.team_id != opened.actor.team_id


def test_signing_out_revokes_the_session_for_every_tab_and_server(demo_db):
    opened = _open("caseworker")
    auth.sign_out(opened.actor, token=opened.token)
    assert sessions.resume(opened.token) == (None, None)
    with pytest.raises(SessionEnded):
        sessions.check(opened.actor, opened.token)
    assert _last("sign_out").after == {"reason": "signed out"}


def test_the_download_guard_accepts_only_a_live_sessions_token(demo_db, monkeypatch):
    """serve.py's /media/ guard: a live session yes; none, unknown, signed out, idle or a user no longer
    active or reset, no (without writing or auditing anything)."""
    monkeypatch.setenv("CASEWORK_IDLE_MINUTES", "5")
    assert [sessions.live_user(t) for t in (None, "", "not-a-token")] == [None, None, None]
    opened, other = _open("caseworker"), _open("teamleader")
    live = [sessions.live_user(opened.token), sessions.live_user(other.token)]
    assert live == [opened.actor.user_id, other.actor.user_id]
    with transaction() as session:
        events = session.scalar(select(func.count()).select_from(AuditEvent))
        session.execute(update(User).where(User.username == "caseworker").values(is_active=False))
    assert sessions.live_user(opened.token) is None  # deactivated (even before the session row is revoked)
    with transaction() as session:
        session.execute(update(User).where(User.username == "caseworker").values(is_active=True))
        session.execute(
            update(User).where(User.username == "caseworker").values(session_generation=User.session_generation + 1)
        )
    assert sessions.live_user(opened.token) is None  # reset or moved since sign-in
    with transaction() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == events  # read only
        session.execute(update(UserSession).values(last_seen_at=utcnow() - timedelta(minutes=5, seconds=10)))
    assert sessions.live_user(other.token) is None  # idle
    with transaction() as session:
        session.execute(update(UserSession).values(last_seen_at=utcnow()))
    assert sessions.live_user(other.token) == other.actor.user_id
    auth.sign_out(other.actor, token=other.token)
    assert sessions.live_user(other.token) is None  # signed out


def test_a_session_idle_past_the_limit_does_not_resume_and_says_why(demo_db, monkeypatch):
    monkeypatch.setenv("CASEWORK_IDLE_MINUTES", "5")
    opened = _open("caseworker")
    with transaction() as session:
        session.execute(update(UserSession).values(last_seen_at=utcnow() - timedelta(minutes=4)))
    assert sessions.resume(opened.token)[0] == opened.actor  # within the limit; and it refreshes last seen
    with transaction() as session:
        session.execute(update(UserSession).values(last_seen_at=utcnow() - timedelta(minutes=5, seconds=10)))
    assert sessions.resume(opened.token) == (None, session_rules.IDLE_MESSAGE)
    assert _last("sign_out").after == {"reason": "idle timeout"}


def test_a_page_view_refreshes_last_seen_at_most_every_heartbeat(demo_db):
    opened = _open("caseworker")
    old = utcnow() - timedelta(seconds=session_rules.HEARTBEAT + 5)
    with transaction() as session:
        session.execute(update(UserSession).values(last_seen_at=old))
    assert sessions.check(opened.actor, opened.token) == opened.actor
    with transaction() as session:
        seen = session.scalars(select(UserSession.last_seen_at)).one()
    assert seen > old + timedelta(seconds=5)


def test_a_new_display_name_reaches_the_open_session_without_ending_it(demo_db):
    opened = _open("caseworker")
    from db.models import User

    with transaction() as session:
        session.execute(update(User).where(User.id == opened.actor.user_id).values(display_name="Renamed Person"))
    assert sessions.check(opened.actor, opened.token).display_name == "Renamed Person"


def test_an_over_long_display_name_is_a_field_error_before_the_database(demo_db):
    from services.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as caught:
        users.add_user(None, username="long.name", display_name="x" * 201, role="policy", password="long-enough-pass-1")
    assert caught.value.errors == {"display_name": "Use at most 200 characters for the display name."}
    assert "long.name" not in {u.username for u in users.list_users(None)}


def test_the_field_limits_match_the_columns():
    from db.models import User

    assert users.DISPLAY_NAME_MAX == User.__table__.c.display_name.type.length
    assert users.EMAIL_MAX == User.__table__.c.email.type.length


# A service call checks the browser session its actor acts in (services/access.py): a button's callback runs
# before the page's own check, so a click in a tab signed out elsewhere, or left idle, must refuse the call itself.


def _p1_view(actor):
    return run_start.start_run(actor, "P1", case_id=find_case(actor, financial_transition_complete=True))


def _first_answers(view) -> dict:
    return {**run_script()[view.step.id], "_checklist": list(view.step.checklist)}


def _run_row(run_id: str) -> tuple:
    with transaction() as session:
        run = session.get_one(ProcedureRun, run_id)
        return run.state, run.version, dict(run.answers)


def test_signing_in_gives_an_actor_acting_in_that_session(demo_db):
    opened = _open("caseworker")
    assert opened.actor.session == hashlib.sha256(opened.token.encode()).hexdigest()
    assert sessions.resume(opened.token)[0] == opened.actor
    assert sessions.check(opened.actor, opened.token) == opened.actor


def test_a_click_in_a_tab_signed_out_elsewhere_saves_nothing_and_is_audited(demo_db):
    opened = _open("caseworker")
    view = _p1_view(opened.actor)
    before = _run_row(view.run_id)
    auth.sign_out(opened.actor, token=opened.token)  # another tab of the same browser
    with pytest.raises(SessionEnded) as ended:
        runs.submit_step(opened.actor, view.run_id, _first_answers(view), expected_version=view.version)
    assert ended.value.message == SESSION_ENDED
    assert _run_row(view.run_id) == before
    refused = _last("refused")
    assert (refused.actor_name, refused.after["attempted"]) == ("caseworker", "act with an ended session")


def test_a_click_after_the_idle_limit_ends_the_session_saves_nothing_and_says_why(demo_db, monkeypatch):
    monkeypatch.setenv("CASEWORK_IDLE_MINUTES", "5")
    opened = _open("caseworker")
    view = _p1_view(opened.actor)
    before = _run_row(view.run_id)
    with transaction() as session:
        session.execute(update(UserSession).values(last_seen_at=utcnow() - timedelta(minutes=5, seconds=10)))
    with pytest.raises(SessionEnded) as ended:
        runs.submit_step(opened.actor, view.run_id, _first_answers(view), expected_version=view.version)
    assert ended.value.message == session_rules.IDLE_MESSAGE
    assert _run_row(view.run_id) == before
    assert _last("sign_out").after == {"reason": "idle timeout"}
    with transaction() as session:
        assert session.scalars(select(UserSession.revoked_reason)).one() == "idle timeout"
    assert sessions.resume(opened.token) == (None, None)  # ended for every tab


def test_a_saving_call_moves_the_sessions_last_seen_when_due_and_a_reading_call_leaves_it_to_the_page(demo_db):
    opened = _open("caseworker")
    view = _p1_view(opened.actor)
    old = utcnow() - timedelta(seconds=session_rules.HEARTBEAT + 5)

    def last_seen():
        with transaction() as session:
            return session.scalars(select(UserSession.last_seen_at)).one()

    with transaction() as session:
        session.execute(update(UserSession).values(last_seen_at=old))
    token = VERIFIED.set(None)  # as ui/actions.py sets it before a button's call
    try:
        run_context.view_run(opened.actor, view.run_id)  # read only: cannot write the heartbeat
        assert last_seen() == old
        assert VERIFIED.get() is None, "the page's own check must still run and write it"
        runs.submit_step(opened.actor, view.run_id, _first_answers(view), expected_version=view.version)
        assert last_seen() > old + timedelta(seconds=5)
        assert VERIFIED.get() == opened.actor
    finally:
        VERIFIED.reset(token)
