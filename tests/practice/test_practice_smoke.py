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


def test_a_practice_run_names_who_its_emails_would_have_gone_to_never_the_email_kind(sqlite_demo_db, actor_for):
    """QA found "To: vsat_referral" beside a P5e practice step and "(to owner_and_team_leader)" in its debrief."""
    me = actor_for("caseworker")
    view = walk_practice(me, builtin()["P5e-1"], today=date.today())
    assert any(to == "CSA VSAT INTERVIEWS" for _subject, to in view.emails), view.emails
    report = practice_debrief.debrief(me, view.practice_id)
    sent = [line for line in report.would_send if line.startswith("Email")]
    assert any(line.endswith("(to CSA VSAT INTERVIEWS)") for line in sent), sent
    assert any(line.endswith("(to the SR's owning caseworker and their team leader)") for line in sent), sent
    for line in [*sent, *(to for _subject, to in view.emails)]:
        assert "_" not in line, line


def test_a_practice_run_quotes_the_procedures_own_seed_for_in_progress(sqlite_demo_db, actor_for):
    """QA: P5e's "Status = In Progress" quoted seed 002 (P3's procedure); seed 004 step 2 names it."""
    view = walk_practice(actor_for("caseworker"), builtin()["P5e-1"], today=date.today())
    saved = [line for step in view.run.cms_saved for line in step.lines if line.text.endswith("Status = In Progress")]
    assert [line.source for line in saved] == [
        "Published procedure \u201cSpecialist Services Support Team\u201d: "
        "\u201cupdate the **Status** to **In Progress**\u201d"
    ]


def test_an_email_for_the_cases_team_leaders_is_named_in_words_in_practice():
    """P5e with no SR of the caseworker who asked emails the case's team leaders: practice says so in words."""
    from procedures.effects import CASE_TEAM_LEADERS
    from services.practice_effects import addressee

    assert addressee(CASE_TEAM_LEADERS) == "the team leaders of the case's team"


def test_a_practice_run_names_the_runs_own_sr_in_a_step_that_creates_another(sqlite_demo_db, actor_for):
    """As a real run (QA, P3's "Liability orders found"): the Finalise Case SR's note names it beside the new LO SR."""
    view = walk_practice(actor_for("caseworker"), builtin()["P3-1"], today=date.today())
    (saved,) = [step for step in view.run.cms_saved if step.step_title == "Liability orders found"]
    notes = [line.text for line in saved.lines if line.text.startswith("Add to SR Notes")]
    assert any(t.startswith("Add to SR Notes of the new Set Up Legacy LO SR: ") for t in notes), notes
    assert any(t.startswith("Add to SR Notes of the SR (") and "Liability orders found" in t for t in notes), notes
