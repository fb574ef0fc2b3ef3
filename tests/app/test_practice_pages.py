"""Practice pages in AppTest: the banner and the step's event on every page of a practice run, the debrief at
the end, the choice of scenario, and the team leader's practice record."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from db.models import Case, OutboundEmail, ProcedureRun, ServiceRequest
from procedures import registry
from procedures.scenarios import builtin
from services import practice
from services.practice import BANNER
from services.practice_check import scenario_answers
from services.transaction import transaction
from tests.app.helpers import app_as, texts

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
            view = practice.confirm_step(me, view.practice_id, expected_version=view.run.version)
    at = _page(me, view.practice_id)
    assert not at.exception, at.exception
    assert any(BANNER in e.value for e in at.error)
    assert "Debrief" in [h.value for h in at.header]
    assert "Passed." in texts(at)
    assert any(b.proto.label.startswith("Download CMSL5501") for b in at.get("download_button"))
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


def test_policy_staff_are_told_where_a_scenario_breaks_on_the_scenarios_page(sqlite_demo_db, actor_for):
    import json

    at = app_as(actor_for("policy"))
    at.run()
    at = at.switch_page("pages/practice_scenarios.py").run()
    assert not at.exception
    at.selectbox[0].select("P5e-1").run()
    data = json.loads(at.text_area[0].value)
    data["walk"] = data["walk"][:2] + data["walk"][3:]  # skips "set the SR In Progress"
    at.text_area[0].set_value(json.dumps(data)).run()
    next(b for b in at.button if b.label == "Check and save").click().run()
    assert not at.exception
    assert "The expected path breaks at" in texts(at)


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
    assert ticks and not any(c.value for c in ticks)
    ticks[0].check().run()
    assert not at.exception, at.exception
    again = _page(me, view.practice_id)  # a new session: the tick is read back from the practice run
    assert [c.value for c in again.checkbox if c.key == ticks[0].key] == [True]
    saved = practice.view_practice(me, view.practice_id).run.cms_saved
    assert saved[0].done == (0,)
    again.toggle[0].set_value(True).run()
    assert not again.exception, again.exception
    assert again.get("graphviz_chart")
