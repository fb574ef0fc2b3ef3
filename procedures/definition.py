"""The vocabulary procedures are written in: fields, steps, the run context, and the procedure itself.

A procedure is a strict python-statemachine `StateMachine` (its states are the steps, its guards
the procedure's rules) plus, beside it, one `Step` of data per state: what the caseworker reads,
ticks and types there, and a pure function from the answers to the effects the step records.
Nothing here does I/O: services/runs.py applies the effects in one transaction.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Collection, Mapping
from dataclasses import KW_ONLY, dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Literal

from statemachine import StateMachine

from domain import catalogue
from domain.clock import UK, format_date
from domain.files import FileRefused, check_pdf
from domain.values import FieldError, clean_text, parse_money

from .effects import Effect

Kind = Literal[
    "text", "long_text", "yes_no", "choice", "multi_choice", "date", "datetime", "money", "integer", "pdf", "table"
]
MAX_TABLE_ROWS = 50
QUESTION_KINDS = ("yes_no", "choice", "multi_choice")
"""Questions the caseworker answers (often deciding the route): never prefilled, so none starts answered."""

FieldCheck = Callable[[Any, Mapping[str, Any]], str | None]
"""A rule on one answer (typed, None when an optional one is left blank) and the case's facts alone: the refusal in
plain words, or None to accept it (`Field.check`)."""


@dataclass(frozen=True, slots=True)
class PdfUpload:
    """A PDF the caseworker uploaded on this step; the service stores it with the SR and keeps a reference."""

    file_name: str
    data: bytes


def condition_holds(when: tuple[str, Any] | None, answers: Mapping[str, Any]) -> bool:
    """A field's `when`: the other answer equals the value (or, for a multi-choice, includes it). A tuple of values
    holds for any one of them (P5d's outcome PDF: every outcome but an adjourned hearing)."""
    if when is None:
        return True
    other, wanted = when
    if isinstance(wanted, tuple):
        return any(condition_holds((other, one), answers) for one in wanted)
    value = answers.get(other)
    return wanted in value if isinstance(value, list) and not isinstance(wanted, list) else value == wanted


@dataclass(frozen=True, slots=True)
class Field:
    """One input on a step. `when` shows (and requires) it only while another answer has a given value (or one of a
    tuple of values).

    Only the name is positional (`Field("court", label=..., kind=...)`): a letter's Field takes the same
    keywords, so neither reads wrongly for the other.
    """

    name: str
    _: KW_ONLY
    label: str
    kind: Kind = "text"
    help: str = ""
    options: tuple[str, ...] = ()
    required: bool = True
    when: tuple[str, Any] | None = None
    default_fact: str | None = None  # prefill from a case fact, e.g. "arrears_balance"
    max_chars: int = 4000
    min_date: Literal["today", "any"] = "any"
    # With min_date "today": how many days back a date may still be, for something that already happened
    # (a letter posted yesterday); 0 keeps it today or later.
    past_days: int = 0
    ahead_days: int | None = None  # how many days ahead a date may be (None: up to three years)
    latest: Literal["future", "today"] = "future"  # "today": a date of something that has happened
    columns: tuple[Field, ...] = ()  # kind "table": one Field per column; a row is a dict keyed by their names
    minimum: int = 0  # kind "integer": the smallest number allowed (a count of misses starts at 1)
    # kind "money": refuse £0.00, for a sum a court is asked for (nothing owed means no court action)
    more_than_zero: bool = False
    # A rule that reads only this answer and the case's facts (a PV check that misses the case's PV marker). Checked
    # on the question's own page (services/question_pages.py) and again whenever the step is saved (`Step.refusals`,
    # run before the machine's validators), so it holds however the answer arrives. A rule that needs another answer
    # is a machine validator instead: on a page, a later page's answer is not given yet.
    check: FieldCheck | None = None

    def applies(self, answers: Mapping[str, Any]) -> bool:
        return condition_holds(self.when, answers)

    def refusal(self, value: Any, facts: Mapping[str, Any]) -> str | None:
        """What `check` says of this typed answer on a case with these facts (None: accepted, or no rule)."""
        return self.check(value, facts) if self.check is not None else None

    @property
    def hint(self) -> str:
        """The help shown with the field; a date's help always ends with the dates it accepts."""
        if self.kind not in ("date", "datetime"):
            return self.help
        return f"{self.help} {date_limits(self)}".strip()

    def parse(self, raw: Any, *, today: date) -> Any:
        """Return the JSON-safe stored form of a typed answer, or raise FieldError for this field."""
        if self.kind == "table":
            return self._parse_table(raw, today=today)
        if raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []:
            if self.required:
                raise FieldError(self.name, _missing(self))
            return None
        kind = self.kind
        if kind in ("text", "long_text"):
            limit = self.max_chars if kind == "long_text" else min(self.max_chars, 200)
            return clean_text(str(raw), field=self.name, max_chars=limit)
        if kind == "yes_no":
            if isinstance(raw, bool):
                return raw
            if str(raw).strip().lower() in ("yes", "true"):
                return True
            if str(raw).strip().lower() in ("no", "false"):
                return False
            raise FieldError(self.name, f"Select yes or no for: {self.label}")
        if kind == "choice":
            if raw not in self.options:
                raise FieldError(self.name, f"Select one of the options for: {self.label}")
            return raw
        if kind == "multi_choice":
            values = list(raw) if isinstance(raw, list | tuple) else [raw]
            unknown = [v for v in values if v not in self.options]
            if unknown:
                raise FieldError(self.name, f"'{unknown[0]}' is not an option for: {self.label}")
            return [o for o in self.options if o in values]
        if kind == "money":
            money = parse_money(raw, field=self.name)
            if self.more_than_zero and money <= 0:
                raise FieldError(self.name, f"Enter an amount more than £0.00 for: {self.label}")
            return str(money)
        if kind == "pdf":
            if isinstance(raw, dict) and "attachment_id" in raw:
                return raw  # already stored on an earlier submit of this step
            if isinstance(raw, tuple | list) and len(raw) == 2 and isinstance(raw[1], bytes):
                try:
                    check_pdf(raw[1])
                except FileRefused as exc:
                    raise FieldError(self.name, str(exc)) from None
                return PdfUpload(str(raw[0]), raw[1])
            raise FieldError(self.name, f"Upload {_sentence_case(self.label)} as a PDF file.")
        if kind == "integer":
            try:
                number = int(str(raw).strip())
            except ValueError:
                raise FieldError(self.name, f"Enter a whole number for: {self.label}") from None
            if not self.minimum <= number <= 1000:
                raise FieldError(self.name, f"Enter a number from {self.minimum} to 1000 for: {self.label}")
            return number
        if kind == "date":
            day = _parse_date(raw, self.name)
            _check_range(self, day, today)
            return day.isoformat()
        if kind == "datetime":
            moment = _parse_datetime(raw, self.name)
            _check_range(self, moment.astimezone(UK).date(), today)
            return moment.isoformat()
        raise ValueError(f"unknown field kind {kind}")

    def _parse_table(self, raw: Any, *, today: date) -> list[dict[str, Any]]:
        """Rows of cells, each parsed by its column; wholly blank rows are dropped; errors name the row."""
        if raw is None or raw == "":
            raw = []
        if not isinstance(raw, list | tuple) or not all(isinstance(row, Mapping) for row in raw):
            raise FieldError(self.name, f"Enter {self.label[0].lower() + self.label[1:]} as rows of a table.")
        if len(raw) > MAX_TABLE_ROWS:
            raise FieldError(self.name, f"Enter at most {MAX_TABLE_ROWS} rows for: {self.label}")
        rows: list[dict[str, Any]] = []
        for number, row in enumerate(raw, start=1):
            cells = {c.name: _cell(row.get(c.name)) for c in self.columns}
            if all(v is None or v == "" for v in cells.values()):
                continue
            parsed: dict[str, Any] = {}
            for column in self.columns:
                try:
                    parsed[column.name] = column.parse(cells[column.name], today=today)
                except FieldError as exc:
                    raise FieldError(self.name, f"Row {number}, {column.label}: {exc.message}") from None
            rows.append(parsed)
        if not rows and self.required:
            raise FieldError(self.name, f"Add at least one row to: {self.label}")
        return rows

    def typed(self, stored: Any) -> Any:
        """The Python value of a stored answer (Decimal for money, date, aware datetime)."""
        if stored is None:
            return None
        if self.kind == "table":
            return [{c.name: c.typed(row.get(c.name)) for c in self.columns} for row in stored]
        if self.kind == "money":
            return Decimal(stored)
        if self.kind == "date":
            return date.fromisoformat(stored)
        if self.kind == "datetime":
            return datetime.fromisoformat(stored)
        return stored


def _cell(value: Any) -> Any:
    """A table cell as typed: NaN (an empty spreadsheet cell) counts as blank."""
    return None if isinstance(value, float) and value != value else value


def _missing(f: Field) -> str:
    if f.kind in ("choice", "yes_no", "multi_choice"):
        return f"Select an answer for: {f.label}"
    if f.kind == "pdf":  # a file is uploaded, not entered (QA, fifth session: "Enter scanned outcome")
        named = _sentence_case(f.label)
        return f"Upload {named if named.startswith('the ') else 'the ' + named} as a PDF file."
    return f"Enter {_sentence_case(f.label)}" if f.label else "Enter a value"


def _sentence_case(label: str) -> str:
    """Lower the first letter to continue a sentence, unless it starts an acronym (CSA, CPO, SR)."""
    return label if len(label) > 1 and label[1].isupper() else label[0].lower() + label[1:]


def _parse_date(raw: Any, name: str) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError:
        raise FieldError(name, "Enter a real date, for example 2026-12-01.") from None


def _parse_datetime(raw: Any, name: str) -> datetime:
    if isinstance(raw, datetime):
        moment = raw
    else:
        text = str(raw).strip()
        if not re.match(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}", text):
            raise FieldError(name, "Enter a date and time, for example 2026-12-01 10:30.")
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise FieldError(name, "Enter a real date and time, for example 2026-12-01 10:30.") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UK)  # caseworkers type UK local time
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # year 1 or 9999 shifted by its offset falls off the calendar
        raise FieldError(name, "Enter a real date and time, for example 2026-12-01 10:30.") from None


