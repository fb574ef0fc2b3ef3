"""What the wizard shows of a run: frozen views built from the run row and its procedure definition."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from db.models import Case, ProcedureRun, ServiceRequest
from domain.clock import format_date, format_uk
from domain.reference import Reference
from domain.values import clean_text, format_money
from letters.catalogue import recipient_words
from procedures.definition import QUESTION_KINDS, Ctx, Field, Procedure, Step, condition_holds
from procedures.effects import (
    AddNote,
    CmsContext,
    CmsLine,
    CreateSR,
    DateSet,
    Effect,
    LetterDue,
    concerns_another_sr,
)
from procedures.trace import published_reference
from services.attachments import AttachmentView
from services.deadlines import DeadlineView
from services.email import EmailView, not_set_notices
from services.letter_contact import PRODUCED_WITHOUT_SHORT
from services.step_drafts import Draft, resumable
from services.views import BegunFrom, CaseBanner


@dataclass(frozen=True, slots=True)
class FieldView:
    name: str
    label: str
    kind: str
    help: str
    options: tuple[str, ...]
    required: bool
    when: tuple[str, Any] | None
    value: Any
    max_chars: int
    columns: tuple[FieldView, ...] = ()  # kind "table": the columns, each a FieldView without a value

    def applies(self, values: dict[str, Any]) -> bool:
        return condition_holds(self.when, values)


@dataclass(frozen=True, slots=True)
class StepView:
    id: str
    title: str
    guidance: str
    checklist: tuple[str, ...]
    checked: tuple[str, ...]
    fields: tuple[FieldView, ...]
    final: bool
    recheck: bool
    recheck_because: tuple[str, ...]
    who: str = ""  # whose step this is, shown as "Who does this" where the procedure has more than one actor
    # Earlier steps' answers this step's fields are shown for ("screenshots saved?" only where the SR said
    # criminal action): the page decides what to ask from them as saving does, not from this step's alone.
    earlier: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class NoteToAdd:
    """A note the step awaiting confirmation records, for "check your answers": where it goes ("SR Notes",
    "Contact Notes", or another SR's Notes named in words) and its text exactly as it will be saved."""

    where: str
    text: str


def notes_to_add(effects: list[Effect], cms: CmsContext | None) -> tuple[NoteToAdd, ...]:
    """The step's notes as they will be saved: cleaned as `records.add_note` cleans them (hidden characters out, ends
    trimmed), so a long typed note can be reread before it is recorded (procedures/effects.py, `AddNote.typed`)."""
    cms = cms or CmsContext()
    shown = []
    for e in effects:
        if not isinstance(e, AddNote):
            continue
        where = "Contact Notes" if e.kind == "contact" else "SR Notes"
        if e.kind != "contact" and (e.ref != "main" or cms.name_main):
            where = f"SR Notes of {cms.name(e.ref)}"
        shown.append(NoteToAdd(where, clean_text(e.text, field="note", max_chars=len(e.text) + 1, required=False)))
    return tuple(shown)


@dataclass(frozen=True, slots=True)
class SummaryRow:
    step_id: str
    step_title: str
    label: str
    value: str
    changeable: bool


@dataclass(frozen=True, slots=True)
class LetterLine:
    """A letter or form the run has recorded on its SRs, for the wizard's letters panel."""

    id: int
    template_code: str
    title: str
    recipient: str | None
    status: str
    file_name: str | None
    sr_number: str
    send_as_pdf: bool = False  # the template is sent as PDF (CMEL9180): the panel offers the .pdf too
    # Said beside the letter: before a due one is produced, when our contact details are not set now
    # (services.letter_contact.not_set_notice); on a produced one, when it was made without them (PRODUCED_WITHOUT).
    notice: str | None = None
    without_contact: bool = False  # produced with no way to contact us printed: to be added by hand before sending

    @property
    def to(self) -> str:
        """Who it is to, in words for a table's To column ("case file", never the stored "file")."""
        return recipient_words(self.recipient, article=False)

    @property
    def where_it_stands(self) -> str:
        """Where the letter stands, for the finish page: produced (and whether our contact details must still be added
        by hand, as stored when it was produced) or still to produce."""
        if self.status == "due":
            return "Due: produce it from the letters panel"
        return PRODUCED_WITHOUT_SHORT if self.without_contact else "Produced"


@dataclass(frozen=True, slots=True)
class SavedCms:
    """The CMS lines a saved step recorded, as resolved when it was saved, with the caseworker's ticks."""

    index: int  # its place in the run's saved steps, for ticking
    step_title: str
    lines: tuple[CmsLine, ...]
    done: tuple[int, ...]  # indexes of the lines ticked "done in CMS"
    reference_version: int


@dataclass(frozen=True, slots=True)
class HandedOver:
    """A real run at a step a hand-over gave to someone else (Procedure.handed_over): who records it now."""

    sr_number: str
    owner_id: int | None  # the SR's owner, the only one who records these steps; None: waiting for the team
    owner_name: str | None
    team_name: str
    step_title: str

    @property
    def message(self) -> str:
        """What happened and what happens next, in plain words, for anyone who is not the one carrying on."""
        if self.owner_id is None:
            return (
                f"This case has been handed over to the {self.team_name}. SR {self.sr_number} waits there, "
                f"unallocated, until their team leader gives it to a caseworker, who carries on from it in My work "
                f'("{self.step_title}").'
            )
        return (
            f"This case has been handed over to {self.owner_name} ({self.team_name}), who carries on from "
            f'SR {self.sr_number} in My work ("{self.step_title}").'
        )

    def belongs_to(self, user_id: int) -> bool:
        """Only the SR's owner records a handed-over step; nobody while it waits unallocated for its team."""
        return self.owner_id is not None and self.owner_id == user_id

    @property
    def refusal(self) -> str:
        who = "the caseworker it is allocated to" if self.owner_id is None else str(self.owner_name)
        return f"{self.message} Only {who} can record the next steps, so nothing was saved."


@dataclass(frozen=True, slots=True)
class AllocatedTo:
    """A real run whose SR is allocated to someone: only they record its steps (QA, two servers, 7 December: a team
    leader reassigned the SR while its caseworker was mid-step, and that caseworker's Continue went on recording on
    an SR no longer theirs, without a word, beside the new owner carrying on the same run from their My work)."""

    sr_number: str
    owner_id: int
    owner: str | ServiceRequest  # the owner's name, or the SR to read it from when first asked (`allocated_to`)

    @property
    def owner_name(self) -> str:
        if isinstance(self.owner, str):
            return self.owner
        user = self.owner.owner
        return user.display_name if user is not None else ""

    @property
    def message(self) -> str:
        return (
            f"SR {self.sr_number} is allocated to {self.owner_name} now, so this procedure run is theirs to carry on, "
            "from their My work."
        )

    @property
    def refusal(self) -> str:
        return (
            f"{self.message} Nothing was saved. If you think the SR should be yours, ask your team leader to "
            "reassign it to you."
        )


def allocated_to(procedure: Procedure, run: ProcedureRun, sr: ServiceRequest | None) -> AllocatedTo | None:
    """Whose the run's steps are when its SR is allocated, outside a hand-over's steps (`handed_over` says those):
    the SR's owner's. None when the run has no SR yet or the SR waits unallocated (anyone in the team carries on).
    The owner's name is read when asked for (`AllocatedTo.owner_name`): only when it is someone else's."""
    if sr is None or sr.owner_id is None or run.status != "in_progress" or run.state in procedure.handed_over:
        return None
    return AllocatedTo(sr.number, sr.owner_id, sr)


def _someone_elses(owner: AllocatedTo | None, viewer: int | None) -> AllocatedTo | None:
    """`owner` for a view drawn for someone who is not the SR's owner, with the owner's name read now (a statement,
    only then: the view of a run its owner works reads no user row beyond the access check's); None otherwise."""
    if owner is None or viewer is None or owner.owner_id == viewer:
        return None
    return AllocatedTo(owner.sr_number, owner.owner_id, owner.owner_name)


def handed_over(procedure: Procedure, run: ProcedureRun, sr: ServiceRequest | None) -> HandedOver | None:
    """Who records the run's current step, when a hand-over gave it to someone else (a run without an SR, as a
    practice run or one begun before hand-overs made the SR, is worked as before)."""
    if sr is None or run.status != "in_progress" or run.state not in procedure.handed_over:
        return None
    owner = sr.owner
    return HandedOver(
        sr.number,
        owner.id if owner else None,
        owner.display_name if owner else None,
        sr.team.name,
        procedure.steps[run.state].title,
    )


@dataclass(frozen=True, slots=True)
class RunView:
    run_id: str
    procedure_id: str
    procedure_title: str
    procedure_version: str
    version: int
    status: str
    step: StepView
    step_number: int
    step_total: int
    case: CaseBanner
    sr_number: str | None
    history: tuple[tuple[str, str], ...]
    can_go_back: bool
    back_refusal: str | None
    awaiting_confirmation: bool
    summary: tuple[SummaryRow, ...]
    cms: tuple[CmsLine, ...]  # what the current step will record, to enter in CMS
    cms_saved: tuple[SavedCms, ...]  # saved steps' lines still to tick "done in CMS" (the latest always)
    letters: tuple[LetterLine, ...] = ()  # read in the same transaction, so a redraw needs no second one
    letters_pending: bool = False  # the step awaiting confirmation records a letter (preview it before saving)
    creates_sr: bool = False  # the step awaiting confirmation makes the run's SR (nothing is on an SR yet)
    deadlines: tuple[DeadlineView, ...] = ()  # the run's SRs' deadlines with how each was worked out
    files: tuple[AttachmentView, ...] = ()  # the run's SRs' case files (outcome PDFs, bundles)
    emails: tuple[EmailView, ...] = ()  # the run's SRs' emails: waiting, sent, or failed with the error
    published: str | None = None  # the published procedure's step this step implements (procedures/trace.py)
    draft: Draft | None = None  # the step's earlier pages' answers, kept for a reload mid-step (step_drafts.py)
    # The step awaiting confirmation queues an email to a mailbox whose address is not set: who must set it (QA)
    mail_notices: tuple[str, ...] = ()
    handed_over: HandedOver | None = None  # the step is someone else's after a hand-over: who has it
    allocated_to: AllocatedTo | None = None  # the run's SR's owner, when the view is drawn for someone else
    warnings: tuple[str, ...] = ()  # the step's cautions for the case and answers (Step.warnings)
    can_discard: bool = False  # nothing is on an SR yet: the caseworker may discard the run (`discard_refusal`)
    begun_from: BegunFrom | None = None  # the complaint or appeal SR a P1 run was begun from (run_start.start_run)
    # The step awaiting confirmation puts these dates on an SR or sets these deadlines: listed in words to check
    dates_set: tuple[DateSet, ...] = ()
    # The step awaiting confirmation marks these deadlines met ("Pay the court fee: marked met"), in words
    deadlines_met: tuple[str, ...] = ()
    # The step awaiting confirmation records these notes, shown as they will be saved
    notes: tuple[NoteToAdd, ...] = ()
    # What the caseworker did themselves at the steps passed that Casework Guide did not (`Step.told_by_you`), for
    # the finish page: with no message raised it would otherwise say only "No tasks or messages were raised."
    told_by_you: tuple[str, ...] = ()


def show(value: Any, f: Field | None = None) -> str:
    """An answer as the summary shows it."""
    if f is not None and f.kind == "table":  # each value with its column's name: a grid's columns can be cut off
        rows = value or []
        return "; ".join(
            ", ".join(f"{_heading(c)}: {show(row.get(c.name), c)}" for c in f.columns) for row in rows
        ) or ("(none)")
    if value is None or value == "":
        return "(not given)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "(none)"
    if isinstance(value, dict) and "file_name" in value:
        return f"{value['file_name']} (uploaded PDF)"
    if f is not None and f.kind == "money":
        return format_money(Decimal(value))
    if f is not None and f.kind == "date":
        return format_date(date.fromisoformat(value))
    if f is not None and f.kind == "datetime":
        return format_uk(datetime.fromisoformat(value))
    return str(value)


def _heading(column: Field) -> str:
    """A table column's name in a summary: its label without the examples in brackets or a question mark."""
    return column.label.split(" (")[0].rstrip("?")


def prefill(f: Field, answers: dict[str, Any], case: Case, facts: Mapping[str, Any] | None = None) -> Any:
    """The saved answer, else the case fact the field defaults to, in the form a submission takes."""
    if f.name in answers:
        return answers[f.name]
    if f.default_fact and f.kind not in QUESTION_KINDS:  # a question never starts answered
        value = facts[f.default_fact] if facts and f.default_fact in facts else getattr(case, f.default_fact, None)
        return _submittable(value)
    return None


def _submittable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_submittable(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _submittable(v) for k, v in value.items()}
    return value


def cms_lines(effects: list[Effect], cms: CmsContext | None = None) -> tuple[CmsLine, ...]:
    return tuple(line for e in effects for line in e.cms_lines(cms))


def cms_context(
    session: Session, run: ProcedureRun, effects: list[Effect], reference: Reference, *, seed: str
) -> CmsContext:
    """The run's SRs in words for the panel: never an internal ref ("main"), always the SR's kind and number.

    `seed` is the run's procedure's, so a value its seed names is cited in its own words (QA: P5b to P5e quoted P3's).
    """
    allocated = frozenset(run.allocated_refs)
    names: dict[str, str] = {}
    for ref, sr_id in run.sr_refs.items():
        sr = session.get(ServiceRequest, sr_id)
        if sr is None:
            continue
        kind = sr.sub_area or sr.area or sr.process
        if ref in allocated and ref == "main":
            names[ref] = f"the SR you were allocated ({sr.number})"
        else:
            names[ref] = f"the {kind} SR ({sr.number})"
    return named_context(reference, names, run, effects, seed=seed)


def named_context(
    reference: Reference, names: dict[str, str], run: ProcedureRun, effects: list[Effect], *, seed: str | None
) -> CmsContext:
    """The panel's context once the run's SRs have their words (`names`; real SRs above, a practice run's fictional
    ones in services/practice_sim.py): an SR the step creates is "the new ... SR", and the run's own SR is named in
    its lines when the step also concerns another (`CmsContext.name_main`)."""
    for e in effects:
        if isinstance(e, CreateSR) and e.ref not in names:
            names[e.ref] = f"the new {e.sub_area or e.area or e.process} SR"
    name_main = concerns_another_sr(effects) and "main" in names
    return CmsContext(
        reference, names, frozenset(run.allocated_refs), frozenset(run.sr_refs), seed=seed, name_main=name_main
    )


def saved_cms(saved: list[dict[str, Any]]) -> tuple[SavedCms, ...]:
    """The saved steps' CMS lines the caseworker has not yet ticked all of "done in CMS"."""
    shown = []
    for index, item in enumerate(saved):
        lines = tuple(CmsLine.of(line) for line in item["lines"])
        done = tuple(item.get("done", []))
        if len(done) < len(lines):
            shown.append(SavedCms(index, item["title"], lines, done, int(item.get("reference_version", 0))))
    return tuple(shown)


def run_step(procedure: Procedure, run: ProcedureRun, state: str | None = None) -> Step:
    """The step (the run's current one by default) worded as this run reads it (`Step.as_started`)."""
    state = state or run.state
    return procedure.steps[state].as_started(run.allocated_refs, run.checklists.get(state, ()), sr_refs=run.sr_refs)


def back_allowed(run: ProcedureRun, procedure: Procedure) -> tuple[bool, str | None]:
    """Whether Back is open from the current step, and if not why (read from the run row alone, no query)."""
    boundary = run.committed_steps
    can_back = len(run.history) - 1 > boundary and run.status == "in_progress"
    refusal = None
    if run.status == "in_progress" and not can_back and len(run.history) > 1:
        refusal = (
            f"You cannot go back to '{procedure.steps[run.history[boundary - 1]].title}' or earlier: what those steps "
            f"recorded is already saved on the SR. Correct it with a note on the SR, or ask your team leader."
        )
    return can_back, refusal


DISCARDED = "abandoned"
"""A run its caseworker discarded before it recorded anything on an SR (services/run_discard.py). The schema's word;
people are told "discarded" (`status_words`)."""

_STATUS_WORDS = {"in_progress": "in progress", "finished": "finished", DISCARDED: "discarded"}


def status_words(status: str) -> str:
    """A run's status as people read it: "in progress", "finished", "discarded"."""
    return _STATUS_WORDS.get(status, status.replace("_", " "))


def discard_refusal(run: ProcedureRun) -> str | None:
    """Why the run cannot be discarded, or None when it may be: it is in progress and nothing it did is on an SR or
    a case file yet (no step with effects saved, no PDF stored with an answer). Read from the run row alone, so the
    wizard offers Discard exactly when the service would do it."""
    if run.status != "in_progress":
        return "This procedure run is no longer in progress, so there is nothing to discard."
    if run.committed_steps or any(isinstance(v, dict) and "attachment_id" in v for v in run.answers.values()):
        return (
            "This run has already recorded something on an SR, so it cannot be discarded: carry on with it to the "
            "end, or ask your team leader."
        )
    return None


def build(
    run: ProcedureRun,
    procedure: Procedure,
    case: Case,
    sr: ServiceRequest | None,
    *,
    effects: list[Effect],
    ctx: Ctx,
    cms: CmsContext | None = None,
    letters: tuple[LetterLine, ...] = (),
    deadlines: tuple[DeadlineView, ...] = (),
    files: tuple[AttachmentView, ...] = (),
    emails: tuple[EmailView, ...] = (),
    begun_from: BegunFrom | None = None,
    viewer: int | None = None,
) -> RunView:
    state = run.state
    step = run_step(procedure, run)
    answers = run.answers
    recheck_because = tuple(
        procedure.field_index[name].label
        for name in step.depends_on + tuple(f.when[0] for f in step.fields if f.when)
        if name in procedure.field_index and name in run.changed_answers
    )
    step_view = StepView(
        id=state,
        title=step.title,
        guidance=step.guidance,
        checklist=step.checklist,
        checked=tuple(run.checklists.get(state, [])),
        fields=tuple(
            FieldView(
                f.name,
                f.label,
                f.kind,
                f.hint,
                f.options,
                f.required,
                f.when,
                prefill(f, answers, case, ctx.facts),
                f.max_chars,
                tuple(
                    FieldView(c.name, c.label, c.kind, c.hint, c.options, c.required, None, None, c.max_chars)
                    for c in f.columns
                ),
            )
            for f in step.fields
        ),
        final=step.final,
        recheck=state in run.recheck,
        recheck_because=recheck_because,
        who=step.who,
        earlier=tuple(
            (name, answers[name])
            for name in dict.fromkeys(f.when[0] for f in step.fields if f.when)
            if name in answers and name not in {f.name for f in step.fields}
        ),
    )
    boundary = run.committed_steps
    can_back, refusal = back_allowed(run, procedure)
    awaiting = run.pending_step == state
    summary: list[SummaryRow] = []
    if awaiting:
        for index, visited in enumerate(run.history[boundary:], start=boundary):
            visited_step = run_step(procedure, run, visited)
            for item in visited_step.checklist:
                ticked = item in run.checklists.get(visited, [])
                summary.append(
                    SummaryRow(
                        visited,
                        visited_step.title,
                        item,
                        "Checked" if ticked else "Not checked",
                        index > boundary or visited == state,
                    )
                )
            for f in visited_step.visible_fields(answers):
                summary.append(SummaryRow(visited, visited_step.title, f.label, show(answers.get(f.name), f), True))
    return RunView(
        run_id=run.id,
        procedure_id=procedure.id,
        procedure_title=procedure.title,
        procedure_version=procedure.version,
        version=run.version,
        status=run.status,
        step=step_view,
        step_number=len(run.history),
        step_total=len(run.history) + procedure.remaining(state),
        case=CaseBanner.of(case),
        sr_number=sr.number if sr else None,
        history=tuple((s, procedure.steps[s].title) for s in run.history),
        can_go_back=can_back,
        back_refusal=refusal,
        awaiting_confirmation=awaiting,
        summary=tuple(summary),
        cms=cms_lines(effects, cms),
        cms_saved=saved_cms(run.cms_saved),
        letters=letters,
        letters_pending=awaiting and any(isinstance(e, LetterDue) for e in effects),
        creates_sr=awaiting and any(isinstance(e, CreateSR) and e.ref not in run.sr_refs for e in effects),
        deadlines=deadlines,
        files=files,
        emails=emails,
        published=published_reference(procedure.id, state),
        draft=resumable(run),
        mail_notices=not_set_notices(effects) if awaiting else (),
        handed_over=handed_over(procedure, run, sr),
        allocated_to=_someone_elses(allocated_to(procedure, run, sr), viewer),
        warnings=tuple(step.warnings(ctx)) if run.status == "in_progress" else (),
        can_discard=discard_refusal(run) is None,
        begun_from=begun_from,
        dates_set=tuple(d for e in effects for d in e.dates_set()) if awaiting else (),
        deadlines_met=tuple(words for e in effects for words in e.deadlines_met()) if awaiting else (),
        notes=notes_to_add(effects, cms) if awaiting else (),
        told_by_you=tuple(
            dict.fromkeys(procedure.steps[s].told_by_you for s in run.history[:-1] if procedure.steps[s].told_by_you)
        ),
    )
