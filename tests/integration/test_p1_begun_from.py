"""A P1 run begun from a complaint or appeal SR keeps that SR as the one it was begun from, apart from the SRs it
records on, and says so: the wizard's view, My work (Procedures in progress and the caution before another P1 on
the case), SR detail and its timeline (QA, 7 December 2026, fifth session: two P1 runs on one case read alike until
each had saved, and nothing tied the Information Request SR back to the complaint)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db.models import AuditEvent, Case, Note, ProcedureRun, ServiceRequest, Team
from services import case_finder, letters, my_day, records, run_context, run_start, run_summary, runs, sr_view, work
from services.actor import Actor
from services.errors import DomainError, NotFound, PermissionDenied
from services.sr_work import already_on_case
from services.transaction import transaction
from services.views import BegunFrom
from tests.procedures.walk import Walk, csa_case, run_row

COMPLAINT = ("Escalated Enquiries", "Complaints", "Resolution")
APPEAL = ("Escalated Enquiries", "Appeals", "Appeal Against Decision")


def _csa_transitioned(actor: Actor) -> int:
    """A case of the actor's team that P1 works past its first step: CSA, financial transition complete."""
    return csa_case(actor, transition_complete=True, sensitive=False)


START = {"query_reason": "Complaint", "query_summary": "Arrears history 2010 to 2012 for the complaint"}


def _sr(actor: Actor, case_id: int, kind: tuple[str, str, str], *, closed: bool = False) -> BegunFrom:
    """A new SR of `kind` on the case, allocated to the actor (arranged by the test, as a caseworker's queue is)."""
    with transaction() as session:
        case = session.get_one(Case, case_id)
        sr = records.create_sr(
            session, None, case=case, process=kind[0], area=kind[1], sub_area=kind[2], owner_id=actor.user_id,
        )  # fmt: skip
        if closed:
            records.set_status(session, None, sr, "Closed", "Complete")
        return BegunFrom(sr.id, sr.number, sr.label)


def _notes_on(sr_id: int) -> int:
    with transaction() as session:
        return session.scalar(select(func.count()).select_from(Note).where(Note.sr_id == sr_id)) or 0


@pytest.fixture
def caseworker(actor_for) -> Actor:
    return actor_for("caseworker")


def test_the_sr_a_p1_run_is_begun_from_is_kept_shown_and_never_counted_as_recorded_on(demo_db, caseworker):
    case_id = _csa_transitioned(caseworker)
    complaint = _sr(caseworker, case_id, COMPLAINT)
    notes_before = _notes_on(complaint.sr_id)

    walk = Walk(caseworker, "P1", case_id, begun_from=complaint.sr_id)
    assert walk.view.begun_from == complaint
    assert complaint.words == f"SR {complaint.number} (Escalated Enquiries / Complaints / Resolution)"
    row = run_row(walk.view.run_id)
    assert (row.begun_from_sr_id, row.sr_id, row.sr_refs) == (complaint.sr_id, None, {})

    walk.answer(**START, financial_transition_complete=True)
    walk.answer(information_found=True, findings="CSCS shows payments to March 2012")
    walk.answer()
    walk.answer(segment_move="No move needed")
    assert walk.view.status == "finished"
    assert run_context.view_run(caseworker, walk.view.run_id).begun_from == complaint  # the finish page says it too

    outcome = walk.outcome()
    assert set(outcome.srs) == {"main"}  # the complaint is no SR the run recorded on
    main = outcome.srs["main"]
    assert (main.process, main.area, main.sub_area) == ("Transition", "CSA Information", "Information Request")
    assert main.number != complaint.number
    # The seed does not say the Information Request SR is associated with the complaint in CMS: no parent is set.
    assert main.parent_number is None
    assert [s.number for s in run_summary.run_srs(caseworker, walk.view.run_id)] == [main.number]
    assert all(x.sr_number != complaint.number for x in letters.letters_for_run(caseworker, walk.view.run_id))
    with transaction() as session:
        kept = session.get_one(ServiceRequest, complaint.sr_id)
        assert (kept.status, kept.owner_id) == ("Open", caseworker.user_id)  # the complaint stays with its owner
    assert _notes_on(complaint.sr_id) == notes_before


