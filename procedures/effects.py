"""Effects: what a step records, as plain data. services/run_effects.py applies them in one transaction.

`ref` names an SR within a run: "main" is the run's own SR; a step may create others ("appeal",
"lo_1", ...) and later steps refer to them by that name. Each effect also says, in
`cms_lines()`, exactly what the caseworker must enter in the 2012 system to match.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from domain.clock import format_date, format_uk

# Placeholders a step may write in email drafts and document contexts where it needs the SR's number or
# the caseworker's name (a step's effects are pure: they see neither); services/run_effects.py fills them in.
SR_NUMBER = "[[SR number]]"
ACTOR_NAME = "[[caseworker name]]"


@dataclass(frozen=True)
class Effect:
    def cms_lines(self) -> list[str]:
        return []

    @property
    def needs_confirmation(self) -> bool:
        """Creating SRs or letters, or closing an SR, waits for "check your answers"."""
        return False


@dataclass(frozen=True)
class CreateSR(Effect):
    ref: str
    process: str
    area: str | None
    sub_area: str | None
    status: str = "Open"
    parent_ref: str | None = None
    activities: tuple[str, ...] = ()
    # "me": the caseworker running the procedure; "none": unallocated for the team; "named:<name>": the team's
    # caseworker of that name (display name or username), unallocated when the team has no one of that name
    owner: str = "me"
    reason: str | None = None
    team: str | None = None  # the team (by name) the SR is for; None: the case's team

    def cms_lines(self) -> list[str]:
        lines = [
            "Create a new SR: "
            + "; ".join(
                f"{k} = {v}"
                for k, v in (("Process", self.process), ("Area", self.area), ("Sub Area", self.sub_area))
                if v
            ),
            "Link the SR to the case" + (f" and associate it with the {self.parent_ref} SR" if self.parent_ref else ""),
            f"Status = {self.status}",
        ]
        if self.team:
            lines.append(f"Allocate the SR to the {self.team}")
        if self.owner.startswith("named:"):
            lines.append(f"Allocate the SR to {self.owner.removeprefix('named:')}")
        return lines

    @property
    def needs_confirmation(self) -> bool:
        return True


@dataclass(frozen=True)
class SetStatus(Effect):
    ref: str
    status: str
    sub_status: str | None = None
    resolution_code: str | None = None
    reason: str | None = None

    def cms_lines(self) -> list[str]:
        parts = [f"Status = {self.status}"]
        if self.sub_status:
            parts.append(f"Sub Status = {self.sub_status}")
        if self.resolution_code:
            parts.append(f"Resolution Code = {self.resolution_code}")
        if self.reason:
            parts.append(f"Reason = {self.reason}")
        return [f"On the {self.ref} SR set " + "; ".join(parts)]

    @property
    def needs_confirmation(self) -> bool:
        return self.status == "Closed"


@dataclass(frozen=True)
class MarkActivityDone(Effect):
    ref: str
    name: str
    outcome: str | None = None

    def cms_lines(self) -> list[str]:
        tail = f" with activity outcome {self.outcome}" if self.outcome else ""
        return [f"Mark the activity '{self.name}' Done{tail}"]


@dataclass(frozen=True)
class AddNote(Effect):
    ref: str
    text: str
    kind: str = "sr"  # "sr" for SR Notes, "contact" for the case's Contact Notes

    def cms_lines(self) -> list[str]:
        where = "SR Notes" if self.kind == "sr" else "Contact Notes"
        return [f"Add to {where}: {self.text}"]


@dataclass(frozen=True)
class SetReviewDate(Effect):
    ref: str
    day: date
    explanation: str

    def cms_lines(self) -> list[str]:
        return [f"Set the review date to {format_date(self.day)}"]


@dataclass(frozen=True)
class AddDeadline(Effect):
    ref: str
    kind: str
    due_at: datetime
    explanation: str

    def cms_lines(self) -> list[str]:
        return []  # a reminder in Casework Guide; nothing to key into the 2012 system


@dataclass(frozen=True)
class CompleteDeadlines(Effect):
    """Mark the SR's open deadlines of these kinds met, so a satisfied reminder never shows as overdue."""

    ref: str
    kinds: tuple[str, ...]


@dataclass(frozen=True)
class UpdateSR(Effect):
    ref: str
    fields: dict[str, Any] = field(default_factory=dict)

    def cms_lines(self) -> list[str]:
        labels = {
            "hearing_at": "Hearing date",
            "appointment_at": "Appointment date and time",
            "appointment_location": "Appointment location",
            "summons_issued_on": "Summons issue date",
            "cpo_name": "Court presenting officer",
            "court": "Court",
            "costs": "Costs",
            "court_fee": "Court fee",
            "reason": "Reason",
            "resolution_code": "Resolution Code",
        }
        lines = []
        for name, value in self.fields.items():
            shown = (
                format_uk(value)
                if isinstance(value, datetime)
                else format_date(value)
                if isinstance(value, date)
                else value
            )
            lines.append(f"On the {self.ref} SR set {labels.get(name, name)} = {shown}")
        return lines


@dataclass(frozen=True)
class RaiseTask(Effect):
    text: str
    ref: str | None = "main"
    to: str = "case_team"  # "case_team", "sr_owner", "team:<name>", "user:<username>"
    kind: str = "task"  # or "message"


@dataclass(frozen=True)
class LetterDue(Effect):
    """Record a letter or form as due on the SR with the values it needs; rendering happens later."""

    ref: str
    code: str
    recipient: str
    context: dict[str, Any] = field(default_factory=dict)

    def cms_lines(self) -> list[str]:
        return [f"Issue {self.code} to the {self.recipient.replace('_', ' ')}"]

    @property
    def needs_confirmation(self) -> bool:
        return True


@dataclass(frozen=True)
class SetDue(Effect):
    """Record (or move) a deadline worked out by domain.deadlines, with its one-line explanation."""

    ref: str
    due: Any  # domain.deadlines.Due


@dataclass(frozen=True)
class QueueEmail(Effect):
    """An email (domain.mail.Draft) with a read receipt and a follow-up call task; sent after the step saves.

    `to` overrides the draft's default mailbox; "owner_and_team_leader" addresses the SR's owning
    caseworker and their team leader, or, with `owner_ref`, the owner of that SR of the run (e.g. the
    initiating caseworker's SR; the email's own SR when the run has no such SR). `documents` are
    letters or forms (code, context) rendered and attached; a form's `sr_number` defaults to the
    email's SR. `draft` is a Draft, or a callable taking `sr_number=` and returning one.
    """

    ref: str
    draft: Any  # domain.mail.Draft, or Callable[..., Draft] taking sr_number=
    to: tuple[str, ...] | str = ()
    documents: tuple[tuple[str, dict[str, Any]], ...] = ()
    owner_ref: str | None = None

    def cms_lines(self) -> list[str]:
        return []

    @property
    def needs_confirmation(self) -> bool:
        return True


@dataclass(frozen=True)
class StoreBundle(Effect):
    """Render the named letters/forms (code, context) and store them as a zip with the SR (added to if it exists)."""

    ref: str
    name: str
    documents: tuple[tuple[str, dict[str, Any]], ...] = ()

    @property
    def needs_confirmation(self) -> bool:
        return True


@dataclass(frozen=True)
class DeleteClericalFiles(Effect):
    """The procedure says the clerical files must now be deleted: remove the stored bundles, audited."""

    ref: str
    reason: str

    @property
    def needs_confirmation(self) -> bool:
        return True
