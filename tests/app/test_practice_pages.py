"""Practice pages in AppTest: the banner and the step's event on every page of a practice run, the debrief at
the end, the choice of scenario, and the team leader's practice record."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from db.models import Case, OutboundEmail, PracticeScenario, ProcedureRun, ServiceRequest
from procedures import registry
from procedures.scenarios import builtin
from services import practice, practice_scenarios
from services.practice import BANNER
from services.practice_check import scenario_answers
from services.transaction import transaction
from tests.app.helpers import app_as, texts
from tests.practice.practise import continue_practice
from tests.unit.test_pv_question_rule import TO_THE_CPO

REAL = (Case, ServiceRequest, ProcedureRun, OutboundEmail)


def _counts() -> list[int]:
    with transaction() as session:
        return [session.scalar(select(func.count()).select_from(t)) or 0 for t in REAL]


def _page(actor, practice_id):
    at = app_as(actor)
    at.run()
    at.query_params["practice"] = practice_id
    return at.switch_page("pages/practice_run.py").run()


def test_every_page_of_a_p5e_practice_run_says_it_is_practice_and_the_end_is_a_debrief(sqlite_demo_db, actor_for):
    """A new caseworker practises the P5e main scenario: each step's page carries the banner and what happens
    there ("You find out: ..."); the last page is the debrief, passed. No real case, SR, run or email appears."""
    me, before = actor_for("caseworker"), _counts()
    scenario, procedure = builtin()["P5e-1"], registry.get("P5e")
    view = practice.start_practice(me, "P5e-1")
    previewed = 0
    for item in scenario["walk"]:
        at = _page(me, view.practice_id)
        assert not at.exception, at.exception
        assert any(BANNER in e.value for e in at.error)
        assert view.reference in texts(at)  # the fictional reference in the case banner, never a 12-digit SCIN
        if item.get("event"):
            assert item["event"] in texts(at)
        answers = scenario_answers(procedure, item, view.today)
        for f in view.run.step.fields:
            if f.name not in answers and f.value is not None:
                answers[f.name] = f.value
        view = practice.submit_step(me, view.practice_id, answers, expected_version=view.run.version)
        if view.run.awaiting_confirmation:
            at = _page(me, view.practice_id)
            assert any(BANNER in e.value for e in at.error)
            assert "Check your answers before saving" in texts(at)
            letter_boxes = [e.label for e in at.expander if e.label.startswith("CMSL")]
            if view.run.letters_pending:  # read before saving, as in the wizard
                previewed += 1
                assert "Letters this step records (1)" in texts(at)
                assert letter_boxes == [
                    "CMSL5501 Information about your face to face meeting with us, to the paying parent"
                ]
                assert "Jordan Exercise" in "\n".join(str(h.proto.body) for h in at.get("html"))
            else:
                assert letter_boxes == []
            view = practice.confirm_step(me, view.practice_id, expected_version=view.run.version)
    at = _page(me, view.practice_id)
    assert not at.exception, at.exception
    assert any(BANNER in e.value for e in at.error)
    assert "Debrief" in [h.value for h in at.header]
    assert "Passed." in texts(at)
    assert any(b.proto.label.startswith("Download CMSL5501") for b in at.get("download_button"))
    assert previewed == 1  # the letter was shown at its step's check your answers
    assert _counts() == before


def test_the_practise_page_lists_scenarios_and_the_team_leader_sees_the_record(sqlite_demo_db, actor_for):
    me, leader = actor_for("caseworker"), actor_for("teamleader")
    at = app_as(me)
    at.run()
    at = at.switch_page("pages/practice.py").run()
    assert not at.exception
    at.selectbox[0].select("P5e").run()
    assert builtin()["P5e-1"]["title"] in at.radio[0].options
    from tests.practice.practise import walk_practice

    walk_practice(me, builtin()["P5e-1"], today=date.today())
    at = app_as(leader)
    at.run()
    at = at.switch_page("pages/practice.py").run()
    assert not at.exception
    table = at.table[0].value
    row = table[table["Caseworker"] == me.display_name].iloc[0]
    assert (row["Practised"], row["Passed"]) == (1, 1)


def _scenario_rows() -> int:
    with transaction() as session:
        return session.scalar(select(func.count()).select_from(PracticeScenario)) or 0


def _save(at):
    next(b for b in at.button if b.label == "Check and save").click().run()
    assert not at.exception, at.exception
    return at


def test_policy_staff_edit_a_scenario_with_a_form_refused_at_the_field_until_it_is_right(sqlite_demo_db, actor_for):
    """Policy staff open "The CPO decides not to proceed" on the scenarios page: a form, not JSON. An amount that is
    not money is refused under the arrears input; a step chosen out of the procedure's order is refused at that
    step, naming where the path breaks; nothing is saved until both are put right, then the edit saves."""
    at = app_as(actor_for("policy"))
    at.run()
    at = at.switch_page("pages/practice_scenarios.py").run()
    assert not at.exception, at.exception
    assert not at.get("text_area") or all("JSON" not in a.label for a in at.text_area)
    at.selectbox[0].select("P5d-2").run()
    steps = registry.get("P5d").steps
    assert at.selectbox(key="sform:P5d-2:walk:2:step").value == "cpt_reply"
    assert steps["cpt_reply"].title in at.selectbox(key="sform:P5d-2:walk:2:step").options
    at.text_input(key="sform:P5d-2:fact:arrears_balance").set_value("lots").run()
    at = _save(at)
    arrears_error = [m.value for m in at.markdown if "Error:" in m.value]
    assert any("amount" in m.lower() for m in arrears_error), arrears_error
    assert _scenario_rows() == 0
    at.text_input(key="sform:P5d-2:fact:arrears_balance").set_value("1845.20").run()
    at.selectbox(key="sform:P5d-2:walk:2:step").set_value("full_pv_check").run()
    at = _save(at)
    broken = f"The expected path breaks at '{steps['cpt_reply'].title}'"
    assert broken in texts(at)
    assert _scenario_rows() == 0
    at.selectbox(key="sform:P5d-2:walk:2:step").set_value("cpt_reply").run()
    at.text_input(key="sform:P5d-2:walk:2:hearing_at").set_value("today+42 14:00").run()
    at.text_input(key="sform:P5d-2:walk:2:cpo_name").set_value("Gillian Shaw").run()
    at.text_input(key="sform:P5d-2:title").set_value("The CPO decides not to proceed after a late payment").run()
    at = _save(at)
    assert "Saved 'The CPO decides not to proceed after a late payment'" in texts(at)
    assert _scenario_rows() == 1
    assert practice_scenarios.scenarios_for_editing(actor_for("policy"))["P5d-2"]["facts"]["arrears_balance"] == (
        "1845.20"
    )


def test_a_scenario_saved_under_another_scenarios_reference_is_refused_at_the_reference(sqlite_demo_db, actor_for):
    """QA (policy, Chromium): P1-2 opened and saved as "P1-1" replaced P1-1 without a word. It is refused under the
    Reference input, and P1-1 stays as it was."""
    at = app_as(actor_for("policy"))
    at.run()
    at = at.switch_page("pages/practice_scenarios.py").run()
    at.selectbox[0].select("P1-2").run()
    at.text_input(key="sform:P1-2:key").set_value("P1-1").run()
    at = _save(at)
    title = builtin()["P1-1"]["title"]
    said = f"P1-1 is already the reference of '{title}' (P1): give this scenario another reference"
    assert any(said in m.value for m in at.markdown if "Error:" in m.value), [m.value for m in at.markdown]
    assert _scenario_rows() == 0
    assert practice_scenarios.scenarios_for_editing(actor_for("policy"))["P1-1"]["title"] == title


def test_the_practice_run_has_the_wizards_panels_and_keeps_the_done_in_cms_ticks(sqlite_demo_db, actor_for):
    """A caseworker practising P1 reaches the chase: beside the step are the deadlines (the review date set at the
    call, on the practice calendar), the CMS lines of the saved steps with their "done in CMS" ticks, the
    glossary and the procedure map, as in the real wizard. A tick survives a reload (a new session)."""
    from tests.practice.practise import continue_practice

    me, scenario = actor_for("caseworker"), builtin()["P1-1"]
    view = practice.start_practice(me, "P1-1")
    view = continue_practice(me, view, scenario["walk"][:4])
    assert view.run.step.id == "chase_update"
    at = _page(me, view.practice_id)
    assert not at.exception, at.exception
    shown = texts(at)
    assert "Deadlines" in shown
    assert any(d.explanation in shown for d in view.run.deadlines)
    assert [e.label for e in at.expander] == ["Glossary"]
    assert [t.label for t in at.toggle] == ["Show the procedure map"]
    ticks = [c for c in at.checkbox if c.key.startswith(f"cms:{view.practice_id}:")]
    assert ticks
    assert not any(c.value for c in ticks)
    ticks[0].check().run()
    assert not at.exception, at.exception
    again = _page(me, view.practice_id)  # a new session: the tick is read back from the practice run
    assert [c.value for c in again.checkbox if c.key == ticks[0].key] == [True]
    saved = practice.view_practice(me, view.practice_id).run.cms_saved
    assert saved[0].done == (0,)
    again.toggle[0].set_value(True).run()
    assert not again.exception, again.exception
    assert again.get("graphviz_chart")


def test_practice_refuses_no_to_the_pv_question_on_its_pv_case_on_its_own_page(sqlite_demo_db, actor_for):
    """Practising "Criminal action on a PV case" (P5b-2), the caseworker answers "No" to the PV question and presses
    Continue: as in the wizard, the practice page refuses it there, at the answer, on the fictional case's marker."""
    me = actor_for("ssst.caseworker")
    walk = builtin()["P5b-2"]["walk"]
    view = continue_practice(me, practice.start_practice(me, "P5b-2"), walk[:2])
    assert view.run.step.id == "create_folder"
    at = _page(me, view.practice_id)
    for box in at.checkbox:
        box.check()
    next(b for b in at.button if b.label == "Continue").click().run()
    question = "Is a PV marker recorded against the client?"
    assert at.title[0].value == question
    at.radio[0].set_value("No")
    next(b for b in at.button if b.label == "Continue").click().run()

    assert not at.exception
    assert at.title[0].value == question  # refused on its own page
    assert [m.value for m in at.markdown if "**Error:**" in m.value] == [f":red[**Error:** {TO_THE_CPO}]"]
    assert TO_THE_CPO in next(e.value for e in at.error if "There is a problem" in e.value)
    assert any(BANNER in e.value for e in at.error)

    at.radio[0].set_value("Yes")
    next(b for b in at.button if b.label == "Continue").click().run()
    assert "There is a problem" not in texts(at)
    assert at.title[0].value == "Screenshots of the SR saved in the folder?"  # criminal action: asked next