def test_a_run_started_from_the_case_alone_is_as_before(demo_db, caseworker):
    case_id = _csa_transitioned(caseworker)
    walk = Walk(caseworker, "P1", case_id)
    assert walk.view.begun_from is None
    assert run_row(walk.view.run_id).begun_from_sr_id is None
    walk.answer(**START, financial_transition_complete=True)
    [row] = [r for r in work.my_work(caseworker).runs if r.id == walk.view.run_id]
    assert row.begun_from is None
    with transaction() as session:
        started = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "run.started", AuditEvent.entity_id == walk.view.run_id)
        ).one()
        assert started.sr_id is None
        assert "begun_from" not in (started.after or {})


def test_my_work_names_the_sr_each_p1_run_was_begun_from_and_whether_it_is_this_one(demo_db, caseworker):
    case_id = _csa_transitioned(caseworker)
    complaint = _sr(caseworker, case_id, COMPLAINT)
    appeal = _sr(caseworker, case_id, APPEAL)
    begun = Walk(caseworker, "P1", case_id, begun_from=complaint.sr_id)

    mine = work.my_work(caseworker, page_size=500)
    [row] = [r for r in mine.runs if r.id == begun.view.run_id]
    assert row.begun_from == complaint
    caution = {
        sr.sr_id: next(w.caution for w in mine.ways[sr.sr_id] if w.procedure_id == "P1") for sr in (complaint, appeal)
    }
    assert caution[complaint.sr_id] == (
        "A P1 run begun from this SR is already in progress on this case (yours are under Procedures in progress "
        "above). If it is for the same query, carry on with it there. Work this SR only for a different piece of "
        "work: it starts another P1 run."
    )
    assert caution[appeal.sr_id] == (
        f"A P1 run begun from SR {complaint.number} (Escalated Enquiries / Complaints / Resolution) is already in "
        "progress on this case (yours are under Procedures in progress above). Work this SR only for a different piece "
        "of work: it starts another P1 run."
    )

    Walk(caseworker, "P1", case_id, begun_from=appeal.sr_id)
    Walk(caseworker, "P1", case_id)  # from Start a procedure: begun from no SR
    mine = work.my_work(caseworker, page_size=500)
    said = next(w.caution for w in mine.ways[appeal.sr_id] if w.procedure_id == "P1")
    assert said == (
        "3 P1 runs are already in progress on this case (yours are under Procedures in progress above): 1 begun from "
        f"this SR, 1 begun from SR {complaint.number} (Escalated Enquiries / Complaints / Resolution) and 1 started "
        "from the case, not from an SR. If one is for the same query, carry on with it there. Work this SR only for a "
        "different piece of work: it starts another P1 run."
    )


def test_start_a_procedure_names_the_sr_each_p1_run_in_progress_was_begun_from(demo_db, caseworker):
    """Start a procedure said only "1 P1 run is already in progress on this case." of a run worked from a complaint:
    it now names that SR, as My work's caution does, so the caseworker can tell whether it is for the same query."""
    case_id = _csa_transitioned(caseworker)
    complaint, appeal = _sr(caseworker, case_id, COMPLAINT), _sr(caseworker, case_id, APPEAL)
    assert case_finder.case_card(caseworker, case_id).in_progress_note("P1") is None
    rest = " Carry on from My work; start another only for a different piece of work."

    Walk(caseworker, "P1", case_id, begun_from=complaint.sr_id)
    assert case_finder.case_card(caseworker, case_id).in_progress_note("P1") == (
        f"1 P1 run is already in progress on this case, begun from SR {complaint.number} (Escalated Enquiries / "
        f"Complaints / Resolution).{rest}"
    )
    Walk(caseworker, "P1", case_id)  # from Start a procedure: begun from no SR
    Walk(caseworker, "P1", case_id, begun_from=appeal.sr_id)
    assert case_finder.case_card(caseworker, case_id).in_progress_note("P1") == (
        f"3 P1 runs are already in progress on this case: 1 begun from SR {complaint.number} (Escalated Enquiries / "
        f"Complaints / Resolution), 1 begun from SR {appeal.number} (Escalated Enquiries / Appeals / Appeal Against "
        f"Decision) and 1 started from the case, not from an SR.{rest}"
    )
    assert case_finder.case_card(caseworker, case_id).in_progress_note("P2") is None


