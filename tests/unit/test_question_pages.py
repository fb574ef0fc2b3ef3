"""One question per page (issue 15): every step of every procedure is split so that each page asks one
question (with its follow-ups and optional note), every field is asked on exactly one page, and a page's
Continue refuses only that page's own answers."""

from datetime import date

import pytest

from procedures import registry
from procedures.definition import Step
from services.errors import ValidationFailed
from services.question_pages import CHECKLIST, check_page, page_shown, question_pages
from services.run_views import FieldView, StepView

TODAY = date(2026, 11, 30)
STEPS = [(p, sid, s) for p in registry.latest() for sid, s in p.steps.items() if not s.final]


def view_of(step_id: str, step: Step) -> StepView:
    fields = tuple(
        FieldView(f.name, f.label, f.kind, f.hint, f.options, f.required, f.when, None, f.max_chars)
        for f in step.fields
    )
    return StepView(step_id, step.title, step.guidance, step.checklist, (), fields, False, False, ())


@pytest.mark.parametrize(("procedure", "step_id", "step"), STEPS, ids=[f"{p.id}-{s}" for p, s, _ in STEPS])
def test_each_page_asks_one_question_and_every_field_is_asked_once(procedure, step_id, step):
    pages = question_pages(view_of(step_id, step))
    asked = [f.name for page in pages for f in page.fields]
    assert asked == [f.name for f in step.fields]  # each once, in the step's order
    assert pages[0].intro
    assert not any(p.intro for p in pages[1:])
    assert sum(p.checklist for p in pages) == (1 if step.checklist else 0)
    for page in pages:
        questions = [f for f in page.fields if f.label.endswith("?") and f.when is None and f.required]
        assert len(questions) <= 1, f"{page.heading!r} asks {[f.label for f in questions]}"
        if questions:  # the rest of a question's page follows from it, or is an optional note
            names = {f.name for f in page.fields}
            for f in page.fields[1:]:
                assert (f.when is not None and f.when[0] in names) or (f.when is None and not f.required)
        assert page.heading
        assert "_" not in page.heading


def test_a_step_asked_in_one_page_keeps_its_title_as_the_question():
    p1 = registry.get("P1")
    [page] = question_pages(view_of("consider_segment", p1.steps["consider_segment"]))
    assert page.heading == "Does the case need to move segment?"
    assert [f.name for f in page.fields] == ["segment_move", "segment_reason"]
    assert not page.label_is_heading


def test_p1s_first_step_is_its_checklist_then_one_page_per_question():
    p1 = registry.get("P1")
    pages = question_pages(view_of("query_received", p1.steps["query_received"]))
    assert [p.heading for p in pages] == [
        "Check where the case is in transition",
        "What needs the CSA information?",
        "What information is needed",
        "Has financial transition to CMS been completed?",
    ]
    assert pages[0].checklist
    assert pages[0].names == (CHECKLIST,)
    assert all(p.label_is_heading for p in pages[1:])


def test_a_step_of_one_question_and_its_follow_up_is_one_page_with_its_checklist():
    p1 = registry.get("P1")
    step = p1.steps["search_legacy"]
    [page] = question_pages(view_of("search_legacy", step))
    assert (page.heading, page.checklist, page.label_is_heading) == ("Search the legacy systems", True, False)
    assert [f.name for f in page.fields] == ["information_found", "findings"]
    ticked = {CHECKLIST: list(step.checklist)}

    def check(answers: dict) -> None:
        check_page(
            "P1", p1.version, "search_legacy", answers, page.names, checklist=step.checklist, facts={}, today=TODAY
        )

    check({"information_found": False, **ticked})  # "No": the follow-up is not asked, so not required
    with pytest.raises(ValidationFailed) as refused:
        check({"information_found": True, **ticked})
    assert set(refused.value.errors) == {"findings"}
    with pytest.raises(ValidationFailed) as refused:
        check({"information_found": False, CHECKLIST: ["CSCS checked"]})
    assert refused.value.errors == {
        CHECKLIST: "Confirm you have done this before you continue: CS2 checked; Clerical case database (CCD) checked"
    }


