"""An SR's audit events as plain sentences for the team leader ("Review date set to 2 December 2026").

Audit codes (`sr.updated`), field names, ISO timestamps and ids never reach the screen: each action has a
sentence, each field a label, each value its UK form (dates as "2 December 2026", moments in UK local time,
owners by name). An action or a field with no sentence here is described generically, never by its code.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from domain.clock import format_date, format_uk

ACTIONS = {
    "sr.created": "Service request created",
    "sr.updated": "Service request updated",
    "sr.status": "Status changed",
    "sr.reassigned": "Reassigned",
    "activity.done": "Activity marked done",
    "deadline.set": "Deadline set",
    "deadline.moved": "Deadline moved",
    "deadline.done": "Deadline met",
    "letter.due": "Letter due",
    "letter.rendered": "Letter prepared",
    "letter.downloaded": "Letter downloaded",
    "email.queued": "Email prepared",
    "email.downloaded": "Email downloaded",
    "email.marked_sent": "Email marked as sent",
    "attachment.uploaded": "File added",
    "attachment.deleted": "File removed",
    "run.started": "Procedure started",
    "run.step": "Procedure step saved",
    "run.back": "Procedure step reopened",
    "run.answers": "Procedure answers changed",
    "run.cms_ticked": "CMS line ticked",
    "run.answers_refused": "Procedure answers refused",
    "run.draft_kept": "Procedure answers kept before saving",
    "refused": "Access refused",
}

FIELDS = {
    "review_date": "Review date",
    "hearing_at": "Hearing",
    "court": "Court",
    "cpo_name": "Court presenting officer",
    "summons_issued_on": "Summons issued",
    "court_fee": "Court fee",
    "costs": "Costs",
    "appointment_at": "Appointment",
    "appointment_location": "Appointment location",
    "status": "Status",
    "sub_status": "Sub status",
    "resolution_code": "Resolution code",
    "reason": "Reason",
    "owner_id": "Owner",
    "due_at": "Due",
    "kind": "What",
    "name": "Name",
    "outcome": "Outcome",
    "template_code": "Letter",
    "file_name": "File",
    "title": "Title",
    "step": "Step",
    "procedure_id": "Procedure",
    "procedure": "Procedure",
    "state": "Step",
    "number": "SR number",
    "process": "Process",
    "area": "Area",
    "sub_area": "Sub Area",
    "parent": "Parent SR",
}

SKIPPED = {"owner", "id", "sr_id", "case_id", "run_id", "version", "hash", "sha256", "size", "content_type", "team_id"}
# What a procedure run's events carry for the audit alone: the answers and checklist as stored (field names), the
# count of effects, the SRs bound by internal reference, the refused fields' names, a CMS line's position, a
# draft's page.
RUN_INTERNALS = {"answers", "checklist", "effects", "sr_refs", "fields", "line", "done", "page"}
STEP_FIELDS = {"state", "step"}  # a step's internal id: shown by its title, never as stored


def _value(name: str, raw: Any, names: Mapping[int, str]) -> str:
    if raw is None or raw == "":
        return "nothing"
    if name == "owner_id":
        return names.get(raw, "another user") if isinstance(raw, int) else "another user"
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    if isinstance(raw, str):
        for kind, parse in ((datetime, datetime.fromisoformat), (date, date.fromisoformat)):
            try:
                parsed = parse(raw)
            except ValueError:
                continue
            if kind is date and len(raw) == 10:
                return format_date(parsed)
            if isinstance(parsed, datetime) and parsed.tzinfo is not None:
                return format_uk(parsed)
    text = str(raw).replace("_", " ") if name in {"kind", "status"} else str(raw)
    return text if len(text) <= 120 else text[:117] + "..."


def _label(name: str) -> str:
    return FIELDS.get(name, name.replace("_", " ").capitalize())


def _run_fields(values: Mapping[str, Any], titles: Mapping[str, str]) -> dict[str, Any]:
    """A run event's fields as shown: its audit-only fields left out, a step id as that step's title."""
    return {
        k: titles.get(v, "a step of the procedure") if k in STEP_FIELDS else v
        for k, v in values.items()
        if k not in RUN_INTERNALS
    }


def describe(
    action: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    names: Mapping[int, str],
    steps: Mapping[str, str] | None = None,
) -> str:
    """What happened, in words: "Review date set to 2 December 2026" or "Reassigned from Ann to Bob: Leave".

    `steps` gives the titles of the steps of the run an event is about (its step ids are never shown)."""
    before, after = before or {}, after or {}
    if action.startswith("run.") or steps is not None:
        before, after = _run_fields(before, steps or {}), _run_fields(after, steps or {})
    if action == "sr.reassigned":
        old, new = _value("owner_id", before.get("owner_id"), names), _value("owner_id", after.get("owner_id"), names)
        old = "Unallocated" if old == "nothing" else old
        reason = f" (reason: {after['reason']})" if after.get("reason") else ""
        return f"Reassigned from {old} to {new}{reason}"
    parts: list[str] = []
    for name, new in after.items():
        if name in SKIPPED or name == "reason" and action == "sr.reassigned":
            continue
        if name in before and before[name] != new:
            if new in (None, ""):
                parts.append(f"{_label(name)} cleared (was {_value(name, before[name], names)})")
            else:
                parts.append(f"{_label(name)} set to {_value(name, new, names)}")
        elif name not in before and new not in (None, ""):  # a new record's empty fields say nothing
            parts.append(f"{_label(name)}: {_value(name, new, names)}")
    heading = ACTIONS.get(action, "Recorded")
    if action == "sr.updated" and parts:
        return "; ".join(parts)
    return f"{heading}: {'; '.join(parts)}" if parts else heading


def line(
    action: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    who: str,
    at: datetime,
    names: Mapping[int, str],
    steps: Mapping[str, str] | None = None,
) -> str:
    """The whole timeline sentence: "Review date set to 2 December 2026 by Demo Caseworker, 14:02"."""
    return f"{describe(action, before, after, names, steps)} by {who}, {format_uk(at).rsplit(', ', 1)[-1]}"
