"""A due filter worked out once for the page's reads (PostgreSQL), when it keeps few SRs.

Decision: under "overdue" or "due within 7 days", each of the page's reads (the list, the deadlines, the three
SR-held dates' lists) paired the team's SRs with their matching deadlines again. `console.overview` now asks once
for the ids of the SRs the filter keeps, when its counts (read first, as before) say they are at most `CAP`, and
the later reads select by those ids (`filters.Matched`). Measured at 1,000,000 SRs for a team of 49,710, the page
read, two rounds in turn with the code before (5 December 2026, `console_page.py --reuse`): due within 7 days
(1,077 SRs) 100 and 104 to 76 and 90 ms, overdue and potentially violent (317 SRs) 112 and 114 to 58 and 66 ms.
Tried with every read by id, the counts too: overdue (4,677 SRs) went from 100 to 200 ms, reading thousands of SRs
by id costing more than each read's own plan: hence the cap, taken from the counts, which read first as before.
SQLite, and a filter without a due date, read as before.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from db.models import Case, ServiceRequest
from services.console.filters import ConsoleFilter, Matched, conditions, filter_params, shape_of


@lru_cache(maxsize=256)
def ids_statement(shape: ConsoleFilter) -> Select:
    """The ids of the team's SRs a filter shape keeps (parameters: `filter_params`), in no order."""
    where, needs_case = conditions(shape)
    ids = select(ServiceRequest.id)
    if needs_case:
        ids = ids.join(Case, Case.id == ServiceRequest.case_id)
    return ids.where(*where)


CAP = 2_000
"""The most SRs read by id: with 1,077 and 317 the page read gained, with 4,677 it lost (above)."""


def matched(session: Session, team_id: int, filters: ConsoleFilter, now: datetime, total: int) -> ConsoleFilter:
    """`filters` as the ids it keeps, when it has a due filter on PostgreSQL and keeps at most CAP SRs (`total`,
    counted by the caller); otherwise `filters` itself."""
    if not filters.due or total > CAP:
        return filters
    if session.get_bind().dialect.name != "postgresql":
        return filters
    conn = session.connection()
    ids = conn.execute(ids_statement(shape_of(filters)), filter_params(team_id, filters, now)).scalars().all()
    return Matched.of(filters, tuple(ids))
