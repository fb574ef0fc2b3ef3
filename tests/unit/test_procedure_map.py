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