def test_start_a_procedure_says_whose_each_run_in_progress_is(demo_db, actor_for):
    """Start a procedure said "Carry on from My work" of a colleague's run, which is not in the reader's My work and
    which they cannot open (QA, seventh session: demo case 100000095028, one of its P1 runs csa.cw1's)."""
    caseworker, colleague = actor_for("caseworker"), actor_for("csa.cw1")
    case_id = _csa_transitioned(caseworker)
    rest = "start another only for a different piece of work."
    Walk(colleague, "P1", case_id)
    assert case_finder.case_card(caseworker, case_id).in_progress_note("P1") == (
        "1 P1 run is already in progress on this case. It is a colleague's, not in your My work: ask them or your "
        f"team leader first; {rest}"
    )
    assert case_finder.case_card(colleague, case_id).in_progress_note("P1") == (
        f"1 P1 run is already in progress on this case. Carry on from My work; {rest}"
    )
    Walk(caseworker, "P1", case_id)
    assert case_finder.case_card(caseworker, case_id).in_progress_note("P1") == (
        "2 P1 runs are already in progress on this case. 1 of them is yours, in My work; the other is a colleague's: "
        f"ask them or your team leader first; {rest}"
    )
    Walk(colleague, "P1", case_id)
    assert case_finder.case_card(caseworker, case_id).in_progress_note("P1") == (
        "3 P1 runs are already in progress on this case. 1 of them is yours, in My work; the others are colleagues': "
        f"ask them or your team leader first; {rest}"
    )
    assert case_finder.case_card(actor_for("csa.cw2"), case_id).in_progress_note("P1") == (
        "3 P1 runs are already in progress on this case. They are colleagues', not in your My work: ask them or your "
        f"team leader first; {rest}"
    )


def _caution(number: str, label: str, kind: str, answered: str, fits: str) -> str:
    return (
        f'This run was begun from SR {number} ({label}), {kind}, but "What needs the CSA information?" is answered '
        f'"{answered}". If the information is for that {fits.lower()}, change the answer to "{fits}"; if it is '
        "for other work, leave it."
    )


def test_p1s_first_answer_is_cautioned_not_refused_when_it_disagrees_with_the_sr_the_run_was_begun_from(
    demo_db, caseworker
):
    """P1's first question is never prefilled (definition.QUESTION_KINDS): "Appeal" answered on a run begun from a
    complaint SR is said before the save, on check your answers, and the step still saves as answered."""
    case_id = _csa_transitioned(caseworker)
    complaint, appeal = _sr(caseworker, case_id, COMPLAINT), _sr(caseworker, case_id, APPEAL)
    complaint_label = "Escalated Enquiries / Complaints / Resolution"

    walk = Walk(caseworker, "P1", case_id, begun_from=complaint.sr_id)
    asked = {**START, "financial_transition_complete": True}
    view = walk.answer(confirm=False, **{**asked, "query_reason": "Appeal"})
    assert view.awaiting_confirmation
    assert view.warnings == (_caution(complaint.number, complaint_label, "a complaint", "Appeal", "Complaint"),)
    walk.view = runs.change_answer(caseworker, walk.view.run_id, "query_received", expected_version=walk.view.version)
    assert walk.answer(confirm=False, **asked).warnings == ()  # "Complaint" fits: nothing said
    walk.view = runs.change_answer(caseworker, walk.view.run_id, "query_received", expected_version=walk.view.version)
    walk.answer(confirm=False, **{**asked, "query_reason": "Other CMS work"})
    assert walk.view.warnings == (
        _caution(complaint.number, complaint_label, "a complaint", "Other CMS work", "Complaint"),
    )
    walk.confirm()  # a caution, never a refusal
    assert walk.step == "search_legacy"
    assert run_row(walk.view.run_id).answers["query_reason"] == "Other CMS work"
    assert walk.view.warnings == ()  # said on the first step only

    on_appeal = Walk(caseworker, "P1", case_id, begun_from=appeal.sr_id)
    assert on_appeal.answer(confirm=False, **asked).warnings == (
        _caution(appeal.number, "Escalated Enquiries / Appeals / Appeal Against Decision", "an appeal", "Complaint",
                 "Appeal"),
    )  # fmt: skip
    from_case = Walk(caseworker, "P1", case_id)  # begun from no SR: any answer, nothing said
    assert from_case.answer(confirm=False, **{**asked, "query_reason": "Appeal"}).warnings == ()


