"""A team leader hands SRs over to another team (services/console/handover.py), on SQLite and PostgreSQL: the SR
arrives unallocated in the receiving team's list with its deadlines, its timeline says so with the reason, and every
refusal changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from db.models import AuditEvent, Case, ProcedureRun, ServiceRequest, Team, User
from domain.clock import uk_local, utcnow
from services import console, records, run_context, run_start, run_summary, service_requests, sr_view
from services.console import handover
from services.errors import ConflictError, PermissionDenied, ValidationFailed
from services.transaction import transaction
from services.work import my_work
from tests.procedures.walk import Walk, team_named

REASON = "County court work is the SSST's"
SSST = "Specialist Services Support Team"


def _sr(leader, label_ends: str) -> console.ConsoleRow:
    """The giving team's first open SR of that kind (the demo's misallocated SSST work is with `csa.cw1`)."""
    return next(r for r in console.outstanding_page(leader).rows if r.label.endswith(label_ends))


def _state(sr_id: int) -> tuple[int, int | None, int]:
    with transaction() as session:
        sr = session.get_one(ServiceRequest, sr_id)
        return sr.team_id, sr.owner_id, sr.version


def _handed_over_events() -> list[AuditEvent]:
    with transaction() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == "sr.handed_over")).all())


def _refused(call, expected_error, sr_id: int):
    """`call` is refused with `expected_error` and nothing of the SR changed, nor was any hand-over recorded."""
    before = _state(sr_id)
    with pytest.raises(expected_error) as caught:
        call()
    assert _state(sr_id) == before
    assert not _handed_over_events()
    return caught.value


def test_a_team_leader_hands_an_sr_to_another_team_which_finds_it_unallocated_with_its_history(demo_db, actor_for):
    leader, receiving = actor_for("teamleader"), actor_for("ssst.teamleader")
    row = _sr(leader, "County Court")
    ssst = team_named(SSST)
    assert row.owner is not None

    done = console.hand_over(leader, [row.id], ssst, f"  {REASON} ", expected_versions={row.id: row.version})

    assert done.sr_numbers == (row.number,)
    assert done.said == (
        f"Handed over service request {row.number} to {SSST}. It is no longer in your team's list: {SSST}'s team "
        "leader will allocate it to one of their caseworkers."
    )
    team_id, owner_id, version = _state(row.id)
    assert (team_id, owner_id, version) == (ssst, None, row.version + 1)
    (event,) = _handed_over_events()
    assert (event.entity_id, event.actor_id, event.sr_id) == (row.number, leader.user_id, row.id)
    assert event.before == {"team_id": leader.team_id, "team": "CSA Rules Reassessment Team", "owner_id": row.owner_id}
    assert event.after == {"team_id": ssst, "team": SSST, "owner_id": None, "reason": REASON}

    # Gone from the giving team's list, in the receiving team's unallocated SRs.
    assert row.id not in {r.id for r in console.outstanding_page(leader, page_size=500).rows}
    unallocated = console.outstanding_page(receiving, console.ConsoleFilter(owner_id=console.UNALLOCATED))
    assert row.id in {r.id for r in unallocated.rows}
    # Its timeline tells it in plain words, with the reason.
    seen = sr_view.sr_full_view(receiving, row.id)
    assert seen.owner is None
    assert seen.timeline[0].action == "sr.handed_over"
    assert seen.timeline[0].text == (
        f"Handed over from CSA Rules Reassessment Team, where {row.owner} had it, to {SSST}, unallocated there "
        f"(reason: {REASON}) by Demo Teamleader"
    )
    # The giving team no longer opens it; its former owner no longer has it in My work.
    with pytest.raises(PermissionDenied, match="it does not exist, or it is not your team's"):
        service_requests.open_sr(leader, row.id)


def test_the_sr_leaves_its_owners_my_work_and_the_receiving_team_allocates_and_works_it(demo_db, actor_for):
    leader, receiving, ssst_worker = actor_for("teamleader"), actor_for("ssst.teamleader"), actor_for("ssst.caseworker")
    row = _sr(leader, "County Court")
    with transaction() as session:
        from db.models import User

        owner = session.scalar(select(User.username).where(User.id == row.owner_id))
    assert owner == "csa.cw1"
    assert row.number in {s.number for s in my_work(actor_for("csa.cw1")).service_requests}
    console.hand_over(leader, [row.id], team_named(SSST), REASON, expected_versions={row.id: row.version})
    assert row.number not in {s.number for s in my_work(actor_for("csa.cw1")).service_requests}

    console.reassign(receiving, [row.id], ssst_worker.user_id, "Yours", expected_versions={row.id: _state(row.id)[2]})
    work = my_work(ssst_worker)
    sr = next(s for s in work.service_requests if s.number == row.number)
    assert [w.procedure_id for w in work.ways[sr.id] if not w.why_not] == ["P5b"]
    view = run_start.start_run(ssst_worker, "P5b", case_id=sr.case_id, sr_id=sr.id)
    with transaction() as session:
        run = session.get_one(ProcedureRun, view.run_id)
        assert (run.team_id, run.sr_id) == (ssst_worker.team_id, row.id)


def test_the_srs_deadlines_go_with_it_to_the_receiving_teams_console(demo_db, actor_for):
    """The console's deadline lists select by the SR's team: its Deadline rows and its SR-held dates follow it."""
    leader, receiving = actor_for("teamleader"), actor_for("ssst.teamleader")
    row = _sr(leader, "County Court")
    review = uk_local(utcnow()).date() + timedelta(days=3)
    with transaction() as session:
        sr = session.get_one(ServiceRequest, row.id)
        records.add_deadline(session, None, sr, kind="court_fee_payment", due_at=utcnow() - timedelta(days=1),
                             explanation="Due two working days after the ECM's email.")  # fmt: skip
        records.set_review_date(session, None, sr, review, "Look again")
        records.update_sr(session, None, sr, hearing_at=utcnow() + timedelta(days=20))
    expected = {"court_fee_payment", "review_date", "hearing", "second_pv_check"}  # rows, and dates held on the SR

    def kinds(actor, overdue: bool = False) -> set[str]:
        filters = console.ConsoleFilter(due="overdue") if overdue else console.ConsoleFilter()
        return {d.kind for d in console.deadlines(actor, filters, limit=1000) if d.sr_id == row.id}

    assert kinds(leader) == expected
    assert kinds(receiving) == set()
    console.hand_over(leader, [row.id], team_named(SSST), REASON, expected_versions={row.id: _state(row.id)[2]})
    assert kinds(leader) == set()
    assert kinds(receiving) == expected
    assert kinds(receiving, overdue=True) == expected  # its overdue court fee keeps it under "Overdue" there
    assert row.id in {r.id for r in console.outstanding_page(receiving, console.ConsoleFilter(due="overdue")).rows}
    page = console.overview(receiving, console.ConsoleFilter(owner_id=console.UNALLOCATED))  # the page's one read
    assert row.id in {r.id for r in page.page.rows}
    assert {d.kind for d in page.deadlines if d.sr_id == row.id} == expected


def test_check_hand_over_says_what_it_would_do_and_changes_nothing(demo_db, actor_for):
    leader = actor_for("teamleader")
    row = _sr(leader, "Face to Face Visit")
    plan = console.check_hand_over(leader, [row.id], team_named(SSST), REASON, expected_versions={row.id: row.version})
    assert plan.asks == (
        f"Hand over service request {row.number} to {SSST}? It will leave your team's list and its caseworker's work, "
        f"and wait unallocated in {SSST}'s list until their team leader gives it to one of their caseworkers. Its "
        f"deadlines, notes, letters and files go with it. Reason: {REASON}"
    )
    assert _state(row.id)[:2] == (leader.team_id, row.owner_id)
    assert not _handed_over_events()


def test_the_confirmation_names_a_caseworkers_work_only_for_srs_a_caseworker_has(demo_db, actor_for):
    """An unallocated SR leaves nobody's work: the confirmation said "and its caseworker's work" of it too (QA, sixth
    session)."""
    leader = actor_for("teamleader")
    rows = console.outstanding_page(leader, console.ConsoleFilter(owner_id=console.UNALLOCATED)).rows
    unallocated, owned = rows[0], _sr(leader, "Face to Face Visit")
    assert unallocated.owner_id is None
    assert owned.owner_id is not None
    ssst = team_named(SSST)

    def asks(*picked: console.ConsoleRow) -> str:
        versions = {r.id: r.version for r in picked}
        return console.check_hand_over(leader, list(versions), ssst, REASON, expected_versions=versions).asks

    assert asks(unallocated).startswith(
        f"Hand over service request {unallocated.number} to {SSST}? It will leave your team's list, and wait "
        f"unallocated in {SSST}'s list"
    )
    assert "It will leave your team's list and its caseworker's work, and wait" in asks(owned)
    assert "They will leave your team's list and, for the 1 allocated, their caseworkers' work, and wait" in asks(
        unallocated, owned
    )


def test_several_srs_go_together_or_none_does(demo_db, actor_for):
    leader = actor_for("teamleader")
    rows = [_sr(leader, "County Court"), _sr(leader, "Face to Face Visit")]
    ssst = team_named(SSST)
    stale = {rows[0].id: rows[0].version, rows[1].id: rows[1].version - 1}
    error = _refused(lambda: console.hand_over(leader, [r.id for r in rows], ssst, REASON, expected_versions=stale),
                     ConflictError, rows[0].id)  # fmt: skip
    assert _state(rows[1].id)[0] == leader.team_id
    assert error.message == (
        f"Service request {rows[1].number} was changed by someone else after this list was shown (another team leader "
        "may have reassigned it, or its caseworker saved a step), so nothing was handed over. Reload the page to see "
        "it as it is now, then try again."
    )
    shown = {r.id: r.version for r in rows}
    done = console.hand_over(leader, [r.id for r in rows], ssst, REASON, expected_versions=shown)
    assert done.sr_numbers == tuple(r.number for r in rows)
    assert {_state(r.id)[:2] for r in rows} == {(ssst, None)}
    assert len(_handed_over_events()) == 2


# --- Refusals: each said at its field, nothing changed ---------------------------------------------------------


def test_a_closed_sr_is_refused(demo_db, actor_for):
    leader = actor_for("teamleader")
    closed = next(
        r
        for r in console.outstanding_page(leader, console.ConsoleFilter(statuses=("Closed",)), page_size=500).rows
        if r.status == "Closed"
    )
    error = _refused(
        lambda: console.hand_over(
            leader, [closed.id], team_named(SSST), REASON, expected_versions={closed.id: closed.version}
        ),
        ValidationFailed,
        closed.id,
    )
    assert error.errors == {"sr_ids": f"Service request {closed.number} is closed, so it cannot be handed over. "
                                      "Nothing was handed over."}  # fmt: skip


def test_an_sr_with_a_run_in_progress_is_refused_until_its_caseworker_finishes_or_discards_it(demo_db, actor_for):
    leader = actor_for("teamleader")
    row = next(r for r in console.outstanding_page(leader, page_size=500).rows if r.procedures == ("P2",))
    with transaction() as session:  # the SR's caseworker: only they work a run on it (services/run_views.allocated_to)
        username = session.get_one(User, row.owner_id).username
    worker = actor_for(username)
    view = run_start.start_run(worker, "P2", case_id=_case_of(row.id), sr_id=row.id)
    shown = _state(row.id)[2]
    error = _refused(
        lambda: console.hand_over(leader, [row.id], team_named(SSST), REASON, expected_versions={row.id: shown}),
        ValidationFailed,
        row.id,
    )
    assert error.errors == {
        "sr_ids": f"A procedure (P2) is in progress on service request {row.number}, started by {row.owner} of "
        "your team, so nothing was handed over. Ask them to finish it, or to discard it if it is not needed, then "
        "hand the SR over."
    }
    from services.run_discard import discard_run

    discard_run(worker, view.run_id, expected_version=view.version)
    console.hand_over(leader, [row.id], team_named(SSST), REASON, expected_versions={row.id: shown})
    assert _state(row.id)[:2] == (team_named(SSST), None)


def _complaint_begun_from_by(leader, worker) -> tuple[console.ConsoleRow, str]:
    """The worker's open complaint SR on a case past financial transition, with a P1 run begun from it by them."""
    with transaction() as session:
        past_transition = set(session.scalars(select(Case.id).where(Case.financial_transition_complete.is_(True))))
    row = next(
        r
        for r in console.outstanding_page(leader, console.ConsoleFilter(owner_id=worker.user_id), page_size=500).rows
        if "/ Complaints /" in r.label and _case_of(r.id) in past_transition
    )
    return row, run_start.start_run(worker, "P1", case_id=_case_of(row.id), begun_from=row.id).run_id


