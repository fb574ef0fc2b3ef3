"""Effects: what a step records, as plain data. services/run_effects.py applies them in one transaction.

`ref` names an SR within a run: "main" is the run's own SR; a step may create others ("appeal",
"lo_1", ...) and later steps refer to them by that name. Each effect also says, in
`cms_lines()`, exactly what the caseworker must enter in the 2012 system to match.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final, Literal

from domain import deadlines
from domain.clock import format_date, format_uk
from domain.reference import BUILT_IN_REFERENCE, Kind, Reference, Source, SRStatus, describe_source, published_quote
from letters.catalogue import recipient_words

# Placeholders a step may write in email drafts and document contexts where it needs the SR's number or
# the caseworker's name (a step's effects are pure: they see neither); services/run_effects.py fills them in.
SR_NUMBER = "[[SR number]]"
ACTOR_NAME = "[[caseworker name]]"


@dataclass(frozen=True, slots=True)
class CmsLine:
    """One thing to key into CMS. `suggestion` is set only when the value is not confirmed: `text` then says in
    words what to choose, and the candidate is shown apart, marked as a suggestion. `source` says where an exact
    value comes from (the published procedure and its words, or who confirmed it), so it can be checked."""

    text: str
    suggestion: str | None = None
    source: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"text": self.text, "suggestion": self.suggestion, "source": self.source}

    @classmethod
    def of(cls, stored: dict[str, str | None]) -> CmsLine:
        return cls(str(stored["text"]), stored.get("suggestion"), stored.get("source"))  # no source: saved before


@dataclass(frozen=True)
class CmsContext:
    """What the panel needs besides the effects: the reference values in force and the run's SRs in words.

    `names` says each SR ref in words ("the SR you were allocated (1-00000012)"); `allocated` holds the refs
    the run was started from (a CreateSR for one of them means "update it", never "create"); `existing` the
    refs bound to SRs that exist already; `seed` is the seed of the run's procedure, so a published value is
    cited in that procedure's own words where its seed names it (`describe_source`).
    """

    reference: Reference = BUILT_IN_REFERENCE
    names: Mapping[str, str] = field(default_factory=dict)
    allocated: frozenset[str] = frozenset()
    existing: frozenset[str] = frozenset()
    seed: str | None = None
    # The step also creates or changes another SR: a line for the run's own SR ("main") then names it, as a Status
    # line does, or "Add to SR Notes" read in CMS on the new SR just made put the note on that one (QA: P3's LO step).
    name_main: bool = False

    def name(self, ref: str) -> str:
        return self.names.get(ref) or ("this procedure's SR" if ref == "main" else "the other SR this step names")

    def value(
        self, kind: Kind, recorded: str, *, prefix: str = "", need: str | None = None, given_here: bool = True
    ) -> CmsLine:
        """A value as an exact instruction, with its source, when published or local, else in words with the
        suggestion apart.

        `need` says what to choose at this one use, where the catalogue's own words would not fit it. `given_here`
        is False where this procedure does not give the value though another one publishes it (a Status the seed
        of P1, P2, P4 or P5a never names): it is then a suggestion too, unless policy staff confirmed it."""
        found = self.reference.by_value(kind, recorded)
        if found is None:  # not a catalogue value: what the caseworker chose or typed
            return CmsLine(f"{prefix}{kind.value} = {recorded}")
        if found.source is Source.LOCAL or (found.source is Source.PUBLISHED and given_here):
            return CmsLine(f"{prefix}{kind.value} = {found.value}", source=describe_source(found, self.seed))
        words = need or found.need or f"choose the {kind.value} your team uses here; {NOT_GIVEN_HERE}"
        return CmsLine(f"{prefix}{kind.value}: {words}", suggestion=found.value)


def concerns_another_sr(effects: Sequence[Effect]) -> bool:
    """Whether a step's effects create or change an SR besides the run's own: its lines for the run's own SR then
    name it (`CmsContext.name_main`)."""
    return any(getattr(e, "ref", "main") != "main" for e in effects)


@dataclass(frozen=True, slots=True)
class DateSet:
    """A date a step puts on an SR, or a deadline it sets or moves, in plain words for "check your answers"
    ("Hearing date: 12 January 2027, 10:00"; "Second PV check due by 8 January 2027, 17:00"), with how a deadline
    was worked out."""

    words: str
    explanation: str | None = None


# SR fields as the CMS panel and "check your answers" name them.
FIELD_LABELS: Final = {
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


def deadline_words(kind: str, due_at: datetime, explanation: str, *, moves: bool = False) -> DateSet:
    """A deadline as "check your answers" lists it; `moves`: one the step always moves, never adds."""
    label, when = deadlines.label(kind), format_uk(due_at)
    if moves:
        words = f"{label} moved in your deadlines to {when}"
    else:
        words = f"{label} added to your deadlines for {when}" if kind in deadlines.EVENTS else f"{label} due by {when}"
    return DateSet(words, explanation)


@dataclass(frozen=True)
class Effect:
    def cms_lines(self, cms: CmsContext | None = None) -> list[CmsLine]:
        return []

    def dates_set(self) -> list[DateSet]:
        """The dates this effect puts on an SR and the deadlines it sets or moves; none for most effects."""
        return []

    def deadlines_met(self) -> list[str]:
        """The deadlines this effect marks met, in words for "check your answers"; none for most effects."""
        return []

    @property
    def needs_confirmation(self) -> bool:
        """Whether the step waits for "check your answers" before it saves: it creates SRs or letters, closes an SR,
        emails, marks a deadline met (`CompleteDeadlines`), records a note the caseworker typed (`AddNote.typed`),
        or (here) puts a date on an SR or sets a deadline from an answer (`dates_set`). Once saved a step cannot be
        gone back over, and a mistyped date moves the deadlines worked out from it and refuses later steps until
        that day (QA, 7 December: P5b's and P5d's hearing date saved on Continue), so the caseworker sees the date
        and its deadlines in words before they are recorded. Decided by effect kind, so a new step that records a
        date is checked without being listed."""
        return bool(self.dates_set())


@dataclass(frozen=True)
class CreateSR(Effect):
    ref: str
    process: str
    area: str | None
    sub_area: str | None
    status: str = SRStatus.OPEN
    parent_ref: str | None = None
    activities: tuple[str, ...] = ()
    # "me": the caseworker running the procedure; "none": unallocated for the team; "named:<name>": the team's
    # caseworker of that name (display name or username), unallocated when the team has no one of that name
    owner: str = "me"
    reason: str | None = None
    # the team (by name) the SR is for; None: the run's team for owner "me" (so its owner can open it), else the
    # case's team (services/run_effects.py, `_new_sr_team`)
    team: str | None = None
    # Whether the procedure's seed names the Status it sets on this SR. No default: each procedure says, from its
    # seed. False (P1, P2, P4, P5a: PROCEDURES.md; an SR the seed creates without a Status): the Status, published
    # for other procedures' SRs, is then a suggestion (CmsContext.value).
    status_given: bool = field(kw_only=True)

    @property
    def named_owner(self) -> str | None:
        """The caseworker's name of an owner given as "named:<name>", else None."""
        return self.owner.removeprefix("named:").strip() if self.owner.startswith("named:") else None

    def cms_lines(self, cms: CmsContext | None = None) -> list[CmsLine]:
        cms = cms or CmsContext()
        if self.ref in cms.allocated or self.ref in cms.existing:
            who = "the SR you were allocated" if self.ref in cms.allocated else "the SR"
            number = cms.names.get(self.ref, "")
            lines = [CmsLine(f"Update {who}{_bracketed(number)}: do not create another SR")]
            if self.status != SRStatus.OPEN:
                lines.append(cms.value(Kind.STATUS, self.status, prefix="On it, set ", given_here=self.status_given))
            return lines
        lines = [CmsLine("Create a new SR and select from the drop down lists:")]
        below = [cms.value(kind, v) for kind, v in ((Kind.AREA, self.area), (Kind.SUB_AREA, self.sub_area)) if v]
        lines += [self._process_line(cms, below), *below]
        lines.append(
            CmsLine(
                "Link the SR to the case"
                + (f" and associate it with {cms.name(self.parent_ref)}" if self.parent_ref else "")
            )
        )
        lines.append(cms.value(Kind.STATUS, self.status, prefix="On the new SR, set ", given_here=self.status_given))
        if self.reason:  # recorded on our copy, so keyed in CMS too (QA: P5d's new SR carried a Reason never asked for)
            lines.append(cms.value(Kind.REASON, self.reason, prefix="On the new SR, set "))
        if self.team:
            lines.append(CmsLine(f"Allocate the SR to the {self.team}"))
        if self.named_owner:
            lines.append(CmsLine(f"Allocate the SR to {self.named_owner}"))
        return lines

    def _process_line(self, cms: CmsContext, below: list[CmsLine]) -> CmsLine:
        """The Process as an exact instruction only when the whole SR type is: a Process the seeds publish for
        one SR (Transition, for P3's Finalise Case) is not published for an SR whose Area or Sub Area they never
        give (P1's and P2's own SRs, P4's: PROCEDURES.md), so there it is a suggestion like the values under it."""
        line = cms.value(Kind.PROCESS, self.process)
        if line.suggestion is None and any(other.suggestion is not None for other in below):
            return CmsLine(f"{Kind.PROCESS.value}: {UNNAMED_PROCESS}", suggestion=self.process)
        return line

    @property
    def needs_confirmation(self) -> bool:
        return True


