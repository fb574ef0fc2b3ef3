"""Each kind of change the issue names leaves its own event in the audit trail, naming who, what and which
SR; the team leader's SR timeline shows them (it reads the trail). That each is written in the same
transaction as its change is checked on every commit by tests/audit_guard.py (autouse here)."""

from __future__ import annotations

from sqlalchemy import select

from db.models import AuditEvent, ServiceRequest, User
from services import attachments, bundles, console, letters, run_context, runs, service_requests, sr_view
from services import email as outbox
from services.auth import sign_in, sign_out
from services.errors import PermissionDenied
from services.transaction import transaction
from tests.integration.test_access_matrix import Objects
from tests.integration.test_access_matrix import objects as objects  # noqa: F401 - the fixture
from tests.pdfs import a_pdf
from tests.procedures.test_p5a import request


def _newest(action: str, after_id: int) -> AuditEvent:
    with transaction() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == action, AuditEvent.id > after_id).order_by(AuditEvent.id)
        ).first()
        assert event is not None, f"no {action} event"
        return event


def _another_caseworker(team_id: int | None, not_user_id: int) -> int:
    with transaction() as session:
        return session.scalars(
            select(User.id).where(User.team_id == team_id, User.role == "caseworker", User.id != not_user_id)
        ).first()


def _mark() -> int:
    with transaction() as session:
        return session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) or 0


def test_every_kind_of_change_writes_its_event_and_the_sr_timeline_shows_them(objects: Objects, actor_for):
    owner, leader, other = actor_for("ssst.caseworker"), actor_for("ssst.teamleader"), actor_for("caseworker")
    teammate = _another_caseworker(leader.team_id, owner.user_id)
    start = _mark()
    sr = {"sr_id": objects.sr_id}
    changes = [
        ("sign_in", lambda: sign_in("ssst.caseworker", "demo-password"), {"actor_id": owner.user_id}),
        ("sign_in.failed", lambda: _refused(lambda: sign_in("ssst.caseworker", "wrong")), {"actor_id": None}),
        ("sign_out", lambda: sign_out(owner), {"actor_id": owner.user_id}),
        ("note.sr", lambda: service_requests.add_sr_note(owner, objects.sr_id, "Phoned the court"), sr),
        (
            "sr.updated",
            lambda: service_requests.update_sr_fields(
                owner, objects.sr_id, expected_version=objects.sr_version, court="Bath County Court"
            ),
            sr,
        ),
        (
            "run.answers",
            lambda: runs.submit_step(
                owner,
                objects.run_id,
                {
                    **request(objects.case_id),
                    "_checklist": list(run_context.view_run(owner, objects.run_id).step.checklist),
                },
                expected_version=objects.run_version,
            ),
            {"entity_id": objects.run_id},
        ),
        (
            "run.step",
            lambda: runs.confirm_step(
                owner, objects.run_id, expected_version=run_context.view_run(owner, objects.run_id).version
            ),
            {"entity_id": objects.run_id},
        ),
        (
            "attachment.uploaded",
            lambda: attachments.upload_outcome_pdf(owner, objects.sr_id, file_name="o.pdf", data=a_pdf()),
            sr,
        ),
        (
            "bundle.created",
            lambda: bundles.create_bundle(owner, objects.sr_id, name="lo", documents=[("x.txt", b"x")]),
            sr,
        ),
        ("attachment.deleted", lambda: bundles.delete_clerical_files(owner, objects.sr_id), sr),
        ("letter.rendered", lambda: letters.render_letter(owner, objects.letter_id), sr),
        ("letter.downloaded", lambda: letters.download_letter(owner, objects.letter_id), sr),
        ("email.downloaded", lambda: outbox.download_eml(owner, objects.email_id), sr),
        ("email.marked_sent", lambda: outbox.mark_sent(owner, objects.email_id), sr),
        (
            "sr.reassigned",
            lambda: console.reassign(
                leader, [objects.sr_id], teammate, "Covering leave", expected_versions=_as_shown(objects.sr_id)
            ),
            sr,
        ),
        (
            "refused",
            lambda: _refused(lambda: service_requests.open_sr(other, objects.sr_id)),
            {"actor_id": other.user_id},
        ),
        ("console.exported", lambda: console.export_csv(leader), {"actor_id": leader.user_id}),
    ]
    for action, change, expected in changes:
        before = _mark()
        change()
        event = _newest(action, before)
        for key, value in expected.items():
            assert getattr(event, key) == value, (action, key)
    timeline = {entry.action for entry in sr_view.sr_full_view(leader, objects.sr_id).timeline}
    on_the_sr = {action for action, _, expected in changes if expected is sr}
    assert on_the_sr <= timeline
    assert "email.queued" in timeline  # queued by the fixture, before `start`
    assert _mark() > start


def _refused(call) -> None:
    try:
        call()
    except PermissionDenied:
        return
    raise AssertionError("expected a refusal")


def _as_shown(*sr_ids: int) -> dict[int, int]:
    """The versions a console screen opened just now would show (reassignment carries them)."""
    with transaction() as session:
        return {i: session.get_one(ServiceRequest, i).version for i in sr_ids}
