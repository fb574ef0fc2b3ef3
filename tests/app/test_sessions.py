"""Sessions: sign-out and the idle timeout end the session and are audited; no secret reaches a log."""

import json
import logging
import time

from sqlalchemy import select

from db.models import AuditEvent
from services.transaction import transaction
from tests.app.helpers import app_as, texts

OIDC_SECRETS = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret-not-used",
    "client_id": "casework-guide",
    "client_secret": "test-client-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


def _events(action: str) -> list[AuditEvent]:
    with transaction() as session:
        return session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def _idle(at, minutes: float):
    at.session_state["last_seen"] = time.time() - minutes * 60
    return at.run()


def test_an_idle_session_is_signed_out_after_the_configured_minutes_and_audited(sqlite_demo_db, actor_for, monkeypatch):
    monkeypatch.setenv("CASEWORK_IDLE_MINUTES", "5")
    at = app_as(actor_for("teamleader")).run()
    _idle(at, 4)
    assert "actor" in at.session_state, "four idle minutes are within a five-minute limit"
    assert "Welcome" in texts(at)
    _idle(at, 5.2)
    assert "actor" not in at.session_state
    # AppTest does not follow st.navigation to the new page list (a browser does), so the page it was on runs
    # with no one signed in; the page sends it to sign-in itself (ui.actor), as after a fresh server's first load.
    assert "signed out after a period of inactivity" in texts(at)
    assert "Sign in" in [b.label for b in at.button]
    event = _events("sign_out")[-1]
    assert (event.actor_name, event.after) == ("teamleader", {"reason": "idle timeout"})


def test_the_idle_limit_is_thirty_minutes_by_default(sqlite_demo_db, actor_for, monkeypatch):
    monkeypatch.delenv("CASEWORK_IDLE_MINUTES", raising=False)
    at = app_as(actor_for("caseworker")).run()
    _idle(at, 29)
    assert "actor" in at.session_state
    _idle(at, 31)
    assert "actor" not in at.session_state


def test_each_page_view_resets_the_idle_clock(sqlite_demo_db, actor_for, monkeypatch):
    monkeypatch.setenv("CASEWORK_IDLE_MINUTES", "5")
    at = _idle(app_as(actor_for("caseworker")).run(), 4)
    assert time.time() - at.session_state["last_seen"] < 60


def test_a_failed_sign_in_records_no_password_anywhere(sqlite_demo_db, caplog):
    typed = {"caseworker": "Wr0ng-but-Secret-1", "Secret-typed-as-username-2": "whatever-pass-3"}
    caplog.set_level(logging.DEBUG)
    at = app_as().run()
    for username, password in typed.items():
        at.text_input[0].input(username)
        at.text_input[1].input(password)
        at.button[0].click().run()
        assert "There is a problem" in texts(at)
    with transaction() as session:
        trail = json.dumps(
            [(e.entity_id, e.actor_name, e.before, e.after) for e in session.scalars(select(AuditEvent)).all()]
        )
    failures = _events("sign_in.failed")
    assert [e.entity_id for e in failures][-1] == "unknown"
    for secret in ["Wr0ng-but-Secret-1", "Secret-typed-as-username-2", "whatever-pass-3"]:
        assert secret not in trail
        assert secret not in caplog.text
        assert secret not in texts(at)


def test_after_a_successful_sign_in_the_password_is_nowhere_but_its_argon2_hash(sqlite_demo_db, caplog):
    """Not in the log, the audit trail or the database file (the server's own log is checked in Chromium)."""
    from pathlib import Path

    from sqlalchemy.engine import make_url

    caplog.set_level(logging.DEBUG)
    at = app_as().run()
    at.text_input[0].input("caseworker")
    at.text_input[1].input("demo-password")
    at.button[0].click().run()
    assert at.session_state["actor"].username == "caseworker"
    at.run()  # the home page; signing out is tested in Chromium (tests/browser/test_sign_out.py)
    with transaction() as session:
        trail = json.dumps([(e.entity_id, e.before, e.after) for e in session.scalars(select(AuditEvent)).all()])
    assert [e.actor_name for e in _events("sign_in")][-1] == "caseworker"
    assert "demo-password" not in trail
    assert "demo-password" not in caplog.text
    database = Path(make_url(sqlite_demo_db.url).database or "")
    stored = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
    assert b"demo-password" not in stored
    assert b"$argon2id$" in stored


# --- Organisation sign-in (OIDC through st.login) ----------------------------------------------


def _oidc_app(user: dict):
    at = app_as()
    at.secrets["auth"] = OIDC_SECRETS
    at.user = user
    return at


def test_with_an_auth_section_the_sign_in_page_offers_the_organisation_account(sqlite_demo_db):
    at = _oidc_app({"is_logged_in": False}).run()
    assert not at.exception
    assert "Sign in with your organisation account" in [b.label for b in at.button]
    assert "actor" not in at.session_state


def test_without_an_auth_section_only_local_accounts_are_offered(sqlite_demo_db):
    at = app_as().run()
    assert "Sign in with your organisation account" not in [b.label for b in at.button]


def test_an_oidc_identity_signs_in_as_the_user_with_that_email_with_the_role_from_casework_guide(sqlite_demo_db):
    at = _oidc_app({"is_logged_in": True, "email": "TeamLeader@demo.casework.invalid", "name": "T L"}).run()
    assert not at.exception
    assert at.session_state["actor"].username == "teamleader"
    assert at.session_state["actor"].role == "team_leader"
    assert "Welcome, " in texts(at)
    event = _events("sign_in")[-1]
    assert (event.actor_name, event.after) == ("teamleader", {"via": "oidc"})


def test_an_oidc_identity_without_an_account_is_refused_and_audited(sqlite_demo_db):
    at = _oidc_app({"is_logged_in": True, "email": "stranger@example.org"}).run()
    assert "actor" not in at.session_state
    assert "There is no active Casework Guide account for stranger@example.org" in texts(at)
    assert _events("sign_in.failed")[-1].after == {"via": "oidc"}


def test_an_oidc_identity_for_a_deactivated_user_is_refused(sqlite_demo_db):
    from services.users import set_active

    set_active(None, "caseworker", False)
    at = _oidc_app({"is_logged_in": True, "email": "caseworker@demo.casework.invalid"}).run()
    assert "actor" not in at.session_state


def test_an_idle_oidc_user_is_also_signed_out_of_the_identity_session(sqlite_demo_db, monkeypatch):
    """Otherwise the sign-in page would find st.user still signed in and sign straight back in.

    The Sign out button calls the same `ui.end_identity_session`; AppTest loses clicks on widgets that
    app.py draws before st.navigation, so the button itself is tested in Chromium (tests/browser).
    """
    at = _oidc_app({"is_logged_in": True, "email": "caseworker@demo.casework.invalid"}).run()
    assert at.session_state["actor"].username == "caseworker"
    monkeypatch.setenv("CASEWORK_IDLE_MINUTES", "1")
    _idle(at, 2)
    assert not at.exception
    assert at.user.get("is_logged_in") is False
    assert "actor" not in at.session_state
    at.switch_page("pages/sign_in.py").run()
    assert "actor" not in at.session_state
    assert _events("sign_out")[-1].after == {"reason": "idle timeout"}
