"""A template's `used_by` names exactly the (procedure, step) pairs whose effects record it: checked data, not prose.

The steps' effects are explored over every option of their branching answers (procedures.reference_uses), so a
template that names a step which never records it, or a step that records a letter whose template does not
name it, fails here.
"""

import pytest

from letters import catalogue
from procedures import registry
from procedures.reference_uses import letter_uses


def test_every_used_by_pair_names_a_registered_procedure_and_one_of_its_steps():
    for spec in catalogue.TEMPLATES.values():
        assert spec.used_by, f"{spec.code} names no step that records it"
        for procedure_id, step_id in spec.used_by:
            assert step_id in registry.get(procedure_id).steps, f"{spec.code}: {procedure_id} has no step {step_id}"


@pytest.mark.parametrize("code", sorted(catalogue.TEMPLATES))
def test_a_template_lists_exactly_the_steps_that_record_it(code):
    assert set(catalogue.get(code).used_by) == set(letter_uses().get(code, ()))


def test_every_letter_a_step_records_is_in_the_catalogue():
    assert set(letter_uses()) <= set(catalogue.TEMPLATES)


def test_a_pair_that_is_not_a_pair_is_refused_when_the_catalogue_is_built():
    spec = catalogue.get("CWGL010")
    with pytest.raises(ValueError, match="used_by"):
        catalogue.TemplateSpec(**{**_fields(spec), "used_by": ("P4 step 2",)})


def _fields(spec: catalogue.TemplateSpec) -> dict:
    return {name: getattr(spec, name) for name in catalogue.TemplateSpec.__dataclass_fields__}
