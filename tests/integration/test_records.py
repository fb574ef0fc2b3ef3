"""Recording on SRs: catalogue values enforced, stale writes refused, every change audited."""

import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import StatementError

from db.models import AuditEvent, Case, ServiceRequest
from domain.catalogue import CatalogueError
from services import records
from services.audit import verify_chain
from services.errors import ConflictError
from services.records import ActivitiesNotDone
from services.transaction import expect_version, transaction
from tests.tamper import as_owner


def _case(session):
    return session.scalars(select(Case).order_by(Case.id)).first()


def test_an_sr_is_created_with_catalogue_values_and_linked_to_its_parent(demo_db, actor_for):
    actor = actor_for("caseworker")
    with transaction() as session:
        case = _case(session)
        parent = records.create_sr(
            session,
            actor,
            case=case,
            process="Transition",
            area="Legacy Case Data",
            sub_area="Finalise Case",
            status="In Progress",
        )
        child = records.create_sr(
            session,
            actor,
            case=case,
            process="Transition",
            area="Set Up/Amend Residual Arrears",
            sub_area="Set Up Legacy LO",
            parent=parent,
        )
        child_id, parent_number = child.id, parent.number
    with transaction() as session:
        child = session.get(ServiceRequest, child_id)
        assert child.parent.number == parent_number
        assert (child.process, child.area, child.sub_area) == (
            "Transition",
            "Set Up/Amend Residual Arrears",
            "Set Up Legacy LO",
        )
        assert re.fullmatch(r"1-\d{8}", child.number)
        events = session.scalars(select(AuditEvent).where(AuditEvent.sr_id == child_id)).all()
        assert [e.action for e in events] == ["sr.created"]
        assert events[0].after["parent"] == parent_number


def test_a_bad_combination_is_refused_and_nothing_is_saved(demo_db, actor_for):
    actor = actor_for("caseworker")
    with transaction() as session:
        before = session.scalar(select(func.count()).select_from(ServiceRequest))
    with (
        pytest.raises(CatalogueError, match="Sub Area 'Review' is not valid for Arrears / Arrears Management"),
        transaction() as session,
    ):
        case = _case(session)
        records.create_sr(session, actor, case=case, process="Arrears", area="Arrears Management", sub_area="Review")
    with pytest.raises(CatalogueError), transaction() as session:
        records.create_sr(
            session,
            actor,
            case=_case(session),
            process="Transition",
            area="Legacy Case Data",
            sub_area="Set Up Legacy LO",
        )
    with transaction() as session:
        assert session.scalar(select(func.count()).select_from(ServiceRequest)) == before


@pytest.mark.postgres
def test_overlapping_transactions_on_one_sr_raise_a_conflict_instead_of_overwriting(pg_demo_db):
    """Two app servers save the same SR at once: the second gets ConflictError, the first change stays."""
    with transaction() as session:
        sr_id = session.scalars(select(ServiceRequest.id).where(ServiceRequest.status == "Open")).first()
    with pytest.raises(ConflictError, match="A change to this record was saved after"), transaction() as session:
        sr = session.get(ServiceRequest, sr_id)
        sr.reason = "mine"
        with transaction() as other:
            other.get(ServiceRequest, sr_id).reason = "theirs"
        session.flush()
    with transaction() as session:
        assert session.get(ServiceRequest, sr_id).reason == "theirs"


def test_a_change_from_a_screen_showing_an_old_version_is_refused(demo_db):
    with transaction() as session:
        sr = session.scalars(select(ServiceRequest).where(ServiceRequest.status == "Open")).first()
        sr_id, seen_version = sr.id, sr.version
    with transaction() as session:  # someone else saves first
        session.get(ServiceRequest, sr_id).reason = "theirs"
    with pytest.raises(ConflictError, match="changed after you opened it, by some") as info, transaction() as session:
        sr = session.get(ServiceRequest, sr_id)
        expect_version(sr, seen_version, what=f"SR {sr.number}")
        sr.reason = "mine"
    assert (info.value.seen, info.value.saved) == (seen_version, seen_version + 1)
    assert "version" not in info.value.message
    with transaction() as session:
        assert session.get(ServiceRequest, sr_id).reason == "theirs"


def test_an_sr_cannot_close_complete_with_a_mandatory_activity_open(demo_db, actor_for):
    actor = actor_for("caseworker")
    with transaction() as session:
        sr = records.create_sr(
            session,
            actor,
            case=_case(session),
            process="Transition",
            area="Legacy Case Data",
            sub_area="Finalise Case",
            activities=("Access Legacy System",),
        )
        with pytest.raises(ActivitiesNotDone, match="Access Legacy System"):
            records.set_status(session, actor, sr, "Closed", "Complete")
        records.mark_activity_done(session, actor, sr, "Access Legacy System", outcome="No Enforcement Action Recorded")
        records.set_status(session, actor, sr, "Closed", "Complete")
        assert sr.closed_at is not None


def test_money_round_trips_to_the_penny(demo_db):
    with transaction() as session:
        case = _case(session)
        case.sos_arrears = Decimal("65.01")
        case_id = case.id
    with transaction() as session:
        assert session.get(Case, case_id).sos_arrears == Decimal("65.01")
    with pytest.raises(StatementError, match="never a float"), transaction() as session:
        session.get(Case, case_id).sos_arrears = 65.01
        session.flush()


def test_the_audit_chain_verifies_and_names_the_first_tampered_event(demo_db, actor_for):
    actor = actor_for("caseworker")
    with transaction() as session:
        sr = session.scalars(select(ServiceRequest).where(ServiceRequest.status == "Open")).first()
        records.add_note(session, actor, case=sr.case, sr=sr, text="Checked CSCS: nothing found.")
    with transaction() as session:
        report = verify_chain(session)
        assert report.ok
        assert report.events_checked > 100
        victim = session.scalars(select(AuditEvent).order_by(AuditEvent.id).offset(10)).first()
        victim_id = victim.id
    # The app's connection cannot change it (append-only triggers); an owner can lift the guard and edit.
    as_owner("UPDATE audit_events SET actor_name = 'mallory' WHERE id = :id", {"id": victim_id})
    with transaction() as session:
        report = verify_chain(session)
    assert report.first_broken_id == victim_id
    assert "content does not match" in report.reason
