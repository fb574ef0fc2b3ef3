"""The new caseworker's day on the pages (AppTest): Home, the case finder, My work's pages."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, timedelta

from sqlalchemy import select, update

from db.models import Case, Deadline, ProcedureRun, ServiceRequest
from domain.clock import format_uk, uk_local, utcnow
from services import console, records, reminders
from services.transaction import transaction
from tests.app.helpers import app_as, as_read, texts
from tests.app.test_wizard import button
from tests.integration.test_contact_notes import contact_texts
from tests.procedures.test_handed_over_walks import hand_over_and_allocate
from tests.procedures.walk import team_case


def test_home_shows_the_caseworkers_task_and_marks_it_done(sqlite_demo_db, actor_for):
    actor = actor_for("caseworker")
    with transaction() as session:
        sr = session.scalars(select(ServiceRequest).where(ServiceRequest.owner_id == actor.user_id)).first()
        records.raise_task(
            session, None, sr=sr, assignee_id=actor.user_id, text='Phone CSA VSAT INTERVIEWS to follow up "Visit"'
        )
        records.add_deadline(
            session, None, sr, kind="court_fee_payment", due_at=utcnow() - timedelta(days=1), explanation="Test"
        )
    at = app_as(actor).run()
    assert not at.exception
    shown = texts(at)
    assert "Tasks for you (1)" in shown
    assert 'Phone CSA VSAT INTERVIEWS to follow up "Visit"' in [t.value for t in at.text]
    assert "Service requests waiting on you" in shown
    assert "overdue" in shown
    assert "Allocated to you, with no procedure in progress on them. Open My work to work them." in shown
    due = at.dataframe[0].value
    assert "Overdue" in list(due["Status"])  # every column is named, for screen readers too
    button(at, "Mark as done").click().run()
    assert "Tasks for you (0)" in texts(at)


def test_home_and_my_work_head_each_task_alike_naming_the_case_number_as_a_case(sqlite_demo_db, actor_for):
    """QA (eighth session): Home said "Message for your team · ... · 100000197975" where My work said "Message ·
    ... · case 100000197975", and My work left out that a message was for the whole team. One line for both
    (services/work.TaskRow.heading): what it is and for whom, when, then the SR and its case, each number named."""
    actor = actor_for("caseworker")
    with transaction() as session:
        sr = session.scalars(
            select(ServiceRequest).where(ServiceRequest.owner_id == actor.user_id).order_by(ServiceRequest.id)
        ).first()
        scin = session.get_one(Case, sr.case_id).scin
        message = records.raise_task(
            session, None, sr=sr, team_id=actor.team_id, kind="message", text="The court rang about the hearing."
        )
        task = records.raise_task(session, None, assignee_id=actor.user_id, text="Read the new guidance.")
        raised = {message.id: format_uk(message.created_at), task.id: format_uk(task.created_at)}
    headings = [
        f"Message for your team · {raised[message.id]} · SR {sr.number}, case {scin}",
        f"Task · {raised[task.id]}",  # about no SR: nothing after when it was raised, not a dangling " · "
    ]
    at = app_as(actor).run()
    for page in ("pages/home.py", "pages/my_work.py"):
        at.switch_page(page).run()
        assert not at.exception
        captions = [c.value for c in at.caption]
        for heading in headings:
            assert heading in captions, (page, heading, captions)
        assert not [c for c in captions if c.endswith(f" · {scin}")], page


def test_the_finder_hint_uses_the_teams_own_case_and_p4_says_why_not_before_start(sqlite_demo_db, actor_for):
    actor = actor_for("caseworker")
    own = team_case(actor)
    at = app_as(actor).run()
    at.switch_page("pages/start.py").run()
    finder = at.text_input[0]
    assert finder.label == "Find a case"
    assert f"for example {own.scin}" in finder.help
    assert finder.placeholder == "A SCIN, an SR number or part of a parent's name"  # what to type, in sight

    moved = team_case(actor, csa_liability_ended=True, financial_transition_complete=True)
    finder.input(moved.scin).run()
    shown = texts(at)
    assert "Financial transition is complete" in shown
    assert "You cannot start P4 on this case now." in shown
    labels = [b.label for b in at.button]
    assert "Start P4" not in labels
    assert "Start P1" in labels
    assert not any(label.startswith("Start P5") for label in labels)
    assert "Transition:** CSA liability has ended; financial transition to CMS is complete." in shown

    button(at, "Start P1").click().run()
    assert not at.exception
    with transaction() as session:
        run = session.scalars(select(ProcedureRun).where(ProcedureRun.case_id == moved.id)).one()
        assert (run.procedure_id, run.started_by_id) == ("P1", actor.user_id)


def test_a_name_search_asks_which_case_and_shows_its_open_srs(sqlite_demo_db, actor_for):
    actor = actor_for("caseworker")
    at = app_as(actor).run()
    at.switch_page("pages/start.py").run()
    at.text_input[0].input("an").run()
    box = next(s for s in at.selectbox if s.label == "Which case?")
    assert len(box.options) > 1
    box.select_index(0).run()
    assert "Open service requests on this case" in texts(at)
    assert "Which procedure?" in texts(at)


def test_my_work_pages_through_all_the_srs_and_says_how_many(sqlite_demo_db, actor_for):
    actor = actor_for("caseworker")
    with transaction() as session:
        case = session.scalars(select(Case).where(Case.team_id == actor.team_id)).first()
        for _ in range(60):
            records.create_sr(
                session,
                None,
                case=case,
                process="Escalated Enquiries",
                area="Appeals",
                sub_area="Appeal Against Decision",
                owner_id=actor.user_id,
            )
        total = (
            session.query(ServiceRequest)
            .filter(ServiceRequest.owner_id == actor.user_id, ServiceRequest.status != "Closed")
            .count()
        )
    at = app_as(actor).run()
    at.switch_page("pages/my_work.py").run()
    shown = texts(at)
    assert f"Service requests allocated to you ({total})" in shown
    assert f"Showing 1 to 50 of {total}, oldest first." in shown
    button(at, "Next page").click().run()
    assert f"Showing 51 to {total} of {total}, oldest first." in texts(at)
    assert len(at.dataframe[0].value) == total - 50
    button(at, "Previous page").click().run()
    assert f"Showing 1 to 50 of {total}, oldest first." in texts(at)


def test_my_work_works_an_appeal_sr_with_p1_from_its_case(sqlite_demo_db, actor_for):
    actor = actor_for("caseworker")
    with transaction() as session:
        sr = session.scalars(
            select(ServiceRequest).where(
                ServiceRequest.owner_id == actor.user_id,
                ServiceRequest.area == "Appeals",
                ServiceRequest.status != "Closed",
            )
        ).first()
        number, case_id = sr.number, sr.case_id
    at = app_as(actor).run()
    at.switch_page("pages/my_work.py").run()
    box = next(s for s in at.selectbox if s.label == "Work an allocated SR")
    assert f"{number}: P1 CSA Information Required - Contact Caseworker" in box.options
    assert not any(" P5" in o for o in box.options)  # the SSST's SRs are not offered to this team
    assert "SRs on this page that cannot be worked here now" in [e.label for e in at.expander][0]
    box.set_value(f"{number}:P1").run()
    assert "opens its own Information Request SR" in texts(at)
    button(at, "Work this SR").click().run()
    assert not at.exception
    with transaction() as session:
        run = session.scalars(select(ProcedureRun).where(ProcedureRun.case_id == case_id)).one()
        assert run.procedure_id == "P1"


COUNTS = """
import streamlit as st
from ui import notices

