from datetime import date

from procedures.scenarios import builtin
from services import practice_debrief
from tests.practice.practise import walk_practice


def test_p5e_main_scenario_walks_to_a_passed_debrief(sqlite_demo_db, actor_for):
    me = actor_for("caseworker")
    view = walk_practice(me, builtin()["P5e-1"], today=date.today())
    assert view.finished
    report = practice_debrief.debrief(me, view.practice_id)
    assert report.passed, report
