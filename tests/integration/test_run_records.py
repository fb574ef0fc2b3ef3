"""The wizard reads a run's letters, deadlines, case files and emails in one UNION ALL query
(services/run_records.py): on both databases it must show exactly what the per-table readers show, in
their order, with aware UTC times, and never another SR's rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from db.models import Attachment, Case, Letter, OutboundEmail, ProcedureRun, ServiceRequest
from services import records, run_context, run_start, run_views, runs
from services.attachments import AttachmentView
from services.deadlines import deadline_views
from services.email import email_views
from services.transaction import transaction


def a_run_with_an_sr(actor) -> run_views.RunView:
    with transaction() as session:
        case_id = session.scalars(select(Case.id).where(Case.team_id == actor.team_id).order_by(Case.id)).first()
    view = run_start.start_run(actor, "P1", case_id=case_id)
    view = runs.submit_step(
        actor,
        view.run_id,
        {
            "query_reason": "Complaint",
            "query_summary": "records",
            "financial_transition_complete": True,
            "_checklist": list(view.step.checklist),
        },
        expected_version=view.version,
    )
    return runs.confirm_step(actor, view.run_id, expected_version=view.version)


def test_the_run_view_shows_every_letter_deadline_file_and_email_of_its_sr_as_the_per_table_readers_do(
    demo_db, actor_for
):
    actor = actor_for("caseworker")
    before = a_run_with_an_sr(actor)
    assert before.sr_number
    assert (before.letters, before.deadlines, before.files, before.emails) == ((), (), (), ())
    with transaction() as session:
        run = session.get_one(ProcedureRun, before.run_id)
        sr = session.get_one(ServiceRequest, run.sr_id)
        other = session.scalars(select(ServiceRequest).where(ServiceRequest.id != sr.id)).first()
        now = datetime.now(UTC).replace(microsecond=0)
        for target in (sr, other):  # the other SR's rows must never show on this run
            session.add_all(
                [
                    Letter(sr_id=target.id, template_code="CMSL5501", recipient="paying_parent", status="due"),
                    Letter(sr_id=target.id, template_code="NO-SUCH-CODE", status="rendered", file_name="x.docx"),
                ]
            )
            records.add_deadline(
                session, actor, target, kind="review_date", due_at=now + timedelta(days=9), explanation="nine days on"
            )
            records.add_deadline(
                session,
                actor,
                target,
                kind="court_fee_payment",
                due_at=now - timedelta(days=2),
                explanation="two days ago",
            )
            session.add_all(
                [
                    Attachment(
                        sr_id=target.id,
                        kind="outcome_pdf",
                        file_name="a.pdf",
                        media_type="application/pdf",
                        size=123,
                        sha256="a" * 64,
                        content=b"%PDF",
                        created_at=now,
                    ),
                    Attachment(
                        sr_id=target.id,
                        kind="bundle_zip",
                        file_name="b.zip",
                        media_type="application/zip",
                        size=9,
                        sha256="b" * 64,
                        content=b"PK",
                        created_at=now,
                        deleted_at=now,
                    ),
                    OutboundEmail(
                        sr_id=target.id,
                        message_id=f"<m1-{target.id}@test>",
                        to_addrs="a@example.org",
                        subject="One",
                        raw=b"raw",
                        status="failed",
                        error="refused",
                        created_at=now,
                    ),
                    OutboundEmail(
                        sr_id=target.id,
                        message_id=f"<m2-{target.id}@test>",
                        to_addrs="b@example.org",
                        subject="Two",
                        raw=b"raw",
                        status="sent",
                        created_at=now,
                        sent_at=now,
                    ),
                ]
            )
        session.flush()
        ids = {sr.id}
        expected_deadlines = deadline_views(session, ids)
        expected_emails = email_views(session, ids)
        expected_files = tuple(
            AttachmentView.of(a)
            for a in session.scalars(select(Attachment).where(Attachment.sr_id == sr.id).order_by(Attachment.id))
        )
        expected_letters = [
            (lt.id, lt.template_code, lt.recipient, lt.status, lt.file_name)
            for lt in session.scalars(select(Letter).where(Letter.sr_id == sr.id).order_by(Letter.id))
        ]

    view = run_context.view_run(actor, before.run_id)

    assert [d.kind for d in view.deadlines] == ["court_fee_payment", "review_date"]  # soonest first
    assert view.deadlines == expected_deadlines
    assert [d.overdue for d in view.deadlines] == [True, False]
    assert all(d.due_at.tzinfo is not None and d.sr_number == before.sr_number for d in view.deadlines)
    assert view.files == expected_files
    assert [f.deleted_at is not None for f in view.files] == [False, True]
    assert view.emails == expected_emails
    assert [(e.subject, e.status, e.error) for e in view.emails] == [
        ("One", "failed", "refused"),
        ("Two", "sent", None),
    ]
    assert view.emails[1].sent_at == now
    assert view.emails[0].sent_at is None
    assert [(lt.id, lt.template_code, lt.recipient, lt.status, lt.file_name) for lt in view.letters] == expected_letters
    assert view.letters[1].title == "NO-SUCH-CODE"  # an unknown code is shown as itself
    assert {lt.sr_number for lt in view.letters} == {before.sr_number}
