"""Pieces the SSST court procedures share (P5b county court, P5c commitment, P5d liability order).

The seed writes the same later steps for the county court and commitment routes: the CPO's second
potentially violent (PV) check, the outcome, the case file back to the enforcement case manager
(ECM), closing the SR. They live here once so the two procedures cannot drift apart; each procedure
keeps its own machine, its own steps where the seed words them differently, and its own wording.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import timedelta
from typing import Any

from domain import deadlines, mail
from domain.clock import bank_holiday, format_date, format_uk, is_working_day, uk_local
from domain.reference import SRStatus
from domain.values import FieldError, NotYet, sentence

from .definition import Ctx, Field, FieldCheck, StartSR, Step, next_version_steps
from .effects import ACTOR_NAME, SR_NUMBER, AddNote, CompleteDeadlines, Effect, QueueEmail, SetDue, SetStatus, UpdateSR

Kind = tuple[str, str, str]


def bind_open_sr(kind: Kind) -> Callable[[StartSR], dict[str, int] | str]:
    """A bind_start that accepts only an open SR of `kind`, as the run's "main" SR."""

    def bind(sr: StartSR) -> dict[str, int] | str:
        if sr.status == SRStatus.CLOSED:
            return f"SR {sr.number} is closed; there is nothing left to do on it."
        if not sr.is_(*kind):
            label = " / ".join(p for p in (sr.process, sr.area, sr.sub_area) if p)
            return f"This procedure works on SRs of type {' / '.join(kind)}; SR {sr.number} is {label}."
        return {"main": sr.id}

    return bind


# --- Rules shared by guards and effects ---------------------------------------------------------


def open_sr_already(sr_type: tuple[str, str | None, str | None]) -> Callable[[Ctx], list[str]]:
    """A caution for the step that creates the run's SR when the run was started from the case: the case already
    has an open SR of that type (QA: P5d started from a case whose liability order SR was allocated to the caseworker
    asked for a second one in CMS). Never a refusal: the open one may be for another request."""

    def warnings(ctx: Ctx) -> list[str]:
        if "main" in (ctx.fact("run_sr_refs") or ()):  # started from its SR, or the SR is made already
            return []
        found = [s for s in ctx.fact("open_srs") or () if (s["process"], s["area"], s["sub_area"]) == sr_type]
        if not found:
            return []
        named = ", ".join(_described(s) for s in found)
        kind = sr_type[2] or sr_type[1] or sr_type[0]
        return [
            f"This case already has an open {kind} SR: {named}. If it is the SR for this request, work it from My "
            "work instead and discard this run (Discard this run, under the step): saving this step asks you to create "
            "another one in CMS."
        ]

    return warnings


def _described(sr: dict[str, Any]) -> str:
    """'1-00000073 (Open, Reason Liability Order)': the Reason says which procedure an SR was made for."""
    reason = f", Reason {sr['reason']}" if sr.get("reason") else ""
    return f"{sr['number']} ({sr['status']}{reason})"


def pv_marker_on_record(refusal: str) -> FieldCheck:
    """The rule for a PV check's "Is a PV marker recorded?" (`Field.check`): "No" on a case whose record shows a PV
    marker is refused with `refusal`, as whoever meets the client must be told. It reads only the answer and the
    case's facts, so the question's own page refuses it (services/question_pages.py), and every save again."""

    def check(found: Any, facts: Mapping[str, Any]) -> str | None:
        return refusal if bool(facts.get("potentially_violent")) and found is False else None

    return check


PV_CHECK_AGREES_WITH_THE_CASE = pv_marker_on_record(
    "The case record shows a PV marker. Do the PV check again on the 2012 system: the court presenting officer must "
    "be told."
)
"""P5b's, P5c's and P5d's PV checks (first and second): the CPO must know (as P5e's visiting officer must)."""


HEARING_HELD = "The hearing has taken place"
HEARING_MOVED = "The hearing has moved to another day"
"""The outcome step's answer for a hearing moved before its day (P5b and P5c from version 2, P5d from version 3): taken
at any time, before the hearing's day too, and followed by `NEW_HEARING_TITLE`."""
NEW_HEARING_TITLE = "Record the new hearing date"
IF_MOVED_BY_HAND = (
    "If the hearing has moved, add the new date to the SR Notes and ask your team leader: the hearing date was saved "
    "at an earlier step and cannot be changed here."
)
"""What the outcome's refusal said of a moved hearing before Casework Guide could record one (the versions before)."""
IF_MOVED = f"If the hearing has moved, choose '{HEARING_MOVED}'."


