"""The filtered list as a CSV file.

Decision: the export is audited (who exported what filter, how many rows): it is client data leaving
the system.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass
from datetime import datetime

from domain.clock import format_uk, uk_local, utcnow
from services import audit
from services.actor import Actor
from services.console.filters import (
    EXPORT_LIMIT,
    NO_FILTER,
    ConsoleFilter,
    checked,
    filter_params,
    shape_of,
    team_leader,
)
from services.console.queries import page_statement, read_rows
from services.transaction import transaction


@dataclass(frozen=True, slots=True)
class Export:
    file_name: str
    content: str
    rows: int


CSV_COLUMNS = (
    "SR",
    "SCIN",
    "Process / Area / Sub Area",
    "Procedures",
    "Status",
    "Owner",
    "Created",
    "Age (days)",
    "PV",
    "Sensitive",
    "Next due",
    "Overdue",
)


def export_csv(actor: Actor, filters: ConsoleFilter = NO_FILTER, *, now: datetime | None = None) -> Export:
    """The whole filtered list (up to EXPORT_LIMIT rows) as CSV, in UK local times; the export is audited."""
    filters, now = checked(filters), now or utcnow()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    with transaction() as session:
        team_id = team_leader(session, actor)
        count = 0
        params = filter_params(team_id, filters, now) | {"limit": EXPORT_LIMIT}
        statement = page_statement(
            shape_of(filters), postgres=session.get_bind().dialect.name == "postgresql", after=False
        )
        for r in read_rows(session, statement, params, now):
            writer.writerow(
                (
                    r.number,
                    _safe(r.scin),
                    _safe(r.label),
                    " ".join(r.procedures),
                    r.status,
                    _safe(r.owner or "Unallocated"),
                    format_uk(r.created_at),
                    r.age_days,
                    "Yes" if r.potentially_violent else "No",
                    "Yes" if r.sensitive else "No",
                    format_uk(r.next_due),
                    "Yes" if r.overdue else "No",
                )
            )
            count += 1
        audit.record(
            session,
            actor,
            "console.exported",
            entity_type="team",
            entity_id=team_id,
            after={"filters": asdict(filters), "rows": count},
        )
    stamp = uk_local(now).strftime("%Y-%m-%d-%H%M")
    return Export(f"outstanding-srs-{stamp}.csv", out.getvalue(), count)


def _safe(text: str) -> str:
    """Neutralise spreadsheet formulas: a cell starting with = + - @ is read as text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
