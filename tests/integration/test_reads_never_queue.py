"""On SQLite a page that only reads never waits for the write lock: a long writer holds it, the reads complete.

Before reads began DEFERRED, every transaction began with BEGIN IMMEDIATE, so each of these reads would wait the
whole busy timeout behind the writer and then fail with "database is locked".
"""

import sqlite3
import threading

import pytest
from sqlalchemy import select

from db.models import Case, ServiceRequest
from services import console, run_context, run_start, work
from services.sr_view import sr_full_view
from services.transaction import transaction
from tests.app.helpers import app_as, texts
from tests.pdfs import a_pdf


def test_page_reads_complete_while_a_long_writer_holds_the_lock(sqlite_demo_db, actor_for):
    actor = actor_for("caseworker")
    with transaction() as session:
        case_id = session.scalars(
            select(Case.id).where(Case.team_id == actor.team_id, Case.financial_transition_complete).order_by(Case.id)
        ).first()
        sr_id = session.scalars(select(ServiceRequest.id).where(ServiceRequest.team_id == actor.team_id)).first()
    run_id = run_start.start_run(actor, "P1", case_id=case_id).run_id
    at = app_as(actor).run()  # signed in before the writer starts (sign-in itself writes)

    writer = threading.Event()
    holder = _hold_write_lock(sqlite_demo_db.url, writer)
    try:
        assert run_context.view_run(actor, run_id).step.title == "Check where the case is in transition"
        assert run_id in {r.id for r in work.my_work(actor).runs}
        assert sr_full_view(actor, sr_id).number
        at.query_params["run"] = run_id
        at.switch_page("pages/wizard.py").run()
        assert not at.exception
        assert "Check where the case is in transition" in texts(at)
        assert holder.is_alive(), "the writer must still hold the lock while the reads complete"
    finally:
        writer.set()
        holder.join(30)


def test_a_write_in_a_read_only_transaction_is_refused(sqlite_demo_db):
    with pytest.raises(RuntimeError, match="begun read-only tried to write"), transaction(read_only=True) as session:
        case = session.scalars(select(Case)).first()
        case.segment = case.segment + 1
        session.flush()


def _hold_write_lock(url: str, release: threading.Event) -> threading.Thread:
    holding = threading.Event()

    def write() -> None:
        conn = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None, timeout=1)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("UPDATE cases SET segment = segment")
            holding.set()
            release.wait(120)
            conn.execute("ROLLBACK")
        finally:
            conn.close()

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    assert holding.wait(30), "the writer did not get the lock"
    return thread


def test_the_outstanding_srs_page_reads_complete_while_a_long_writer_holds_the_lock(sqlite_demo_db, actor_for):
    """Every read the team leader console sends (members, counts, a page, ageing, deadlines, stuck runs, overview)."""
    leader = actor_for("teamleader")
    at = app_as(leader).run()  # signed in before the writer starts (sign-in itself writes)
    at.switch_page("pages/outstanding.py").run()
    assert not at.exception
    second = console.outstanding_page(leader, page_size=5).next_cursor
    assert second is not None

    writer = threading.Event()
    holder = _hold_write_lock(sqlite_demo_db.url, writer)
    try:
        total = console.counts(leader).total
        assert total > 5
        assert console.team_members(leader)
        assert console.outstanding_page(leader, after=second, page_size=5).rows
        assert sum(n for _, _, n in console.ageing(leader)) == total
        assert console.deadlines(leader)
        console.stuck_runs(leader)  # the demo team may have none: that it answers at all is the point
        assert console.overview(leader, after=second, page_size=5).counts.total == total  # the page's one read
        at.run()
        assert not at.exception
        assert f"{total:,} service requests match" in texts(at)
        assert "Deadlines of the matching SRs, soonest first" in texts(at)
        assert not at.error, [e.value for e in at.error]
        assert holder.is_alive(), "the writer must still hold the lock while the reads complete"
    finally:
        writer.set()
        holder.join(30)


def test_home_and_the_other_reading_calls_complete_while_a_long_writer_holds_the_lock(sqlite_demo_db, actor_for):
    """Home (services/my_day.py), an SR's page and the lists beside it and the wizard, case lookups, the outbox,
    and the policy and admin lists: each reads in a DEFERRED transaction. Until 4 December each began with BEGIN
    IMMEDIATE and would have waited the whole busy timeout behind the writer, then failed with "database is locked"."""
    from services import (
        attachments,
        bundles,
        case_finder,
        deadlines,
        email,
        letter_previews,
        letter_templates,
        letters,
        my_day,
        reference,
        run_summary,
        service_requests,
        users,
    )

    me, policy = actor_for("caseworker"), actor_for("policy")
    with transaction() as session:
        case_id = session.scalars(
            select(Case.id).where(Case.team_id == me.team_id, Case.financial_transition_complete).order_by(Case.id)
        ).first()
        case = session.get_one(Case, case_id)
        sr_id = session.scalars(select(ServiceRequest.id).where(ServiceRequest.owner_id == me.user_id)).first()
        scin, name = case.scin, case.paying_parent_name
    run_id = run_start.start_run(me, "P1", case_id=case_id).run_id
    pdf = attachments.upload_outcome_pdf(me, sr_id, file_name="outcome.pdf", data=a_pdf())
    bundle = bundles.create_bundle(me, sr_id, name="commitment", documents=[("a.docx", b"a")])
    code = letter_templates.list_templates(policy)[0].code
    at = app_as(me).run()  # signed in before the writer starts (sign-in itself writes); the Home page

    writer = threading.Event()
    holder = _hold_write_lock(sqlite_demo_db.url, writer)
    try:
        day = my_day.my_day(me)
        assert run_id in {r.id for r in day.runs}
        assert work.my_tasks(me) == day.tasks
        assert case_id in {m.case_id for m in case_finder.find_cases(me, scin).matches}
        assert case_finder.find_cases(me, name[:4]).matches
        assert case_finder.case_card(me, case_id).banner.scin == scin
        assert service_requests.open_sr(me, sr_id).id == sr_id
        deadlines.sr_deadlines(me, sr_id)  # the demo SR may have none: that each answers at all is the point
        letters.letters_for_sr(me, sr_id)
        assert {pdf.id, bundle.id} <= {a.id for a in attachments.list_attachments(me, sr_id)}
        assert attachments.download_attachment(me, pdf.id).content == a_pdf()
        assert bundles.bundle_documents(me, bundle.id) == ["a.docx"]
        email.sr_emails(me, sr_id)
        email.outbox(me)
        assert letters.letters_for_run(me, run_id) == []
        assert letter_previews.pending_letters(me, run_id) == []
        run_summary.run_srs(me, run_id)
        letters.due_letter_ids()
        assert "caseworker" in {u.username for u in users.list_users(None)}
        assert users.list_teams()
        assert reference.list_entries(policy)
        assert reference.export_csv(None).startswith("key,")
        assert letter_templates.template_versions(policy, code)
        assert letter_templates.download_template(policy, code).content
        assert letter_templates.preview(policy, code).html
        at.run()
        assert not at.exception
        assert not at.error, [e.value for e in at.error]
        assert holder.is_alive(), "the writer must still hold the lock while the reads complete"
    finally:
        writer.set()
        holder.join(30)
