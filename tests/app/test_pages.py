"""Each role signs in and sees its own pages, and only those."""

import pytest

from tests.app.helpers import app_as, texts

PAGES = {
    "caseworker": ["pages/my_work.py", "pages/start.py"],
    "teamleader": ["pages/outstanding.py", "pages/case.py", "pages/my_work.py"],
    "policy": ["pages/letter_studio.py"],
    "admin": ["pages/users.py"],
}
TITLES = {
    "pages/my_work.py": "My work",
    "pages/start.py": "Start a procedure",
    "pages/outstanding.py": "Outstanding SRs",
    "pages/case.py": "Case",
    "pages/letter_studio.py": "Letter preview",
    "pages/users.py": "Users",
}
ALL = sorted({p for pages in PAGES.values() for p in pages})


def test_signing_in_with_the_form_shows_the_home_page(sqlite_demo_db):
    at = app_as().run()
    assert "Casework Guide" in texts(at)
    at.text_input[0].input("caseworker")
    at.text_input[1].input("demo-password")
    at.button[0].click().run()
    assert not at.exception
    assert at.session_state["actor"].username == "caseworker"
    at.switch_page("pages/home.py").run()
    assert "Welcome, Demo Caseworker" in texts(at)


def test_a_wrong_password_is_shown_at_the_top_and_nobody_is_signed_in(sqlite_demo_db):
    at = app_as().run()
    at.text_input[0].input("caseworker")
    at.text_input[1].input("not-the-password")
    at.button[0].click().run()
    assert "There is a problem" in texts(at)
    assert "actor" not in at.session_state


@pytest.mark.parametrize("username", list(PAGES))
def test_each_role_sees_its_pages_and_not_the_others(sqlite_demo_db, actor_for, username):
    actor = actor_for(username)
    at = app_as(actor).run()
    assert not at.exception
    assert f"Welcome, {actor.display_name}" in texts(at)
    for page in PAGES[username]:
        at.switch_page(page).run()
        assert not at.exception, f"{page} failed for {username}: {at.exception}"
    for page in set(ALL) - set(PAGES[username]):
        # A page outside the role's navigation is never run: AppTest refuses to switch to it, or the
        # app falls back to a page the role may see.
        try:
            at.switch_page(page).run()
        except ValueError:
            continue
        assert TITLES[page] not in [t.value for t in at.title], f"{username} reached {page}"
        assert "You do not have access to that page." in texts(at)


def test_my_work_lists_the_caseworkers_allocated_srs(sqlite_demo_db, actor_for):
    at = app_as(actor_for("caseworker")).run()
    at.switch_page("pages/my_work.py").run()
    assert "Service requests allocated to you" in texts(at)
    assert len(at.dataframe[0].value) > 0


def test_start_shows_the_case_banner_with_the_pv_warning(sqlite_demo_db, actor_for):
    from sqlalchemy import select

    from db.models import Case
    from services.transaction import transaction

    actor = actor_for("caseworker")
    with transaction() as session:
        scin = session.scalars(select(Case.scin).where(Case.team_id == actor.team_id, Case.potentially_violent)).first()
    at = app_as(actor).run()
    at.switch_page("pages/start.py").run()
    at.text_input[0].input(scin).run()
    assert "Potentially violent (PV) marker" in texts(at)
    assert "Receiving parent" in texts(at)
    assert "Paying parent" in texts(at)


def test_users_page_refuses_a_short_password_at_the_field(sqlite_demo_db, actor_for):
    at = app_as(actor_for("admin")).run()
    at.switch_page("pages/users.py").run()
    at.text_input[0].input("new.person")
    at.text_input[1].input("New Person")
    at.text_input[3].input("short")
    at.button[0].click().run()
    assert "at least 10 characters" in texts(at)


def test_the_accessibility_script_goes_once_after_the_page_and_every_element_keeps_its_place_on_later_runs(
    sqlite_demo_db, actor_for
):
    """The script is sent on a session's first run only, after the page's own elements (ui/page_end.py); later runs
    send nothing in its place, and nothing of the page moves (the browser knows an element by its place: moved, a
    field loses its focus or its file)."""
    at = app_as(actor_for("caseworker")).run()
    first = [(place, type(element).__name__) for place, element in at.main.children.items()]
    last = max(at.main.children)
    assert first[-1] == (last, "Html")
    assert "__caseworkA11y" in at.main.children[last].proto.body  # the Html element's own message
    at.run()
    later = [(place, type(element).__name__) for place, element in at.main.children.items()]
    assert later == first[:-1]
    assert all("__caseworkA11y" not in str(getattr(e, "proto", "")) for e in at.main.children.values())


def test_start_says_when_the_procedure_is_already_in_progress_on_the_case(sqlite_demo_db, actor_for):
    """QA started a third P1 on a case with two in progress, told nothing."""
    from db.models import Case
    from services import records, run_start
    from services.transaction import transaction
    from tests.procedures.walk import find_case

    actor = actor_for("caseworker")
    case_id = find_case(actor, financial_transition_complete=True)
    with transaction() as session:
        scin = session.get(Case, case_id).scin
    at = app_as(actor).run()
    at.switch_page("pages/start.py").run()
    at.text_input[0].input(scin).run()
    assert "already in progress on this case" not in texts(at)
    run_start.start_run(actor, "P1", case_id=case_id)
    at.run()
    assert "1 P1 run is already in progress on this case." in texts(at)
    assert any(b.label == "Start P1" for b in at.button)  # said, not refused: another query is another run
    with transaction() as session:  # as My work's "Work this SR" on a complaint SR begins one
        complaint = records.create_sr(
            session, None, case=session.get_one(Case, case_id), process="Escalated Enquiries", area="Complaints",
            sub_area="Resolution", owner_id=actor.user_id,
        )  # fmt: skip
        number, complaint_id = complaint.number, complaint.id
    run_start.start_run(actor, "P1", case_id=case_id, begun_from=complaint_id)
    at.run()
    assert (
        f"2 P1 runs are already in progress on this case: 1 begun from SR {number} (Escalated Enquiries / Complaints "
        "/ Resolution) and 1 started from the case, not from an SR." in texts(at)
    )