# Why a value published for other procedures is only a suggestion in this one (`CmsContext.value`, given_here).
NOT_GIVEN_HERE = "this procedure does not name one"
# What to choose when the procedure names no Process for the SR (see CreateSR._process_line).
UNNAMED_PROCESS = "choose the Process your team uses for this SR; the procedure does not name one for it"


@dataclass(frozen=True)
class SetStatus(Effect):
    ref: str
    status: str
    sub_status: str | None = None
    resolution_code: str | None = None
    reason: str | None = None
    # What to choose as the Sub Status at this close, when the catalogue's words for the value do not fit it (P5e's
    # failed to attend: the seed says only "close the SR", not "Close and Cancel" as for a rejected referral).
    sub_status_need: str | None = None
    # Whether the procedure's seed names this Status (and Sub Status) for this SR. No default: each procedure says,
    # from its seed. False (P1, P2, P4, P5a: PROCEDURES.md; P3's Manual Handling SR): both, published for other
    # procedures' SRs, are then suggestions (CmsContext.value).
    status_given: bool = field(kw_only=True)

    def cms_lines(self, cms: CmsContext | None = None) -> list[CmsLine]:
        cms = cms or CmsContext()
        on = f"On {cms.name(self.ref)}, set "
        given = self.status_given
        lines = [cms.value(Kind.STATUS, self.status, prefix=on, given_here=given)]
        sub_status = self.sub_status_line(cms, prefix=on)
        if sub_status is not None:
            lines.append(sub_status)
        if self.resolution_code:
            lines.append(cms.value(Kind.RESOLUTION_CODE, self.resolution_code, prefix=on))
        if self.reason:
            lines.append(cms.value(Kind.REASON, self.reason, prefix=on))
        return lines

    def sub_status_line(self, cms: CmsContext, *, prefix: str = "") -> CmsLine | None:
        """The Sub Status as the panel gives it at this close (exact, or a suggestion where this procedure does not
        name it): kept with the SR when it closes, since the value alone does not say which (services/recorded_cms.py).
        """
        if not self.sub_status:
            return None
        need, given = self.sub_status_need, self.status_given
        return cms.value(Kind.SUB_STATUS, self.sub_status, prefix=prefix, need=need, given_here=given)

    @property
    def needs_confirmation(self) -> bool:
        return self.status == SRStatus.CLOSED