if st.session_state.get("recount"):
    notices.recount()
st.markdown(f"count {notices.notice_count(st.session_state['actor'])}")
"""


def test_the_sidebar_counts_the_users_reminders_and_counts_again_after_a_minute_or_when_told_to(
    sqlite_demo_db, actor_for
):
    """The count is kept a minute in the browser session (the sidebar is drawn on every click), then read again; a
    team leader's reassignment or hand-over has it read again at once (`notices.recount`). (The sidebar's own
    drawing of it is in the next test: Home reads the reminders for its strip, so it counts afresh.)"""
    from streamlit.testing.v1 import AppTest

    from ui import notices

    actor = actor_for("caseworker")
    with transaction() as session:
        session.execute(update(Deadline).values(done=True))  # demo deadlines met: only this test's one counts
    at = AppTest.from_string(COUNTS)
    at.session_state["actor"] = actor
    assert [m.value for m in at.run().markdown] == ["count 0"]

    with transaction() as session:
        sr = session.scalars(select(ServiceRequest).where(ServiceRequest.owner_id == actor.user_id)).first()
        records.add_deadline(
            session, None, sr, kind="review_date", due_at=utcnow() + timedelta(hours=20), explanation="t"
        )
    assert reminders.remind().reminders == 1
    assert [m.value for m in at.run().markdown] == ["count 0"]  # still the count kept a minute ago

    user_id, counted_at, count = at.session_state[notices._COUNTED]
    at.session_state[notices._COUNTED] = (user_id, counted_at - notices.COUNT_KEPT_SECONDS, count)
    assert [m.value for m in at.run().markdown] == ["count 1"]

    with transaction() as session:
        sr = session.scalars(select(ServiceRequest).where(ServiceRequest.owner_id == actor.user_id)).first()
        records.add_deadline(
            session, None, sr, kind="review_date", due_at=utcnow() + timedelta(hours=21), explanation="t"
        )
    assert reminders.remind().reminders == 1
    assert [m.value for m in at.run().markdown] == ["count 1"]
    at.session_state["recount"] = True
    assert [m.value for m in at.run().markdown] == ["count 2"]


def test_an_sr_reassigned_with_an_overdue_deadline_is_on_the_new_owners_home_and_counted_at_once(
    sqlite_demo_db, actor_for
):
    """QA (seventh session): the new owner saw the overdue deadline only after the next `remind` run. The
    reassignment tells them; their Home's strip lists it on its next draw, and the sidebar counts what the strip
    read, not the count it kept a minute (Home and My work read the reminders anyway)."""
    worker, leader, teammate = actor_for("caseworker"), actor_for("teamleader"), actor_for("csa.cw1")
    with transaction() as session:
        session.execute(update(Deadline).values(done=True))  # only this test's deadline is open
        sr = session.scalars(
            select(ServiceRequest).where(ServiceRequest.owner_id == teammate.user_id, ServiceRequest.status != "Closed")
        ).first()
        records.add_deadline(
            session, None, sr, kind="review_date", due_at=utcnow() - timedelta(hours=1), explanation="t"
        )
        sr_id, number, version = sr.id, sr.number, sr.version
    reminders.remind()  # csa.cw1 is told
    at = app_as(worker).run()
    assert "Overdue (1)" not in texts(at)
    assert not any("deadline reminder" in m.value for m in at.sidebar.markdown)  # 0, kept for a minute

    console.reassign(leader, [sr_id], worker.user_id, "Leave", expected_versions={sr_id: version})
    at.run()
    shown = texts(at)
    assert "Overdue (1)" in shown
    assert f"Review date: SR {number}" in shown
    assert ":orange-badge[1 deadline reminder]" in [m.value for m in at.sidebar.markdown]
    assert "Overdue (1)" not in texts(app_as(teammate).run())


def test_a_team_leaders_home_says_which_overdue_list_is_the_teams_and_which_their_own(sqlite_demo_db, actor_for):
    """QA: "Overdue (3)" of team reminders sat above "Deadlines due or overdue (0)" for the leader's own SRs, and
    read as two answers to one question. Each now says whose SRs it lists; a caseworker's strip is unchanged."""
    worker, leader = actor_for("caseworker"), actor_for("teamleader")
    with transaction() as session:
        session.execute(update(Deadline).values(done=True))  # only this test's deadline is open
        sr = session.scalars(
            select(ServiceRequest).where(ServiceRequest.owner_id == worker.user_id, ServiceRequest.status != "Closed")
        ).first()
        records.add_deadline(
            session, None, sr, kind="review_date", due_at=utcnow() - timedelta(days=6), explanation="Test"
        )
    reminders.remind()  # the owner is told it is overdue, the team leader that it is a working day overdue
    shown = texts(app_as(leader).run())
    assert "Overdue in your team (1)" in shown
    assert "Deadlines due or overdue on your own SRs (0)" in shown
    assert "Overdue (1)" not in shown
    assert "Overdue (1)" in texts(app_as(worker).run())


