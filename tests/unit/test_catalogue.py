"""The SR catalogue refuses any combination the procedures do not name, and says what is valid."""

import pytest

from domain import catalogue
from domain.catalogue import CatalogueError


@pytest.mark.parametrize(
    ("process", "area", "sub_area"),
    [
        ("Transition", "Legacy Case Data", "Finalise Case"),
        ("Transition", "Set Up/Amend Residual Arrears", "Set Up Legacy LO"),
        ("Escalated Enquiries", "Complaints", "Resolution"),
        ("Escalated Enquiries", "Complaints", "Review"),
        ("Escalated Enquiries", "Complaints", "ICE"),
        ("Escalated Enquiries", "Appeals", "Appeal Against Decision"),
        ("Arrears", "Arrears Management", "Arrears Review"),
        ("Manual Handling", None, None),
    ],
)
def test_every_combination_named_by_the_seeds_is_accepted(process, area, sub_area):
    assert catalogue.lookup(process, area, sub_area).label.startswith(process)


def test_an_unknown_process_is_refused_with_the_valid_ones_listed():
    with pytest.raises(CatalogueError, match="Process 'Escalated enquires' is not in the SR catalogue") as info:
        catalogue.lookup("Escalated enquires", "Complaints", "Resolution")
    assert "Escalated Enquiries" in str(info.value)


def test_a_sub_area_from_another_area_is_refused():
    with pytest.raises(
        CatalogueError, match="Sub Area 'Arrears Review' is not valid for Escalated Enquiries / Appeals"
    ):
        catalogue.lookup("Escalated Enquiries", "Appeals", "Arrears Review")


def test_an_area_from_another_process_is_refused():
    with pytest.raises(CatalogueError, match="Area 'Complaints' is not valid for Process 'Arrears'"):
        catalogue.lookup("Arrears", "Complaints", "Resolution")


def test_closed_needs_a_sub_status_and_open_may_not_have_one():
    with pytest.raises(CatalogueError, match="needs a Sub Status"):
        catalogue.validate_status("Closed", None)
    with pytest.raises(CatalogueError, match="applies only to a Closed SR"):
        catalogue.validate_status("In Progress", "Complete")
    catalogue.validate_status("Closed", "Cancelled")
