"""A PV check answered "No" on a case whose record shows a PV marker is refused at the question's own page, when the
caseworker presses Continue there, not pages later at the step's save (runs.check_page, practice.check_page).

The refusal is the field's own rule (`Field.check`): it reads only that answer and the case's facts, so the page
can run it before the step's later pages are answered. Like any refused page it writes only its step events."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from db.models import AuditEvent, PracticeRun
from procedures import registry
from procedures.scenarios import builtin
from services import practice, practice_debrief, run_context, runs
from services.actor import Actor
from services.errors import ValidationFailed
from services.practice_check import scenario_answers
from services.question_pages import CHECKLIST, question_pages
from services.run_views import RunView
from services.transaction import transaction
from tests.integration.test_step_events import events
from tests.practice.practise import continue_practice
from tests.procedures.ssst_walks import allocated_sr, set_case, sr_row
from tests.procedures.walk import Walk
from tests.unit.test_pv_question_rule import TO_THE_CPO, TO_THE_VISITING_OFFICER


@pytest.fixture
def ssst(actor_for, monkeypatch):
    for name in ("HOST", "PORT", "USER", "PASSWORD", "STARTTLS", "CAFILE"):
        monkeypatch.delenv(f"CASEWORK_SMTP_{name}", raising=False)  # emails wait in the outbox
    return actor_for("ssst.caseworker")


def _p5b(ssst: Actor, second: bool) -> tuple[Walk, int, int]:
    from tests.procedures.test_p5b import first_steps, next_weekday

    case_id, sr_id = allocated_sr(ssst, "County Court")
    walk = Walk(ssst, "P5b", case_id, sr_id=sr_id)
    if not second:
        walk.answer(court="Demo County Court", ecm_name="Eve Enforcer", criminal_action=False)
        walk.answer(cpt_contact="Email the court presenting team")
        return walk, case_id, sr_id
    first_steps(walk)
    walk.answer(cpo_name="Pat Presenter", cpo_email="", hearing_known=True, hearing_at=f"{next_weekday(2)} 10:00")
    return walk, case_id, sr_id


def _p5c(ssst: Actor, second: bool) -> tuple[Walk, int, int]:
    from tests.procedures.test_p5c import COURT_ADDRESS, to_hearing

    case_id, sr_id = allocated_sr(ssst, "Magistrates Court")
    walk = Walk(ssst, "P5c", case_id, sr_id=sr_id)
    if not second:
        walk.answer(
            court="Demo Magistrates' Court", court_address=COURT_ADDRESS, amount_owed="100.00", requested_by="C"
        )
        return walk, case_id, sr_id
    to_hearing(walk)
    for _ in range(3):  # the court cover letter, the summons back from the CPO, the paying parent's cover letter
        walk.answer()
    walk.answer(summons_issued_on=date.today().isoformat())
    return walk, case_id, sr_id


def _p5d(ssst: Actor, second: bool) -> tuple[Walk, int, int]:
    from tests.procedures.test_p5d import start, walk_to

    walk, case_id, sr_id = start(ssst)
    walk_to(walk, "second_pv_check" if second else "full_pv_check")
    return walk, case_id, sr_id


def _p5e(ssst: Actor, _second: bool) -> tuple[Walk, int, int]:
    case_id, sr_id = allocated_sr(ssst, "Face to Face Visit")
    return Walk(ssst, "P5e", case_id, sr_id=sr_id), case_id, sr_id


WALKS: dict[str, Callable[[Actor, bool], tuple[Walk, int, int]]] = {"P5b": _p5b, "P5c": _p5c, "P5d": _p5d, "P5e": _p5e}
QUESTIONS = [
    ("P5b", False, "create_folder", "pv_marker", TO_THE_CPO),
    ("P5b", True, "second_pv_check", "second_pv_marker", TO_THE_CPO),
    ("P5c", False, "pv_check", "pv_marker", TO_THE_CPO),
    ("P5c", True, "second_pv_check", "second_pv_marker", TO_THE_CPO),
    ("P5d", False, "full_pv_check", "pv_marker", TO_THE_CPO),
    ("P5d", True, "second_pv_check", "second_pv_marker", TO_THE_CPO),
    ("P5e", False, "pv_check", "pv_marker", TO_THE_VISITING_OFFICER),
]


def page_of(view: RunView, name: str) -> tuple[str, ...]:
    """The names of the page that asks `name`, as the wizard sends them with that page's Continue."""
    return next(p.names for p in question_pages(view.step) if name in p.names)


