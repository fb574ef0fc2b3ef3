"""AppTest: the Users page says what a change did, keeps a refusal on screen, and names roles in words."""

from __future__ import annotations

from sqlalchemy import select

from db.models import User
from services.transaction import transaction
from tests.app.helpers import app_as, texts


def _users_page(actor):
    at = app_as(actor).run()
    at.switch_page("pages/users.py").run()
    assert not at.exception
    return at


def _active(username: str) -> bool:
    with transaction() as session:
        return session.scalars(select(User.is_active).where(User.username == username)).one()


def test_an_admin_deactivating_their_own_account_is_refused_on_screen(sqlite_demo_db, actor_for):
    at = _users_page(actor_for("admin"))
    next(s for s in at.selectbox if s.label == "User").select("admin").run()
    next(b for b in at.button if b.key == "toggle_active").click().run()
    assert not at.exception
    assert "You cannot deactivate your own account." in texts(at)
    assert _active("admin")


def test_deactivating_another_user_says_so_and_roles_read_as_words(sqlite_demo_db, actor_for):
    at = _users_page(actor_for("admin"))
    assert "team_leader" not in {str(o) for s in at.selectbox if s.label == "Role" for o in s.options}
    next(s for s in at.selectbox if s.label == "User").select("policy").run()
    next(b for b in at.button if b.key == "toggle_active").click().run()
    assert "policy can no longer sign in; their open sessions have ended." in texts(at)
    assert not _active("policy")
    assert "Team leader" in {str(o) for s in at.selectbox if s.label == "Role" for o in s.options}
