"""Deadlines recorded on SRs by the case's region, moved when the hearing moves, shown with their explanation."""

from datetime import datetime

import pytest
from sqlalchemy import select

from db.models import AuditEvent, Deadline, ServiceRequest
from domain import deadlines as rules
from domain.clock import UK, uk_local
from services import deadlines, records
from services.errors import PermissionDenied
from services.transaction import transaction
from tests.ssst import other_team_sr, team_sr


def _on_region(sr_id: int, region: str) -> None:
    with transaction() as session:
        session.get(ServiceRequest, sr_id).case.region = region


def _set_hearing_deadlines(session, actor, sr: ServiceRequest) -> None:
    """What P5b/c/d's hearing step records (SetDue effects): the hearing and the second PV check before it."""
    deadlines.set_due(session, actor, sr, rules.hearing(sr.hearing_at, sr.court))
    deadlines.set_due(session, actor, sr, rules.second_pv_check(sr.hearing_at, sr.case.region))


def test_the_court_fee_deadline_uses_the_cases_region(demo_db, actor_for):
    actor = actor_for("ssst.caseworker")
    sr_id = team_sr(actor)
    _on_region(sr_id, "Scotland")
    with transaction() as session:
        sr = session.get(ServiceRequest, sr_id)
        deadlines.set_due(
            session, actor, sr, rules.court_fee_payment(datetime(2025, 12, 31, 10, tzinfo=UK), sr.case.region)
        )
    [view] = deadlines.sr_deadlines(actor, sr_id)
    assert view.kind == "court_fee_payment"
    assert uk_local(view.due_at) == datetime(2026, 1, 5, 17, 0, tzinfo=UK)
    assert "New Year Holiday, a bank holiday in Scotland" in view.explanation
    assert view.overdue  # 5 January 2026 is in the past


def test_a_moved_hearing_moves_the_second_pv_check_instead_of_adding_another(demo_db, actor_for):
    actor = actor_for("ssst.caseworker")
    sr_id = team_sr(actor)
    _on_region(sr_id, "England")
    with transaction() as session:
        sr = session.get(ServiceRequest, sr_id)
        records.update_sr(session, actor, sr, hearing_at=datetime(2030, 3, 13, 10, 0, tzinfo=UK), court="Bath")
        _set_hearing_deadlines(session, actor, sr)
    with transaction() as session:
        sr = session.get(ServiceRequest, sr_id)
        records.update_sr(session, actor, sr, hearing_at=datetime(2030, 3, 18, 10, 0, tzinfo=UK))  # a Monday
        _set_hearing_deadlines(session, actor, sr)
    views = {v.kind: v for v in deadlines.sr_deadlines(actor, sr_id)}
    assert set(views) == {"hearing", "second_pv_check"}
    assert uk_local(views["second_pv_check"].due_at) == datetime(2030, 3, 15, 17, 0, tzinfo=UK)
    assert "last working day before it, Friday 15 March 2030" in views["second_pv_check"].explanation
    assert not views["second_pv_check"].overdue
    with transaction() as session:
        assert session.scalars(select(AuditEvent.action).where(AuditEvent.action == "deadline.moved")).all() == [
            "deadline.moved",
            "deadline.moved",
        ]
        assert len(session.scalars(select(Deadline).where(Deadline.sr_id == sr_id)).all()) == 2


def test_a_completed_deadline_is_no_longer_overdue(demo_db, actor_for):
    actor = actor_for("ssst.caseworker")
    sr_id = team_sr(actor)
    with transaction() as session:
        sr = session.get(ServiceRequest, sr_id)
        deadlines.set_due(
            session, actor, sr, rules.court_fee_payment(datetime(2026, 1, 5, 10, tzinfo=UK), sr.case.region)
        )
        assert [d.kind for d in deadlines.complete(session, actor, sr, ("court_fee_payment",))] == ["court_fee_payment"]
    [view] = deadlines.sr_deadlines(actor, sr_id)
    assert view.done
    assert not view.overdue


def test_another_teams_deadlines_are_refused(demo_db, actor_for):
    actor = actor_for("caseworker")
    with pytest.raises(PermissionDenied):
        deadlines.sr_deadlines(actor, other_team_sr(actor))


@pytest.mark.parametrize("explanation", ["", "   "])
def test_a_deadline_without_the_line_explaining_it_is_refused_and_nothing_is_stored(demo_db, actor_for, explanation):
    actor = actor_for("ssst.caseworker")
    sr_id = team_sr(actor)
    with pytest.raises(ValueError, match="needs its one-line explanation"), transaction() as session:
        sr = session.get(ServiceRequest, sr_id)
        records.add_deadline(
            session, actor, sr, kind="hearing", due_at=datetime(2027, 3, 1, 10, tzinfo=UK), explanation=explanation
        )
    assert deadlines.sr_deadlines(actor, sr_id) == []
