"""Pages re-check the signed-in user at every view; faults show plain words with a log reference."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from db.engine import engine_for
from db.models import ProcedureRun
from services import users
from services.access import SESSION_ENDED
from services.transaction import transaction
from tests.app.helpers import app_as, texts
from tests.sent_statements import sent_statements


def test_a_user_deactivated_while_a_page_is_open_is_signed_out_at_the_next_view(sqlite_demo_db, actor_for):
    at = app_as(actor_for("teamleader")).run()
    at.switch_page("pages/outstanding.py").run()
    assert "Outstanding SRs" in texts(at)
    users.set_active(None, "teamleader", False)
    at.run()
    assert "actor" not in at.session_state
    assert SESSION_ENDED in texts(at)
    assert "Outstanding SRs" not in texts(at)
    assert not at.dataframe


def test_a_team_leader_moved_to_caseworker_loses_the_console_at_the_next_view(sqlite_demo_db, actor_for):
    at = app_as(actor_for("teamleader")).run()
    at.switch_page("pages/outstanding.py").run()
    users.set_role_team(None, "teamleader", role="caseworker", team="Specialist Services Support Team")
    at.run()
    assert SESSION_ENDED in texts(at)
    assert not at.dataframe


def test_the_sign_in_page_says_to_wait_after_three_failures(sqlite_demo_db):
    at = app_as().run()
    for _ in range(4):
        at.text_input[0].input("caseworker")
        at.text_input[1].input("wrong-password-1")
        at.button[0].click().run()
    assert "too many sign-in attempts" in texts(at)


@pytest.mark.skipif(not shutil.which("chattr"), reason="chattr (e2fsprogs) makes the SQLite file read-only")
def test_a_read_only_database_at_sign_in_shows_plain_words_and_a_reference_not_a_traceback(
    sqlite_demo_db, monkeypatch, caplog
):
    monkeypatch.delenv("CASEWORK_DEVELOPMENT")
    path = Path(make_url(sqlite_demo_db.url).database or "")
    at = app_as().run()
    engine_for(sqlite_demo_db.url).dispose()
    files = [str(f) for f in [path, *path.parent.glob(path.name + "-*")]]
    subprocess.run(["chattr", "+i", *files], check=True)
    try:
        at.text_input[0].input("caseworker")
        at.text_input[1].input("demo-password")
        with caplog.at_level(logging.ERROR, logger="casework"):
            at.button[0].click().run()
    finally:
        subprocess.run(["chattr", "-i", *files], check=True)
    shown = texts(at)
    assert not at.exception
    found = re.search(r"Everything you saved before is safe\..* quote reference ([0-9A-F]{8})\.", shown)
    assert found, shown
    assert f"[ref {found.group(1)}]" in caplog.text
    for internal in ("sqlalchemy", "OperationalError", "INSERT", "SELECT", str(path), "Traceback"):
        assert internal not in shown


def _signed_in_wizard():
    """The caseworker signed in as a browser is (a session token), in the wizard at P1's "Search the legacy
    systems" (one page: its checklist and one question), that page answered and not yet saved."""
    from services import auth, run_start, runs
    from tests.crash_worker import run_script
    from tests.procedures.walk import find_case
    from ui import TOKEN

    opened = auth.start_session("caseworker", "demo-password")
    view = run_start.start_run(opened.actor, "P1", case_id=find_case(opened.actor, financial_transition_complete=True))
    first = {**run_script()[view.step.id], "_checklist": list(view.step.checklist)}
    view = runs.submit_step(opened.actor, view.run_id, first, expected_version=view.version)
    view = runs.confirm_step(opened.actor, view.run_id, expected_version=view.version)
    at = app_as(opened.actor)
    at.session_state[TOKEN] = opened.token
    at.run()
    at.query_params["run"] = view.run_id
    at.switch_page("pages/wizard.py").run()
    assert not at.exception
    assert at.title[0].value == "Search the legacy systems"
    for box in at.checkbox:
        box.check()
    at.radio[0].set_value("No")
    return at, opened, view


