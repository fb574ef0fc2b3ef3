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


def _lock(username: str) -> None:
    with transaction() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        for _ in range(throttle.ACCOUNT.lock_after):
            throttle.record_failure(session, [throttle.account_key(user, username)])


def test_a_locked_sign_in_shows_on_the_admins_home_and_users_and_unlock_lifts_it(sqlite_demo_db, actor_for):
    """An administrator's most common call: someone cannot sign in after failed attempts. Home names them; Users shows
    the lock in its list, and Unlock sign-in lifts it there and then."""
    _lock("caseworker")  # a demo account with a password
    admin = actor_for("admin")
    home = app_as(admin).run()
    assert not home.exception
    assert "Sign-ins locked now (1)" in texts(home)
    assert [t.value for t in home.text if "(caseworker)" in t.value][0].startswith(
        "Demo Caseworker (caseworker): locked until "
    )

    at = _users_page(admin)
    table = at.dataframe[0].value
    lock = dict(zip(table["Username"], table["Sign-in"], strict=True))
    assert lock["caseworker"].startswith("Locked until ")
    assert {name for name, said in lock.items() if said} == {"caseworker"}
    chooser = next(s for s in at.selectbox if s.label == "User")
    assert "Demo Caseworker (caseworker)" in chooser.options  # named as Home names them (QA, seventh session)
    chooser.select("caseworker").run()
    locked = [c.value for c in at.caption if c.value.startswith("Sign-in locked")]
    assert locked == [f"Sign-in locked after repeated failed sign-ins, until {lock['caseworker'][-5:]} (UK time)."]
    next(b for b in at.button if b.label == "Unlock sign-in").click().run()
    assert not at.exception
    assert "caseworker can sign in now." in texts(at)
    table = at.dataframe[0].value
    assert not any(table["Sign-in"])
    assert not [c.value for c in at.caption if c.value.startswith("Sign-in locked")]
    assert "Sign-ins locked now (0)" in texts(app_as(admin).run())


def test_unlocking_an_account_with_no_way_to_sign_in_says_so_not_that_they_can_sign_in(sqlite_demo_db, actor_for):
    """QA (seventh session): csa.cw2, a demo colleague with no password and no email, was locked by ten wrong
    passwords; Unlock sign-in said "csa.cw2 can sign in now", and their next sign-in was refused. The lock is lifted,
    and the page says they cannot sign in until a password is set, and how."""
    _lock("csa.cw2")
    at = _users_page(actor_for("admin"))
    next(s for s in at.selectbox if s.label == "User").select("csa.cw2").run()
    next(b for b in at.button if b.label == "Unlock sign-in").click().run()
    assert not at.exception
    said = [t for t in texts(at).splitlines() if t.startswith("csa.cw2")]
    assert said == [
        "csa.cw2's sign-in lock is lifted. They have no password and no email for organisation sign-in, so they "
        "cannot sign in yet: set a password on the server (`python -m casework users set-password csa.cw2`)."
    ]
    assert not any(at.dataframe[0].value["Sign-in"])
    next(b for b in at.button if b.label == "Unlock sign-in").click().run()  # nothing left to lift: says that too
    said = [t for t in texts(at).splitlines() if t.startswith("csa.cw2")]
    assert said[0].startswith("csa.cw2 had no sign-in lock. They have no password"), said
