"""An administrator cannot lock themselves out from the app: no deactivating or demoting their own account there.

QA found the demo's only admin could deactivate their own account; the page then said "nothing more was done",
nobody could manage users, and the command line had no way back. Another administrator, or the command line on
the server, still can; `casework users reactivate` brings an account back.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from casework.cli import app
from db.models import User
from services import users
from services.errors import DomainError
from services.transaction import transaction


def _user(username: str) -> User:
    with transaction() as session:
        found = session.scalars(select(User).where(User.username == username)).one()
        session.expunge(found)
        return found


def test_an_admin_cannot_deactivate_or_demote_their_own_account(sqlite_demo_db, actor_for):
    admin = actor_for("admin")
    with pytest.raises(DomainError, match="You cannot deactivate your own account"):
        users.set_active(admin, "admin", False)
    with pytest.raises(DomainError, match="You cannot change the role of your own account"):
        users.set_role_team(admin, "admin", role="caseworker", team="CSA Rules Reassessment Team")
    me = _user("admin")
    assert (me.is_active, me.role) == (True, "admin")
    users.set_active(admin, "policy", False)  # anyone else's account, as before
    assert not _user("policy").is_active


def test_the_command_line_deactivates_and_reactivates_an_account(sqlite_demo_db):
    assert CliRunner().invoke(app, ["users", "deactivate", "admin"]).exit_code == 0
    assert not _user("admin").is_active
    result = CliRunner().invoke(app, ["users", "reactivate", "admin"])
    assert result.exit_code == 0, result.output
    assert "admin can sign in again." in result.output
    assert _user("admin").is_active
    assert CliRunner().invoke(app, ["users", "reactivate", "nobody"]).exit_code == 2
