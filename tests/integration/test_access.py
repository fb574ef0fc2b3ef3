"""Access rules, enforced in the services: one test per rule, and every refusal audited."""

import pytest
from sqlalchemy import select

from db.models import AuditEvent, Case, Team
from services import users, work
from services.auth import sign_in
from services.errors import PermissionDenied, ValidationFailed
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
    with pytest.raises(PermissionDenied, match="it does not exist, or it is not your team's"):
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


def test_an_email_another_user_has_is_refused_at_the_field_whatever_its_case_and_nothing_is_added(demo_db, actor_for):
    """It reached the database's unique constraint as a fault; sign-in by email needs each user's own."""
    admin = actor_for("admin")
    users.add_user(admin, username="first.user", display_name="First", role="policy", password="long-enough-pw",
                   email="shared.box@example.org")  # fmt: skip
    count = len(users.list_users(admin))
    with pytest.raises(ValidationFailed) as refused:
        users.add_user(admin, username="second.user", display_name="Second", role="policy",
                       password="long-enough-pw", email="Shared.Box@Example.org")  # fmt: skip
    assert refused.value.errors == {"email": "Another user already has this email address. Each user needs their own."}
    assert len(users.list_users(admin)) == count


def test_sign_in_checks_the_password_and_audits_both_outcomes(demo_db):
    assert sign_in("caseworker", "demo-password").role == "caseworker"
    with pytest.raises(PermissionDenied, match="username or password is not right"):
        sign_in("caseworker", "wrong-password")
    with pytest.raises(PermissionDenied, match="username or password is not right"):
        sign_in("nobody", "demo-password")
    with transaction() as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.action.like("sign_in%")).order_by(AuditEvent.id)
        ).all()
    assert actions == ["sign_in", "sign_in.failed", "sign_in.failed"]


def test_passwords_are_stored_as_argon2_hashes(demo_db):
    from db.models import User

    with transaction() as session:
        stored = session.scalar(select(User.password_hash).where(User.username == "caseworker"))
    assert stored.startswith("$argon2id$")
    assert "demo-password" not in stored


# --- SRs and runs opened by reference (a URL query parameter), at the service level -------------


def _sr(*, own_team: bool, sensitive: bool = False):
    """An open SR of the caseworker's team (or of another team), on a case with the given sensitivity."""
    from db.models import ServiceRequest

    with transaction() as session:
        team_id = session.scalar(select(Team.id).where(Team.name == "CSA Rules Reassessment Team"))
        same = ServiceRequest.team_id == team_id if own_team else ServiceRequest.team_id != team_id
        return session.scalars(
            select(ServiceRequest)
            .join(Case, ServiceRequest.case_id == Case.id)
            .where(same, Case.sensitive == sensitive, ServiceRequest.status != "Closed")
            .order_by(ServiceRequest.id)
        ).first()


def _assert_refusal_recorded(actor, *, entity_type, entity_id, attempted, reason_contains):
    """The newest refusal says who tried, what they tried, on what, and why."""
    event = _refusals()[-1]
    assert (event.actor_id, event.actor_name) == (actor.user_id, actor.username)
    assert (event.entity_type, event.entity_id) == (entity_type, str(entity_id))
    assert event.after["attempted"] == attempted
    assert reason_contains in event.after["reason"]


def test_a_caseworker_opens_an_sr_of_their_own_team_by_number_or_id(demo_db, actor_for):
    from services.service_requests import open_sr

    sr = _sr(own_team=True)
    actor = actor_for("caseworker")
    assert open_sr(actor, sr.number).id == sr.id
    assert open_sr(actor, str(sr.id)).number == sr.number


def test_another_teams_sr_typed_into_the_url_is_refused_and_the_attempt_audited(demo_db, actor_for):
    from services.service_requests import open_sr

    sr, actor = _sr(own_team=False), actor_for("caseworker")
    with pytest.raises(PermissionDenied, match="that service request: it does not exist, or it is not your team's"):
        open_sr(actor, str(sr.id))  # as ?sr=<id> would pass it
    _assert_refusal_recorded(
        actor,
        entity_type="service_request",
        entity_id=sr.id,
        attempted="view this service request",
        reason_contains="it does not exist, or it is not your team's",
    )


