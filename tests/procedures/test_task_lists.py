"""Task lists of the long procedures: every step in exactly one section, and statuses as a run goes."""

from __future__ import annotations

import pytest

from procedures import registry
from procedures.task_lists import TASK_LISTS, Status, task_list
from tests.procedures.test_p5e import refer, start

LONG = ("P4", "P5b", "P5c", "P5d", "P5e")


@pytest.fixture
def ssst(actor_for):
    return actor_for("ssst.caseworker")


@pytest.mark.parametrize("procedure_id", LONG)
def test_every_step_of_a_long_procedure_is_in_exactly_one_section(procedure_id):
    procedure = registry.get(procedure_id)
    listed = [step for section in TASK_LISTS[procedure_id] for step in section.steps]
    steps = [s for s, step in procedure.steps.items() if not step.final]
    assert sorted(listed) == sorted(steps)  # none missing, none unknown, none twice
    for section in TASK_LISTS[procedure_id]:
        assert set(section.waits_for) <= set(section.steps)


@pytest.mark.parametrize(
    "procedure", [p for p in registry.REGISTRY.values() if p.id in LONG], ids=lambda p: f"{p.id}v{p.version}"
)
def test_every_step_of_every_registered_version_is_in_a_section(procedure):
    """A run finishes on the version it started on (P5d version 1 beside 2): its steps are listed too."""
    listed = {step for section in TASK_LISTS[procedure.id] for step in section.steps}
    assert {s for s, step in procedure.steps.items() if not step.final} <= listed


def test_the_short_procedures_keep_their_progress_line():
    assert set(TASK_LISTS) == set(LONG)


def labels(view) -> list[str]:
    saved = [s for s, _title in view.history]
    return [s.label for s in task_list("P5e", saved, view.step.id, finished=view.status == "finished")]


def test_p5e_sections_go_from_not_started_to_waiting_for_vsat_to_done_and_a_branch_not_taken_is_not_needed(
    demo_db, ssst
):
    walk, _case_id, _sr_id = start(ssst)
    assert labels(walk.view) == ["In progress", "Not started", "Not started", "Not started"]
    refer(walk)
    assert walk.step == "vsat_decision"
    assert labels(walk.view) == ["Done", "Waiting for VSAT", "Not started", "Not started"]
    walk.answer(vsat_accepted=False, rejection_reason="Out of area")
    assert labels(walk.view) == ["Done", "In progress", "Not started", "Not started"]
    walk.answer()
    assert walk.view.status == "finished"
    assert labels(walk.view) == ["Done", "Done", "Not needed", "Not needed"]


def test_a_section_skipped_by_the_path_is_not_needed_once_a_later_one_is_reached():
    statuses = task_list(
        "P4", ["confirm_balance", "stable_balance_letter", "await_response"], "no_response", finished=False
    )
    assert [s.status for s in statuses] == [
        Status.DONE,
        Status.DONE,
        Status.NOT_NEEDED,  # no dispute on this path
        Status.IN_PROGRESS,
        Status.NOT_STARTED,
        Status.NOT_STARTED,
    ]


def test_p4_the_receiving_parents_decision_is_not_done_when_only_a_dispute_was_recorded():
    """QA: after "What has happened?" recorded the paying parent's dispute, the decision section said Done."""
    saved = ["confirm_balance", "stable_balance_letter", "await_response"]
    statuses = {s.title: s.label for s in task_list("P4", saved, "paying_parent_dispute", finished=False)}
    assert statuses["The receiving parent's decision"] == "Waiting for the receiving parent"
    assert statuses["The paying parent's dispute"] == "In progress"
    back = {
        s.title: s.label for s in task_list("P4", [*saved, "paying_parent_dispute"], "await_response", finished=False)
    }
    assert back["The receiving parent's decision"] == "Waiting for the receiving parent"
    assert back["The paying parent's dispute"] == "Done"
    decided = [*saved, "paying_parent_dispute", "await_response"]
    for step in ("pursue", "write_off", "no_response"):
        statuses = {s.title: s.label for s in task_list("P4", decided, step, finished=False)}
        assert statuses["The receiving parent's decision"] == "Done", step
    later = [*decided, "write_off", "after_window"]
    statuses = {s.title: s.label for s in task_list("P4", later, "paying_parent_dispute", finished=False)}
    assert statuses["The receiving parent's decision"] == "Done"


def test_p4_representations_in_the_30_days_are_not_shown_as_a_dispute():
    """QA (Chromium): after the paying parent's representations (no dispute), the list said "The paying parent's
    dispute: Done". Representations belong to the 30 days after a write-off."""
    saved = ["confirm_balance", "stable_balance_letter", "await_response", "write_off", "after_window"]
    at_representations = task_list("P4", saved, "representations", finished=False)
    assert [s.label for s in at_representations] == [
        "Done",
        "Done",
        "Not needed",  # no dispute
        "In progress",  # the write-off's 30 days
        "Not started",
        "Not started",
    ]
    back_in_the_window = task_list("P4", [*saved, "representations"], "after_window", finished=False)
    assert back_in_the_window[2].label == "Not needed"
    assert back_in_the_window[3].label == "Waiting for the 30 days to end"
