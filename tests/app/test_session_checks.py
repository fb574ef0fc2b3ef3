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
from services import users
from services.access import SESSION_ENDED
from tests.app.helpers import app_as, texts


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