def test_a_caseworker_cannot_change_another_teams_sr_and_nothing_is_saved(demo_db, actor_for):
    from services.service_requests import add_sr_note, update_sr_fields

    sr, actor = _sr(own_team=False), actor_for("caseworker")
    with pytest.raises(PermissionDenied):
        update_sr_fields(actor, sr.number, expected_version=sr.version, reason="changed by the wrong team")
    with pytest.raises(PermissionDenied):
        add_sr_note(actor, sr.number, "a note from the wrong team")
    _assert_refusal_recorded(
        actor,
        entity_type="service_request",
        entity_id=sr.id,
        attempted="add a note to this service request",
        reason_contains="it does not exist, or it is not your team's",
    )
    from db.models import Note, ServiceRequest

    with transaction() as session:
        assert session.get(ServiceRequest, sr.id).reason == sr.reason
        assert session.get(ServiceRequest, sr.id).version == sr.version
        assert not session.scalars(select(Note).where(Note.text.like("%wrong team%"))).all()


def test_a_team_leader_acts_on_their_teams_srs_and_is_refused_another_teams(demo_db, actor_for):
    from services.service_requests import open_sr, update_sr_fields

    leader = actor_for("teamleader")
    own = _sr(own_team=True)
    assert update_sr_fields(leader, own.number, expected_version=own.version, reason="Checked").reason == "Checked"
    other = _sr(own_team=False)
    with pytest.raises(PermissionDenied, match="it does not exist, or it is not your team's"):
        open_sr(leader, other.number)
    _assert_refusal_recorded(
        leader,
        entity_type="service_request",
        entity_id=other.id,
        attempted="view this service request",
        reason_contains="it does not exist, or it is not your team's",
    )


def test_another_teams_sensitive_sr_shows_only_that_requests_go_through_special_client_records(demo_db, actor_for):
    from services.service_requests import open_sr

    sr, actor = _sr(own_team=False, sensitive=True), actor_for("caseworker")
    with pytest.raises(PermissionDenied) as info:
        open_sr(actor, sr.number)
    assert "Special Client Records" in info.value.message
    assert sr.number not in info.value.message
    _assert_refusal_recorded(
        actor,
        entity_type="service_request",
        entity_id=sr.id,
        attempted="view this service request",
        reason_contains="Special Client Records",
    )


def test_the_owning_team_sees_its_own_sensitive_sr(demo_db, actor_for):
    from services.service_requests import open_sr

    sr = _sr(own_team=True, sensitive=True)
    assert sr is not None, "the demo data has sensitive cases in the caseworker's team"
    assert open_sr(actor_for("caseworker"), sr.number).number == sr.number


@pytest.mark.parametrize("username", ["policy", "admin"])
def test_policy_staff_and_admins_cannot_open_any_sr_even_by_url(demo_db, actor_for, username):
    from services.service_requests import open_sr

    sr, actor = _sr(own_team=True), actor_for(username)
    with pytest.raises(PermissionDenied, match="no access to case data"):
        open_sr(actor, sr.number)
    _assert_refusal_recorded(
        actor,
        entity_type="service_request",
        entity_id=sr.id,
        attempted="view this service request",
        reason_contains="no access to case data",
    )


@pytest.mark.parametrize("ref", ["", "abc", "1-0000", "-1", "99999999", "1; DROP TABLE cases", "١٢"])
def test_a_nonsense_or_unknown_sr_reference_is_not_found_without_a_crash(demo_db, actor_for, ref):
    from services.errors import NotFound
    from services.service_requests import open_sr

    with pytest.raises(NotFound, match="that service request: it does not exist, or it is not your team's"):
        open_sr(actor_for("caseworker"), ref)