def test_home_no_longer_lists_the_sr_a_p1_run_in_progress_was_begun_from_as_waiting(demo_db, caseworker):
    """Home's "Service requests waiting on you" says "with no procedure in progress on them": the complaint a P1 run
    in progress was begun from has one (QA, sixth session: it was listed there beside that run)."""
    case_id = _csa_transitioned(caseworker)
    complaint, appeal = _sr(caseworker, case_id, COMPLAINT), _sr(caseworker, case_id, APPEAL)
    before = my_day.my_day(caseworker)
    assert {complaint.sr_id, appeal.sr_id} <= {w.id for w in before.waiting}

    Walk(caseworker, "P1", case_id, begun_from=complaint.sr_id)
    after = my_day.my_day(caseworker)
    assert complaint.sr_id not in {w.id for w in after.waiting}
    assert appeal.sr_id in {w.id for w in after.waiting}  # begun from no run: still waiting
    assert after.waiting_total == before.waiting_total - 1


def test_the_caution_reads_as_before_when_no_run_in_progress_was_begun_from_an_sr():
    assert already_on_case("P1", [None], 7) == (
        "A P1 run is already in progress on this case (yours are under Procedures in progress above). Work this SR "
        "only for a different piece of work: it starts another P1 run."
    )
    assert already_on_case("P1", [None, None], 7).startswith("2 P1 runs are already in progress on this case (yours")


def test_sr_detail_of_the_begun_from_sr_shows_the_run_its_status_and_the_sr_it_records_on(demo_db, actor_for):
    caseworker, leader = actor_for("caseworker"), actor_for("teamleader")
    case_id = _csa_transitioned(caseworker)
    complaint = _sr(caseworker, case_id, COMPLAINT)
    walk = Walk(caseworker, "P1", case_id, begun_from=complaint.sr_id)

    view = sr_view.sr_full_view(leader, complaint.sr_id)
    [begun] = view.begun_runs
    assert (begun.procedure_id, begun.status, begun.step_title) == ("P1", "in_progress", walk.view.step.title)
    assert (begun.sr_id, begun.sr_number) == (None, None)  # nothing saved yet: no SR of its own so far
    assert not view.runs  # no run works on the complaint itself
    started = [e.text for e in view.timeline if e.action == "run.started"]
    assert started == [
        f"Procedure P1 (CSA Information Required - Contact Caseworker) started from SR {complaint.number} by "
        "Demo Caseworker"
    ]

    walk.answer(**START, financial_transition_complete=True)  # its first save makes its Information Request SR
    [begun] = sr_view.sr_full_view(leader, complaint.sr_id).begun_runs
    own = run_row(walk.view.run_id).sr_id
    assert (begun.sr_id, begun.sr_label) == (own, "Transition / CSA Information / Information Request")
    on_own = sr_view.sr_full_view(leader, own)
    [run] = on_own.runs
    assert run.begun_from == complaint  # and the Information Request SR's page names the complaint
    assert [e.text for e in on_own.timeline if e.action == "run.started"] == started