EARLIEST_DATE = date(1993, 1, 1)
"""The earliest date any field accepts: CSA scheme cases (1993 rules) have liability orders and arrears from 1993."""
FUTURE_YEARS = 3


def date_limits(f: Field) -> str:
    """The dates a field accepts, in a sentence for its hint (the same limits _check_range applies)."""
    if f.min_date == "today" and f.past_days:
        start = f"from {f.past_days} days ago"
    elif f.min_date == "today":
        start = "from today"
    else:
        start = f"from {EARLIEST_DATE.year}"
    if f.latest == "today":
        end = "to today"
    elif f.ahead_days is not None:
        end = f"to {f.ahead_days} days ahead"
    else:
        end = f"to {FUTURE_YEARS} years ahead"
    return f"Dates accepted: {start} {end}."


def _check_range(f: Field, day: date, today: date) -> None:
    if f.min_date == "today":
        earliest = today - timedelta(days=f.past_days)
        if day < earliest:
            if not f.past_days:
                raise FieldError(f.name, f"{f.label} must be today or in the future.")
            raise FieldError(
                f.name, f"{f.label} can be at most {f.past_days} days ago: {format_date(earliest)} at the earliest."
            )
    if not EARLIEST_DATE <= day <= today + timedelta(days=FUTURE_YEARS * 366):
        raise FieldError(f.name, f"{f.label} must be between {EARLIEST_DATE.year} and three years from now.")
    if f.latest == "today" and day > today:
        raise FieldError(f.name, f"{f.label} cannot be in the future.")
    if f.ahead_days is not None and day > today + timedelta(days=f.ahead_days):
        latest = today + timedelta(days=f.ahead_days)
        raise FieldError(
            f.name, f"{f.label} can be at most {f.ahead_days} days ahead: {format_date(latest)} at the latest."
        )