def _run(team_name: str, *, sensitive: bool = False) -> str:
    """A procedure run row in the named team (the engine that creates runs is not on this branch yet)."""
    from db.models import ProcedureRun, User

    with transaction() as session:
        team_id = session.scalar(select(Team.id).where(Team.name == team_name))
        case = session.scalars(select(Case).where(Case.team_id == team_id, Case.sensitive == sensitive)).first()
        starter = session.scalars(select(User).where(User.team_id == team_id)).first()
        run = ProcedureRun(
            procedure_id="P3",
            procedure_version="1",
            state="start",
            case_id=case.id,
            team_id=team_id,
            started_by_id=starter.id,
        )
        session.add(run)
        session.flush()
        return run.id


def _open_run(actor, run_id):
    """What a run page does with ?run=<id>: load the row, then ask access."""
    from db.models import ProcedureRun
    from services.access import check_run

    with transaction() as session:
        run = session.get(ProcedureRun, run_id)
        check_run(session, actor, run)
        return run.id


def test_a_caseworker_opens_a_run_of_their_own_team(demo_db, actor_for):
    run_id = _run("CSA Rules Reassessment Team")
    assert _open_run(actor_for("caseworker"), run_id) == run_id


def test_another_teams_run_typed_into_the_url_is_refused_and_the_attempt_audited(demo_db, actor_for):
    run_id, actor = _run("Specialist Services Support Team"), actor_for("caseworker")
    with pytest.raises(PermissionDenied, match="that procedure run: it does not exist, or it is not your team's"):
        _open_run(actor, run_id)
    _assert_refusal_recorded(
        actor,
        entity_type="procedure_run",
        entity_id=run_id,
        attempted="open this procedure run",
        reason_contains="it does not exist, or it is not your team's",
    )


def test_another_teams_run_on_a_sensitive_case_points_to_special_client_records(demo_db, actor_for):
    run_id, actor = _run("Specialist Services Support Team", sensitive=True), actor_for("caseworker")
    with pytest.raises(PermissionDenied, match="Special Client Records"):
        _open_run(actor, run_id)


def test_policy_staff_cannot_open_a_run(demo_db, actor_for):
    run_id, actor = _run("CSA Rules Reassessment Team"), actor_for("policy")
    with pytest.raises(PermissionDenied, match="no access to case data"):
        _open_run(actor, run_id)
    _assert_refusal_recorded(
        actor,
        entity_type="procedure_run",
        entity_id=run_id,
        attempted="open this procedure run",
        reason_contains="no access to case data",
    )


def test_a_refused_attempt_keeps_its_audit_row_even_though_the_action_rolls_back(demo_db, actor_for):
    """The refusal is committed on its own; the caller's pending change is discarded, the chain still verifies."""
    from services.audit import verify_chain

    actor = actor_for("caseworker")
    before = len(_refusals())
    with pytest.raises(PermissionDenied):
        work.find_case(actor, _case(other_team=True, sensitive=False))
    assert len(_refusals()) == before + 1
    with transaction() as session:
        assert verify_chain(session).ok


# --- SRs handed over to another team (services/console/handover.py) -------------------------------------------


def _handed_over_to_ssst(actor_for, *, sub_area: str = "County Court") -> tuple[int, int, str]:
    """(SR id, case id, SR number) of an SR of the CSA team's case handed over to the SSST and allocated to
    ssst.caseworker, as its team leader would."""
    from services import console

    leader, receiving = actor_for("teamleader"), actor_for("ssst.teamleader")
    row = next(r for r in console.outstanding_page(leader).rows if r.label.endswith(sub_area))
    console.hand_over(leader, [row.id], receiving.team_id, "Theirs", expected_versions={row.id: row.version})
    version = next(r.version for r in console.outstanding_page(receiving, page_size=500).rows if r.id == row.id)
    console.reassign(
        receiving, [row.id], actor_for("ssst.caseworker").user_id, "Yours", expected_versions={row.id: version}
    )
    with transaction() as session:
        from db.models import ServiceRequest

        sr = session.get_one(ServiceRequest, row.id)
        assert sr.case.team_id == leader.team_id  # the case stays with its own team
        return sr.id, sr.case_id, sr.number