def test_details_that_are_not_questions_share_the_first_page_with_the_checklist():
    p5b = registry.get("P5b")
    pages = question_pages(view_of("sr_allocated", p5b.steps["sr_allocated"]))
    assert [(p.heading, p.checklist, [f.name for f in p.fields]) for p in pages] == [
        ("The request for county court action", True, ["court", "ecm_name"]),
        ("Is this criminal action?", False, ["criminal_action"]),
    ]


def test_a_page_is_checked_for_its_own_answers_only():
    p1 = registry.get("P1")

    def check(reason: str) -> None:  # the rest of the step is not asked yet
        checklist = p1.steps["query_received"].checklist
        check_page("P1", p1.version, "query_received", {"query_reason": reason}, ("query_reason",),
                   checklist=checklist, facts={}, today=TODAY)  # fmt: skip

    check("Complaint")
    with pytest.raises(ValidationFailed) as refused:
        check("Something else")
    assert set(refused.value.errors) == {"query_reason"}


def test_a_page_is_headed_by_its_first_field_that_applies_given_the_answers_so_far():
    """QA: P5b's folder step headed a page "Screenshots of the SR saved in the folder?" when the run was not criminal
    action, a question only criminal action asks, so not on the page: the page asks for the notes for the CPO."""
    p5b = registry.get("P5b")
    step = view_of("create_folder", p5b.steps["create_folder"])
    pages = question_pages(step)
    notes = "Notes for the CPO on the referral form (optional)"
    screenshots = "Screenshots of the SR saved in the folder?"
    assert [page_shown(step, i, {"criminal_action": False}).heading for i in range(len(pages))] == [
        "Create the CPO folder",
        "Is a PV marker recorded against the client?",
        notes,
    ]
    shown = page_shown(step, 2, {"criminal_action": False})
    assert (shown.asks, shown.intro) == ("referral_notes", False)  # its label is the heading, not drawn again
    assert pages[2].names == shown.names  # the same page (Back, Change and a kept draft name it by its index)
    criminal = page_shown(step, 2, {"criminal_action": True})
    assert (criminal.heading, criminal.asks) == (screenshots, "screenshots_saved")


@pytest.mark.parametrize(("procedure", "step_id", "step"), STEPS, ids=[f"{p.id}-{s}" for p, s, _ in STEPS])
def test_no_page_is_headed_by_a_question_it_does_not_ask(procedure, step_id, step):
    """Whatever the answers a field is shown for, a page shown is headed by the step's title or by the label of a
    field it asks, and the first page shown is the step's first page."""
    view = view_of(step_id, step)
    pages = question_pages(view)
    # each value a field is shown for: one of a tuple of values (P5d's outcome PDF) is tried on its own
    conditions = {
        (f.when[0], value)
        for f in step.fields
        if f.when is not None
        for value in (f.when[1] if isinstance(f.when[1], tuple) else (f.when[1],))
    }
    for answers in ({}, *({name: value} for name, value in conditions), dict(conditions)):
        shown = [page_shown(view, i, answers) for i, page in enumerate(pages) if page.applies(answers)]
        assert [p.intro for p in shown][:1] in ([], [True])
        assert not any(p.intro for p in shown[1:])
        for page in shown:
            asked = [f for f in page.fields if f.applies(answers)]
            if page.asks:
                assert page.asks == asked[0].name, f"{page.heading!r} for {answers}"
                assert page.heading in (asked[0].label, f"{asked[0].label} (optional)")
            else:
                assert page.heading == step.title


def test_a_field_shown_for_any_of_several_answers_is_asked_on_the_page_for_each_of_them_only():
    """P5d version 2 asks for the scanned outcome for every outcome but an adjourned hearing (`when` with a tuple)."""
    step = registry.get("P5d", "2").steps["record_outcome"]  # version 3's moved hearing asks neither: test_p5d
    [page] = question_pages(view_of("record_outcome", step))
    outcomes = step.fields[0].options
    for outcome in outcomes:
        shown = [f.name for f in page.fields if f.applies({"outcome": outcome})]
        pdf = [] if outcome == "Hearing adjourned" else ["outcome_pdf"]
        assert shown == ["outcome", "outcome_detail", *pdf], outcome
    assert [f.name for f in page.fields if f.applies({})] == ["outcome", "outcome_detail"]