@dataclass(frozen=True, slots=True)
class Ctx:
    """What guards and effects may read: typed answers, facts about the case, and today's date."""

    answers: Mapping[str, Any]
    facts: Mapping[str, Any]
    today: date

    def __getitem__(self, name: str) -> Any:
        return self.answers.get(name)

    def get(self, name: str, default: Any = None) -> Any:
        value = self.answers.get(name)
        return default if value is None else value

    def fact(self, name: str) -> Any:
        return self.facts.get(name)


@dataclass(frozen=True, slots=True)
class StartSR:
    """An SR a run is started from, as plain data: its catalogue values, its parent and open children."""

    id: int
    number: str
    process: str
    area: str | None
    sub_area: str | None
    status: str
    parent: StartSR | None = None
    children: tuple[StartSR, ...] = ()

    def is_(self, process: str, area: str | None = None, sub_area: str | None = None) -> bool:
        return (self.process, self.area, self.sub_area) == (process, area, sub_area)


def bind_as_main(sr: StartSR) -> dict[str, int] | str:
    """The default: the run works on the SR it was started from."""
    return {"main": sr.id}


NoEffects: Callable[[Ctx], list[Effect]] = lambda ctx: []  # noqa: E731
NoWarnings: Callable[[Ctx], list[str]] = lambda ctx: []  # noqa: E731