def test_only_a_team_leader_hands_an_sr_over_and_only_their_own_teams(demo_db, actor_for):
    from services import console
    from services.console.handover import ACTION

    leader = actor_for("teamleader")
    row = console.outstanding_page(leader).rows[0]
    for username in ("caseworker", "ssst.teamleader"):
        actor = actor_for(username)
        with pytest.raises(PermissionDenied):
            console.hand_over(actor, [row.id], 99, "Mine now", expected_versions={row.id: row.version})
        assert _refusals()[-1].actor_id == actor.user_id
        assert _refusals()[-1].after["attempted"] == ACTION


def test_a_team_holding_an_sr_on_another_teams_case_works_that_sr_on_it(demo_db, actor_for):
    """SR detail, starting and working its procedure, and the case's banner and facts the wizard shows."""
    from services import run_context, run_start, sr_view

    sr_id, case_id, number = _handed_over_to_ssst(actor_for)
    worker = actor_for("ssst.caseworker")
    assert sr_view.sr_full_view(worker, sr_id).number == number
    view = run_start.start_run(worker, "P5b", case_id=case_id, sr_id=sr_id)
    opened = run_context.view_run(worker, view.run_id)
    assert opened.case.case_id == case_id
    assert run_start.start_run(worker, "P5b", case_id=case_id, sr_id=sr_id).run_id == view.run_id  # resumes it


def test_a_team_holding_an_sr_on_another_teams_case_starts_nothing_on_the_case_without_it(demo_db, actor_for):
    from services import case_finder, run_start
    from services.errors import ValidationFailed

    sr_id, case_id, number = _handed_over_to_ssst(actor_for)
    worker = actor_for("ssst.caseworker")
    with pytest.raises(PermissionDenied, match="that case: it does not exist, or it is not your team's"):
        run_start.start_run(worker, "P5a", case_id=case_id)
    _assert_refusal_recorded(worker, entity_type="case", entity_id=case_id, attempted="start a procedure on this case",
                             reason_contains="it is not your team's")  # fmt: skip
    with pytest.raises(PermissionDenied):
        case_finder.case_card(worker, case_id)
    with pytest.raises(ValidationFailed, match=f"Service request {number} is your team's, but its case is another"):
        case_finder.find_cases(worker, number)  # the SR number is no way into the case's page


def test_a_team_holding_no_sr_on_the_case_is_refused_it_and_the_giving_team_loses_the_sr(demo_db, actor_for):
    from services import run_start, service_requests

    sr_id, case_id, _ = _handed_over_to_ssst(actor_for)
    for username in ("financial.cw1", "csa.cw1"):  # a third team; the giving team, which no longer holds the SR
        actor = actor_for(username)
        with pytest.raises(PermissionDenied, match="that service request: it does not exist, or it is not your team's"):
            run_start.start_run(actor, "P5b", case_id=case_id, sr_id=sr_id)
        with pytest.raises(PermissionDenied):
            service_requests.open_sr(actor, sr_id)
        _assert_refusal_recorded(actor, entity_type="service_request", entity_id=sr_id,
                                 attempted="view this service request", reason_contains="not your team's")  # fmt: skip


def test_a_sensitive_case_keeps_its_rule_for_a_team_holding_an_sr_on_it(demo_db, actor_for):
    """A hand-over never sends a sensitive case's SR to another team; one held there from before still opens no case."""
    from services import run_start
    from services.access import SENSITIVE_REFUSAL
    from tests.procedures.ssst_walks import set_case

    sr_id, case_id, _ = _handed_over_to_ssst(actor_for)
    set_case(case_id, sensitive=True)
    worker = actor_for("ssst.caseworker")
    with pytest.raises(PermissionDenied) as refused:
        run_start.start_run(worker, "P5b", case_id=case_id, sr_id=sr_id)
    assert refused.value.message == SENSITIVE_REFUSAL
    _assert_refusal_recorded(worker, entity_type="case", entity_id=case_id, attempted="work this SR",
                             reason_contains="Special Client Records")  # fmt: skip