def audit_actions_after(last_id: int) -> list[str]:
    with transaction() as session:
        return list(session.scalars(select(AuditEvent.action).where(AuditEvent.id > last_id).order_by(AuditEvent.id)))


def last_audit_id() -> int:
    with transaction() as session:
        return session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) or 0


@pytest.mark.parametrize(
    ("procedure_id", "second", "step_id", "name", "message"), QUESTIONS, ids=[f"{q[0]}-{q[2]}" for q in QUESTIONS]
)
def test_no_on_a_pv_case_is_refused_at_its_page_and_only_step_events_are_written(
    demo_db, ssst, procedure_id, second, step_id, name, message
):
    """The SSST caseworker answers "No" to the PV question on a PV case and presses Continue on that page: the page
    says why at the field, the run keeps its version and no draft, the SR is untouched, and the refusal is counted
    for step insight (its step event and that event's audit) as a refusal at the step's save would be."""
    walk, case_id, sr_id = WALKS[procedure_id](ssst, second)
    assert walk.step == step_id
    set_case(case_id, potentially_violent=True)
    view, sr_before, audit_before = walk.view, sr_row(sr_id), last_audit_id()
    names = page_of(view, name)
    answers = {name: False, CHECKLIST: list(view.step.checklist)}
    with pytest.raises(ValidationFailed) as refused:
        runs.check_page(ssst, view.run_id, answers, names, expected_version=view.version, next_page=1)
    assert refused.value.errors == {name: message}

    assert events(view.run_id)[-1] == (step_id, "error", name, False)
    assert audit_actions_after(audit_before) == ["run.answers_refused"]
    again = run_context.view_run(ssst, view.run_id)
    assert (again.version, again.draft, again.step.id) == (view.version, None, step_id)
    assert sr_row(sr_id) == sr_before

    assert runs.check_page(ssst, view.run_id, {**answers, name: True}, names, expected_version=view.version)


def test_no_on_a_case_without_a_pv_marker_passes_its_page(demo_db, ssst):
    walk, case_id, _sr_id = _p5b(ssst, second=False)
    set_case(case_id, potentially_violent=False)
    view = walk.view
    answers = {"pv_marker": False, CHECKLIST: list(view.step.checklist)}
    assert runs.check_page(
        ssst, view.run_id, answers, page_of(view, "pv_marker"), expected_version=view.version, next_page=2
    )
    assert run_context.view_run(ssst, view.run_id).draft is not None  # kept, as any page's answers are


def test_the_save_still_refuses_no_on_a_pv_case_sent_without_its_page(demo_db, ssst):
    """Answers sent to the step's save directly (the API, a page skipped) meet the same rule there."""
    walk, case_id, sr_id = _p5b(ssst, second=False)
    set_case(case_id, potentially_violent=True)
    before = sr_row(sr_id)
    with pytest.raises(ValidationFailed) as refused:
        walk.answer(pv_marker=False, pv_details="", referral_notes="")
    assert refused.value.errors == {"pv_marker": TO_THE_CPO}
    assert run_context.view_run(ssst, walk.view.run_id).step.id == "create_folder"
    assert sr_row(sr_id) == before


# --- Practice: the same pages, the same rule, on the fictional case --------------------------------------------


def _practise_to(me: Actor, key: str, step_id: str) -> tuple[practice.PracticeView, list[dict[str, Any]]]:
    """A practice run of built-in scenario `key` with its expected answers given up to `step_id`; the walk's rest."""
    walk = builtin()[key]["walk"]
    at = next(i for i, item in enumerate(walk) if item["step"] == step_id)
    view = continue_practice(me, practice.start_practice(me, key), walk[:at])
    assert view.run.step.id == step_id
    return view, walk[at:]