@dataclass(frozen=True)
class MarkActivityDone(Effect):
    ref: str
    name: str
    outcome: str | None = None

    def cms_lines(self, cms: CmsContext | None = None) -> list[CmsLine]:
        cms = cms or CmsContext()
        on = f"On {cms.name(self.ref)}, mark" if self.ref != "main" or cms.name_main else "Mark"
        lines = [cms.value(Kind.ACTIVITY, self.name, prefix=f"{on} Done the ")]
        if self.outcome:
            lines.append(cms.value(Kind.ACTIVITY_OUTCOME, self.outcome, prefix="Record the "))
        return lines


@dataclass(frozen=True)
class AddNote(Effect):
    """A note on the SR (kind "sr", SR Notes) or on the case (kind "contact", Contact Notes).

    `typed`: the note holds words the caseworker typed (a text or long-text answer), so the step waits for "check
    your answers", which shows the note as it will go on the SR: a long note can be reread and a slip corrected by
    Change before it is recorded, and once recorded Back cannot take it off (QA, 7 December: P2's "Update Notes").
    A note of fixed words, or of the procedure's own options and dates, is saved on Continue: its words are the
    procedure's, and each answer in it was on screen as the option chosen. Said where the note is built, since
    only there is it known which parts were typed (tests/unit/test_typed_notes.py keeps it true for every step).
    """

    ref: str
    text: str
    kind: str = "sr"  # "sr" for SR Notes, "contact" for the case's Contact Notes
    typed: bool = field(default=False, kw_only=True)

    @property
    def needs_confirmation(self) -> bool:
        return self.typed

    def cms_lines(self, cms: CmsContext | None = None) -> list[CmsLine]:
        cms = cms or CmsContext()
        where = "SR Notes" if self.kind == "sr" else "Contact Notes"
        named = self.ref != "main" or cms.name_main
        on = f" of {cms.name(self.ref)}" if self.kind == "sr" and named else ""
        return [CmsLine(f"Add to {where}{on}: {self.text}")]


