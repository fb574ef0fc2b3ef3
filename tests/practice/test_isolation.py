"""Practice touches nothing real: after practice runs of every scenario of every procedure, every team leader
view, My work, the outbox, the SR counter, the CSV export, the reminders' notices and the audit chain are
exactly as before, except the practice audit events. On SQLite and PostgreSQL (`demo_db`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from db import models
from db.models import AuditEvent, Counter
from procedures.scenarios import builtin
from services import email, reminders, work
from services.audit import verify_chain
from services.console.deadlines import deadlines
from services.console.export import export_csv
from services.console.queries import counts, outstanding_page
from services.console.stuck_runs import stuck_runs
from services.transaction import transaction
from tests.practice.practise import walk_practice

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
REAL_TABLES = (
    models.Case,
    models.ServiceRequest,
    models.ProcedureRun,
    models.Letter,
    models.Deadline,
    models.Task,
    models.Note,
    models.Activity,
    models.Attachment,
    models.OutboundEmail,
    models.Reminder,
    models.LiabilityOrder,
)


def _everything(caseworker, leader) -> dict[str, Any]:
    """What a caseworker and their team leader can see, and the real tables' row counts."""
    with transaction() as session:
        tables = {t.__tablename__: session.scalar(select(func.count()).select_from(t)) for t in REAL_TABLES}
        counters = {c.name: c.value for c in session.scalars(select(Counter))}
    return {
        "tables": tables,
        "counters": counters,
        "my_work": [work.my_work(who) for who in (caseworker, leader)],
        "tasks": [work.my_tasks(who) for who in (caseworker, leader)],
        "outbox": [email.outbox(who) for who in (caseworker, leader)],
        "notices": [reminders.notices(who, now=NOW) for who in (caseworker, leader)],
        "counts": counts(leader, now=NOW),
        "page": outstanding_page(leader, now=NOW, page_size=500),
        "deadlines": deadlines(leader, now=NOW, limit=1000),
        "stuck": stuck_runs(leader, now=NOW, working_days=0),
        "export": export_csv(leader, now=NOW).content,
    }


def _last_event() -> int:
    with transaction() as session:
        return session.scalar(select(func.max(AuditEvent.id))) or 0


def test_practice_runs_of_every_procedure_leave_every_real_view_exactly_as_it_was(demo_db, actor_for):
    caseworker, leader = actor_for("caseworker"), actor_for("teamleader")
    before = _everything(caseworker, leader)
    first = _last_event()
    practised = set()
    for scenario in builtin().values():
        view = walk_practice(caseworker, scenario, today=NOW.date())
        assert view.finished, scenario["key"]
        practised.add(scenario["procedure"])
    walk_practice(leader, builtin()["P5e-1"], today=NOW.date())  # a team leader practises too
    assert practised == {"P1", "P2", "P3", "P4", "P5a", "P5b", "P5c", "P5d", "P5e"}
    last = _last_event()

    with transaction() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.id > first, AuditEvent.id <= last)).all()
        assert events, "practice runs are audited"
        assert {e.action.split(".")[0] for e in events} == {"practice"}
        assert {e.entity_type for e in events} == {"practice_run"}
        assert all(e.case_id is None and e.sr_id is None for e in events)
        assert verify_chain(session).ok
    after = _everything(caseworker, leader)
    for name in before:
        assert after[name] == before[name], name
