"""Dates checked before they are saved (QA, 7 December): a step that puts a date on an SR or sets a deadline from an
answer waits for "check your answers", which lists the date and its deadlines in words; Back from there records
nothing, and Confirm records them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from domain import deadlines as rules
from domain.clock import format_uk
from procedures import registry
from procedures.effects import (
    AddDeadline,
    AddNote,
    CompleteDeadlines,
    CreateSR,
    DateSet,
    SetDue,
    SetReviewDate,
    SetStatus,
    UpdateSR,
)
from services import runs, work
from tests.procedures.ssst_walks import allocated_sr as ssst_sr
from tests.procedures.ssst_walks import deadlines as ssst_deadlines
from tests.procedures.ssst_walks import service_request
from tests.procedures.test_p5b import first_steps, next_weekday
from tests.procedures.test_p5d import HEARING, MOVED_HEARING, case_facts, open_deadlines, sr_row, start, walk_to
from tests.procedures.walk import Walk

HEARING_TYPED = HEARING.strftime("%Y-%m-%d %H:%M")
MOVED_TYPED = MOVED_HEARING.strftime("%Y-%m-%d %H:%M")


def test_a_date_put_on_the_sr_or_a_deadline_set_waits_for_check_your_answers_by_its_kind():
    when = datetime(2027, 1, 12, 10, 0, tzinfo=UTC)
    due = rules.second_pv_check(when, "England")
    assert UpdateSR("main", {"hearing_at": when}).needs_confirmation
    assert UpdateSR("main", {"summons_issued_on": date(2027, 1, 4)}).needs_confirmation
    assert SetDue("main", due).needs_confirmation
    assert AddDeadline("main", "reply", when, "Reply by then").needs_confirmation
    assert SetReviewDate("main", date(2027, 1, 4), "To chase").needs_confirmation
    # no date recorded: saved on Continue as before
    assert not UpdateSR("main", {"cpo_name": "Pat Presenter", "court_fee": Decimal("10.00")}).needs_confirmation
    assert not AddNote("main", "Hearing on 12 January").needs_confirmation
    assert AddNote("main", "Hearing on 12 January", typed=True).needs_confirmation  # a typed note (7 December, 8th)
    assert CompleteDeadlines("main", (rules.HEARING,)).needs_confirmation  # a deadline marked met (idem)
    assert not SetStatus("main", "In Progress", status_given=True).needs_confirmation
    assert CreateSR("main", "p", None, None, status_given=False).needs_confirmation  # unchanged
    # in words: the date as screens show it, each deadline with how it was worked out
    assert UpdateSR("main", {"hearing_at": when, "cpo_name": "Pat"}).dates_set() == [
        DateSet("Hearing date: 12 January 2027, 10:00")
    ]
    assert SetDue("main", due).dates_set() == [
        DateSet(f"Second PV check due by {format_uk(due.due_at)}", due.explanation)
    ]
    assert SetDue("main", rules.hearing(when, "Demo Court")).dates_set()[0].words == (
        "Hearing added to your deadlines for 12 January 2027, 10:00"
    )


def test_p5ds_hearing_date_is_shown_in_words_back_records_nothing_and_confirm_saves_it(demo_db, actor_for):
    ssst = actor_for("ssst.caseworker")
    walk, case_id, sr_id = start(ssst)
    walk_to(walk, "cpt_reply")
    view = walk.answer(confirm=False, hearing_at=MOVED_TYPED, cpo_name="Pat Presenter")  # the wrong date typed
    assert view.awaiting_confirmation
    assert view.step.id == "cpt_reply"
    words = [d.words for d in view.dates_set]
    moved_pv = rules.second_pv_check(MOVED_HEARING, case_facts(case_id)["region"])
    assert words == [
        f"Hearing date: {format_uk(MOVED_HEARING)}",
        f"Hearing added to your deadlines for {format_uk(MOVED_HEARING)}",
        f"Second PV check due by {format_uk(moved_pv.due_at)}",
    ]
    assert view.dates_set[2].explanation == moved_pv.explanation
    assert sr_row(sr_id).hearing_at is None
    assert sr_row(sr_id).cpo_name is None
    assert open_deadlines(sr_id) == {}

    # Back from check your answers (the wizard's back_from_summary): the step again, nothing recorded
    view = runs.change_answer(ssst, view.run_id, "cpt_reply", expected_version=view.version)
    walk.view = view
    assert view.step.id == "cpt_reply"
    assert not view.awaiting_confirmation
    assert view.dates_set == ()
    assert sr_row(sr_id).hearing_at is None
    assert sr_row(sr_id).cpo_name is None
    assert open_deadlines(sr_id) == {}

    view = walk.answer(confirm=False, hearing_at=HEARING_TYPED, cpo_name="Pat Presenter")  # corrected
    assert view.dates_set[0].words == f"Hearing date: {format_uk(HEARING)}"
    walk.confirm()
    saved = sr_row(sr_id)
    assert saved.hearing_at == HEARING.astimezone(UTC)
    assert saved.cpo_name == "Pat Presenter"
    found = open_deadlines(sr_id)
    assert found["hearing"][0] == HEARING
    assert found["second_pv_check"][0] == HEARING - timedelta(days=2)  # Monday 10:00, in working hours
    assert walk.step == "create_cmel7298"


def test_p5b_checks_the_cpo_alone_as_a_typed_note_and_the_later_hearing_date_in_words(demo_db, actor_for, monkeypatch):
    """The CPO's name alone goes into the SR Notes as typed: check your answers shows the note and lists no date."""
    for name in ("HOST", "PORT", "USER", "PASSWORD", "STARTTLS", "CAFILE"):
        monkeypatch.delenv(f"CASEWORK_SMTP_{name}", raising=False)
    ssst = actor_for("ssst.caseworker")
    case_id, sr_id = ssst_sr(ssst, "County Court")
    walk = Walk(ssst, "P5b", case_id, sr_id=sr_id)
    first_steps(walk, contact="Phone the court presenting team")
    view = walk.answer(confirm=False, cpo_name="Pat Presenter", cpo_email="", hearing_known=False)
    assert view.awaiting_confirmation
    assert view.dates_set == ()
    assert [(n.where, n.text) for n in view.notes] == [
        ("SR Notes", "Court presenting officer: Pat Presenter; hearing date not known yet.")
    ]
    assert service_request(sr_id).cpo_name is None
    walk.confirm()
    assert walk.step == "record_hearing"
    assert service_request(sr_id).cpo_name == "Pat Presenter"

    monday = next_weekday(0)
    view = walk.answer(confirm=False, hearing_at_later=f"{monday} 09:30")
    assert view.awaiting_confirmation
    assert view.dates_set[0].words == f"Hearing date: {monday.day} {monday:%B %Y}, 09:30"
    assert [d.words.split(" ")[:3] for d in view.dates_set[1:]] == [
        ["Hearing", "added", "to"],
        ["Second", "PV", "check"],
    ]
    assert service_request(sr_id).hearing_at is None
    assert "second_pv_check" not in ssst_deadlines(sr_id)
    walk.confirm()
    assert service_request(sr_id).hearing_at is not None
    assert "second_pv_check" in ssst_deadlines(sr_id)
    assert walk.step == "second_pv_check"


def test_waiting_for_the_cpt_the_run_is_in_my_work_as_the_hearing_steps_say(demo_db, actor_for):
    ssst = actor_for("ssst.caseworker")
    walk, _case_id, _sr_id = start(ssst)
    walk_to(walk, "cpt_reply")
    where = "My work, under Procedures in progress"
    assert where in walk.view.step.guidance
    for pid, step in (("P5b", "record_cpo"), ("P5b", "record_hearing"), ("P5d", "new_hearing")):
        assert where in registry.get(pid).steps[step].guidance, (pid, step)
    waiting = [r for r in work.my_work(ssst).runs if r.id == walk.view.run_id]
    assert [r.step_title for r in waiting] == ["Record the hearing date and CPO"]