def test_each_table_of_the_fictional_case_is_named_above_it_and_that_name_is_its_accessible_name(
    sqlite_demo_db, actor_for
):
    """QA (policy, Chromium): "Liability orders" and "Arrears periods" were captions under their tables, so a reader
    met an unnamed table first; the tables had no accessible name."""
    at = app_as(actor_for("policy"))
    at.run()
    at = at.switch_page("pages/practice_scenarios.py").run()
    assert not at.exception, at.exception
    order = [n for n in at.main if getattr(n, "type", None) in ("subheader", "dataframe", "caption")]
    for name in ("Liability orders", "Arrears periods"):
        (table,) = [n for n in order if n.type == "dataframe" and n.proto.alt == name]  # its accessible name
        heading = order[order.index(table) - 1]
        assert (heading.type, heading.value) == ("subheader", name)  # drawn right above it
        assert not [n for n in order if n.type == "caption" and n.value == name]  # not said again under it


def test_a_practice_runs_check_page_says_what_saving_records_as_the_wizards_does(sqlite_demo_db, actor_for):
    """QA, fresh eyes (seventh session): the practice run's check page listed the dates and deadlines a step records
    but, unlike the wizard's, never said what saving records or that there is no going back after it. P4's first
    save makes the SR; its stable balance letter records the reply's 30 days."""
    me = actor_for("caseworker")
    scenario, procedure = builtin()["P4-1"], registry.get("P4")
    view = practice.start_practice(me, "P4-1")
    said: list[str] = []
    for item in scenario["walk"][:2]:
        answers = scenario_answers(procedure, item, view.today)
        for f in view.run.step.fields:
            if f.name not in answers and f.value is not None:
                answers[f.name] = f.value
        view = practice.submit_step(me, view.practice_id, answers, expected_version=view.run.version)
        assert view.run.awaiting_confirmation
        at = _page(me, view.practice_id)
        assert not at.exception, at.exception
        said.append(texts(at))
        view = practice.confirm_step(me, view.practice_id, expected_version=view.run.version)
    balance, letter = said
    on_save = "What to enter in CMS when you save this step"
    assert (
        f"Saving makes the SR and records on it the changes listed under **{on_save}** and the notes listed below. "
        "After that you cannot go back to change these answers."
    ) in balance
    assert "Notes this step records" in balance  # the typed balance's note, named by the sentence (ninth session)
    assert (
        f"When you save, the changes listed under **{on_save}** and the dates, deadlines and notes listed below are "
        "recorded on the SR. After that you cannot go back to change these answers."
    ) in letter
    assert "Dates and deadlines this step records" in letter
    assert "Notes this step records" in letter
    assert "- Receiving parent's reply due by " in letter  # listed as in the wizard


def test_a_practice_runs_check_page_says_the_deadline_met_and_shows_the_note_as_the_wizards_does(
    sqlite_demo_db, actor_for
):
    """P5a's "Pay the court fee" in practice: the check page says the court fee deadline is marked met and shows the
    SR note as it would be saved, drawn by the wizard's own code (ui/check_answers.py)."""
    me = actor_for("ssst.caseworker")
    scenario = builtin()["P5a-1"]
    view = continue_practice(me, practice.start_practice(me, "P5a-1"), scenario["walk"][:1])
    answers = scenario_answers(registry.get("P5a"), scenario["walk"][1], view.today)
    view = practice.submit_step(me, view.practice_id, answers, expected_version=view.run.version)
    at = _page(me, view.practice_id)
    assert not at.exception, at.exception
    shown = texts(at)
    assert "Deadlines this step marks met" in shown
    assert "- Pay the court fee: marked met" in shown
    assert "Notes this step records" in shown
    assert "Court payment reference: CB-448172." in shown
    assert "the deadlines met and notes listed below are recorded on the SR" in shown
