"""A Magistrates Court SR can be worked by P5c (commitment) or P5d (liability order): My work offers both."""

from __future__ import annotations

from sqlalchemy import select

from db.models import ProcedureRun, ServiceRequest
from services import runs
from services.transaction import transaction
from tests.app.helpers import app_as, texts
from tests.app.test_wizard import button

MAGISTRATES = ("Enforcement", "Court Presentation", "Magistrates Court")


def test_both_ssst_court_procedures_work_a_magistrates_court_sr_and_the_reason_orders_them():
    assert [p.id for p in runs.procedures_for_sr(*MAGISTRATES)] == ["P5c", "P5d"]
    assert [p.id for p in runs.procedures_for_sr(*MAGISTRATES, "Liability Order")] == ["P5d", "P5c"]
    assert [p.id for p in runs.procedures_for_sr(*MAGISTRATES, "Commitment")] == ["P5c", "P5d"]
    assert runs.procedure_for_sr(*MAGISTRATES, "Liability Order").id == "P5d"
    assert [p.id for p in runs.procedures_for_sr("Enforcement", "Court Fee", "Court Fee Payment")] == ["P5a"]
    assert runs.procedures_for_sr("Arrears", "Arrears Management", "Arrears Review") == []


def _liability_order_sr(actor) -> ServiceRequest:
    with transaction() as session:
        sr = session.scalars(
            select(ServiceRequest).where(
                ServiceRequest.owner_id == actor.user_id,
                ServiceRequest.sub_area == "Magistrates Court",
                ServiceRequest.reason == "Liability Order",
            )
        ).one()
        session.expunge(sr)
        return sr


def test_my_work_offers_the_caseworker_a_choice_of_procedure_for_a_magistrates_court_sr(sqlite_demo_db, actor_for):
    actor = actor_for("ssst.caseworker")
    sr = _liability_order_sr(actor)
    at = app_as(actor).run()
    at.switch_page("pages/my_work.py").run()
    box = next(s for s in at.selectbox if s.label == "Work an allocated SR")
    offered = [o for o in box.options if o.startswith(f"{sr.number}:")]
    assert offered == [
        f"{sr.number}: P5d Work Routing for Liability Order",
        f"{sr.number}: P5c Work Routing for Commitment",
    ]

    box.set_value(f"{sr.number}:P5d").run()
    assert "P5d starts when: A caseworker has asked for a liability order" in texts(at)
    button(at, "Work this SR").click().run()
    assert not at.exception
    with transaction() as session:
        run = session.scalars(select(ProcedureRun).where(ProcedureRun.sr_id == sr.id)).one()
        assert (run.procedure_id, run.started_by_id) == ("P5d", actor.user_id)
