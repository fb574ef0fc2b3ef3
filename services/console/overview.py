"""Everything the Outstanding SRs page shows below its filters, read in one transaction.

Decision: the page's reads (counts, one page of rows, ageing, deadlines, stuck runs) share one read-only
transaction, so the signed-in user is checked once for them (`team_leader`, which re-reads the user row)
instead of once per read, and they all answer from the same moment. Each read is still available alone
(`console.counts` and the rest), with its own check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.clock import utcnow
from services.actor import Actor
from services.console.deadlines import deadline_items
from services.console.filters import NO_FILTER, PAGE_SIZE, ConsoleFilter, checked, team_leader
from services.console.matched import matched
from services.console.queries import Counts, Cursor, Page, counts_and_ageing_in, page_in
from services.console.stuck_runs import StuckRun, stuck_runs_in
from services.deadlines import DeadlineItem
from services.transaction import transaction


@dataclass(frozen=True, slots=True)
class Overview:
    counts: Counts
    page: Page
    ageing: list[tuple[str, str, int]]
    deadlines: list[DeadlineItem]
    stuck: list[StuckRun]


# The console's deadline list shows this many, soonest first (the page says so when it is full).
DEADLINES_LISTED = 100


def overview(
    actor: Actor,
    filters: ConsoleFilter = NO_FILTER,
    *,
    after: Cursor | None = None,
    page_size: int = PAGE_SIZE,
    deadline_limit: int = DEADLINES_LISTED,
    now: datetime | None = None,
) -> Overview:
    """The counts, the page starting after `after`, the ageing, the soonest deadlines and the stuck runs of
    the team's SRs matching `filters`: what `counts`, `outstanding_page`, `ageing`, `deadlines` and
    `stuck_runs` each answer, with one access check."""
    filters, now = checked(filters), now or utcnow()
    with transaction(read_only=True) as session:
        team_id = team_leader(session, actor)
        counts, ageing = counts_and_ageing_in(session, team_id, filters, now=now)  # one pass over the SRs
        filters = matched(session, team_id, filters, now, counts.total)  # a due filter's few SRs, once for the rest
        return Overview(
            counts=counts,
            page=page_in(session, team_id, filters, after=after, page_size=page_size, now=now),
            ageing=ageing,
            # The deadlines' plan from the counts just made: they count the SRs matching the filter, as it would
            deadlines=deadline_items(session, team_id, filters, limit=deadline_limit, now=now, matching=counts.total),
            stuck=stuck_runs_in(session, team_id, now=now),
        )
