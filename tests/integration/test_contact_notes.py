"""The case's Contact Notes on the case page (services/contact_notes.py), on SQLite and PostgreSQL: the case's team
reads every one, whichever team holds the SR it was written on (QA: P5e told the CSA team to read the visit summary on
an SR the SSST held, which the CSA team cannot open); SR Notes stay with the SR's team; any other team is refused as
the case page refuses it, a sensitive case included."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from db.models import AuditEvent, Case, Note, ServiceRequest, User
from domain.clock import utcnow
from services import case_finder, records, sr_view
from services.access import SENSITIVE_REFUSAL
from services.actor import Actor
from services.contact_notes import case_contact_notes
from services.errors import DomainError, NotFound, PermissionDenied
from services.transaction import transaction
from tests.procedures.test_handed_over_walks import hand_over_and_allocate
from tests.procedures.walk import team_named

SSST = "Specialist Services Support Team"
OTHER_TEAMS_CASE = "You cannot open that case: it does not exist, or it is not your team's."


def _note(actor: Actor, sr_id: int, text: str, *, kind: str) -> None:
    with transaction() as session:
        sr = session.get_one(ServiceRequest, sr_id)
        records.add_note(session, actor, case=sr.case, sr=sr, text=text, kind=kind)


def _name(actor: Actor) -> str:
    with transaction() as session:
        return session.get_one(User, actor.user_id).display_name


def _number(sr_id: int) -> str:
    with transaction() as session:
        return session.get_one(ServiceRequest, sr_id).number


def contact_texts(case_id: int) -> list[str]:
    """Every Contact Note on the case, newest first, read here rather than from the product."""
    with transaction() as session:
        return list(
            session.scalars(
                select(Note.text)
                .where(Note.case_id == case_id, Note.kind == "contact")
                .order_by(Note.created_at.desc(), Note.id.desc())
            )
        )


def _sr_of_team(case_id: int, team_id: int) -> int:
    with transaction() as session:
        case = session.get_one(Case, case_id)
        return records.create_sr(
            session, None, case=case, process="Arrears", area="Arrears Management", sub_area="Arrears Review",
            team_id=team_id,
        ).id  # fmt: skip


def test_the_cases_team_reads_the_contact_notes_of_an_sr_the_ssst_holds_and_not_its_sr_notes(demo_db, actor_for):
    """The CSA team handed its Face to Face Visit SR to the SSST, whose caseworker wrote the visit summary in the
    Contact Notes and a working note in the SR Notes. The CSA team reads the first on its case, with the SR's number
    as text (it cannot open the SR), the date and the author; the SR Notes and the SR itself stay the SSST's."""
    handed = hand_over_and_allocate(actor_for, "Face to Face Visit")
    number = _number(handed.sr_id)
    _note(handed.worker, handed.sr_id, "Face to face visit completed: payment plan agreed.", kind="contact")
    _note(handed.worker, handed.sr_id, "VSAT rang back about the room.", kind="sr")
    caseworker, leader = handed.csa_people

    for reader in (caseworker, leader):
        notes = case_contact_notes(reader, handed.case_id)
        newest = notes[0]
        assert (newest.text, newest.sr_number, newest.sr_id, newest.author) == (
            "Face to face visit completed: payment plan agreed.",
            number,
            None,  # no link: the SR is the SSST's
            _name(handed.worker),
        )
        assert abs(utcnow() - newest.at) < timedelta(minutes=1)
        assert [n.text for n in notes] == contact_texts(handed.case_id)  # every Contact Note, newest first
        assert "VSAT rang back about the room." not in [n.text for n in notes]  # SR Notes stay with the SR
        with pytest.raises(PermissionDenied):
            sr_view.sr_full_view(reader, handed.sr_id)
    assert [n.text for n in sr_view.sr_full_view(handed.worker, handed.sr_id).notes][-2:] == [
        "Face to face visit completed: payment plan agreed.",
        "VSAT rang back about the room.",
    ]  # the SSST reads both on its SR


