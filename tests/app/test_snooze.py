"""AppTest: a team leader snoozes a deadline's reminders from SR detail's Deadlines tab (QA, 7 December 2026, third
session): days in the UK order, a refusal at its field, and the deadline's line then says the hold."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select

from db.models import Deadline, ServiceRequest
from domain.clock import utcnow
from services import records
from services.transaction import transaction
from tests.app.helpers import app_as, texts


def _sr_with_a_deadline(leader):  # noqa: ANN001, ANN202 - an Actor; (SR id, deadline id)
    with transaction() as session:
        sr = session.scalars(
            select(ServiceRequest)
            .where(ServiceRequest.team_id == leader.team_id, ServiceRequest.status != "Closed")
            .order_by(ServiceRequest.id)
        ).first()
        session.execute(delete(Deadline).where(Deadline.sr_id == sr.id))  # its one deadline: this test's
        due = utcnow() + timedelta(days=2)
        records.add_deadline(session, None, sr, kind="review_date", due_at=due, explanation="t")
        return sr.id


def _detail(leader, sr_id):  # noqa: ANN001, ANN202
    at = app_as(leader)
    at.query_params["sr"] = str(sr_id)
    at.run()
    at.switch_page("pages/sr_detail.py").run()
    assert not at.exception
    return at


def test_a_snooze_without_a_reason_is_refused_at_the_field_and_holds_nothing(sqlite_demo_db, actor_for):
    leader = actor_for("teamleader")
    at = _detail(leader, _sr_with_a_deadline(leader))
    day = next(d for d in at.date_input if d.label == "Hold reminders until 9:00 on")
    assert day.proto.format == "DD/MM/YYYY"  # QA: it showed 2026/12/08
    next(b for b in at.button if b.label == "Snooze").click().run()
    assert not at.exception
    assert ":red[**Error:** Enter why the reminders can wait.]" in [m.value for m in at.markdown]
    assert "Reminders held until" not in texts(at)


def test_a_snoozed_deadline_says_until_when_by_whom_and_why(sqlite_demo_db, actor_for):
    leader = actor_for("teamleader")
    at = _detail(leader, _sr_with_a_deadline(leader))
    next(t for t in at.text_input if t.label == "Why can the reminders wait?").input("Waiting for the CSA reply")
    next(b for b in at.button if b.label == "Snooze").click().run()
    assert not at.exception
    shown = texts(at)
    assert "Reminders for this deadline are snoozed." in shown
    held = [c.value for c in at.caption if c.value.startswith("Reminders held until")]
    assert len(held) == 1, held
    assert held[0].endswith(f"by {leader.display_name}: Waiting for the CSA reply")
    assert ", 09:00 by " in held[0]