@dataclass(frozen=True)
class SetReviewDate(Effect):
    ref: str
    day: date
    explanation: str

    def cms_lines(self, cms: CmsContext | None = None) -> list[CmsLine]:
        return [CmsLine(f"Set the review date to {format_date(self.day)}")]

    def dates_set(self) -> list[DateSet]:
        return [DateSet(f"Review date: {format_date(self.day)}", self.explanation)]


@dataclass(frozen=True)
class AddDeadline(Effect):
    ref: str
    kind: str
    due_at: datetime
    explanation: str

    def cms_lines(self, cms: CmsContext | None = None) -> list[CmsLine]:
        return []  # a reminder in Casework Guide; nothing to key into the 2012 system

    def dates_set(self) -> list[DateSet]:
        return [deadline_words(self.kind, self.due_at, self.explanation)]


@dataclass(frozen=True)
class CompleteDeadlines(Effect):
    """Mark the SR's open deadlines of these kinds met, so a satisfied reminder never shows as overdue."""

    ref: str
    kinds: tuple[str, ...]

    def deadlines_met(self) -> list[str]:
        return [f"{deadlines.label(kind)}: marked met" for kind in self.kinds]

    @property
    def needs_confirmation(self) -> bool:
        """A deadline marked met stops its reminders and leaves the team leader's overdue lists, and Back cannot
        reopen it, so the step waits for "check your answers", which says which deadlines it marks met (QA, 7
        December: P5a's "Pay the court fee" saved the date paid and met the court fee deadline on Continue)."""
        return True


@dataclass(frozen=True)
class UpdateSR(Effect):
    """Values onto an SR's fields. `said`: for each field the procedure's seed says to update at this step, its
    sentence, character for character; that field's line is then an exact instruction citing it. A field the seed
    names no SR update for (a court, a CPO's name, a hearing date it records on a form or in the Notes) is put on
    the SR all the same (its deadlines and letters read it), and its CMS line says the value as typed and the field
    in words, with our name for it as a suggestion (QA, 7 December: "set Hearing date = ..." cited nothing)."""

    ref: str
    fields: dict[str, Any] = field(default_factory=dict)
    said: Mapping[str, str] = field(default_factory=dict)

    def cms_lines(self, cms: CmsContext | None = None) -> list[CmsLine]:
        cms = cms or CmsContext()
        kinds = {"reason": Kind.REASON, "resolution_code": Kind.RESOLUTION_CODE}
        labels = FIELD_LABELS
        lines = []
        on = f"On {cms.name(self.ref)}, set "
        for name, value in self.fields.items():
            if name in kinds and isinstance(value, str):
                lines.append(cms.value(kinds[name], value, prefix=on))
                continue
            shown = (
                format_uk(value)
                if isinstance(value, datetime)
                else format_date(value)
                if isinstance(value, date)
                else value
            )
            label = labels.get(name, name)
            if name in self.said:
                lines.append(CmsLine(f"{on}{label} = {shown}", source=published_quote(cms.seed, self.said[name])))
            else:  # the value is as typed; only the field to put it in is ours
                where = f"{on}the {label[0].lower()}{label[1:]} in the field your team uses (the procedure names none)"
                lines.append(CmsLine(f"{where}: {shown}", suggestion=label))
        return lines

    def dates_set(self) -> list[DateSet]:
        """Each date or moment put on the SR (a hearing, an appointment, a summons issue date)."""
        return [
            DateSet(f"{FIELD_LABELS.get(name, name)}: {format_uk(v) if isinstance(v, datetime) else format_date(v)}")
            for name, v in self.fields.items()
            if isinstance(v, date)
        ]