def test_an_sr_a_run_was_begun_from_is_handed_over_and_the_confirmation_says_the_run_stays(demo_db, actor_for):
    """Decided 7 December (seventh session): a run begun from a complaint SR records on SRs of its own, so the
    complaint may be handed over, unlike an SR a run records on; the confirmation says the run stays with its
    starter, and it does."""
    leader, worker = actor_for("teamleader"), actor_for("caseworker")
    complaint, run_id = _complaint_begun_from_by(leader, worker)
    to = team_named(SSST)
    versions = {complaint.id: complaint.version}
    plan = console.check_hand_over(leader, [complaint.id], to, REASON, expected_versions=versions)
    number = complaint.number
    stays = (
        f"A P1 run begun from SR {number} by Demo Caseworker is in progress; it stays with them. It has saved no step "
        "yet, so it records on no SR so far."
    )
    assert (
        f"go with it. {stays} Once it is handed over, you may want to tell Demo Caseworker that SR {number} is "
        f"{SSST}'s, and tell {SSST}'s team leader about the run. Reason: {REASON}" in plan.asks
    )
    second = Walk(worker, "P1", _case_of(complaint.id), begun_from=complaint.id)  # a second: counted
    second.answer(query_reason="Complaint", query_summary="Arrears history", financial_transition_complete=True)
    own = run_summary.run_srs(worker, second.view.run_id)[0].number
    plan = console.check_hand_over(leader, [complaint.id], to, REASON, expected_versions=versions)
    runs = (
        f"2 P1 runs begun from SR {number} by Demo Caseworker are in progress; they stay with them. Demo Caseworker "
        f"goes on recording them on their own SRs, {own}, not on SR {number}. 1 of them has saved no step yet."
    )
    assert (
        f"go with it. {runs} Once it is handed over, you may want to tell Demo Caseworker that SR {number} is "
        f"{SSST}'s, and tell {SSST}'s team leader about the runs (SR {own}). Reason: {REASON}" in plan.asks
    )
    done = console.hand_over(leader, [complaint.id], to, REASON, expected_versions=versions)
    assert done.caution == (  # said again once done, beside what was done
        f"{runs} You may want to tell Demo Caseworker that SR {number} is now {SSST}'s, and tell {SSST}'s team leader "
        f"about the runs (SR {own})."
    )
    assert _state(complaint.id)[:2] == (to, None)
    with transaction() as session:
        run = session.get_one(ProcedureRun, run_id)
        assert (run.status, run.started_by_id, run.begun_from_sr_id) == ("in_progress", worker.user_id, complaint.id)
    assert [r.id for r in my_work(worker).runs if r.id == run_id] == [run_id]  # still in its starter's work
    assert run_context.view_run(worker, run_id).begun_from.number == complaint.number  # and opens for them
    other = _sr(leader, "Face to Face Visit")  # an SR nothing was begun from: the confirmation as before
    plan = console.check_hand_over(leader, [other.id], to, REASON, expected_versions={other.id: other.version})
    assert "begun from" not in plan.asks
    done = console.hand_over(leader, [other.id], to, REASON, expected_versions={other.id: other.version})
    assert done.caution is None


