"""The main path of P2, P3 and P4 walked through the wizard page, with the headless tests' own walk helpers.

P1's main path is in test_wizard.py. Each walk here types the answers into the page's widgets (PageWalk),
then checks what the page recorded through the services: the same SR values the headless tests assert.
"""

from datetime import date
from decimal import Decimal

import pytest

from procedures import p4_manage_client_arrears as p4
from services import run_context
from tests.app.helpers import texts
from tests.app.page_walk import PageWalk
from tests.procedures.p4_helpers import Clock, case_row, finish, p4_case, to_after_window, to_await_response
from tests.procedures.test_p2 import to_notes
from tests.procedures.test_p3 import check_csa, legacy_case, value
from tests.procedures.walk import csa_case_to_transition


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(run_context, "run_today", clock)
    return clock


def test_p2_main_path_hands_over_and_routes_each_need_to_its_own_sr(sqlite_demo_db, actor_for):
    actor = actor_for("caseworker")
    walk = PageWalk(actor, "P2", csa_case_to_transition(actor))
    to_notes(walk, available=False, team_leader=actor_for("teamleader"))
    walk.answer(routes=["Escalated complaint", "Outstanding appeal"], complaint_sub_area="Review")
    assert "is finished" in texts(walk.at)
    outcome = walk.outcome()
    main = outcome.srs["main"]
    assert (main.process, main.area, main.sub_area, main.status, main.sub_status) == (
        "Transition",
        "CSA Information",
        "Update CMS",
        "Closed",
        "Complete",
    )
    children = {ref: (sr.process, sr.area, sr.sub_area, sr.parent_number) for ref, sr in outcome.srs.items()}
    assert children["complaint"] == ("Escalated Enquiries", "Complaints", "Review", main.number)
    assert children["appeal"] == ("Escalated Enquiries", "Appeals", "Appeal Against Decision", main.number)
    assert any("Outstanding CSA actions advised by Alex Reed to Pat Jones (team leader)" in n for n in main.notes)
    ((kind, text, _assignee, _team),) = outcome.tasks  # the team is told the owner is unavailable
    assert kind == "message"
    assert "Kim Lee is unavailable" in text
    assert walk.pages_seen == walk.path()[: len(walk.pages_seen)]


def test_p3_main_path_sets_up_the_current_lo_and_closes_the_finalise_case_sr(sqlite_demo_db, actor_for):
    actor = actor_for("caseworker")
    walk = PageWalk(actor, "P3", legacy_case(actor))
    check_csa(walk)
    prefilled = value(walk, "liability_orders")
    current = [lo for lo in prefilled if not lo["discharged"]]
    walk.answer(liability_orders=prefilled)
    walk.answer()
    walk.answer(ongoing_enforcement=["Bailiff"], enforcement_details="Bailiff instructed 2019", urgent=False)
    walk.answer(closing_note="LO entered on the 2012 system")
    assert "is finished" in texts(walk.at)
    outcome = walk.outcome()
    main = outcome.srs["main"]
    los = [sr for ref, sr in outcome.srs.items() if ref.startswith("lo_")]
    assert len(los) == len(current) >= 1
    assert all(lo.parent_number == main.number and lo.sub_area == "Set Up Legacy LO" for lo in los)
    assert (main.status, main.sub_status) == ("Closed", "Complete")
    assert any(
        "LO set up through Enforcement Actions (CSA) - Input. LO entered on the 2012 system" in n for n in main.notes
    )


def test_p4_main_path_writes_off_part_and_closes_with_letters_to_both_parents(sqlite_demo_db, actor_for, clock):
    actor = actor_for("caseworker")
    case_id = p4_case(actor, sos_arrears=Decimal("50.00"))
    walk = PageWalk(actor, "P4", case_id)
    to_await_response(walk, clock)
    to_after_window(walk, clock, "400.00")
    clock.advance(45)  # past the end of the 30 days, wherever the weekends and bank holidays fall
    walk.answer(window_outcome=p4.NO_CHANGE)
    finish(walk, clock)
    assert "is finished" in texts(walk.at)
    outcome = walk.outcome()
    main = outcome.srs["main"]
    assert (main.status, main.sub_status, main.resolution_code) == ("Closed", "Complete", "Completed")
    parties = case_row(case_id)
    sent = {(code, recipient): context for code, recipient, _status, context in outcome.letters}
    assert set(sent) == {
        ("CWGL010", "receiving_parent"),
        ("CWGL011", "receiving_parent"),
        ("CWGL012", "paying_parent"),
        ("CWGL013", "receiving_parent"),
        ("CWGL014", "paying_parent"),
    }
    closure = sent[("CWGL014", "paying_parent")]
    assert closure["recipient_name"] == parties["paying_parent"]
    assert (Decimal(closure["amount_written_off"]), Decimal(closure["amount_transitioned"])) == (
        Decimal("400.00"),
        Decimal("600.00"),
    )
    assert date.fromisoformat(closure["letter_date"]) == clock.today