def hearing_has_taken_place(ctx: Ctx, when: Any, field: str = "outcome", *, if_moved: str = IF_MOVED_BY_HAND) -> None:
    """An outcome is recorded only from the hearing's day on, as P5e records a visit only from its day on: the CPO
    reports it after the hearing, and QA recorded one (closing the SR) weeks before the hearing. The day, not the hour:
    a hearing's outcome can come in the same afternoon. Refused at the outcome field, with nothing recorded (NotYet: a
    practice run's calendar moves on to the hearing instead). It never says "go back and change the hearing date":
    every path to the outcome passes the second PV check, which saves, so Back cannot reach the hearing date (QA, 7
    December)."""
    day = uk_local(when).date()
    if day > ctx.today:
        raise NotYet(
            field,
            f"The hearing is on {format_date(day)}. Record the outcome once the hearing has taken place. {if_moved}",
            until=day,
        )


def issued_before_hearing(ctx: Ctx, hearing: Any) -> None:
    """P5c's and P5d's summons issue date: the letter and summons go out before the hearing (the hearing's day at the
    latest). Refused at the issue date's field."""
    hearing_day = uk_local(hearing).date()
    if ctx["summons_issued_on"] > hearing_day:
        raise FieldError(
            "summons_issued_on",
            f"The letter and summons must be issued before the hearing on {format_date(hearing_day)}.",
        )


def second_pv_check_not_due_yet(hearing: Callable[[Ctx], Any]) -> Callable[[Ctx], list[str]]:
    """A caution on the second PV check before the day it is due (`hearing` reads the run's hearing): QA answered it
    the moment the hearing was recorded, weeks before the CPO asks, and nothing said it would be stale by then. Never
    a refusal: the CPO may ask early, and from the due day on nothing is said."""

    def warnings(ctx: Ctx) -> list[str]:
        when = hearing(ctx)
        if when is None:
            return []
        due_day = deadlines.second_pv_check(when, ctx.fact("region")).local.date()
        if due_day <= ctx.today:
            return []
        mark_day = uk_local(when).date() - timedelta(days=2)  # 48 hours before, as the deadline counts it
        why = (  # "48 hours before" of a day brought back from a weekend read as wrong arithmetic (QA, fresh eyes)
            "48 hours before the hearing"
            if due_day == mark_day
            else f"the last working day before {format_date(mark_day)}, 48 hours before the hearing"
        )
        return [
            f"The second PV check is due on {format_date(due_day)}, {why}. The CPO asks for it then: a check done "
            "sooner may be out of date by the hearing, so do it when the CPO asks."
        ]

    return warnings


WHERE_THE_CPO_READS_IT = 'under "What the second PV check showed": the CPO reads it in the email'
"""Where a second PV check's caution asks for what the 2012 system says of a removed marker (P5b, P5c, P5d v2)."""


def second_pv_check_disagrees(first_check: str, where: str = WHERE_THE_CPO_READS_IT) -> Callable[[Ctx], list[str]]:
    """A caution on the second PV check when it answers "no PV marker" and the first check on the same run (the
    step `first_check`, whose answer is "pv_marker") recorded one (QA: the request went to the CPO without a word).

    A caution, not a refusal: a marker can genuinely be removed between the two checks, and a refusal would leave
    that caseworker no way on; the case record's own marker is still refused (`PV_CHECK_AGREES_WITH_THE_CASE`). It
    reads the answers, so it is said once the second check is answered: on "check your answers", before the email to
    the CPO is sent (the step queues an email, so it always waits there), and on the step's page after Change. The
    first check's day comes from the run's record of its save (`steps_saved_on`); runs without it are told without.
    It says what to do either way (QA, fresh eyes: it said only what to write if the marker was removed)."""

    def warnings(ctx: Ctx) -> list[str]:
        if ctx["second_pv_marker"] is not False or ctx["pv_marker"] is not True:
            return []
        saved_on = (ctx.fact("steps_saved_on") or {}).get(first_check)
        when = f", on {format_date(saved_on)}," if saved_on else ""
        return [
            f"The first PV check on this run{when} recorded a PV marker, but this check says there is none. A PV "
            "marker is rarely removed: look at the 2012 system again before you confirm. If the marker is still "
            "there, change this check's answer to Yes. If the marker really has been removed, write what the 2012 "
            f"system says about its removal {where}."
        ]

    return warnings