def test_my_work_with_nothing_allocated_says_so_without_an_empty_grid(sqlite_demo_db, actor_for):
    """QA: My work drew an empty grid under "Service requests allocated to you (0)"."""
    leader = actor_for("teamleader")
    with transaction() as session:
        session.execute(update(ServiceRequest).where(ServiceRequest.owner_id == leader.user_id).values(owner_id=None))
    at = app_as(leader).run()
    at.switch_page("pages/my_work.py").run()
    assert not at.exception
    shown = texts(at)
    assert "Service requests allocated to you (0)" in shown
    assert "No service requests are allocated to you." in shown
    assert all(len(df.value) for df in at.dataframe), "no grid is drawn empty"


def _grid(at, column):  # noqa: ANN001, ANN202 - AppTest and its table element
    """The table holding `column`, with its column settings (formats) as the browser gets them."""
    import json

    element = next(df for df in at.dataframe if column in df.value.columns)
    return element.value, json.loads(element.proto.columns or "{}")


def test_home_and_my_work_dates_are_moments_so_a_heading_sort_is_in_date_order(sqlite_demo_db, actor_for):
    """As on the console (QA): a date sent as text sorts "10 Dec" before "3 Dec". Home's deadlines and waiting SRs and
    My work's SRs send moments (the grid sorts by them), shown the UK way by the column's format."""
    import pandas as pd
    from pandas.api.types import is_datetime64_any_dtype

    actor = actor_for("caseworker")
    soon = utcnow().replace(microsecond=0) + timedelta(days=2)
    with transaction() as session:
        sr = session.scalars(select(ServiceRequest).where(ServiceRequest.owner_id == actor.user_id)).first()
        records.add_deadline(session, None, sr, kind="review_date", due_at=soon, explanation="Set by this test")
        number = sr.number
    at = app_as(actor).run()
    due, settings = _grid(at, "How it was worked out")
    assert is_datetime64_any_dtype(due["Due"])
    # UK time, by the minute, not moved again by a zone: the grid's accessible text reads "2026-12-03 14:05"
    assert settings["Due"]["type_config"] == {"type": "datetime", "format": "D MMM YYYY, HH:mm", "step": 60}
    ours = due[(due["SR"] == number) & (due["How it was worked out"] == "Set by this test")]
    assert list(ours["Due"]) == [pd.Timestamp(uk_local(soon).replace(tzinfo=None))]  # the moment, in UK time
    waiting, settings = _grid(at, "Created")
    assert is_datetime64_any_dtype(waiting["Created"])
    assert settings["Created"]["type_config"] == {"type": "datetime", "format": "D MMM YYYY, HH:mm", "step": 60}
    at.switch_page("pages/my_work.py").run()
    mine, settings = _grid(at, "Worked by")
    assert all(isinstance(d, date) and not isinstance(d, datetime) for d in mine["Created"])  # UK days, as dates
    # the day (the full time cut "Worked by" off)
    assert settings["Created"]["type_config"] == {"type": "date", "format": "D MMM YYYY"}


