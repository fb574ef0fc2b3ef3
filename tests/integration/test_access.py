"""Access rules, enforced in the services: one test per rule, and every refusal audited."""

import pytest
from sqlalchemy import select

from db.models import AuditEvent, Case, Team
from services import users, work
from services.auth import sign_in
from services.errors import PermissionDenied
from services.team import outstanding_srs
from services.transaction import transaction


def _case(**where):
    with transaction() as session:
        team_id = session.scalar(select(Team.id).where(Team.name == "CSA Rules Reassessment Team"))
        query = select(Case).order_by(Case.id)
        for key, value in where.items():
            query = (
                query.where(getattr(Case, key) == value)
                if key != "other_team"
                else query.where(Case.team_id != team_id)
            )
        if "other_team" not in where:
            query = query.where(Case.team_id == team_id)
        return session.scalars(query).first().scin


def _refusals():
    with transaction() as session:
        return session.scalars(select(AuditEvent).where(AuditEvent.action == "refused").order_by(AuditEvent.id)).all()


def test_a_caseworker_finds_a_case_of_their_own_team(demo_db, actor_for):
    banner = work.find_case(actor_for("caseworker"), _case(sensitive=False))
    assert banner.scin


def test_a_caseworker_is_refused_another_teams_case_and_the_attempt_is_audited(demo_db, actor_for):
    scin = _case(other_team=True, sensitive=False)
    with pytest.raises(PermissionDenied, match="belongs to another team"):
        work.find_case(actor_for("caseworker"), scin)
    assert _refusals()[-1].after["attempted"] == "view this case"


def test_another_teams_sensitive_case_shows_only_that_requests_go_through_special_client_records(demo_db, actor_for):
    scin = _case(other_team=True, sensitive=True)
    with pytest.raises(PermissionDenied) as info:
        work.find_case(actor_for("caseworker"), scin)
    assert "Special Client Records" in info.value.message
    assert scin not in info.value.message


def test_policy_staff_see_no_case_data(demo_db, actor_for):
    with pytest.raises(PermissionDenied, match="cannot look up cases"):
        work.find_case(actor_for("policy"), _case(sensitive=False))
    with pytest.raises(PermissionDenied):
        work.my_work(actor_for("policy"))


def test_admin_manages_users_but_not_cases(demo_db, actor_for):
    admin = actor_for("admin")
    assert any(u.username == "caseworker" for u in users.list_users(admin))
    with pytest.raises(PermissionDenied):
        work.find_case(admin, _case(sensitive=False))


def test_only_an_admin_manages_users(demo_db, actor_for):
    with pytest.raises(PermissionDenied, match="cannot manage users"):
        users.add_user(
            actor_for("teamleader"), username="x.y", display_name="X", role="policy", password="long-enough-pw"
        )


def test_a_team_leader_sees_only_their_teams_outstanding_srs(demo_db, actor_for):
    leader = actor_for("teamleader")
    rows = outstanding_srs(leader)
    assert rows
    with transaction() as session:
        from db.models import ServiceRequest

        teams = {session.scalar(select(ServiceRequest.team_id).where(ServiceRequest.number == r.number)) for r in rows}
    assert teams == {leader.team_id}
    with pytest.raises(PermissionDenied):
        outstanding_srs(actor_for("caseworker"))


def test_sign_in_checks_the_password_and_audits_both_outcomes(demo_db):
    assert sign_in("caseworker", "demo-password").role == "caseworker"
    with pytest.raises(PermissionDenied, match="username or password is not right"):
        sign_in("caseworker", "wrong-password")
    with pytest.raises(PermissionDenied, match="username or password is not right"):
        sign_in("nobody", "demo-password")
    with transaction() as session:
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("sign_in%"))).all()
    assert actions == ["sign_in", "sign_in.failed", "sign_in.failed"]


def test_passwords_are_stored_as_argon2_hashes(demo_db):
    from db.models import User

    with transaction() as session:
        stored = session.scalar(select(User.password_hash).where(User.username == "caseworker"))
    assert stored.startswith("$argon2id$")
    assert "demo-password" not in stored
