"""The audit watch used by these tests catches a service change committed without an audit event,
and passes one that records its event in the same transaction (so its silence elsewhere means something)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, update

from db.models import Case, ServiceRequest
from services import audit
from services.transaction import transaction
from tests import audit_guard


def _rename_a_court(*, audited: bool, bulk: bool = False) -> None:
    with transaction() as session:
        sr = session.scalars(select(ServiceRequest).order_by(ServiceRequest.id)).first()
        if bulk:
            session.execute(update(Case).where(Case.id == sr.case_id).values(region="Wales"))
        else:
            sr.court = "Renamed County Court"
        if audited:
            audit.record(session, None, "sr.updated", entity_type="service_request", entity_id=sr.id)


def test_the_watch_names_a_service_change_committed_without_an_audit_event(sqlite_demo_db, monkeypatch):
    monkeypatch.setattr(audit_guard, "SERVICES", str(Path(__file__).parent) + "/")  # this file plays a service
    with audit_guard.watching() as watch:
        _rename_a_court(audited=False)
        _rename_a_court(audited=False, bulk=True)
    assert len(watch.violations) == 2
    assert "test_audit_guard._rename_a_court committed ['ServiceRequest'] without an audit event" in watch.violations[0]
    assert "cases (bulk)" in watch.violations[1]


def test_the_watch_passes_a_change_audited_in_the_same_transaction(sqlite_demo_db, monkeypatch):
    monkeypatch.setattr(audit_guard, "SERVICES", str(Path(__file__).parent) + "/")
    with audit_guard.watching() as watch:
        _rename_a_court(audited=True)
        _rename_a_court(audited=True, bulk=True)
    assert watch.violations == []


def test_reads_and_test_helpers_arranging_data_are_not_service_changes(sqlite_demo_db):
    with audit_guard.watching() as watch:
        _rename_a_court(audited=False)  # this file is not under services/
    assert watch.violations == []
