"""A procedure's link to the SR kind it works (`Procedure.main_sr`) is data checked when procedures/ is imported."""

from __future__ import annotations

import dataclasses

import pytest

from domain.catalogue import CatalogueError
from procedures import registry


def test_every_procedure_names_the_sr_kind_it_works_from_the_catalogue():
    assert all(p.main_sr is not None for p in registry.latest())


def test_a_procedure_naming_an_sr_kind_outside_the_catalogue_is_refused_when_it_is_defined():
    with pytest.raises(CatalogueError):
        dataclasses.replace(registry.get("P1"), main_sr=("Transition", "CSA Information", "Information Requests"))


def test_a_procedure_worked_from_allocated_srs_must_record_on_one_of_them():
    with pytest.raises(ValueError, match="main_sr"):
        dataclasses.replace(registry.get("P5c"), main_sr=("Enforcement", "Court Presentation", "County Court"))