def _practice_log(practice_id: str) -> list[dict[str, Any]]:
    with transaction() as session:
        return list(session.get_one(PracticeRun, practice_id).log)


@pytest.mark.parametrize(
    ("key", "step_id", "message"),
    [("P5b-2", "create_folder", TO_THE_CPO), ("P5d-2", "full_pv_check", TO_THE_CPO),
     ("P5e-2", "pv_check", TO_THE_VISITING_OFFICER)],
)  # fmt: skip
def test_practice_refuses_no_on_its_pv_case_at_the_page_and_the_debrief_lists_it(
    demo_db, actor_for, key, step_id, message
):
    """A new caseworker practising a PV scenario answers "No" on the PV page: refused there, as in a real run, on
    the fictional case's PV marker; the refusal is kept for the debrief, "Yes" passes, and "No" sent straight to the
    save is refused too. Finishing the scenario, the debrief lists the refusal."""
    me = actor_for("ssst.caseworker")
    view, rest = _practise_to(me, key, step_id)
    names = page_of(view.run, "pv_marker")
    answers = {"pv_marker": False, CHECKLIST: list(view.run.step.checklist)}
    with pytest.raises(ValidationFailed) as refused:
        practice.check_page(me, view.practice_id, answers, names, expected_version=view.run.version)
    assert refused.value.errors == {"pv_marker": message}
    assert _practice_log(view.practice_id)[-1] | {"at": None} == {
        "at": None, "event": "refused", "step": step_id, "errors": {"pv_marker": message}
    }  # fmt: skip

    view = practice.view_practice(me, view.practice_id)  # the refusal was written: the page reads the run afresh
    assert view.run.step.id == step_id
    assert practice.check_page(
        me, view.practice_id, {**answers, "pv_marker": True}, names, expected_version=view.run.version
    )
    expected = scenario_answers(registry.get(key[:3]), rest[0], view.today)
    with pytest.raises(ValidationFailed) as at_save:
        practice.submit_step(me, view.practice_id, {**expected, "pv_marker": False}, expected_version=view.run.version)
    assert at_save.value.errors == {"pv_marker": message}

    view = continue_practice(me, practice.view_practice(me, view.practice_id), rest)
    assert view.finished
    title = registry.get(key[:3]).steps[step_id].title
    assert list(practice_debrief.debrief(me, view.practice_id).validation_errors) == [(title, message)] * 2


def test_practice_takes_no_on_a_case_without_a_pv_marker(demo_db, actor_for):
    me = actor_for("ssst.caseworker")
    view, _rest = _practise_to(me, "P5e-3", "pv_check")
    answers = {"pv_marker": False, CHECKLIST: list(view.run.step.checklist)}
    assert practice.check_page(
        me, view.practice_id, answers, page_of(view.run, "pv_marker"), expected_version=view.run.version
    )
    assert not [e for e in _practice_log(view.practice_id) if e["event"] == "refused"]


def test_a_pv_marker_added_before_confirm_refuses_the_saved_no_at_confirm(demo_db, ssst):
    """The answers were right when saved; the case's record gained a PV marker before "Confirm and save": the same
    rule refuses it there, and nothing is recorded on the SR."""
    walk, case_id, sr_id = _p5b(ssst, second=True)
    set_case(case_id, potentially_violent=False)
    walk.answer(
        confirm=False, second_pv_marker=False, second_pv_details="", payments_since="None", contact_since="None"
    )
    assert walk.view.awaiting_confirmation
    set_case(case_id, potentially_violent=True)
    before = sr_row(sr_id)
    with pytest.raises(ValidationFailed) as refused:
        walk.confirm()
    assert refused.value.errors == {"second_pv_marker": TO_THE_CPO}
    assert sr_row(sr_id) == before
