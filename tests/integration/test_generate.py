"""`python -m casework generate` with tiny numbers: the rows arrive, and the app and the console carry on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from db.models import AuditEvent, Case, Deadline, ProcedureRun, ServiceRequest, Team, User
from services import console, records
from services.actor import Actor
from services.audit import verify_chain
from services.transaction import transaction

ROOT = Path(__file__).resolve().parents[2]


def test_generate_adds_the_asked_numbers_of_rows_and_the_app_carries_on_numbering(demo_db):
    with transaction() as session:
        before = {m: session.scalar(select(func.count()).select_from(m)) for m in (Team, User, Case, ServiceRequest)}
    result = subprocess.run(
        [sys.executable, "-m", "casework", "generate", "--srs", "500", "--cases", "100", "--users", "12",
         "--teams", "3", "--no-progress"],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": demo_db.url}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Generated 3 teams, 12 users, 100 cases, 500 service requests" in result.stdout
    with transaction() as session:
        after = {m: session.scalar(select(func.count()).select_from(m)) for m in (Team, User, Case, ServiceRequest)}
        assert {m.__name__: after[m] - before[m] for m in after} == {
            "Team": 3, "User": 12, "Case": 100, "ServiceRequest": 500
        }  # fmt: skip
        assert session.scalar(select(func.count()).select_from(Deadline)) > 0
        assert session.scalar(select(func.count()).select_from(ProcedureRun)) > 0
        assert verify_chain(session).ok
        assert session.scalars(select(AuditEvent.action).order_by(AuditEvent.id.desc())).first() == "data.generated"
        leader = session.scalar(select(User).where(User.username == "gen006.u00001"))
        assert leader is not None
        assert leader.role == "team_leader"
        assert leader.password_hash is None
        actor = Actor.of(leader)
        # The app's next SR gets the next number and id, after the generated ones.
        case = session.scalar(select(Case).where(Case.team_id == actor.team_id))
        last = session.scalar(select(func.max(ServiceRequest.number)))
        sr = records.create_sr(session, None, case=case, process="Manual Handling", area=None, sub_area=None)
        assert sr.number > last
    team_srs = console.counts(actor, console.ConsoleFilter(statuses=("Open", "In Progress", "Closed")))
    with transaction() as session:
        assert team_srs.total == session.scalar(
            select(func.count()).select_from(ServiceRequest).where(ServiceRequest.team_id == actor.team_id)
        )
    page = console.outstanding_page(actor, page_size=10)
    assert len(page.rows) == 10
    assert page.next_cursor is not None
