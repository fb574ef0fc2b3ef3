"""A step reads as its run started: from the SR the case manager allocated, or from the case (`Step.as_started`)."""

from __future__ import annotations

import pytest

from procedures import registry


def test_started_from_the_allocated_sr_the_step_reads_as_the_seed_has_it():
    step = registry.get("P5d").steps["allocated"]
    assert step.as_started(["main"]) is step
    assert step.as_started(["main"]).checklist == ("SR read: it asks for a liability order",)


def test_started_from_the_case_the_step_reads_its_from_case_wording():
    step = registry.get("P5d").steps["allocated"]
    shown = step.as_started([])
    assert shown.checklist == ("Request read: it asks for a liability order",)
    assert shown.guidance.startswith("A caseworker has asked for a liability order. You started this from the case")
    assert (shown.title, shown.fields, shown.effects) == (step.title, step.fields, step.effects)
    assert shown.as_started(["origin"], ticked=shown.checklist).checklist == shown.checklist


def test_a_run_that_ticked_the_other_wording_keeps_reading_it():
    """Ticks are kept by their text: a run saved before the wording split reads what it ticked, never "Not checked"."""
    step = registry.get("P5e").steps["pv_check"]
    old = ["SR details read", "Full PV check done on the 2012 system"]
    assert step.as_started([], ticked=old).checklist == tuple(old)
    assert step.as_started([], ticked=["Full PV check done on the 2012 system"]).checklist == (
        "CMSF5579 read",
        "Full PV check done on the 2012 system",
    )


def test_a_step_without_a_from_case_wording_reads_the_same_either_way():
    step = registry.get("P1").steps[registry.get("P1").initial]
    assert step.from_case is None
    assert step.as_started([]) is step


@pytest.mark.parametrize("procedure", [p for p in registry.latest() if p.works_on], ids=lambda p: p.id)
def test_no_step_tells_a_caseworker_who_started_from_the_case_to_read_an_allocated_sr(procedure):
    """Every procedure that can start from an allocated SR can also start from the case: none of its steps may then
    speak of an SR the caseworker was allocated, or ask them to tick that they read it."""
    for step_id, step in procedure.steps.items():
        shown = step.as_started([])
        words = " ".join((shown.title, shown.guidance, *shown.checklist))
        phrases = ("allocated you", "you were allocated", "been allocated", "SR allocated", "SR read", "the SR details")
        said = [p for p in phrases if p in words]
        assert not said, (procedure.id, step_id, said)


@pytest.mark.parametrize("step_id", ["referral_rejected", "failed_to_attend", "record_visit"])
def test_a_p5e_step_says_who_is_told_on_this_run_not_both(step_id):
    """QA, 7 December: P5e's steps that tell the caseworker who asked said, in one sentence, whom they tell with and
    without that caseworker's SR linked. A run reads one: the owning caseworker, or the case's team (and why)."""
    step = registry.get("P5e").steps[step_id]
    with_origin = step.as_started(["main"], sr_refs=["main", "origin"]).guidance
    without = step.as_started(["main"], sr_refs=["main"]).guidance
    assert "owning caseworker" in with_origin
    assert "case's team" not in with_origin
    assert "owning caseworker" not in without
    assert "case's team" in without
    assert without.endswith(
        "No SR of the caseworker who asked is linked to this one, so Casework Guide cannot tell them itself."
    )
    assert step.as_started([], sr_refs=["main"]).guidance == without  # started from the case: never an origin