@dataclass(frozen=True)
class FromCase:
    """A step's guidance and checklist for a run started from the case rather than from the SR it works on.

    The SSST procedures (P5b to P5e) begin with an SR allocated by the case manager; Casework Guide also lets a
    caseworker start them from the case, and then the first step creates that SR. Its text must not tell them to
    read an SR they have not got (QA, 6 to 7 December).
    """

    guidance: str
    checklist: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    """One state's guidance, checklist, inputs and effects."""

    title: str
    guidance: str
    checklist: tuple[str, ...] = ()
    fields: tuple[Field, ...] = ()
    effects: Callable[[Ctx], list[Effect]] = NoEffects
    depends_on: tuple[str, ...] = ()  # earlier answers this step's guidance or effects use
    final: bool = False
    who: str = ""  # whose step this is, where a procedure has more than one actor (P2: CSA caseworker, CMS owner)
    # Cautions in plain words for the case and the answers so far (P2: the case already has an open SR of the kind
    # this step creates), shown on the step's page and on check your answers; they never block the save.
    warnings: Callable[[Ctx], list[str]] = NoWarnings
    # The wording for a run whose SR was not allocated to the caseworker (started from the case): see `as_started`.
    from_case: FromCase | None = None
    # The guidance for a run with no SR of the caseworker who asked bound to it as "origin" (P5e: who is told
    # instead of them). A run reads one or the other, never a sentence covering both (QA, 7 December).
    without_origin: str = ""
    # What the caseworker did themselves at this step that Casework Guide did not (P3's fast track: told a team it
    # cannot reach), said on the finish page beside the tasks and messages the run raised.
    told_by_you: str = ""

    def as_started(
        self, allocated_refs: Collection[str], ticked: Collection[str] = (), *, sr_refs: Collection[str] = ("origin",)
    ) -> Step:
        """The step as this run reads it: with its `from_case` wording when the run's main SR was not allocated,
        and its `without_origin` guidance when the run has no "origin" SR among its `sr_refs`.

        Checklist ticks are kept by their text, so a run that ticked this step's other wording (saved before the
        wording depended on how the run started) keeps reading the wording it ticked, and none reads "Not checked".
        """
        step = self
        if self.without_origin and "origin" not in sr_refs:
            step = replace(step, guidance=self.without_origin, without_origin="")
        wording = step.from_case
        if wording is None or "main" in allocated_refs:
            return step
        if set(ticked) - set(wording.checklist):
            return step
        return replace(step, guidance=wording.guidance, checklist=wording.checklist, from_case=None)

    def visible_fields(self, answers: Mapping[str, Any]) -> list[Field]:
        return [f for f in self.fields if f.applies(answers)]

    def refusals(self, ctx: Ctx) -> dict[str, str]:
        """The step's answers its fields' own rules (`Field.check`) refuse, given the case's facts: name to message."""
        refused: dict[str, str] = {}
        for f in self.visible_fields(ctx.answers):
            message = f.refusal(ctx[f.name], ctx.facts)
            if message:
                refused[f.name] = message
        return refused


def next_version_steps(
    steps: Mapping[str, Step], changed: Mapping[str, Step], *, adds: str, after: str
) -> dict[str, Step]:
    """A procedure's steps for its next version: each step of `steps` as before, or as `changed` gives it, in the same
    order, with the new step `changed[adds]` placed straight after the step `after` (the wizard's step count and the
    task list read the steps in this order)."""
    next_steps: dict[str, Step] = {}
    for step_id, step in steps.items():
        next_steps[step_id] = changed.get(step_id, step)
        if step_id == after:
            next_steps[adds] = changed[adds]
    return next_steps


