"""A closed SR's Sub Status on the finish page and SR detail is the line the CMS panel gave when it closed
(services/recorded_cms.py), never a plain value: exact only where the procedure that closed it names it or policy
staff had confirmed it, else a suggestion; a later confirmation does not change what was keyed into CMS."""

from __future__ import annotations

from sqlalchemy import select

from db.models import ServiceRequest
from procedures.effects import CmsLine
from services import records, reference, run_summary
from services.sr_view import sr_full_view
from services.transaction import transaction
from tests.app.test_finish_page import P1_SUB_STATUS, finished_p1

COMPLETE = "sub_status.complete"


def _shown(actor, walk, number: str) -> tuple[str, CmsLine | None, CmsLine | None]:
    """What happened to the SR on the finish page, its Sub Status there and on SR detail."""
    (summary,) = [s for s in run_summary.run_srs(actor, walk.view.run_id) if s.number == number]
    with transaction() as session:
        sr_id = session.scalars(select(ServiceRequest.id).where(ServiceRequest.number == number)).one()
    return summary.what_happened, summary.sub_status, sr_full_view(actor, sr_id).sub_status


def test_p1s_complete_a_sub_status_its_seed_never_names_stays_a_suggestion_once_confirmed_later(demo_db, actor_for):
    actor, policy = actor_for("caseworker"), actor_for("policy")
    walk, outcome = finished_p1(actor)
    reference.confirm(policy, COMPLETE)  # after the SR closed: CMS holds what the panel said then
    assert _shown(actor, walk, outcome.srs["main"].number) == ("Created and closed", P1_SUB_STATUS, P1_SUB_STATUS)


def test_a_sub_status_policy_staff_confirmed_before_the_close_is_exact_with_who_confirmed_it(demo_db, actor_for):
    actor, policy = actor_for("caseworker"), actor_for("policy")
    reference.confirm(policy, COMPLETE)
    walk, outcome = finished_p1(actor)
    _what, finish, detail = _shown(actor, walk, outcome.srs["main"].number)
    assert finish == detail
    assert finish.text == "Sub Status = Complete"
    assert finish.suggestion is None
    assert finish.source.startswith(f"Confirmed by {policy.display_name}, ")


def _close_outside_a_run(team_id: int, sub_status: str) -> int:
    """An open SR of the team, closed as the demo data closes SRs: by no procedure run."""
    with transaction() as session:
        sr = next(
            sr
            for sr in session.scalars(
                select(ServiceRequest)
                .where(ServiceRequest.status != "Closed", ServiceRequest.team_id == team_id)
                .order_by(ServiceRequest.id)
            )
            if not any(a.mandatory and not a.done for a in sr.activities)
            and not (sr.case.sensitive or sr.case.nationally_sensitive)
        )
        records.set_status(session, None, sr, "Closed", sub_status)
        return sr.id


def test_an_sr_closed_outside_a_run_shows_its_sub_status_as_a_suggestion_unless_confirmed(demo_db, actor_for):
    """Nothing says which procedure closed it, so a published value is not claimed as given for it."""
    leader = actor_for("teamleader")
    complete = _close_outside_a_run(leader.team_id, "Complete")
    cancelled = _close_outside_a_run(leader.team_id, "Cancelled")
    assert sr_full_view(leader, complete).sub_status == CmsLine(
        "Sub Status: choose the Sub Status your team uses to close this SR", suggestion="Complete"
    )
    assert sr_full_view(leader, cancelled).sub_status == CmsLine(
        "Sub Status: choose the Sub Status that cancels the SR (the procedure says 'Close and Cancel the SR')",
        suggestion="Cancelled",
    )


def test_reopening_an_sr_drops_the_line_kept_from_its_close(demo_db, actor_for):
    actor = actor_for("caseworker")
    _walk, outcome = finished_p1(actor)
    with transaction() as session:
        sr = session.scalars(select(ServiceRequest).where(ServiceRequest.number == outcome.srs["main"].number)).one()
        assert sr.sub_status_cms is not None
        records.set_status(session, None, sr, "In Progress")
        assert sr.sub_status_cms is None