GIVEN_BY_CPO = "the CPO"  # whom a caseworker checks a hearing date with (P5b, P5c)


def not_a_working_day(*fields: str, given_by: str) -> Callable[[Ctx], list[str]]:
    """A caution when a hearing or appointment typed falls on a weekend or a bank holiday in the case's region: QA
    booked a face to face visit for Christmas Day and nothing was said. Never a refusal: the date is the court's or
    the consultant's, and `given_by` is whom to check it with."""

    def warnings(ctx: Ctx) -> list[str]:
        region = ctx.fact("region")
        cautions = []
        for name in fields:
            when = ctx.get(name)
            if when is None:
                continue
            day = uk_local(when).date()
            if is_working_day(day, region):
                continue
            holiday = bank_holiday(day, region)
            what = f"a bank holiday in {region} ({holiday})" if holiday else f"a {day:%A}"
            cautions.append(
                f"{format_date(day)} is {what}, not a working day. Check the date with {given_by} before you save."
            )
        return cautions

    return warnings


def all_of(*cautions: Callable[[Ctx], list[str]]) -> Callable[[Ctx], list[str]]:
    """One step's `warnings` from several, in order."""
    return lambda ctx: [caution for each in cautions for caution in each(ctx)]


def pv_result(marker: bool, details: str | None) -> str:
    found = "PV marker recorded" if marker else "no PV marker recorded"
    return f"{found}: {details}" if details else found


def cpo_to(ctx: Ctx) -> tuple[str, ...]:
    """The CPO's own address when the caseworker gave it; otherwise the configured CPO mailbox."""
    return (f"{ctx['cpo_name']} <{ctx['cpo_email']}>",) if ctx["cpo_email"] else ()


def second_pv_due(ctx: Ctx, when: Any) -> deadlines.Due:
    """The second PV check's deadline for a hearing at `when`. A hearing recorded less than 48 working hours ahead
    makes a deadline already past: its explanation then says so and what to do (QA, 7 December: it only showed
    OVERDUE the moment it was made)."""
    due = deadlines.second_pv_check(when, ctx.fact("region"))
    if due.local.date() >= ctx.today:
        return due
    late = (
        f" That was already past when the hearing was recorded on {format_date(ctx.today)}: do the second PV check as "
        "soon as the CPO asks for it."
    )
    return replace(due, explanation=due.explanation + late)


def hearing_effects(ctx: Ctx, when: Any) -> list[Effect]:
    """The hearing onto the SR, and its deadlines (hearing; second PV check 48 hours before)."""
    return [
        UpdateSR("main", {"hearing_at": when}),
        SetDue("main", deadlines.hearing(when, ctx["court"])),
        SetDue("main", second_pv_due(ctx, when)),
    ]


def pv_record(ctx: Ctx, check: str, marker: bool, findings: str | None, **second: str) -> tuple[str, dict[str, Any]]:
    """The PV check record (CWGF004) for a bundle or an email, with what the check found as the caseworker typed it
    (QA: the record said only whether a marker is recorded, so the CPO never read what was found)."""
    return (
        "CWGF004",
        {
            "checked_by": ACTOR_NAME,
            "sr_number": SR_NUMBER,
            "scin": ctx.fact("scin"),
            "client_name": ctx.fact("paying_parent"),
            "check": check,
            "pv_marker": marker,
            "pv_findings": findings or "",
            **second,
        },
    )


# --- Effects ---------------------------------------------------------------------------------------


def set_in_progress(ctx: Ctx) -> list[Effect]:
    return [SetStatus("main", SRStatus.IN_PROGRESS, status_given=True)]  # P5b step 4, P5c and P5d step 5, P5e step 2


def second_pv_check(ctx: Ctx, hearing_at: Any) -> list[Effect]:
    """The second PV check emailed to the CPO with the record attached, noted, and its deadline met."""
    marker = bool(ctx["second_pv_marker"])
    result = pv_result(marker, ctx["second_pv_details"])
    draft = mail.second_pv_check(
        scin=ctx.fact("scin"),
        sr_number=SR_NUMBER,
        hearing_at=hearing_at,
        pv_result=result,
        payments=ctx["payments_since"],
        contact=ctx["contact_since"],
    )
    record = pv_record(
        ctx,
        "second",
        marker,
        ctx["second_pv_details"],
        payments_since=ctx["payments_since"],
        contact_since=ctx["contact_since"],
    )
    return [
        QueueEmail("main", draft, to=cpo_to(ctx), documents=(record,)),
        AddNote(
            "main",
            f"Second PV check emailed to the CPO: {result}. Payments since: {sentence(ctx['payments_since'])} "
            f"Contact from the paying parent since: {sentence(ctx['contact_since'])}",
            typed=True,
        ),
        CompleteDeadlines("main", (deadlines.SECOND_PV_CHECK,)),
    ]


