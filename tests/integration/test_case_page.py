"""The team leader's case page (pages/case.py) and its links, on SQLite and PostgreSQL: an open SR's page is linked
only for a team leader of the team holding it, the SR page links to its case only for the case's team, and a team
leader who types the number of an SR held on another team's case is told where that SR opens (QA: a team leader had no
case page, and P5e's task to proceed sent the whole case team, team leader included, to read the case)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from db.models import AuditEvent, Case, ServiceRequest
from domain.clock import utcnow
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


def _closed(case_id: int, closed_at: datetime, sub_status: str, *, resolution_code: str | None = None) -> int:
    """A new SR of the case's own team on the case, closed on `closed_at` with that Sub Status (and Resolution Code)."""
    sr_id = own_sr(case_id)
    with transaction() as session:
        sr = session.get_one(ServiceRequest, sr_id)
        records.set_status(session, None, sr, "Closed", sub_status, resolution_code=resolution_code)
        sr.closed_at = closed_at
    return sr_id


def test_the_case_page_lists_the_cases_closed_srs_newest_first_with_when_and_how_each_was_closed(demo_db, actor_for):
    """QA, seventh session: the Case page listed open SRs only, so a team leader could not read of a complaint closed
    last week. The closed ones come newest first, each with its day and how it was closed; one the SSST holds is
    listed as the open list lists it, not to be opened; Start a procedure asks for none."""
    handed = hand_over_and_allocate(actor_for, "Face to Face Visit")
    caseworker, leader = handed.csa_people
    now = utcnow()
    with transaction() as session:  # the SSST closes the visit SR it was handed
        visit = session.get_one(ServiceRequest, handed.sr_id)
        records.set_status(session, None, visit, "Closed", "Cancelled", resolution_code="Failed To Attend")
        visit.closed_at = now - timedelta(days=2)
        before = set(session.scalars(select(ServiceRequest.id).where(
            ServiceRequest.case_id == handed.case_id, ServiceRequest.status == "Closed", ServiceRequest.id != visit.id
        )))  # fmt: skip
    week_ago = _closed(handed.case_id, now - timedelta(days=7), "Complete")
    yesterday = _closed(handed.case_id, now - timedelta(days=1), "Cancelled")

    card = case_finder.case_card(leader, handed.case_id, closed=case_finder.CLOSED_LISTED)
    listed = [(s.id, s.closed_as, s.opens) for s in card.closed_srs if s.id not in before]
    assert listed == [
        (yesterday, "Cancelled", True),
        (handed.sr_id, "Cancelled, Failed To Attend", False),  # the SSST's: its page is theirs
        (week_ago, "Complete", True),
    ]
    days = [s.closed_at for s in card.closed_srs]
    assert days == sorted(days, reverse=True)  # newest first, the demo's own closed SRs among them
    assert card.more_closed == max(0, len(before) + 3 - case_finder.CLOSED_LISTED)
    assert all(s.id not in {o.id for o in card.open_srs} for s in card.closed_srs)
    assert sr_view.sr_full_view(leader, yesterday).status == "Closed"  # the link opens

    assert not any(s.opens for s in case_finder.case_card(caseworker, handed.case_id, closed=5).closed_srs)
    start = case_finder.case_card(caseworker, handed.case_id)  # Start a procedure: no closed SRs asked for
    assert (start.closed_srs, start.more_closed) == ([], 0)


def test_the_closed_srs_beyond_the_limit_are_counted_not_cut_silently(demo_db, actor_for):
    leader = actor_for("teamleader")
    with transaction() as session:
        case_id = session.scalars(
            select(Case.id).where(Case.team_id == leader.team_id, Case.sensitive.is_(False)).order_by(Case.id)
        ).first()
        assert case_id is not None
        already = session.scalar(
            select(func.count()).where(ServiceRequest.case_id == case_id, ServiceRequest.status == "Closed")
        )
    now = utcnow()
    newest = [_closed(case_id, now - timedelta(hours=h), "Cancelled") for h in (1, 2, 3)]
    card = case_finder.case_card(leader, case_id, closed=2)
    assert ([s.id for s in card.closed_srs], card.more_closed) == (newest[:2], already + 1)
    card = case_finder.case_card(leader, case_id, closed=already + 3)
    assert (len(card.closed_srs), card.more_closed) == (already + 3, 0)


def test_another_teams_leader_reads_no_closed_sr_of_a_case_and_is_refused_audited(demo_db, actor_for):
    """The SSST holds a closed SR on the CSA case, but not the case: its leader reads nothing of the case's SRs."""
    handed = hand_over_and_allocate(actor_for, "Face to Face Visit")
    with transaction() as session:
        records.set_status(session, None, session.get_one(ServiceRequest, handed.sr_id), "Closed", "Cancelled")
    with pytest.raises(PermissionDenied, match="You cannot open that case"):
        case_finder.case_card(handed.ssst_leader, handed.case_id, closed=case_finder.CLOSED_LISTED)
    with transaction() as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
        assert (event.action, event.actor_id, event.entity_type) == ("refused", handed.ssst_leader.user_id, "case")
