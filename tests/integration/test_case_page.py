"""The team leader's case page (pages/case.py) and its links, on SQLite and PostgreSQL: an open SR's page is linked
only for a team leader of the team holding it, the SR page links to its case only for the case's team, and a team
leader who types the number of an SR held on another team's case is told where that SR opens (QA: a team leader had no
case page, and P5e's task to proceed sent the whole case team, team leader included, to read the case)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.models import AuditEvent, Case
from services import case_finder, records, sr_view
from services.access import opens_sr_page, reads_case
from services.actor import Actor
from services.errors import PermissionDenied, ValidationFailed
from services.transaction import transaction
from tests.procedures.test_handed_over_walks import hand_over_and_allocate


def own_sr(case_id: int) -> int:
    """A new open SR of the case's own team on the case (an Arrears Review), unallocated."""
    with transaction() as session:
        case = session.get_one(Case, case_id)
        return records.create_sr(
            session, None, case=case, process="Arrears", area="Arrears Management", sub_area="Arrears Review"
        ).id


def _opens(reader: Actor, case_id: int) -> dict[int, bool]:
    return {s.id: s.opens for s in case_finder.case_card(reader, case_id).open_srs}


def test_a_team_leader_opens_the_page_of_each_open_sr_their_team_holds_and_no_other(demo_db, actor_for):
    """The CSA team handed its Face to Face Visit SR to the SSST: its leader's case page lists it, not as a link (its
    page is the SSST's); the CSA team's own open SRs on the case are links. A caseworker has no SR page: no links."""
    handed = hand_over_and_allocate(actor_for, "Face to Face Visit")
    caseworker, leader = handed.csa_people
    own = own_sr(handed.case_id)
    opens = _opens(leader, handed.case_id)
    assert (opens[handed.sr_id], opens[own]) == (False, True)
    assert sr_view.sr_full_view(leader, own).id == own  # the link opens: the leader's team holds the SR
    assert not any(_opens(caseworker, handed.case_id).values())


def test_the_sr_page_links_to_its_case_only_for_the_cases_team(demo_db, actor_for):
    """The CSA leader's SR on the CSA case links to the case; the SSST leader's view of the SR handed to the SSST does
    not: the case stays the CSA team's, whose page would refuse them."""
    handed = hand_over_and_allocate(actor_for, "Face to Face Visit")
    leader = handed.csa_people[1]
    own = own_sr(handed.case_id)
    assert sr_view.sr_full_view(leader, own).opens_case is True
    assert sr_view.sr_full_view(handed.ssst_leader, handed.sr_id).opens_case is False
    assert sr_view.sr_full_view(handed.worker, handed.sr_id).opens_case is False


def test_a_team_leader_typing_an_sr_number_held_on_another_teams_case_is_sent_to_the_srs_own_page(demo_db, actor_for):
    """The SSST leader's team holds the SR, not its case: the finder says the case's page is the other team's and where
    the SR itself opens (a team leader's, not a caseworker's, words)."""
    handed = hand_over_and_allocate(actor_for, "Face to Face Visit")
    number = sr_view.sr_full_view(handed.worker, handed.sr_id).number
    with pytest.raises(ValidationFailed) as told:
        case_finder.find_cases(handed.ssst_leader, number)
    assert told.value.errors == {"query": case_finder.HELD_FOR_A_TEAM_LEADER.format(number=number)}
    assert told.value.errors["query"] == (
        f"Service request {number} is your team's, but its case is another team's, so the case's page is theirs. "
        "Open the SR itself from Outstanding SRs (Open an SR by its number)."
    )
    with pytest.raises(ValidationFailed) as told:
        case_finder.find_cases(handed.worker, number)
    assert told.value.errors == {"query": case_finder.HELD_ON_ANOTHER_TEAMS_CASE.format(number=number)}


def test_the_cases_team_finds_its_case_by_the_number_of_an_sr_another_team_holds_on_it(demo_db, actor_for):
    """QA: the case page lists the Face to Face Visit SR the SSST holds, but its number typed in the finder was refused
    as if it did not exist. The case's team now finds its case by it; a third team is still refused, and audited."""
    handed = hand_over_and_allocate(actor_for, "Face to Face Visit")
    number = sr_view.sr_full_view(handed.worker, handed.sr_id).number
    for reader in handed.csa_people:
        assert [m.case_id for m in case_finder.find_cases(reader, number).matches] == [handed.case_id]
    outsider = actor_for("financial.tl")
    with pytest.raises(PermissionDenied, match="that service request: it does not exist, or it is not your team's"):
        case_finder.find_cases(outsider, number)
    with transaction() as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
        assert (event.action, event.actor_id, event.entity_type, event.entity_id) == (
            "refused",
            outsider.user_id,
            "service_request",
            str(handed.sr_id),
        )


def test_the_link_rules_follow_the_role_and_the_team(sqlite_demo_db, actor_for):
    """Asked without refusing: the SR page is team leaders' and their own team's; the case page the case's team's."""
    leader, caseworker, policy = actor_for("teamleader"), actor_for("caseworker"), actor_for("policy")
    team = leader.team_id
    assert team is not None
    assert [opens_sr_page(leader, team), opens_sr_page(leader, team + 1), opens_sr_page(leader, None)] == [
        True,
        False,
        False,
    ]
    assert not opens_sr_page(caseworker, caseworker.team_id)
    assert [reads_case(leader, team), reads_case(caseworker, caseworker.team_id), reads_case(leader, team + 1)] == [
        True,
        True,
        False,
    ]
    assert not reads_case(policy, team)