def record_outcome(ctx: Ctx) -> list[Effect]:
    pdf = ctx["outcome_pdf"]
    return [
        AddNote("main", f"Outcome from the CPO: {ctx['outcome']} (outcome scanned as {pdf['file_name']}).", typed=True),
        CompleteDeadlines("main", (deadlines.HEARING,)),
    ]


def forward_to_ecm(ctx: Ctx) -> list[Effect]:
    draft = mail.case_file_to_ecm(
        scin=ctx.fact("scin"),
        sr_number=SR_NUMBER,
        outcome=ctx["outcome"],
        next_step="it can be dismantled and further action considered",
        attached=False,  # P5b and P5c keep their bundle with the SR; the caseworker forwards the file itself
    )
    return [
        QueueEmail("main", draft),
        AddNote(
            "main", "Case file forwarded to the enforcement case manager to dismantle and consider further action."
        ),
    ]


# --- Steps ---------------------------------------------------------------------------------------


def an_address(address: Any, _facts: Mapping[str, Any]) -> str | None:
    """`Field.check` of an email address the caseworker typed (optional ones may be left empty): refused, on its own
    page, when mail cannot send to it. Until 7 December 2026 a machine validator, refused only at the step's save."""
    return mail.address_problem(address)


CPO_FIELDS = (
    Field("cpo_name", label="Court presenting officer's name"),
    Field(
        "cpo_email",
        label="Court presenting officer's email address",
        required=False,
        help="Optional. The second PV check goes to this address; without it, to the CPO mailbox.",
        check=an_address,  # on its own page, before P5b's hearing question
    ),
)
"""The CPO's name and (optional) own address: the second PV check goes to `cpo_to`."""


SECOND_PV_DETAILS = Field(
    "second_pv_details", label="What the second PV check showed", kind="long_text", required=False
)
"""What a second PV check found, in the caseworker's words: onto the CWGF004 second-check record and into the email to
the CPO (P5b, P5c, and P5d from its version 2)."""


def set_in_progress_step(guidance: str = "In the SR for this request, update the Status to In Progress.") -> Step:
    return Step(
        title="Set the SR In Progress",
        guidance=guidance,
        checklist=("SR Status set to In Progress",),
        effects=set_in_progress,
    )


def second_pv_check_step(
    effects: Callable[[Ctx], list[Effect]],
    depends_on: tuple[str, ...],
    hearing: Callable[[Ctx], Any],
    first_check: str,
) -> Step:
    """The second PV check, cautioned when it is early and when it disagrees with the first check (step
    `first_check`)."""
    return Step(
        title="Second PV check",
        guidance=(
            "48 hours before the hearing the CPO asks for a second PV check on the 2012 system, and whether the "
            "paying parent has made any payments or been in contact since. Check and answer: Casework Guide "
            "emails the CPO with a read receipt and gives you a task to phone them to follow it up."
        ),
        checklist=("PV check done on the 2012 system", "Payments and contact since the referral checked"),
        fields=(
            Field(
                "second_pv_marker",
                label="Is a PV marker recorded against the client now?",
                kind="yes_no",
                check=PV_CHECK_AGREES_WITH_THE_CASE,
            ),
            SECOND_PV_DETAILS,
            Field(
                "payments_since",
                label="Payments made since the referral",
                kind="long_text",
                help="Write 'None' if none.",
            ),
            Field(
                "contact_since",
                label="Contact from the paying parent since the referral",
                kind="long_text",
                help="Write 'None' if none.",
            ),
        ),
        depends_on=depends_on,
        effects=effects,
        warnings=all_of(second_pv_check_not_due_yet(hearing), second_pv_check_disagrees(first_check)),
    )


def record_outcome_moved(ctx: Ctx) -> list[Effect]:
    """P5b's and P5c's outcome from version 2: a moved hearing records nothing yet (its new date is the next step's,
    and with nothing saved the caseworker can still go Back to this answer if it was chosen by mistake)."""
    return [] if ctx["hearing_result"] == HEARING_MOVED else record_outcome(ctx)