def test_the_sr_number_is_a_link_only_for_a_team_leader_of_the_team_holding_the_sr(demo_db, actor_for):
    """The SR page is team leaders': the CSA leader gets a link to the CSA team's own SR, never to the SSST's; a
    caseworker gets every number as text."""
    handed = hand_over_and_allocate(actor_for, "Face to Face Visit")
    caseworker, leader = handed.csa_people
    own = _sr_of_team(handed.case_id, leader.team_id)
    _note(handed.worker, handed.sr_id, "Visit summary.", kind="contact")
    _note(caseworker, own, "Receiving parent phoned about the visit.", kind="contact")
    ssst_number, own_number = _number(handed.sr_id), _number(own)

    def links(reader: Actor) -> list[tuple[str | None, int | None]]:
        return [(n.sr_number, n.sr_id) for n in case_contact_notes(reader, handed.case_id)[:2]]

    assert links(leader) == [(own_number, own), (ssst_number, None)]
    assert links(caseworker) == [(own_number, None), (ssst_number, None)]


def test_another_team_and_the_team_holding_only_the_sr_are_refused_and_each_attempt_audited(demo_db, actor_for):
    """A team that is neither the case's nor the SR's is refused as for the case; so is the SSST, which holds the SR but
    not the case: it reads the note on its SR. Roles with no case data are refused too."""
    handed = hand_over_and_allocate(actor_for, "Face to Face Visit")
    _note(handed.worker, handed.sr_id, "Visit summary.", kind="contact")
    for username in ("financial.cw1", "financial.tl", "ssst.caseworker", "ssst.teamleader"):
        actor = actor_for(username)
        with pytest.raises(PermissionDenied) as refused:
            case_contact_notes(actor, handed.case_id)
        assert refused.value.message == OTHER_TEAMS_CASE
        with transaction() as session:
            event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
            assert (event.action, event.actor_id, event.entity_type, event.entity_id) == (
                "refused",
                actor.user_id,
                "case",
                str(handed.case_id),
            )
            assert event.after["attempted"] == "read the case's Contact Notes"
    for username in ("policy", "admin"):
        with pytest.raises(PermissionDenied, match="cannot read the case's Contact Notes"):
            case_contact_notes(actor_for(username), handed.case_id)
    with pytest.raises(NotFound, match="There is no such case."):
        case_contact_notes(handed.csa_people[0], 10**9)


@pytest.mark.parametrize("username", ["caseworker", "teamleader", "financial.cw1", "ssst.caseworker", "policy"])
def test_a_sensitive_case_is_handled_as_the_case_page_handles_it(demo_db, actor_for, username):
    """The case's own team reads a sensitive case's Contact Notes, as it opens the case page; any other team, the one
    holding the SR included, hears only that requests go through Special Client Records, as the case page says."""
    owner = actor_for("caseworker")
    with transaction() as session:
        case_id = session.scalars(
            select(Case.id).where(Case.team_id == owner.team_id, Case.sensitive.is_(True)).order_by(Case.id)
        ).first()
        assert case_id is not None
    held = _sr_of_team(case_id, team_named(SSST))
    _note(actor_for("ssst.caseworker"), held, "Sensitive visit summary.", kind="contact")
    actor = actor_for(username)

    def outcome(call) -> tuple[str, str]:
        try:
            call(actor, case_id)
        except DomainError as exc:
            return type(exc).__name__, exc.message
        return "read", ""

    page = outcome(case_finder.case_card)
    assert outcome(case_contact_notes)[0] == page[0]
    if page[0] == "read":
        assert username in ("caseworker", "teamleader")
        assert case_contact_notes(actor, case_id)[0].text == "Sensitive visit summary."
    else:
        assert outcome(case_contact_notes)[1] == page[1].replace("look up cases", "read the case's Contact Notes")
        if username != "policy":
            assert page[1] == SENSITIVE_REFUSAL