def _case_of(sr_id: int) -> int:
    with transaction() as session:
        return session.get_one(ServiceRequest, sr_id).case_id


def test_the_srs_own_team_an_unknown_team_and_no_reason_are_refused_at_their_fields(demo_db, actor_for):
    leader = actor_for("teamleader")
    row = _sr(leader, "County Court")
    shown = {row.id: row.version}
    own = _refused(lambda: console.hand_over(leader, [row.id], leader.team_id, REASON, expected_versions=shown),
                   ValidationFailed, row.id)  # fmt: skip
    assert own.errors == {"team": "Choose another team: the service requests are your team's already."}
    unknown = _refused(lambda: console.hand_over(leader, [row.id], 99_999, REASON, expected_versions=shown),
                       ValidationFailed, row.id)  # fmt: skip
    assert unknown.errors == {"team": "Choose the team to hand over to."}
    blank = _refused(lambda: console.hand_over(leader, [row.id], team_named(SSST), "  ", expected_versions=shown),
                     ValidationFailed, row.id)  # fmt: skip
    assert blank.errors == {"reason": "Enter the reason for the hand-over."}
    long = _refused(lambda: console.hand_over(leader, [row.id], team_named(SSST), "x" * 201, expected_versions=shown),
                    ValidationFailed, row.id)  # fmt: skip
    assert long.errors == {"reason": "Keep this to 200 characters or fewer (it has 201)."}
    nothing = _refused(lambda: console.hand_over(leader, [], -1, "", expected_versions={}), ValidationFailed, row.id)
    assert list(nothing.errors) == ["sr_ids", "team", "reason"]