def test_a_team_leaders_overdue_strip_says_why_it_can_list_fewer_than_outstanding_srs(sqlite_demo_db, actor_for):
    """QA (7 December, third session): Home said "Overdue in your team (2)" while Outstanding SRs marked 4 SRs
    OVERDUE: a team leader is told of a deadline once it is a working day overdue. The strip now says so, and where
    every overdue deadline is listed."""
    worker, leader = actor_for("caseworker"), actor_for("teamleader")
    with transaction() as session:
        session.execute(update(Deadline).values(done=True))  # only this test's deadlines are open
        srs = session.scalars(
            select(ServiceRequest).where(ServiceRequest.owner_id == worker.user_id, ServiceRequest.status != "Closed")
        ).all()[:2]
        for sr, late in zip(srs, (timedelta(days=6), timedelta(minutes=30)), strict=True):
            records.add_deadline(session, None, sr, kind="review_date", due_at=utcnow() - late, explanation="Test")
    reminders.remind()  # the leader is told of the first only: the second is not yet a working day overdue
    shown = texts(app_as(leader).run())
    assert "Overdue in your team (1)" in shown
    assert reminders.TEAM_NOTE in shown
    assert "Outstanding SRs lists every overdue deadline of your team." in reminders.TEAM_NOTE
    assert reminders.TEAM_NOTE not in texts(app_as(worker).run())  # a caseworker's strip is theirs alone


def test_home_says_how_to_read_a_deadlines_explanation_cut_short(sqlite_demo_db, actor_for):
    """QA (7 December, fifth session, Chromium at 1366 px): Home's "How it was worked out" ran past the table's edge
    ("... information requested from the CSA caseworke") with nothing saying how to read it whole, as the console's
    deadlines and SR detail's timeline say."""
    from ui.table_data import READ_IN_FULL

    actor = actor_for("caseworker")  # the demo's new caseworker has an overdue review date
    at = app_as(actor).run()
    due, settings = _grid(at, "How it was worked out")
    assert len(due) >= 1
    assert settings["How it was worked out"]["help"] == READ_IN_FULL
    captions = [c.value for c in at.caption]
    assert READ_IN_FULL in captions
    # said under the deadlines, before the next section
    assert captions.index(READ_IN_FULL) < captions.index("You have no open tasks or messages.")