def test_only_an_open_complaint_or_appeal_sr_of_the_case_and_team_is_begun_from(demo_db, actor_for):
    caseworker = actor_for("caseworker")
    case_id = _csa_transitioned(caseworker)
    arrears = _sr(caseworker, case_id, ("Arrears", "Arrears Management", "Arrears Review"))
    with pytest.raises(DomainError, match="P1 is not begun from an SR of this kind"):
        run_start.start_run(caseworker, "P1", case_id=case_id, begun_from=arrears.sr_id)
    closed = _sr(caseworker, case_id, COMPLAINT, closed=True)
    with pytest.raises(DomainError, match="is closed"):
        run_start.start_run(caseworker, "P1", case_id=case_id, begun_from=closed.sr_id)
    complaint = _sr(caseworker, case_id, COMPLAINT)
    with transaction() as session:
        other_case = session.scalars(
            select(Case.id).where(Case.team_id == caseworker.team_id, Case.id != case_id).order_by(Case.id)
        ).first()
        ssst = session.scalar(select(Team.id).where(Team.name == "Specialist Services Support Team"))
        theirs = records.create_sr(
            session, None, case=session.get_one(Case, case_id), process=COMPLAINT[0], area=COMPLAINT[1],
            sub_area=COMPLAINT[2], team_id=ssst,
        ).id  # fmt: skip
    with pytest.raises(NotFound):  # an SR of another case is not this run's to name
        run_start.start_run(caseworker, "P1", case_id=other_case, begun_from=complaint.sr_id)
    with pytest.raises(PermissionDenied, match="does not exist, or it is not your team's"):  # another team's SR
        run_start.start_run(caseworker, "P1", case_id=case_id, begun_from=theirs)
    with transaction() as session:
        refused = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "refused", AuditEvent.entity_id == str(theirs))
        ).one()
        assert refused.after["attempted"] == "begin a procedure from this SR"
        assert session.scalar(select(func.count()).select_from(ProcedureRun).where(
            ProcedureRun.begun_from_sr_id.in_((arrears.sr_id, closed.sr_id, complaint.sr_id, theirs))
        )) == 0  # fmt: skip


def test_the_caution_says_a_run_begun_from_the_sr_is_a_colleagues_not_one_to_carry_on(demo_db, actor_for):
    """QA (sixth session, Chromium): the caution said "(yours are under Procedures in progress above)" and "carry on
    with it there" of a run a colleague started, which the caseworker's list does not hold and they cannot open."""
    caseworker, colleague = actor_for("caseworker"), actor_for("csa.cw1")
    case_id = _csa_transitioned(caseworker)
    complaint = _sr(caseworker, case_id, COMPLAINT)
    Walk(colleague, "P1", case_id)  # a colleague's P1 on the case, started from the case
    with transaction() as session:  # and, as a colleague can before the SR was allocated on, begun from this SR
        run = session.scalars(select(ProcedureRun).where(ProcedureRun.case_id == case_id)).one()
        run.begun_from_sr_id = complaint.sr_id
    mine = work.my_work(caseworker)
    said = next(w.caution for w in mine.ways[complaint.sr_id] if w.procedure_id == "P1")
    assert said == (
        "A P1 run begun from this SR is already in progress on this case (a colleague's, so not in your list). If it "
        "is for the same query, it is a colleague's: ask them or your team leader first. Work this SR only for a "
        "different piece of work: it starts another P1 run."
    )
    Walk(caseworker, "P1", case_id, begun_from=complaint.sr_id)  # and now one of the caseworker's own
    said = next(w.caution for w in work.my_work(caseworker).ways[complaint.sr_id] if w.procedure_id == "P1")
    assert said.startswith(
        "2 P1 runs are already in progress on this case (1 of them yours, under Procedures in progress above; the "
        "other a colleague's): 2 begun from this SR. If one is for the same query, carry on with it there."
    )


def test_whose_runs_the_caution_names():
    assert already_on_case("P1", [None], 7, mine=[False]).startswith(
        "A P1 run is already in progress on this case (a colleague's, so not in your list). Work this SR"
    )
    assert "(colleagues', so not in your list)" in already_on_case("P1", [None, None], 7, mine=[False, False])
    assert "(yours are under Procedures in progress above)" in already_on_case("P1", [None, None], 7, mine=[True, True])
