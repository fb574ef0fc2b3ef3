"""The team leader console, one module per use case; no Streamlit here (pages/outstanding.py only renders).

- `links`: which procedures work on which SR catalogue entries.
- `filters`: what the team leader narrowed the list to, as SQL conditions.
- `queries`: the outstanding SRs a page at a time, their counts, ageing and the team's members.
- `deadlines`: the team's deadlines, soonest first.
- `reassignment`: giving SRs to another caseworker of the team.
- `handover`: handing SRs over to another team, unallocated.
- `stuck_runs`: new caseworkers' runs without progress.
- `export`: the filtered list as CSV.
- `overview`: what the Outstanding SRs page shows below its filters, in one transaction.

The names below are the console's public interface, so a page or a test says `console.counts(...)`
without knowing which module holds it.
"""

from services.console.deadlines import DeadlineItem, deadline_items, deadlines
from services.console.export import CSV_COLUMNS, Export, export_csv
from services.console.filters import (
    AGE_BANDS,
    AGE_LABELS,
    DUE_FILTERS,
    DUE_SOON_DAYS,
    EXPORT_LIMIT,
    OPEN_STATUSES,
    PAGE_SIZE,
    TL_ACTION,
    UNALLOCATED,
    ConsoleFilter,
    conditions,
    filter_params,
)
from services.console.handover import HandOver, TeamChoice, check_hand_over, hand_over, handover_teams
from services.console.links import (
    OTHER_WORK,
    catalogue_labels,
    procedure_entries,
    procedure_group,
    procedure_names,
    procedures_of,
)
from services.console.overview import DEADLINES_LISTED, Overview, overview
from services.console.queries import (
    ConsoleRow,
    Counts,
    Cursor,
    Page,
    TeamMember,
    ageing,
    counts,
    counts_query,
    outstanding_page,
    rows_query,
    team_members,
)
from services.console.reassignment import Reassigned, reassign
from services.console.stuck_runs import StuckRun, stuck_runs, stuck_working_days

__all__ = [
    "AGE_BANDS",
    "AGE_LABELS",
    "CSV_COLUMNS",
    "DUE_FILTERS",
    "DUE_SOON_DAYS",
    "EXPORT_LIMIT",
    "OPEN_STATUSES",
    "OTHER_WORK",
    "PAGE_SIZE",
    "TL_ACTION",
    "UNALLOCATED",
    "ConsoleFilter",
    "ConsoleRow",
    "Counts",
    "Cursor",
    "DeadlineItem",
    "Export",
    "HandOver",
    "Overview",
    "Page",
    "Reassigned",
    "StuckRun",
    "TeamChoice",
    "TeamMember",
    "ageing",
    "catalogue_labels",
    "check_hand_over",
    "conditions",
    "counts",
    "counts_query",
    "deadline_items",
    "deadlines",
    "export_csv",
    "filter_params",
    "hand_over",
    "handover_teams",
    "outstanding_page",
    "overview",
    "DEADLINES_LISTED",
    "procedure_entries",
    "procedure_group",
    "procedure_names",
    "procedures_of",
    "reassign",
    "rows_query",
    "stuck_runs",
    "stuck_working_days",
    "team_members",
]
