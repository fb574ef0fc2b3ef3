"""The court presentation SR types (Enforcement / Court Presentation / County Court and / Magistrates Court) are
our inference: the published procedure names only its guides, "Court Presentation - County Court" and
"Court Presentation - Magistrates Court". What a caseworker reads on a step, the checklist they tick and the
"when to start" line must not present the inferred catalogue values as if the procedure gave them."""

from __future__ import annotations

import pytest

from procedures import registry

INFERRED = ("Court Presentation / County Court", "Court Presentation / Magistrates Court")


@pytest.mark.parametrize("procedure_id", ["P5b", "P5c", "P5d"])
def test_step_text_does_not_present_an_inferred_sr_type_as_published(procedure_id):
    procedure = registry.get(procedure_id)
    texts = [procedure.starts]
    for step in procedure.steps.values():
        texts += [step.guidance, step.without_origin]
        texts.extend(step.checklist)
    shown = [t for t in texts if any(value in t for value in INFERRED)]
    assert shown == []


@pytest.mark.parametrize(
    ("procedure_id", "guide"),
    [
        ("P5b", '"Court Presentation - County Court"'),
        ("P5c", '"Court Presentation - Magistrates Court"'),
        ("P5d", '"Court Presentation - Magistrates Court"'),
    ],
)
def test_the_first_step_names_the_guide_the_procedure_points_to(procedure_id, guide):
    first = next(iter(registry.get(procedure_id).steps.values()))
    assert guide in first.guidance