def _continue(at) -> None:
    next(b for b in at.button if b.label == "Continue").click().run()


def test_a_continue_clicked_in_a_tab_signed_out_elsewhere_saves_nothing_and_signs_this_tab_out(sqlite_demo_db):
    from services import auth

    at, opened, view = _signed_in_wizard()
    auth.sign_out(opened.actor, token=opened.token)  # another tab of this browser
    _continue(at)
    assert SESSION_ENDED in texts(at)
    assert "actor" not in at.session_state
    with transaction() as session:
        run = session.get_one(ProcedureRun, view.run_id)
        assert (run.state, run.version) == ("search_legacy", view.version), "the step was saved"


def test_after_a_continue_the_page_does_not_check_the_session_a_second_time(sqlite_demo_db):
    at, _opened, _view = _signed_in_wizard()
    engine = engine_for(sqlite_demo_db.url)
    with sent_statements(engine) as clicked:
        _continue(at)  # the click's own call checked the user and the session, in the run's load
    with sent_statements(engine) as viewed:
        at.run()  # a page view with no click checks them itself
    assert at.title[0].value != "Search the legacy systems", "the step was not saved"
    assert [s for s in clicked if "FROM procedure_runs" in s and "user_sessions" in s], clicked
    assert not [s for s in clicked if s.startswith(("SELECT users.", "SELECT user_sessions."))], clicked
    assert [s for s in viewed if s.startswith("SELECT users.")], viewed


def test_page_views_never_read_a_password_hash_and_sign_in_reads_it_with_the_user(sqlite_demo_db, actor_for):
    """Password hashes are read at sign-in only: not by each page view's check of the signed-in user, nor by the
    console's team-leader checks or the admin's list of users (db/models.py defers the column)."""
    from services import auth
    from ui import TOKEN

    opened = auth.start_session("teamleader", "demo-password")
    at = app_as(opened.actor)
    at.session_state[TOKEN] = opened.token
    at.run()
    engine = engine_for(sqlite_demo_db.url)
    with sent_statements(engine) as viewed:
        at.switch_page("pages/outstanding.py").run()
    assert "Outstanding SRs" in texts(at)
    assert [s for s in viewed if s.startswith("SELECT users.id, users.username")], "the page checked no user"
    assert not [s for s in viewed if "password_hash" in s], viewed
    with sent_statements(engine) as listed:
        users.list_users(actor_for("admin"))
    assert listed, "the user list read nothing"
    assert not [s for s in listed if "password_hash" in s], listed

    with sent_statements(engine) as signed_in:
        auth.sign_in("caseworker", "demo-password")
    hash_reads = [s for s in signed_in if "password_hash" in s]
    assert len(hash_reads) == 1, hash_reads  # in the one read of the user: no second read for the hash
    assert "users.username" in hash_reads[0]


def test_each_check_of_a_signed_in_user_reads_the_user_and_the_session_in_one_statement(sqlite_demo_db):
    """A page view's own check (services/sessions.py) and a service call's (services/access.py) both read the
    user's row and their browser session's: one statement for the two, where each was a statement of its own."""
    from services.work import my_work

    at, opened, _view = _signed_in_wizard()
    at.run()  # the ticks' and the answer's own calls (they check in the run's load); the page skips its check
    engine = engine_for(sqlite_demo_db.url)
    with sent_statements(engine) as viewed:
        at.run()  # a view with no click: the page's own check, then the run's load (which reads them with the run)
    with sent_statements(engine) as called:
        work = my_work(opened.actor)
    assert at.title[0].value == "Search the legacy systems"
    assert work.service_requests
    for sent in (viewed, called):
        checks = [s for s in sent if s.startswith("SELECT users.")]
        assert len(checks) == 1, sent
        assert "LEFT OUTER JOIN user_sessions ON user_sessions.token_hash = " in checks[0], sent
        assert not [s for s in sent if s.startswith("SELECT user_sessions.")], sent