@dataclass(frozen=True)
class CaseTeam:
    """A task or message for the case's own team (whoever of it picks it up)."""


@dataclass(frozen=True)
class SROwner:
    """For the caseworker who owns the SR; the team holding the SR when nobody owns it (it can open the SR and
    allocate it; the case's team may have handed the SR over: services/run_effects.py)."""


@dataclass(frozen=True)
class NamedTeam:
    """For another team, by its name in the teams table (the enforcement team, the AFT team)."""

    name: str


TaskRecipient = CaseTeam | SROwner | NamedTeam
CASE_TEAM: Final = CaseTeam()
SR_OWNER: Final = SROwner()


@dataclass(frozen=True)
class RaiseTask(Effect):
    """A task (work to do) or a message (to read) on the SR, for `to`. `off_case` is the text for a recipient outside
    the case's team, when `text` sends its reader to the case's page, which only the case's team opens
    (services/contact_notes.py)."""

    text: str
    ref: str | None = "main"
    to: TaskRecipient = CASE_TEAM
    kind: Literal["task", "message"] = "task"
    off_case: str | None = None


@dataclass(frozen=True)
class LetterDue(Effect):
    """Record a letter or form as due on the SR with the values it needs; rendering happens later."""

    ref: str
    code: str
    recipient: str
    context: dict[str, Any] = field(default_factory=dict)

    def cms_lines(self, cms: CmsContext | None = None) -> list[CmsLine]:
        cms = cms or CmsContext()
        to = recipient_words(self.recipient)
        if f"letter.{self.code}" in cms.reference:
            return [cms.value(Kind.LETTER, self.code, prefix=f"Issue to {to}: ")]
        # CWG codes are Casework Guide's own templates: CMS has no letter of that name to choose.
        return [CmsLine(f"Send {to} the {self.code} letter Casework Guide produced, and note it on the SR")]

    @property
    def needs_confirmation(self) -> bool:
        return True


@dataclass(frozen=True)
class SetDue(Effect):
    """Record (or move) a deadline worked out by domain.deadlines, with its one-line explanation."""

    ref: str
    due: Any  # domain.deadlines.Due
    # The step always moves a deadline already set (P5e's moved appointment): check your answers says "moved", not
    # "added", which read as a second appointment.
    moves: bool = False

    def dates_set(self) -> list[DateSet]:
        return [deadline_words(self.due.kind, self.due.due_at, self.due.explanation, moves=self.moves)]


CASE_TEAM_LEADERS: Final = "case_team_leaders"  # QueueEmail.to: the team leaders of the case's own team


@dataclass(frozen=True)
class QueueEmail(Effect):
    """An email (domain.mail.Draft) with a read receipt and a follow-up call task; sent after the step saves.

    `to` overrides the draft's default mailbox; "owner_and_team_leader" addresses the SR's owning
    caseworker and their team leader, or, with `owner_ref`, the owner of that SR of the run (e.g. the
    initiating caseworker's SR; the email's own SR when the run has no such SR; the team leaders of the team
    holding that SR when nobody owns it); CASE_TEAM_LEADERS
    addresses the team leaders of the case's team. `documents` are
    letters or forms (code, context) rendered and attached; a form's `sr_number` defaults to the
    email's SR. `draft` is a Draft, or a callable taking `sr_number=` and returning one.
    """

    ref: str
    draft: Any  # domain.mail.Draft, or Callable[..., Draft] taking sr_number=
    to: tuple[str, ...] | str = ()
    documents: tuple[tuple[str, dict[str, Any]], ...] = ()
    owner_ref: str | None = None

    def cms_lines(self, cms: CmsContext | None = None) -> list[CmsLine]:
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


def _bracketed(number: str) -> str:
    """ "the SR you were allocated (1-00000012)" from a name that may already carry the number."""
    start = number.rfind("(")
    return f" {number[start:]}" if start >= 0 else ""