def test_a_sensitive_cases_sr_goes_only_to_the_cases_own_team(demo_db, actor_for):
    leader = actor_for("teamleader")
    row = next(r for r in console.outstanding_page(leader, console.ConsoleFilter(sensitive=True)).rows)
    error = _refused(
        lambda: console.hand_over(leader, [row.id], team_named(SSST), REASON, expected_versions={row.id: row.version}),
        ValidationFailed,
        row.id,
    )
    assert error.errors == {
        "team": f"Service request {row.number} is on a sensitive case, held by Special Client Records: it can be "
        "handed over only to the case's own team, CSA Rules Reassessment Team. Nothing was handed over."
    }


def test_a_sensitive_cases_sr_held_by_another_team_goes_back_to_the_cases_own_team(demo_db, actor_for):
    """An SR on a sensitive case held by another team (data from before this rule) can go home, and nowhere else."""
    leader, receiving = actor_for("teamleader"), actor_for("ssst.teamleader")
    row = next(r for r in console.outstanding_page(leader, console.ConsoleFilter(sensitive=True)).rows)
    with transaction() as session:
        sr = session.get_one(ServiceRequest, row.id)
        sr.team_id, sr.owner_id = receiving.team_id, None
        version = sr.version + 1
    console.hand_over(
        receiving, [row.id], leader.team_id, "Back to its case's team", expected_versions={row.id: version}
    )
    assert _state(row.id)[:2] == (leader.team_id, None)


