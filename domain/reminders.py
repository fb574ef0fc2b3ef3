"""When a deadline is reminded, by the working days of the case's region.

Three levels, each told once per deadline, due moment and person:
- `due_soon`: due by the end of the next working day (so on a Friday, deadlines due by Monday evening);
- `overdue`: the due moment has passed;
- `escalated`: overdue by a full working day (the same time on the next working day after the due day),
  which also tells the owner's team leader.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import StrEnum

from domain.clock import UK, add_working_days, next_working_day, uk_local


class Level(StrEnum):
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    ESCALATED = "escalated"


LEVEL_WORDS = {Level.DUE_SOON: "Due soon", Level.OVERDUE: "Overdue", Level.ESCALATED: "Overdue a working day"}


def horizon(now: datetime, region: str) -> datetime:
    """The end (midnight) of the next working day after today in `region`: what is due by then is due soon."""
    today = uk_local(now).date()
    following = next_working_day(today + timedelta(days=1), region)
    return datetime.combine(following + timedelta(days=1), time(0, 0), tzinfo=UK)


def escalates_at(due_at: datetime, region: str) -> datetime:
    """The due moment's local time on the first working day after the due day."""
    local = uk_local(due_at)
    day: date = add_working_days(local.date(), 1, region)
    return datetime.combine(day, local.time(), tzinfo=UK)


def levels_due(due_at: datetime, now: datetime, region: str) -> tuple[Level, ...]:
    """The levels to tell at `now`: the owner is told the first, the team leader `escalated` too."""
    if now >= escalates_at(due_at, region):
        return (Level.OVERDUE, Level.ESCALATED)
    if now >= due_at:
        return (Level.OVERDUE,)
    if due_at < horizon(now, region):
        return (Level.DUE_SOON,)
    return ()