def test_the_case_page_shows_the_cases_contact_notes_with_the_ssst_sr_number_as_text(sqlite_demo_db, actor_for):
    """The CSA team handed its Face to Face Visit SR to the SSST, which wrote the visit summary in the Contact Notes.
    The CSA caseworker finds the case and reads it there, newest first, with its date, author and the SR's number as
    text (no link: the SR is the SSST's); the SSST's SR Notes are not shown. Earlier notes wait in an expander."""
    handed = hand_over_and_allocate(actor_for, "Face to Face Visit")
    with transaction() as session:
        sr = session.get_one(ServiceRequest, handed.sr_id)
        for text in ("First call.", "Second call.", "Third call."):
            records.add_note(session, handed.csa_people[0], case=sr.case, sr=None, text=text, kind="contact")
        records.add_note(session, handed.worker, case=sr.case, sr=sr, text="VSAT rang back about the room.")
        summary = "Face to face visit completed: plan agreed."
        records.add_note(session, handed.worker, case=sr.case, sr=sr, text=summary, kind="contact")
        scin, number, case_id = sr.case.scin, sr.number, sr.case_id
    earlier = len(contact_texts(case_id)) - 3
    at = app_as(handed.csa_people[0]).run()
    at.switch_page("pages/start.py").run()
    at.text_input[0].input(scin).run()
    assert not at.exception
    shown = texts(at)
    assert f"Contact Notes ({earlier + 3})" in shown
    assert "The case's contact history, newest first, whichever team holds the SR each note was written on." in shown
    newest = next(m.value for m in at.markdown if f"SR {number}" in as_read(m.value))
    assert as_read(newest).endswith(f", Demo SSST Caseworker · SR {number}")
    assert "Face to face visit completed: plan agreed." in shown
    assert "VSAT rang back about the room." not in shown  # the SR Notes stay with the SR's team
    assert not [link for link in at.get("page_link") if link.proto.label.startswith("SR ")]
    (expander,) = [e for e in at.expander if e.label.startswith("Earlier Contact Notes")]
    assert expander.label == f"Earlier Contact Notes ({earlier})"
    assert "First call." in as_read("\n".join(m.value for m in expander.markdown))


def test_each_carry_on_link_is_named_for_its_run_so_a_list_of_links_tells_them_apart(sqlite_demo_db, actor_for):
    """QA: a screen reader's list of links read "Carry on, Carry on" on My work and Home. Each is named for its run:
    by the SR it records on, else the SR it was begun from, else its case; a run with no SR yet with when it was
    started, so two P1 runs on one case, started from the case, are told apart (QA), on the row too."""
    from tests.procedures.p4_helpers import p4_case
    from tests.procedures.walk import Walk, owned_complaint

    actor = actor_for("caseworker")
    on_sr = Walk(actor, "P4", p4_case(actor))
    on_sr.answer(stable_balance="1000.00")
    complaint_id, complaint, case_id = owned_complaint(actor)
    Walk(actor, "P1", case_id, begun_from=complaint_id)
    with transaction() as session:
        scin = session.get_one(Case, case_id).scin
    first, second = Walk(actor, "P1", case_id), Walk(actor, "P1", case_id)  # two on one case, from the case (QA)
    # Started the same minute, 20 seconds apart: told apart by which came first (services/work._told_apart)
    minute = utcnow().replace(second=0, microsecond=0) - timedelta(hours=1)
    with transaction() as session:
        for walk, at in ((first, minute), (second, minute + timedelta(seconds=20))):
            session.execute(update(ProcedureRun).where(ProcedureRun.id == walk.view.run_id).values(created_at=at))
        begun_at = session.scalars(
            select(ProcedureRun.created_at).where(ProcedureRun.begun_from_sr_id == complaint_id)
        ).one()
    on_case = [
        f"Carry on P1 on case {scin}, started {format_uk(minute)} ({n} of 2 started then)" for n in (1, 2)
    ]  # fmt: skip
    named = {
        f"Carry on P4 on SR {on_sr.view.sr_number}",
        f"Carry on P1 begun from SR {complaint}, started {format_uk(begun_at)}",
        *on_case,
    }
    at = app_as(actor).run()
    for page in ("pages/home.py", "pages/my_work.py"):
        at.switch_page(page).run()
        assert not at.exception
        links = [link.proto.label for link in at.get("page_link") if link.proto.page == "wizard"]
        # the link reads "Carry on" (a longer label is cut short in its column); its name is drawn beside it for the
        # page's accessibility script (ui/a11y.py), which Chromium's test checks gives it to the link
        names = [html.unescape(n) for m in at.markdown for n in re.findall(r'data-carry-on="([^"]*)"', m.value)]
        assert set(links) == {"Carry on"}
        assert len(names) == len(links) == len(set(names)), f"two Carry on links share a name on {page}"
        assert named <= set(names), page
        # sighted users read the same: each row with no SR yet says when its run was started
        shown = texts(at)
        for name in on_case:
            assert f"**P1** on case {scin} · {name.removeprefix(f'Carry on P1 on case {scin}, ')}" in shown, page
