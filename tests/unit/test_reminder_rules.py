"""When a deadline is due soon, overdue, or a working day overdue, by the case's region's working days."""

from datetime import datetime

import pytest

from domain.clock import UK
from domain.reminders import Level, escalates_at, horizon, levels_due

NEW_YEARS_EVE = datetime(2026, 12, 31, 17, 0, tzinfo=UK)


def test_a_deadline_due_tomorrow_is_due_soon_and_one_due_next_week_is_not():
    now = datetime(2026, 12, 1, 10, 0, tzinfo=UK)  # a Tuesday
    assert levels_due(datetime(2026, 12, 2, 17, 0, tzinfo=UK), now, "England") == (Level.DUE_SOON,)
    assert levels_due(datetime(2026, 12, 8, 17, 0, tzinfo=UK), now, "England") == ()


def test_on_a_friday_a_deadline_due_on_monday_is_due_soon():
    friday = datetime(2026, 12, 4, 10, 0, tzinfo=UK)
    assert levels_due(datetime(2026, 12, 7, 16, 0, tzinfo=UK), friday, "England") == (Level.DUE_SOON,)
    assert levels_due(datetime(2026, 12, 8, 9, 0, tzinfo=UK), friday, "England") == ()


def test_on_christmas_eve_the_next_working_day_is_after_the_bank_holidays():
    eve = datetime(2026, 12, 24, 10, 0, tzinfo=UK)
    assert horizon(eve, "England") == datetime(2026, 12, 30, 0, 0, tzinfo=UK)  # Tuesday 29th is the next one
    assert levels_due(datetime(2026, 12, 29, 16, 0, tzinfo=UK), eve, "England") == (Level.DUE_SOON,)


@pytest.mark.parametrize(
    ("region", "escalation"),
    [
        ("England", datetime(2027, 1, 4, 17, 0, tzinfo=UK)),
        # Scotland also has 2 January, a Saturday in 2027, so Monday 4 January is a bank holiday there.
        ("Scotland", datetime(2027, 1, 5, 17, 0, tzinfo=UK)),
    ],
)
def test_escalation_waits_a_full_working_day_of_the_cases_region_over_new_year(region, escalation):
    assert escalates_at(NEW_YEARS_EVE, region) == escalation
    just_before = escalation.replace(minute=0, hour=16)
    assert levels_due(NEW_YEARS_EVE, just_before, region) == (Level.OVERDUE,)
    assert levels_due(NEW_YEARS_EVE, escalation, region) == (Level.OVERDUE, Level.ESCALATED)


def test_a_deadline_is_overdue_the_moment_it_passes():
    assert levels_due(NEW_YEARS_EVE, NEW_YEARS_EVE, "England") == (Level.OVERDUE,)
