"""Practice runs in memory: the same machine, validation, effects and CMS lines as a real run, with nothing saved.

A practice run is a *transient* `ProcedureRun` and `Case` (services/practice_case.py) rebuilt from the practice
row's JSON at every action, driven through the real run code (services/run_context.py: `step_context`,
`step_effects`, `decide`; services/runs.py: `_validate`, `_rehearse`, `_mark_rechecks`, `_needs_confirmation`,
`_move_to`) and shown through the real
`run_views.build`. Effects are not applied: each is described ("what would have been keyed into CMS and sent")
and kept in the JSON, and SRs a step creates get fictional numbers "PRACTICE-SR-n".
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from statemachine.exceptions import TransitionNotAllowed

from db.models import Case, ProcedureRun
from domain.clock import next_working_day
from domain.reference import BUILT_IN_REFERENCE, Reference
from domain.values import FieldError, NotYet
from procedures import registry
from procedures.definition import PdfUpload, Procedure, StartSR
from procedures.effects import (
    CmsContext,
    Effect,
)
from services import letter_values, run_context
from services import runs as real
from services.case_facts import case_facts
from services.errors import DomainError, ValidationFailed
from services.practice_case import fictional_case
from services.practice_effects import deadline_views, simulate
from services.run_views import RunView, back_allowed, build, cms_lines, named_context, run_step


def _start_sr(data: Mapping[str, Any], number: str, sr_id: int) -> StartSR:
    return StartSR(
        sr_id,
        number,
        data["process"],
        data.get("area"),
        data.get("sub_area"),
        data.get("status", "In Progress"),
        parent=_start_sr(data["parent"], f"{number}-P", sr_id - 100) if data.get("parent") else None,
        children=tuple(
            _start_sr(child, f"{number}-C{i}", sr_id - 200 - i) for i, child in enumerate(data.get("children", []))
        ),
    )


@dataclass
class Sim:
    """One practice run's simulated state, as the JSON the practice row keeps."""

    procedure: Procedure
    run: ProcedureRun  # transient
    case: Case  # transient
    numbers: dict[str, str]  # SR ref -> fictional number
    sent: list[dict[str, Any]]  # per saved step: what it would have keyed and sent
    actor_name: str
    today: date  # the day the practice run started
    reference: Reference
    walk: list[dict[str, Any]] = field(default_factory=list)
    days: int = 0  # days the scenario has moved the practice clock on ("six weeks later")
    clocked: list[int] = field(default_factory=list)  # walk positions whose days_later are applied
    # The answers given at each position of the path, as parsed (a loop clears a step's answers from the run).
    given: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def now(self) -> date:
        """The practice run's today: the start day plus the days the scenario has let pass."""
        return self.today + timedelta(days=self.days)

    @contextmanager
    def clock(self) -> Iterator[None]:
        """Run the real run code on the practice calendar."""
        token = run_context.PRACTICE_TODAY.set(self.now)
        try:
            yield
        finally:
            run_context.PRACTICE_TODAY.reset(token)

    def arrive(self) -> None:
        """Reaching a step the scenario says comes later: move the practice clock on, once, by `days_later`, then
        (with `working_day`) to the next working day of the case's region, so a scenario whose story needs "two
        days later, when the office is open" holds whatever weekday and bank holiday the practice starts on."""
        index = len(self.run.history) - 1
        item = self.walk[index] if index < len(self.walk) else None
        if not item or item.get("step") != self.run.state or index in self.clocked:
            return
        if item.get("days_later") or item.get("working_day"):
            self.days += int(item.get("days_later") or 0)
            if item.get("working_day"):
                self.days += (next_working_day(self.now, self.case.region) - self.now).days
            self.clocked = [*self.clocked, index]

    @classmethod
    def start(
        cls,
        procedure: Procedure,
        scenario: Mapping[str, Any],
        *,
        reference_no: str,
        team_id: int | None,
        actor_name: str,
        today: date,
        reference: Reference = BUILT_IN_REFERENCE,
    ) -> Sim:
        """A new practice run at the procedure's first step; refused as a real start would be."""
        case = fictional_case(reference_no, scenario.get("facts", {}), team_id, today)
        refs: dict[str, int] = {}
        numbers: dict[str, str] = {}
        allocated = scenario.get("allocated_sr")
        if allocated:
            bound = procedure.bind_start(_start_sr(allocated, f"{reference_no}-SR-1", -1))
            if isinstance(bound, str):
                raise DomainError(bound)
            refs = bound
            numbers = {ref: f"{reference_no}-SR-{-sr_id}" for ref, sr_id in refs.items()}
        reason = procedure.can_start(case_facts(case))
        if reason:
            raise DomainError(reason)
        run = ProcedureRun(
            id=reference_no,
            procedure_id=procedure.id,
            procedure_version=procedure.version,
            state=procedure.initial,
            status="in_progress",
            answers={},
            pending_step=None,
            checklists={},
            earlier_visits=[],
            changed_answers=[],
            cms_saved=[],
            allocated_refs=sorted(refs) if refs else [],
            history=[procedure.initial],
            committed_steps=0,
            sr_refs=refs,
            recheck=[],
            return_to_summary=False,
            version=1,
        )
        sim = cls(procedure, run, case, numbers, [], actor_name, today, reference, list(scenario.get("walk", [])))
        sim.arrive()
        return sim

    @classmethod
    def load(
        cls,
        data: Mapping[str, Any],
        scenario: Mapping[str, Any],
        *,
        reference_no: str,
        team_id: int | None,
        actor_name: str,
        today: date,
        version: int,
        reference: Reference = BUILT_IN_REFERENCE,
    ) -> Sim:
        procedure = registry.get(data["procedure_id"], data["procedure_version"])
        run = ProcedureRun(
            id=reference_no,
            procedure_id=procedure.id,
            procedure_version=procedure.version,
            state=data["state"],
            status=data["status"],
            answers=dict(data["answers"]),
            pending_step=data.get("pending_step"),
            checklists=dict(data.get("checklists", {})),
            earlier_visits=list(data.get("earlier_visits", [])),
            changed_answers=list(data.get("changed_answers", [])),
            cms_saved=list(data.get("cms_saved", [])),
            allocated_refs=list(data.get("allocated_refs", [])),
            history=list(data["history"]),
            committed_steps=int(data["committed_steps"]),
            sr_refs=dict(data["sr_refs"]),
            recheck=list(data["recheck"]),
            return_to_summary=bool(data["return_to_summary"]),
            version=version,
        )
        case = fictional_case(reference_no, scenario.get("facts", {}), team_id, today)
        return cls(
            procedure,
            run,
            case,
            dict(data["numbers"]),
            list(data["sent"]),
            actor_name,
            today,
            reference,
            list(scenario.get("walk", [])),
            int(data.get("days", 0)),
            list(data.get("clocked", [])),
            dict(data.get("given", {})),
        )

    def dump(self) -> dict[str, Any]:
        r = self.run
        return {
            "procedure_id": r.procedure_id,
            "procedure_version": r.procedure_version,
            "state": r.state,
            "status": r.status,
            "answers": r.answers,
            "pending_step": r.pending_step,
            "checklists": r.checklists,
            "earlier_visits": r.earlier_visits,
            "changed_answers": r.changed_answers,
            "cms_saved": r.cms_saved,
            "allocated_refs": r.allocated_refs,
            "history": r.history,
            "committed_steps": r.committed_steps,
            "sr_refs": r.sr_refs,
            "recheck": r.recheck,
            "return_to_summary": r.return_to_summary,
            "numbers": self.numbers,
            "sent": self.sent,
            "days": self.days,
            "clocked": self.clocked,
            "given": self.given,
        }

    # --- what the wizard shows ------------------------------------------------------------------------

    def _cms(self, effects: list[Effect]) -> CmsContext:
        allocated = frozenset(self.run.allocated_refs)
        names = {
            ref: (f"the SR you were allocated ({n})" if ref in allocated and ref == "main" else f"the SR ({n})")
            for ref, n in self.numbers.items()
        }
        return named_context(self.reference, names, self.run, effects, seed=self.procedure.seed)

    def view(self) -> RunView:
        with self.clock():
            return self._view()

    def _view(self) -> RunView:
        run, procedure = self.run, self.procedure
        ctx = run_context.step_context(procedure, run, self.case)
        step = procedure.steps[run.state]
        effects = run_context.step_effects(step, ctx) if run.pending_step == run.state or not step.fields else []
        deadlines = deadline_views(self.sent, self.numbers, self.now)
        cms = self._cms(effects)
        return build(run, procedure, self.case, None, effects=effects, ctx=ctx, cms=cms, deadlines=deadlines)

    def letters_due(self) -> list[dict[str, Any]]:
        """The letters the step waiting for confirmation would record, with the values its save gives them.

        Worked out by simulating the step on this in-memory copy (the same code as the save), so the caller must
        not keep this Sim afterwards; nothing is saved."""
        run = self.run
        if run.status != "in_progress" or run.pending_step != run.state:
            return []
        with self.clock():
            effects = run_context.step_effects(
                self.procedure.steps[run.state], run_context.step_context(self.procedure, run, self.case)
            )
            simulate(self, run.state, effects, [])
        return [item for item in self.sent[-1]["would"] if item["kind"] == "letter"]

    # --- actions (the same rules as services/runs.py) -------------------------------------------------

    def submit(self, raw: Mapping[str, Any]) -> None:
        with self.clock():
            self._submit(raw)
        self.arrive()

    def _submit(self, raw: Mapping[str, Any]) -> None:
        run, procedure = self.run, self.procedure
        if run.status != "in_progress":
            raise DomainError("This practice run is finished; start it again to retry.")
        state, step = run.state, run_step(procedure, run)
        if step.final:
            raise DomainError("This is the last step; there is nothing to submit.")
        values, ticked = real._validate(step, dict(raw), run.answers)
        mine = {k: v for k, v in values.items() if not isinstance(v, PdfUpload)}
        self.given = {**self.given, str(len(run.history) - 1): {"step": state, "answers": mine}}
        for name, value in list(values.items()):
            if isinstance(value, PdfUpload):  # never stored: practice keeps only the name
                values[name] = {"attachment_id": 0, "file_name": value.file_name, "sha256": "practice"}
        changed = [k for k, v in values.items() if k in run.answers and run.answers[k] != v]
        run.answers = {**run.answers, **values}
        run.checklists = {**run.checklists, state: ticked}
        run.pending_step = None
        real._mark_rechecks(procedure, run, state, changed)
        run.recheck = [s for s in run.recheck if s != state]
        if step.fields:
            ctx = run_context.step_context(procedure, run, self.case)
            refused = letter_values.problems(procedure, step, run.answers, run_context.step_effects(step, ctx))
            if refused:
                real._rehearse(procedure, run, self.case)
                raise ValidationFailed(refused)
        if real._needs_confirmation(procedure, run, self.case):
            self._rehearse()
            run.pending_step = state
            run.return_to_summary = False
        else:
            self._advance()
            self._return_to_summary()

    def _rehearse(self) -> None:
        """`runs._rehearse` on the practice calendar: a validator waiting for a day still to come (NotYet) moves the
        calendar on to it, as `_advance` does. A step that marks a deadline met (a hearing's outcome, a visit's
        result) now waits for check your answers, so it is decided here at submit, before `_advance` would."""
        run, procedure = self.run, self.procedure
        try:
            run_context.decide(procedure, run.state, run_context.step_context(procedure, run, self.case))
        except NotYet as exc:
            self.days += max(1, (exc.until - self.now).days)
            with self.clock():
                self._rehearse()
        except FieldError as exc:
            raise ValidationFailed({exc.field: exc.message}) from None
        except TransitionNotAllowed:
            pass  # _advance reports it

    def confirm(self) -> None:
        if self.run.pending_step != self.run.state:
            raise DomainError("There is nothing waiting for confirmation on this step; submit its answers first.")
        with self.clock():
            self._advance()
        self.arrive()

    def back(self) -> None:
        can_back, refusal = back_allowed(self.run, self.procedure)
        if not can_back:
            raise DomainError(refusal or "There is no earlier step to go back to.")
        self._rewind(self.run.history[-2])

    def change(self, step_id: str) -> None:
        if step_id not in self.run.history[self.run.committed_steps :]:
            raise DomainError("That answer is already recorded and cannot be changed here.")
        self._rewind(step_id)
        self.run.return_to_summary = True

    def _rewind(self, target: str) -> None:
        real.rewind_history(self.run, target)
        self.run.pending_step = None

    def _return_to_summary(self) -> None:
        run, procedure = self.run, self.procedure
        while run.return_to_summary and run.status == "in_progress" and real._ready(procedure, run):
            if real._needs_confirmation(procedure, run, self.case):
                run.pending_step = run.state
                run.return_to_summary = False
                return
            if run_context.step_effects(
                procedure.steps[run.state], run_context.step_context(procedure, run, self.case)
            ):
                break
            self._advance()
        run.return_to_summary = False

    def _advance(self) -> None:
        run, procedure = self.run, self.procedure
        state = run.state
        ctx = run_context.step_context(procedure, run, self.case)
        try:
            new_state = run_context.decide(procedure, state, ctx)
        except TransitionNotAllowed:
            raise DomainError(f"'{procedure.steps[state].title}' has no next step for these answers.") from None
        except NotYet as exc:  # the practice calendar moves on to the day it waits for (domain.values.NotYet)
            self.days += max(1, (exc.until - self.now).days)
            with self.clock():
                return self._advance()
        except FieldError as exc:
            raise ValidationFailed({exc.field: exc.message}) from None
        effects = procedure.steps[state].effects(ctx)
        lines = cms_lines(effects, self._cms(effects))
        simulate(self, state, effects, [line.as_dict() for line in lines])
        real._move_to(procedure, run, state, new_state, committed=bool(effects))
        if effects and lines:
            saved = {"step": state, "title": procedure.steps[state].title, "reference_version": 0}
            saved |= {"lines": [line.as_dict() for line in lines], "done": []}
            run.cms_saved = [*run.cms_saved, saved]
        if procedure.steps[new_state].final:
            run.status, run.return_to_summary = "finished", False