def hearing_moved(ctx: Ctx, when: Any, court: str) -> list[Effect]:
    """A hearing moved before its day, or adjourned (P5d): the SR's hearing date (a suggested CMS line: the seed names
    no SR update for it) and the hearing deadline move to `when`, and the second PV check, met before the outcome, is
    due again 48 hours before it. The hearing deadline is always open here (only an outcome that ends the hearing
    meets it), so check your answers says it is moved, never added."""
    return [
        UpdateSR("main", {"hearing_at": when}),
        SetDue("main", deadlines.hearing(when, court), moves=True),
        SetDue("main", second_pv_due(ctx, when)),
    ]


def moved_note(court: str, when: Any) -> AddNote:
    """The SR note of a hearing moved before its day, in the words of P5d's adjourned hearing's."""
    return AddNote(
        "main",
        f"Hearing moved to another day before it took place: the new hearing is at {court}, {format_uk(when)}. The "
        "second PV check is due again 48 hours before it.",
        typed=True,  # the court, as typed
    )


def _moved_hearing(ctx: Ctx) -> list[Effect]:
    when = ctx["moved_hearing_at"]
    return [*hearing_moved(ctx, when, ctx["court"]), moved_note(ctx["court"], when)]


NEW_HEARING_GUIDANCE = (
    "The hearing has moved to another day before it took place. Record the new date and time the CPO or the court "
    "presenting team gives: the SR's hearing date and the hearing deadline move to it, and the second PV check is due "
    "again 48 hours before it. The procedure then goes back to the second PV check and waits for the new day before "
    "the outcome can be recorded. If the new date is not known yet, come back when it is: Carry on in My work, under "
    "Procedures in progress, brings you back here."
)


def new_hearing_step() -> Step:
    """P5b's and P5c's new hearing date after a move (version 2), checked as the first date is."""
    return Step(
        title=NEW_HEARING_TITLE,
        guidance=NEW_HEARING_GUIDANCE,
        fields=(
            Field(
                "moved_hearing_at",
                label="New hearing date and time",
                kind="datetime",
                min_date="today",
                help="UK time.",
            ),
        ),
        depends_on=("court",),
        warnings=not_a_working_day("moved_hearing_at", given_by=GIVEN_BY_CPO),
        effects=_moved_hearing,
    )


def record_outcome_step_moved(guidance: str) -> Step:
    """`record_outcome_step` with its first question whether the hearing took place or moved (version 2)."""
    first = record_outcome_step(guidance)
    return Step(
        title=first.title,
        guidance=(
            f"{guidance} If the hearing has moved to another day, say so here at any time, before its day too: next "
            "you record the new date."
        ),
        fields=(
            Field("hearing_result", label="What happened?", kind="choice", options=(HEARING_HELD, HEARING_MOVED)),
            *(replace(f, when=("hearing_result", HEARING_HELD)) for f in first.fields),
        ),
        effects=record_outcome_moved,
    )


def record_outcome_step(guidance: str) -> Step:
    return Step(
        title="Record the outcome",
        guidance=guidance,
        fields=(
            Field("outcome", label="Outcome of the hearing", kind="long_text"),
            Field("outcome_pdf", label="Outcome document", kind="pdf", help="A PDF file, as scanned."),
        ),
        effects=record_outcome,
    )


FORWARD_TO_ECM = Step(
    title="Forward the case file to the ECM",
    guidance=(
        "Forward the case file to the enforcement case manager so it can be dismantled and further action "
        "considered. Casework Guide emails the ECM with the outcome and gives you a follow-up call task."
    ),
    checklist=("Case file forwarded to the enforcement case manager",),
    depends_on=("outcome",),
    effects=forward_to_ecm,
)


def with_moved_hearing(steps: Mapping[str, Step], outcome_guidance: str) -> dict[str, Step]:
    """A county court procedure's steps (P5b, P5c) for the version that takes a hearing moved before its day: the
    outcome step asks whether it moved, the new hearing date follows it, and the second PV check is asked again for
    the new day (it depends on the moved date). The steps' order is kept: the wizard and the task list read it."""
    changed = {
        "second_pv_check": replace(
            steps["second_pv_check"],
            depends_on=(*steps["second_pv_check"].depends_on, "moved_hearing_at"),
        ),
        "record_outcome": record_outcome_step_moved(outcome_guidance),
    }
    return next_version_steps(
        steps, {**changed, "new_hearing": new_hearing_step()}, adds="new_hearing", after="record_outcome"
    )
