"""P2 CSA Scheme Information Received - Update CMS: every branch, walked headlessly."""

import pytest

from tests.procedures.walk import Walk, find_case

START = {"csa_caseworker": "Alex Reed", "outstanding_actions": "Deduction from earnings order to vary"}


@pytest.fixture
def walk(demo_db, actor_for):
    actor = actor_for("caseworker")
    return Walk(actor, "P2", find_case(actor))


def to_notes(walk, *, available=True):
    walk.answer(**START, can_finish_in_timeframe=False)
    walk.answer(owner_name="Kim Lee", owner_available=available)
    if available:
        walk.answer()
    else:
        walk.answer(team_leader_name="Pat Jones", agreed_action="Pat allocates the actions to the team")
    walk.answer(information_received="DEO variation due 1 December")


def test_actions_that_finish_in_time_are_not_handed_over(walk):
    walk.answer(**START, can_finish_in_timeframe=True)
    walk.answer()
    outcome = walk.outcome()
    assert outcome.status == "finished"
    assert outcome.srs == {}
    assert walk.path() == ["outstanding_actions", "no_handover", "done"]


def test_each_need_gets_its_own_sr_with_the_exact_catalogue_values(walk):
    to_notes(walk)
    walk.answer(
        routes=["Escalated complaint", "Outstanding appeal", "Ongoing enforcement action"], complaint_sub_area="Review"
    )
    outcome = walk.outcome()
    main = outcome.srs["main"]
    assert (main.process, main.area, main.sub_area) == ("Transition", "CSA Information", "Update CMS")
    assert (main.status, main.sub_status) == ("Closed", "Complete")
    got = {
        ref: (sr.process, sr.area, sr.sub_area, sr.parent_number) for ref, sr in outcome.srs.items() if ref != "main"
    }
    assert got == {
        "complaint": ("Escalated Enquiries", "Complaints", "Review", main.number),
        "appeal": ("Escalated Enquiries", "Appeals", "Appeal Against Decision", main.number),
        "enforcement": ("Arrears", "Arrears Management", "Arrears Review", main.number),
    }
    assert any("Outstanding CSA actions advised by Alex Reed to Kim Lee" in n for n in main.notes)


def test_no_routing_closes_the_sr_with_only_the_notes(walk):
    to_notes(walk)
    walk.answer(routes=[])
    outcome = walk.outcome()
    assert set(outcome.srs) == {"main"}
    assert "Routing: no other segment needed." in outcome.srs["main"].notes


def test_an_unavailable_owner_goes_to_their_team_leader_and_the_team_gets_a_message(walk):
    to_notes(walk, available=False)
    assert walk.path()[:4] == ["outstanding_actions", "identify_owner", "contact_team_leader", "update_notes"]
    walk.answer(routes=["Outstanding appeal"])
    outcome = walk.outcome()
    ((kind, text, assignee, team),) = outcome.tasks
    assert kind == "message"
    assert "Kim Lee is unavailable" in text
    assert team == walk.actor.team_id
    assert assignee is None


def test_a_complaint_needs_its_sub_area(walk):
    from services.errors import ValidationFailed

    to_notes(walk)
    with pytest.raises(ValidationFailed) as info:
        walk.answer(routes=["Escalated complaint"])
    assert "Complaint sub area" in info.value.errors["complaint_sub_area"]
