"""The whole role matrix, service by service: every public service function that takes an actor is listed
here with who may use it, and everyone else is refused with a clear message and the attempt audited.

The last test fails when a new public service function appears without a line here, so a service added
later (a console query, a P5 upload, an outbox action) cannot skip its access check unnoticed.
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from db.models import AuditEvent, Case, Letter, ServiceRequest
from domain import mail
from domain.clock import UK
from letters import catalogue as letter_catalogue
from letters.render import committed_template
from services import (
    attachments,
    auth,
    bundles,
    case_finder,
    console,
    contact_notes,
    deadlines,
    email_address_later,
    email_delivery,
    insight,
    letter_previews,
    letter_templates,
    letters,
    my_day,
    policy_day,
    practice,
    practice_debrief,
    practice_record,
    practice_scenario_form,
    practice_scenarios,
    reference,
    reminders,
    run_cms,
    run_context,
    run_discard,
    run_outcomes,
    run_start,
    run_summary,
    runs,
    service_requests,
    sr_view,
    users,
    work,
)
from services import email as outbox
from services.errors import DomainError, PermissionDenied
from services.transaction import transaction
from tests.pdfs import a_pdf
from tests.procedures.ssst_walks import allocated_sr
from tests.procedures.walk import team_named

ROOT = Path(__file__).resolve().parents[2]
OWNER = "ssst.caseworker"  # every object below belongs to the SSST team
OTHER_TEAM = ("caseworker", "teamleader")  # the CSA Rules Reassessment Team
NO_CASE_DATA = ("policy", "admin")


@dataclass(frozen=True)
class Objects:
    """One of each thing a URL or a button can name, all in the SSST team."""

    case_id: int
    scin: str
    sensitive: bool
    sr_id: int
    sr_version: int
    run_id: str
    run_version: int
    letter_id: int
    email_id: int
    attachment_id: int
    bundle_id: int
    owner_id: int
    practice_id: str  # a practice run of the owner's


@pytest.fixture
def objects(sqlite_demo_db, actor_for, monkeypatch) -> Objects:
    for name in ("HOST", "PORT", "USER", "PASSWORD", "STARTTLS", "CAFILE"):
        monkeypatch.delenv(f"CASEWORK_SMTP_{name}", raising=False)
    owner = actor_for(OWNER)
    case_id, sr_id = allocated_sr(owner, "Court Fee Payment")
    run = run_start.start_run(owner, "P5a", case_id=case_id, sr_id=sr_id)
    spec = letter_catalogue.get("CMSL5501")
    with transaction() as session:
        case = session.get_one(Case, case_id)
        letter = Letter(
            sr_id=sr_id,
            template_code=spec.code,
            recipient=spec.recipient,
            status="due",
            context=spec.values_for(spec.samples[0].key),
        )
        session.add(letter)
        session.flush()
        letter_id, scin, sensitive = letter.id, case.scin, case.sensitive
    draft = mail.cpt_letter_ready(
        scin=scin, sr_number="1-00000001", hearing_at=datetime(2027, 3, 12, 10, 0, tzinfo=UK), court="Bath"
    )
    email = email_delivery.send_email(owner, sr_id, draft)
    pdf = attachments.upload_outcome_pdf(owner, sr_id, file_name="outcome.pdf", data=a_pdf())
    bundle = bundles.create_bundle(owner, sr_id, name="commitment", documents=[("a.docx", b"a")])
    sr_version = service_requests.open_sr(owner, sr_id).version
    practice_id = practice.start_practice(owner, "P5e-1").practice_id
    return Objects(
        case_id, scin, sensitive, sr_id, sr_version, run.run_id, run.version, letter_id, email.id, pdf.id,
        bundle.id, owner.user_id, practice_id,
    )  # fmt: skip


Call = Callable[[Any, Objects], object]

# Everything that shows or changes one case, SR, run, letter, email or file of a team.


def _as_shown(*sr_ids: int) -> dict[int, int]:
    """The versions a console screen opened just now would show (reassignment carries them)."""
    with transaction() as session:
        return {i: session.get_one(ServiceRequest, i).version for i in sr_ids}


def _sr_number(sr_id: int) -> str:
    with transaction() as session:
        return session.get_one(ServiceRequest, sr_id).number


CASE_CALLS: dict[str, Call] = {
    "work.find_case": lambda a, o: work.find_case(a, o.scin),
    "service_requests.open_sr": lambda a, o: service_requests.open_sr(a, o.sr_id),
    "service_requests.update_sr_fields": lambda a, o: service_requests.update_sr_fields(
        a, o.sr_id, expected_version=o.sr_version, court="Bath County Court"
    ),
    "service_requests.add_sr_note": lambda a, o: service_requests.add_sr_note(a, o.sr_id, "A note"),
    "sr_view.sr_full_view": lambda a, o: sr_view.sr_full_view(a, o.sr_id),
    "sr_view.sr_id_by_number": lambda a, o: sr_view.sr_id_by_number(a, _sr_number(o.sr_id)),
    "deadlines.sr_deadlines": lambda a, o: deadlines.sr_deadlines(a, o.sr_id),
    "attachments.list_attachments": lambda a, o: attachments.list_attachments(a, o.sr_id),
    "attachments.upload_outcome_pdf": lambda a, o: attachments.upload_outcome_pdf(
        a, o.sr_id, file_name="x.pdf", data=a_pdf()
    ),
    "attachments.download_attachment": lambda a, o: attachments.download_attachment(a, o.attachment_id),
    "bundles.create_bundle": lambda a, o: bundles.create_bundle(a, o.sr_id, name="lo", documents=[("b.txt", b"b")]),
    "bundles.bundle_documents": lambda a, o: bundles.bundle_documents(a, o.bundle_id),
    "bundles.delete_clerical_files": lambda a, o: bundles.delete_clerical_files(a, o.sr_id),
    "email_delivery.send_email": lambda a, o: email_delivery.send_email(
        a,
        o.sr_id,
        mail.cpt_letter_ready(
            scin=o.scin, sr_number="1-00000002", hearing_at=datetime(2027, 3, 19, 10, 0, tzinfo=UK), court="Bath"
        ),
    ),
    "email.sr_emails": lambda a, o: outbox.sr_emails(a, o.sr_id),
    "email.download_eml": lambda a, o: outbox.download_eml(a, o.email_id),
    "email.mark_sent": lambda a, o: outbox.mark_sent(a, o.email_id),
    "email_delivery.deliver": lambda a, o: email_delivery.deliver(a, o.email_id),
    "email_address_later.address_now": lambda a, o: email_address_later.address_now(a, o.email_id),
    "letters.letters_for_sr": lambda a, o: letters.letters_for_sr(a, o.sr_id),
    "letters.letters_for_run": lambda a, o: letters.letters_for_run(a, o.run_id),
    "letters.render_letter": lambda a, o: letters.render_letter(a, o.letter_id),
    "letters.download_letter": lambda a, o: letters.download_letter(a, o.letter_id),
    "run_start.start_run": lambda a, o: run_start.start_run(a, "P5a", case_id=o.case_id, sr_id=o.sr_id),
    "run_context.view_run": lambda a, o: run_context.view_run(a, o.run_id),
    "runs.submit_step": lambda a, o: runs.submit_step(a, o.run_id, {}, expected_version=o.run_version),
    "runs.confirm_step": lambda a, o: runs.confirm_step(a, o.run_id, expected_version=o.run_version),
    "runs.check_page": lambda a, o: runs.check_page(a, o.run_id, {}, (), expected_version=o.run_version),
    "runs.go_back": lambda a, o: runs.go_back(a, o.run_id, expected_version=o.run_version),
    "runs.change_answer": lambda a, o: runs.change_answer(a, o.run_id, "start", expected_version=o.run_version),
    "run_discard.discard_run": lambda a, o: run_discard.discard_run(a, o.run_id, expected_version=o.run_version),
    "run_outcomes.run_outcome": lambda a, o: run_outcomes.run_outcome(a, o.run_id),
    "run_cms.tick_cms": lambda a, o: run_cms.tick_cms(a, o.run_id, 0, 0, True, expected_version=o.run_version),
    "case_finder.find_cases": lambda a, o: case_finder.find_cases(a, o.scin),
    "case_finder.case_card": lambda a, o: case_finder.case_card(a, o.case_id, closed=case_finder.CLOSED_LISTED),
    "contact_notes.case_contact_notes": lambda a, o: contact_notes.case_contact_notes(a, o.case_id),
    "letter_previews.pending_letters": lambda a, o: letter_previews.pending_letters(a, o.run_id),
    "run_summary.run_srs": lambda a, o: run_summary.run_srs(a, o.run_id),
    "run_summary.run_tasks": lambda a, o: run_summary.run_tasks(a, o.run_id),
    "console.reassign": lambda a, o: console.reassign(
        a, [o.sr_id], o.owner_id, "Covering leave", expected_versions=_as_shown(o.sr_id)
    ),
    "console.check_hand_over": lambda a, o: console.check_hand_over(
        a, [o.sr_id], team_named("CSA Rules Reassessment Team"), "Theirs", expected_versions=_as_shown(o.sr_id)
    ),
    "console.hand_over": lambda a, o: console.hand_over(
        a, [o.sr_id], team_named("CSA Rules Reassessment Team"), "Theirs", expected_versions=_as_shown(o.sr_id)
    ),
}
# The console's actions on the team's SRs: their rightful user is the team's leader.
LEADER_CALLS = {"console.reassign", "console.check_hand_over", "console.hand_over"}

# A practice run is its caseworker's own (it has no real case): anyone else, whatever their team or role, is
# refused in the words used for another team's run.
PRACTICE_CALLS: dict[str, Call] = {
    "practice.view_practice": lambda a, o: practice.view_practice(a, o.practice_id),
    "practice.submit_step": lambda a, o: practice.submit_step(a, o.practice_id, {}, expected_version=1),
    "practice.check_page": lambda a, o: practice.check_page(a, o.practice_id, {}, (), expected_version=1),
    "practice.confirm_step": lambda a, o: practice.confirm_step(a, o.practice_id, expected_version=1),
    "practice.go_back": lambda a, o: practice.go_back(a, o.practice_id, expected_version=1),
    "practice.change_answer": lambda a, o: practice.change_answer(a, o.practice_id, "pv_check", expected_version=1),
    "practice.retry": lambda a, o: practice.retry(a, o.practice_id),
    "practice.tick_cms": lambda a, o: practice.tick_cms(a, o.practice_id, 0, 0, True, expected_version=1),
    "practice_debrief.debrief": lambda a, o: practice_debrief.debrief(a, o.practice_id),
    "practice_debrief.practice_letter": lambda a, o: practice_debrief.practice_letter(a, o.practice_id, 0),
    "letter_previews.pending_practice_letters": lambda a, o: letter_previews.pending_practice_letters(a, o.practice_id),
}

# Lists of the actor's own team's work: another team simply sees its own; roles without case work are refused.
TEAM_LISTS: dict[str, tuple[Call, tuple[str, ...]]] = {
    "work.my_work": (lambda a, o: work.my_work(a), NO_CASE_DATA),
    "email.outbox": (lambda a, o: outbox.outbox(a), NO_CASE_DATA),
    "my_day.my_day": (lambda a, o: my_day.my_day(a), NO_CASE_DATA),
    "work.my_tasks": (lambda a, o: work.my_tasks(a), NO_CASE_DATA),
    "case_finder.example_scin": (lambda a, o: case_finder.example_scin(a), NO_CASE_DATA),
    "reminders.notices": (lambda a, o: reminders.notices(a), NO_CASE_DATA),
    "practice_scenarios.scenarios_for": (lambda a, o: practice_scenarios.scenarios_for(a), NO_CASE_DATA),
    "practice.start_practice": (lambda a, o: practice.start_practice(a, "P5e-1"), NO_CASE_DATA),
    "practice_record.my_practice": (lambda a, o: practice_record.my_practice(a), NO_CASE_DATA),
    "practice_record.practice_record": (lambda a, o: practice_record.practice_record(a), (*NO_CASE_DATA, "caseworker")),
    **{
        f"console.{name}": (lambda a, o, name=name: getattr(console, name)(a), (*NO_CASE_DATA, "caseworker"))
        for name in (
            "outstanding_page",
            "counts",
            "ageing",
            "deadlines",
            "team_members",
            "stuck_runs",
            "export_csv",
            "overview",
            "handover_teams",
        )
    },
}

# Letter templates (fictional data only) for policy staff; user accounts for admin.
POLICY_ONLY = ("caseworker", "teamleader", "admin")
ADMIN_ONLY = ("caseworker", "teamleader", "policy")
CASE_ROLES = ("caseworker", "teamleader")
ROLE_ONLY: dict[str, tuple[Call, tuple[str, ...]]] = {
    # The list of templates (names, fields, versions) holds no case data; the wizard links to it too.
    "letter_templates.list_templates": (lambda a, o: letter_templates.list_templates(a), ("admin",)),
    "letter_templates.template_versions": (lambda a, o: letter_templates.template_versions(a, "CMSL5501"), POLICY_ONLY),
    "letter_templates.download_template": (lambda a, o: letter_templates.download_template(a, "CMSL5501"), POLICY_ONLY),
    "letter_templates.upload_template": (
        lambda a, o: letter_templates.upload_template(a, "CMSL5501", committed_template("CMSL5501")),
        POLICY_ONLY,
    ),
    "letter_templates.activate_version": (
        lambda a, o: letter_templates.activate_version(a, "CMSL5501", 1),
        POLICY_ONLY,
    ),
    "letter_templates.preview": (lambda a, o: letter_templates.preview(a, "CMSL5501"), POLICY_ONLY),
    "letter_templates.preview_pdf": (lambda a, o: letter_templates.preview_pdf(a, "CMSL5501"), POLICY_ONLY),
    "users.list_users": (lambda a, o: users.list_users(a), ADMIN_ONLY),
    "users.add_user": (
        lambda a, o: users.add_user(
            a, username="intruder", display_name="Intruder", role="admin", password="long-enough-password-1"
        ),
        ADMIN_ONLY,
    ),
    "users.set_password": (lambda a, o: users.set_password(a, OWNER, "another-long-password-1"), ADMIN_ONLY),
    "users.has_a_way_to_sign_in": (lambda a, o: users.has_a_way_to_sign_in(a, OWNER), ADMIN_ONLY),
    "users.set_active": (lambda a, o: users.set_active(a, OWNER, False), ADMIN_ONLY),
    "users.set_role_team": (
        lambda a, o: users.set_role_team(a, OWNER, role="caseworker", team="Specialist Services Support Team"),
        ADMIN_ONLY,
    ),
    "auth.unlock": (lambda a, o: auth.unlock(a, username=OWNER), ADMIN_ONLY),
    # Reference values: policy staff and admins keep them; case workers only see them in the CMS panel.
    "reference.list_entries": (lambda a, o: reference.list_entries(a), CASE_ROLES),
    "reference.confirm": (lambda a, o: reference.confirm(a, "resolution_code.completed"), CASE_ROLES),
    "reference.correct": (lambda a, o: reference.correct(a, "resolution_code.completed", "Done"), CASE_ROLES),
    "reference.add": (lambda a, o: reference.add(a, "Reason", "Local"), CASE_ROLES),
    "reference.export_csv": (lambda a, o: reference.export_csv(a), CASE_ROLES),
    "reference.import_csv": (lambda a, o: reference.import_csv(a, "key,kind,value\n"), CASE_ROLES),
    # Practice scenarios are data about fictional cases; policy staff keep them.
    "practice_scenarios.save_scenario": (lambda a, o: practice_scenarios.save_scenario(a, {}), POLICY_ONLY),
    "practice_scenarios.scenarios_for_editing": (lambda a, o: practice_scenarios.scenarios_for_editing(a), POLICY_ONLY),
    "practice_scenario_form.save_scenario_form": (
        lambda a, o: practice_scenario_form.save_scenario_form(a, {"procedure": "P5e"}),
        POLICY_ONLY,
    ),
    # Step insight: policy staff (all teams, nobody named) and team leaders (their team); no case data.
    "insight.insight": (lambda a, o: insight.insight(a), ("caseworker", "admin")),
    "insight.teams": (lambda a, o: insight.teams(a), ("caseworker", "admin")),
    # Policy staff's Home: reference values and Insight's all-teams figures, no case data.
    "policy_day.policy_day": (lambda a, o: policy_day.policy_day(a), POLICY_ONLY),
}

# Public functions taking an actor that need no line above, and why.
EXEMPT = {
    "auth.sign_out": "ends the caller's own session",
    "run_start.procedures_for": "lists procedure titles for the caller's role; no case data",
    "access.refuse_page": "is the refusal itself",
    "work.complete_task": "refuses another's task (tests/integration/test_working_day.py)",
    "reminders.snooze": "team leaders only, within their team; refusals tested in tests/integration/test_reminders.py",
    "insight_runs.runs_behind": "team leaders only, their own team; refusals in tests/integration/test_insight.py",
    "step_events.record_refusal": "records the fields runs.submit_step just refused, on the run's own team only",
    "sessions.check": "is the page view's check of the caller's own session (tests/integration/test_sessions.py)",
    "practice_store.may_practise": "is the rule the practice services' checks use; reads nothing",
    "session_rules.acting_in": "makes an Actor value for a session just checked; reads and writes nothing",
    "access.opens_sr_page": "is a rule pages ask before linking to an SR; reads nothing (test_case_page.py)",
    "access.reads_case": "is a rule the SR page asks before linking to its case; reads nothing (test_case_page.py)",
}


def _newest_event() -> AuditEvent | None:
    with transaction() as session:
        return session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).first()


def _audit_count() -> int:
    with transaction() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent)) or 0


def _assert_refused(call: Call, actor: Any, objects: Objects, message: str) -> None:
    """Refused with `message` in the words shown, and the attempt is the newest audit event."""
    with pytest.raises(PermissionDenied) as caught:
        call(actor, objects)
    assert message in caught.value.message, caught.value.message
    event = _newest_event()
    assert event is not None
    assert (event.action, event.actor_id) == ("refused", actor.user_id)
    assert event.after["reason"] == caught.value.message


def _assert_allowed(call: Call, actor: Any, objects: Objects) -> None:
    """The rightful user is not refused (a business rule may still say no, e.g. nothing to submit yet)."""
    try:
        call(actor, objects)
    except PermissionDenied as exc:  # pragma: no cover - the failure message is the point
        pytest.fail(f"{actor.username} was refused: {exc.message}")
    except DomainError:
        pass


# Services that ask the role first: the refusal names the role rather than the team.
ROLE_FIRST = {"run_start.start_run": ("teamleader",), **{name: ("caseworker",) for name in LEADER_CALLS}}
NO_ACCESS = ("no access to case data", "cannot")  # check_* for roles without case work; require_role


@pytest.mark.parametrize("name", sorted(CASE_CALLS))
def test_each_case_service_refuses_other_teams_policy_and_admin_and_audits_each_attempt(name, objects, actor_for):
    call = CASE_CALLS[name]
    before = _audit_count()
    for username in OTHER_TEAM:
        if username in ROLE_FIRST.get(name, ()):
            expected = "cannot"
        else:
            expected = "Special Client Records" if objects.sensitive else "it does not exist, or it is not your team's"
        _assert_refused(call, actor_for(username), objects, expected)
    for username in NO_CASE_DATA:
        _assert_refused(call, actor_for(username), objects, "")
        assert any(words in _newest_event().after["reason"] for words in NO_ACCESS)
    assert _audit_count() == before + len(OTHER_TEAM) + len(NO_CASE_DATA)
    _assert_allowed(call, actor_for("ssst.teamleader" if name in LEADER_CALLS else OWNER), objects)


@pytest.mark.parametrize("name", sorted(PRACTICE_CALLS))
def test_a_practice_run_is_refused_to_everyone_but_its_caseworker_and_each_attempt_audited(name, objects, actor_for):
    call = PRACTICE_CALLS[name]
    before = _audit_count()
    others = ("caseworker", "teamleader", "ssst.teamleader", *NO_CASE_DATA)
    for username in others:
        _assert_refused(call, actor_for(username), objects, "it does not exist, or it is not your team's")
    assert _audit_count() == before + len(others)
    _assert_allowed(call, actor_for(OWNER), objects)


@pytest.mark.parametrize("name", sorted(TEAM_LISTS))
def test_each_team_list_refuses_roles_without_case_work_and_audits_each_attempt(name, objects, actor_for):
    call, refused = TEAM_LISTS[name]
    for username in refused:
        _assert_refused(call, actor_for(username), objects, "")
    allowed = "ssst.teamleader" if "caseworker" in refused else OWNER
    _assert_allowed(call, actor_for(allowed), objects)


@pytest.mark.parametrize("name", sorted(ROLE_ONLY))
def test_letter_templates_are_for_policy_and_user_accounts_for_admin_only(name, objects, actor_for):
    call, refused = ROLE_ONLY[name]
    before = _audit_count()
    for username in refused:
        _assert_refused(call, actor_for(username), objects, "cannot")
    assert _audit_count() == before + len(refused)
    _assert_allowed(call, actor_for("admin" if refused is ADMIN_ONLY else "policy"), objects)


def _rightful(name: str) -> str:
    if name in PRACTICE_CALLS:
        return OWNER
    if name in CASE_CALLS:
        return "ssst.teamleader" if name in LEADER_CALLS else OWNER
    if name in TEAM_LISTS:
        return "ssst.teamleader" if "caseworker" in TEAM_LISTS[name][1] else OWNER
    return "admin" if ROLE_ONLY[name][1] is ADMIN_ONLY else "policy"


@pytest.mark.parametrize("name", sorted(set(CASE_CALLS) | set(PRACTICE_CALLS) | set(TEAM_LISTS) | set(ROLE_ONLY)))
def test_every_service_refuses_its_rightful_user_once_deactivated_and_audits_it(name, objects, actor_for):
    """The Actor a page holds is a snapshot from sign-in; the services check it against the users table."""
    from services.access import SESSION_ENDED
    from services.errors import SessionEnded

    call = {**CASE_CALLS, **PRACTICE_CALLS, **{k: v[0] for k, v in (TEAM_LISTS | ROLE_ONLY).items()}}[name]
    snapshot = actor_for(_rightful(name))
    users.set_active(None, snapshot.username, False)
    before = _audit_count()
    with pytest.raises(SessionEnded) as caught:
        call(snapshot, objects)
    assert caught.value.message == SESSION_ENDED
    assert _audit_count() == before + 1
    assert (_newest_event().action, _newest_event().actor_id) == ("refused", snapshot.user_id)


def _public_actor_functions() -> set[str]:
    """module.function for every public function in services/ whose first parameter is the actor; a function
    of a package (services/console/) is named by the package, which is how callers reach it."""
    found = set()
    for path in sorted((ROOT / "services").rglob("*.py")):
        module = path.stem if path.parent.name == "services" else path.parent.name
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_") and node.args.args:
                if node.args.args[0].arg == "actor":
                    found.add(f"{module}.{node.name}")
    return found


def test_every_public_service_taking_an_actor_is_in_the_access_matrix():
    listed = set(CASE_CALLS) | set(PRACTICE_CALLS) | set(TEAM_LISTS) | set(ROLE_ONLY) | set(EXEMPT)
    missing = _public_actor_functions() - listed
    assert not missing, f"add these to the access matrix (or EXEMPT with a reason): {sorted(missing)}"
    assert not listed - _public_actor_functions(), "the matrix names a function that no longer exists"


def test_on_a_sensitive_case_every_case_service_tells_another_team_only_to_go_through_special_client_records(
    objects, actor_for
):
    from services.access import SENSITIVE_REFUSAL
    from tests.procedures.ssst_walks import set_case

    set_case(objects.case_id, sensitive=True)
    sensitive = dataclasses.replace(objects, sensitive=True)
    with transaction() as session:
        number = session.get_one(ServiceRequest, objects.sr_id).number
    for name, call in sorted(CASE_CALLS.items()):
        for username in OTHER_TEAM:
            if username in ROLE_FIRST.get(name, ()):
                continue
            with pytest.raises(PermissionDenied) as caught:
                call(actor_for(username), sensitive)
            assert caught.value.message == SENSITIVE_REFUSAL, name
            assert number not in caught.value.message
            assert _newest_event().after["reason"] == SENSITIVE_REFUSAL
    _assert_allowed(CASE_CALLS["sr_view.sr_full_view"], actor_for("ssst.teamleader"), sensitive)


def test_another_team_leaders_console_lists_and_export_hold_none_of_this_teams_work(objects, actor_for):
    other = actor_for("teamleader")
    with transaction() as session:
        number = session.get_one(ServiceRequest, objects.sr_id).number
    everything = console.ConsoleFilter(statuses=("Open", "In Progress", "Closed"))
    assert objects.sr_id not in {r.id for r in console.outstanding_page(other, everything, page_size=500).rows}
    assert number not in console.export_csv(other, everything).content
    assert objects.scin not in console.export_csv(other, everything).content
    assert number not in {d.sr_number for d in console.deadlines(other, limit=1000)}
    assert objects.run_id not in {r.run_id for r in console.stuck_runs(other, working_days=0)}
    assert objects.owner_id not in {m.id for m in console.team_members(other)}
    seen = console.overview(other, everything)  # the page's one read: none of it either
    assert objects.sr_id not in {r.id for r in seen.page.rows}
    assert number not in {d.sr_number for d in seen.deadlines} | set(seen.counts.by_catalogue)
    assert number not in {e.sr_number for e in outbox.outbox(other)}
    # ...while the owning team leader sees it.
    assert number in console.export_csv(actor_for("ssst.teamleader"), everything).content
