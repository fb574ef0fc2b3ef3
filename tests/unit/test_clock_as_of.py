"""`clock.as_of`: what the demo loader records inside it happens at the moment given, and only inside it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.clock import as_of, utcnow


def test_the_clock_reads_the_moment_given_inside_and_the_real_time_after():
    moment = datetime(2026, 10, 7, 8, 56, tzinfo=UTC)
    with as_of(moment):
        assert utcnow() == moment
        with as_of(moment + timedelta(days=2)):
            assert utcnow() == moment + timedelta(days=2)
        assert utcnow() == moment
    assert abs(utcnow() - datetime.now(UTC)) < timedelta(seconds=5)


def test_the_real_time_comes_back_after_an_error_inside():
    with pytest.raises(ValueError, match="inside"), as_of(datetime(2026, 1, 1, tzinfo=UTC)):
        raise ValueError("inside")
    assert utcnow().year >= 2026
    assert abs(utcnow() - datetime.now(UTC)) < timedelta(seconds=5)


def test_a_moment_without_a_time_zone_is_refused():
    with pytest.raises(ValueError, match="naive"), as_of(datetime(2026, 1, 1)):  # noqa: DTZ001 - the point
        pass