def test_only_a_team_leader_hands_over_and_only_their_own_teams_srs_each_attempt_audited(demo_db, actor_for):
    leader, other_leader, worker = actor_for("teamleader"), actor_for("ssst.teamleader"), actor_for("caseworker")
    row = _sr(leader, "County Court")
    shown, ssst = {row.id: row.version}, team_named(SSST)
    error = _refused(lambda: console.hand_over(worker, [row.id], ssst, REASON, expected_versions=shown),
                     PermissionDenied, row.id)  # fmt: skip
    assert "caseworker" in error.message
    error = _refused(lambda: console.hand_over(other_leader, [row.id], ssst, REASON, expected_versions=shown),
                     PermissionDenied, row.id)  # fmt: skip
    assert error.message == "You cannot open that service request: it does not exist, or it is not your team's."
    with transaction() as session:
        refusal = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert (refusal.action, refusal.entity_id, refusal.actor_name) == ("refused", str(row.id), "ssst.teamleader")
        assert refusal.after["attempted"] == handover.ACTION


def test_the_teams_offered_are_every_other_team_by_name(demo_db, actor_for):
    leader = actor_for("teamleader")
    with transaction() as session:
        others = sorted(session.scalars(select(Team.name).where(Team.id != leader.team_id)).all())
    assert [t.name for t in console.handover_teams(leader)] == others
    with pytest.raises(PermissionDenied):
        console.handover_teams(actor_for("caseworker"))
