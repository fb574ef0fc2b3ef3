"""Every procedure's map names its steps by title and never by a code name (state ids, guards, classes)."""

import pytest

from procedures import registry
from services.procedure_map import procedure_map


@pytest.mark.parametrize("procedure", registry.REGISTRY.values(), ids=lambda p: f"{p.id}v{p.version}")
def test_a_map_shows_every_step_title_and_no_code_name(procedure):
    first = procedure.initial
    following = procedure.successors(first)[0]
    dot = procedure_map(procedure.id, procedure.version, (first, following))
    for step in procedure.steps.values():
        for word in step.title.split():
            assert word.replace('"', '\\"') in dot
    code_names = {s.id for s in procedure.machine.states if "_" in s.id or s.id not in procedure.steps[s.id].title}
    code_names |= {procedure.machine.__name__, "proceed", "cond", "unless"}
    for name in code_names:
        assert f'"{name}' not in dot
        assert f" {name} " not in dot
        assert f"{name} [" not in dot
    assert dot.count("penwidth=2.5]") == 1  # the one edge the run has taken


def test_p5e_version_2_maps_the_moved_appointment_loop_and_version_1_does_not():
    """The outcome step leads to the new appointment date and back (version 2 only); P3's two versions map alike."""
    path = ("pv_check", "vsat_referral")
    to_new = 'tooltip="Record what the face to face\\nconsultant reported to Record the new appointment\\ndate"'
    back = 'tooltip="Record the new appointment\\ndate to Record what the face to face\\nconsultant reported"'
    v2, v1 = procedure_map("P5e", "2", path), procedure_map("P5e", "1", path)
    assert to_new in v2
    assert back in v2
    assert "new appointment" not in v1
    p3 = ("contact_summary", "create_finalise_sr")
    assert procedure_map("P3", "1", p3) == procedure_map("P3", "2", p3)


@pytest.mark.parametrize(
    ("procedure_id", "first"), [("P5b", ("sr_allocated", "contact_cpt")), ("P5c", ("sr_allocated", "pv_check"))]
)
def test_p5b_and_p5c_version_2_map_the_moved_hearing_loop_and_version_1_does_not(procedure_id, first):
    """The outcome leads to the new hearing date and on round the second PV check (version 2 only)."""
    v2, v1 = procedure_map(procedure_id, "2", first), procedure_map(procedure_id, "1", first)
    assert 'tooltip="Record the outcome to Record the new hearing date"' in v2
    assert 'tooltip="Record the new hearing date to Second PV check"' in v2
    assert "new hearing" not in v1


def test_p5d_version_3_maps_the_moved_hearing_as_version_2_maps_the_adjournment():
    """Version 3 reuses the new hearing date step: its map draws the same loop, once."""
    path = ("allocated", "contact_cpt")
    v3, v2 = procedure_map("P5d", "3", path), procedure_map("P5d", "2", path)
    to_new = 'tooltip="Record the outcome from the\\nCPO to Record the new hearing date"'
    assert v3.count(to_new) == v2.count(to_new) == 1
