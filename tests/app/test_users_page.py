"""AppTest: the Users page says what a change did, keeps a refusal on screen, and names roles in words."""

from __future__ import annotations

from sqlalchemy import select

from db.models import User
from services import throttle
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


def test_a_locked_sign_in_shows_on_the_admins_home_and_users_and_unlock_lifts_it(sqlite_demo_db, actor_for):
    """An administrator's most common call: someone cannot sign in after failed attempts. Home names them; Users shows
    the lock in its list, and Unlock sign-in lifts it there and then."""
    with transaction() as session:
        user = session.scalars(select(User).where(User.username == "csa.cw3")).one()
        for _ in range(throttle.ACCOUNT.lock_after):
            throttle.record_failure(session, [throttle.account_key(user, "csa.cw3")])
    admin = actor_for("admin")
    home = app_as(admin).run()
    assert not home.exception
    assert "Sign-ins locked now (1)" in texts(home)
    assert [t.value for t in home.text if "csa.cw3" in t.value][0].startswith("Dean Mills (csa.cw3): locked until ")

    at = _users_page(admin)
    table = at.dataframe[0].value
    lock = dict(zip(table["Username"], table["Sign-in"], strict=True))
    assert lock["csa.cw3"].startswith("Locked until ")
    assert {name for name, said in lock.items() if said} == {"csa.cw3"}
    next(s for s in at.selectbox if s.label == "User").select("csa.cw3").run()
    next(b for b in at.button if b.label == "Unlock sign-in").click().run()
    assert not at.exception
    assert "csa.cw3 can sign in now." in texts(at)
    table = at.dataframe[0].value
    assert not any(table["Sign-in"])
    assert "Sign-ins locked now (0)" in texts(app_as(admin).run())
