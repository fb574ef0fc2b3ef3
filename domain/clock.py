"""Time rules: store UTC, show UK local time, count working days by the case's region.

Working days skip weekends and the bank holidays of the case's region (England and Wales,
Scotland and Northern Ireland each have their own), from the `holidays` package.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

UK = ZoneInfo("Europe/London")
REGIONS = ("England", "Wales", "Scotland", "Northern Ireland")
_SUBDIVISION = {"England": "ENG", "Wales": "WLS", "Scotland": "SCT", "Northern Ireland": "NIR"}
WORKING_HOURS = (time(9, 0), time(17, 0))


_AS_OF: ContextVar[datetime | None] = ContextVar("as_of", default=None)


def utcnow() -> datetime:
    return _AS_OF.get() or datetime.now(UTC)


@contextmanager
def as_of(moment: datetime) -> Iterator[None]:
    """Record what is done inside as done at `moment`: the demo data's SRs, created over past weeks, with their audit
    events, closing and review dates at those moments (QA: an SR "created 7 October" whose timeline said "Service
    request created" today). Only for data made as if in the past; never around a user's action."""
    token = _AS_OF.set(as_utc(moment))
    try:
        yield
    finally:
        _AS_OF.reset(token)


def as_utc(moment: datetime) -> datetime:
    """Refuse naive datetimes: a time without a zone is a bug waiting for the clocks to change."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: attach a time zone before storing it")
    return moment.astimezone(UTC)


def uk_local(moment: datetime) -> datetime:
    return as_utc(moment).astimezone(UK)


@lru_cache(maxsize=8192)
def format_uk(moment: datetime | None) -> str:
    """'1 December 2026, 14:05' in UK local time, as screens show a moment.

    Remembered: a page redraws the same moments on every click (the console's stuck runs of a team of 50,000
    SRs are about 460 lines, each with its time), and the zone conversion is most of the cost."""
    if moment is None:
        return ""
    local = uk_local(moment)
    return f"{local.day} {local:%B %Y}, {local:%H:%M}"


def format_date(day: date | datetime | None) -> str:
    """'1 December 2026', as letters show a date."""
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = uk_local(day).date()
    return f"{day.day} {day:%B %Y}"


@lru_cache(maxsize=64)
def _holidays(region: str, year: int) -> holidays.HolidayBase:
    if region not in _SUBDIVISION:
        raise ValueError(f"unknown region {region!r}; expected one of {', '.join(REGIONS)}")
    return holidays.country_holidays("GB", subdiv=_SUBDIVISION[region], years=year)


def bank_holiday(day: date, region: str) -> str | None:
    """The bank holiday's name when `day` is one in `region`, else None."""
    name = _holidays(region, day.year).get(day)
    return str(name) if name else None


def is_working_day(day: date, region: str) -> bool:
    return day.weekday() < 5 and bank_holiday(day, region) is None


def next_working_day(day: date, region: str) -> date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day, region):
        day += timedelta(days=1)
    return day


def previous_working_day(day: date, region: str) -> date:
    while not is_working_day(day, region):
        day -= timedelta(days=1)
    return day


def add_working_days(day: date, count: int, region: str) -> date:
    step = 1 if count >= 0 else -1
    remaining = abs(count)
    while remaining:
        day += timedelta(days=step)
        if is_working_day(day, region):
            remaining -= 1
    return day


def working_days_between(start: date, end: date, region: str) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day, region):
            count += 1
    return count
