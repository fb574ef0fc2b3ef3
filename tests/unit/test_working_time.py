"""Working time between two moments counts only the region's working hours (09:00 to 17:00 UK time, working
days, the region's bank holidays out): what the Insight page's "time on a step" measures."""

from datetime import UTC, datetime

import pytest

from domain.clock import UK
from domain.working_time import working_seconds

HOUR = 3600


def uk(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UK)


@pytest.mark.parametrize(
    ("region", "hours"),
    [
        # Thu 24 Dec 16:00 to Tue 5 Jan 10:00: 1 h, then 29, 30, 31 Dec (24 h), 4 Jan (8 h, England), 1 h.
        ("England", 34),
        # Scotland also closes on Mon 4 January 2027 (2 January's substitute day).
        ("Scotland", 26),
    ],
)
def test_christmas_2026_counts_only_the_regions_working_hours(region, hours):
    assert working_seconds(uk(2026, 12, 24, 16, 0), uk(2027, 1, 5, 10, 0), region) == hours * HOUR


def test_within_one_working_day_it_is_the_time_between():
    assert working_seconds(uk(2026, 11, 30, 10, 15), uk(2026, 11, 30, 11, 0), "England") == 45 * 60


def test_evenings_weekends_and_the_clock_change_add_nothing():
    # Fri 27 March 2026 09:00 to Mon 30 March 17:00, across the change to summer time: two working days.
    assert working_seconds(uk(2026, 3, 27, 9, 0), uk(2026, 3, 30, 17, 0), "England") == 16 * HOUR
    assert working_seconds(uk(2026, 11, 30, 18, 0), uk(2026, 12, 1, 8, 59), "Wales") == 0


def test_an_end_before_the_start_is_no_time_and_utc_moments_are_read_as_uk_time():
    assert working_seconds(uk(2026, 12, 1, 12, 0), uk(2026, 12, 1, 11, 0), "England") == 0
    # 08:30 UTC in July is 09:30 in London (BST): half an hour to 10:00 London.
    assert working_seconds(datetime(2026, 7, 1, 8, 30, tzinfo=UTC), uk(2026, 7, 1, 10, 0), "England") == HOUR // 2
