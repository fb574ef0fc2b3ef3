"""Working time between two moments: the hours of the case's region's working days that fall between them.

The same working day as the due dates use (`domain.clock`: 09:00 to 17:00 UK local time, Monday to Friday,
the region's bank holidays excluded), so time on a step left overnight, over a weekend or over Christmas
counts only the office hours in between.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.clock import UK, WORKING_HOURS, is_working_day, uk_local

OPEN, CLOSE = WORKING_HOURS


def working_seconds(start: datetime, end: datetime, region: str) -> int:
    """Whole seconds of working time from `start` to `end` (aware moments) in `region`; 0 when end <= start."""
    if end <= start:
        return 0
    first, last = uk_local(start), uk_local(end)
    total = 0.0
    day = first.date()
    while day <= last.date():
        if is_working_day(day, region):
            opens = datetime.combine(day, OPEN, tzinfo=UK)
            closes = datetime.combine(day, CLOSE, tzinfo=UK)
            lo, hi = max(opens, first), min(closes, last)
            if hi > lo:
                total += (hi - lo).total_seconds()
        day += timedelta(days=1)
    return int(total)