@dataclass(frozen=True)
class Procedure:
    """A published procedure as code: metadata, the machine, and the steps beside it."""

    id: str
    version: str
    title: str
    seed: str
    roles: tuple[str, ...]
    starts: str  # how a run starts, in a sentence
    machine: type[StateMachine]
    steps: Mapping[str, Step]
    can_start: Callable[[Mapping[str, Any]], str | None] = lambda facts: None  # a reason to refuse, or None
    # Started from an SR: the run's SR refs ({"main": ..., others}) or a reason to refuse.
    bind_start: Callable[[StartSR], dict[str, int] | str] = bind_as_main
    glossary_terms: tuple[str, ...] = ()
    # SRs (Process, Area, Sub Area) allocated to a caseworker that this procedure works on from My work.
    works_on: tuple[tuple[str, str | None, str | None], ...] = ()
    # Where two procedures work the same kind of SR (P5c and P5d both work Magistrates Court SRs), the SR's
    # Reason says which was asked for; a procedure listed here is offered first for an SR with that reason.
    works_on_reasons: tuple[str, ...] = ()
    # The SR catalogue entry (Process, Area, Sub Area) of the SR a run records its outcome on (its "main" SR):
    # the team leader console counts and filters SRs by procedure through this link.
    main_sr: tuple[str, str | None, str | None] | None = None
    # Steps done by the person a hand-over gave the case to (P2's CMS owning caseworker): on a real run only the
    # main SR's owner records them, and nobody while that SR waits unallocated for its team (services/runs.py).
    handed_over: tuple[str, ...] = ()
    field_index: dict[str, Field] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        states = {s.id for s in self.machine.states}
        if states != set(self.steps):
            raise ValueError(f"{self.id}: steps {sorted(set(self.steps) ^ states)} do not match the machine's states")
        for entry in (self.main_sr, *self.works_on) if self.main_sr else self.works_on:
            catalogue.lookup(*entry)  # raises CatalogueError at import for a combination not in the catalogue
        if self.works_on and self.main_sr not in self.works_on:
            raise ValueError(f"{self.id}: main_sr must be one of the SRs the procedure works on")
        for step in self.steps.values():
            for f in step.fields:
                if f.default_fact and f.kind in QUESTION_KINDS:
                    raise ValueError(f"{self.id}: {f.name} is a question; it must start unanswered, not from a fact")
                if f.name in self.field_index and self.field_index[f.name] != f:
                    raise ValueError(f"{self.id}: field {f.name} is declared twice differently")
                self.field_index[f.name] = f
        if set(self.handed_over) - set(self.steps):
            raise ValueError(f"{self.id}: handed_over names steps it does not have")
        for step_id, step in self.steps.items():  # a misspelt name would silently never recheck or show a field
            unknown = [n for n in step.depends_on if n not in self.field_index]
            unknown += [f.when[0] for f in step.fields if f.when and f.when[0] not in self.field_index]
            if unknown:
                raise ValueError(f"{self.id}: step {step_id} names answers no step asks for: {', '.join(unknown)}")

    @property
    def initial(self) -> str:
        return next(s.id for s in self.machine.states if s.initial)

    def successors(self, state: str) -> list[str]:
        source = next(s for s in self.machine.states if s.id == state)
        return list(dict.fromkeys(t.target.id for t in source.transitions))

    def remaining(self, state: str) -> int:
        """Fewest steps from `state` to a final step (for "step n of about m")."""
        seen, queue = {state}, deque([(state, 0)])
        while queue:
            current, distance = queue.popleft()
            if self.steps[current].final:
                return distance
            for nxt in self.successors(current):
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append((nxt, distance + 1))
        return 0

    def typed_answers(self, stored: Mapping[str, Any]) -> dict[str, Any]:
        return {
            name: (self.field_index[name].typed(value) if name in self.field_index else value)
            for name, value in stored.items()
        }


def at_time(day: date, hour: int = 9) -> datetime:
    """A UK-local moment on `day` (default 09:00) as aware UTC, for deadlines set as dates."""
    return datetime.combine(day, time(hour), tzinfo=UK).astimezone(UTC)
