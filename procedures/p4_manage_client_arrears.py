"""P4 Manage Client Arrears Contact, CSA scheme (seed 003).

A CSA caseworker takes a case whose CSA liability has ended to a stable arrears balance, asks the
receiving parent whether to pursue it, handles a write-off (with its 30-day window), calls about
the options and disputes from the paying parent, then sends the outcome for financial transition
and tells both parents the case closure is complete. Our reading of the seed, where it is silent:

- A run starts only when CSA liability has ended and financial transition is not yet complete (once
  the arrears are held on CMS, a balance query belongs to "Offline Calculation - Perform"). Facts are
  read fresh at every step, so the first step also refuses to continue if liability is found not to
  have ended.
- The run records its work on an SR "Arrears / CSA Arrears / Manage Client Arrears" (our inferred
  catalogue entry), In Progress from the first step, with an activity plan marked Done as the work is
  done, and Closed / Complete (Resolution Code "Completed") when the closure letters are recorded.
- The caseworker confirms the stable balance after the cleanse (prefilled from the case record). The
  part owed to the Secretary of State is read from the case record, never typed: it is not the
  receiving parent's to give up. The stable balance includes it, so it cannot be less.
- Secretary of State arrears over £65.00 are never written off (domain.arrears). A write-off may include them only
  when they are £65.00 or less; otherwise the most the receiving parent can write off is the stable
  balance less the Secretary of State arrears. We do not write off small Secretary of State arrears
  of our own accord when the receiving parent asks for the arrears to be pursued.
- Periods are counted in calendar days from the date printed on the letter: after a write-off the
  paying parent has 30 days to make representations and the receiving parent 30 days to change the
  decision (the seed's 30 days, domain.deadlines.period_end). The seed gives no period to reply to the
  stable balance letter: the
  reply date uses a local value, domain.local_values.REPLY_PERIOD_DAYS (30, unconfirmed), and every
  place that shows it says it is local. When the 30th day
  is not a working day in the case's region, the period ends on the next working day, so a client is
  never given less. "No response" and "no representations or change" can be recorded only once the
  period has ended; representations or a changed decision can be recorded as soon as they arrive.
- Both parents have the whole 30 days, so nothing the caseworker records during them lets the run record the
  outcome before they end: the paying parent's representations are considered and recorded, and a receiving
  parent who withdraws the write-off is recorded, but the run then goes back to wait for the rest of the 30 days
  (the receiving parent may still change their decision; the paying parent may still make representations).
  The outcome is recorded only once the 30 days have ended. The end of the 30 days is marked met only then;
  a new write-off within them moves it to the new letters' 30 days.
- Every letter date is typed by the caseworker (up to 14 days back for a letter already sent, or up
  to 14 days ahead when it will be posted later), and each letter is recorded as due with its values.
- A dispute from the paying parent can arrive at any time before the outcome is recorded: while the
  reply is awaited, during the 30 days after a write-off (which go on), or after the decision (asked
  at "Record the outcome"). The explanation is recorded and, if asked for, an account breakdown
  letter is due; the run then goes back to the step it came from.
- "Sent automatically to the Child Maintenance Group": the CSA systems send the outcome, so the step
  is a check that it went (or went to NICMS), never a step that sends it.
  A dispute that shows the balance is wrong is corrected through the cleanse, outside this procedure.
- Nationally sensitive cases go by offline report whatever the region; otherwise Northern Ireland
  cases go to NICMS and all others to CMG.
- Amount transitioned = stable balance - amount written off (nothing is written off when the
  receiving parent pursues the arrears, does not reply, or withdraws the write-off in the 30 days).

Letter codes and context fields are constants below, so the letters branch can align its templates.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from statemachine import State, StateMachine

from domain import deadlines, reference
from domain.arrears import SOS_LIMIT_SHOWN, SOS_WRITE_OFF_LIMIT, max_write_off
from domain.clock import format_date
from domain.deadlines import period_end
from domain.local_values import REPLY_PERIOD_DAYS, REPLY_PERIOD_NOTE
from domain.reference import SRStatus, SubStatus
from domain.values import FieldError, NotYet, format_money, sentence

from .definition import Ctx, Field, Procedure, Step, at_time
from .effects import (
    AddDeadline,
    AddNote,
    CompleteDeadlines,
    CreateSR,
    Effect,
    LetterDue,
    MarkActivityDone,
    SetDue,
    SetStatus,
)

# --- Letters ------------------------------------------------------------------------------------------
# The templates and their fields are in letters/catalogue.py; each LetterDue's context is checked against
# them when the step is saved. Every context has the letter head: letter_date, recipient_name,
# recipient_address, scin. Money is Decimal, dates are date.

STABLE_BALANCE = "CWGL010"
"""To the receiving parent: the stable balance; do they want it collected? arrears_balance, balance_date,
reply_by, sos_arrears."""

WRITE_OFF_CONFIRMATION = {"receiving_parent": "CWGL011", "paying_parent": "CWGL012"}
"""To each parent: the write-off confirmed. write_off ("all"/"part"), amount_written_off,
amount_remaining, sos_arrears, representations_end (the end of the 30 days as this product counts it)."""

ACCOUNT_BREAKDOWN = "CWGF015"
"""To the paying parent who disputes the balance: arrears_balance (the confirmed stable balance, as in the other
letters) and periods (period_start, period_end, amount_due, amount_paid) from the case record, which must leave
that same balance owed: a breakdown that contradicts the balance is refused, never sent."""

CASE_CLOSURE = {"receiving_parent": "CWGL013", "paying_parent": "CWGL014"}
"""To each parent: case closure complete. outcome, amount_written_off, amount_transitioned, sos_arrears (the part
of the amount transitioned owed to the Secretary of State, which is not collected for the receiving parent)."""

# --- Rules as data ----------------------------------------------------------------------------------------

LETTER_DATE_MAX_AHEAD = 14  # days: a letter may be dated for the day it will be posted
LETTER_DATE_MAX_BEHIND = 14  # days: a letter already sent may be recorded with the date it went
ZERO = Decimal("0.00")
REPLY_DEADLINE = deadlines.RECEIVING_PARENT_REPLY  # deadline kinds on the SR, marked met when the wait is over
WINDOW_DEADLINE = deadlines.REPRESENTATIONS_END

SR_VALUES = reference.sr_type("sr.manage_client_arrears")
ACTIVITIES = (
    reference.value("activity.issue_stable_balance_letter"),
    reference.value("activity.record_the_outcome"),
    reference.value("activity.check_outcome_went_for_transition"),
    reference.value("activity.issue_case_closure_letters"),
)

# await_response
PURSUE = "Receiving parent wants the arrears pursued"
WRITE_OFF = "Receiving parent wants some or all of the arrears written off"
OPTIONS_CALL = "Receiving parent called to discuss the options"
DISPUTE = "Paying parent disputes the arrears balance"
NO_RESPONSE = "No response from the receiving parent by the reply date"
RESPONSES = (PURSUE, WRITE_OFF, OPTIONS_CALL, DISPUTE, NO_RESPONSE)

# explain_options
DECIDE_PURSUE = "Pursue the arrears"
DECIDE_WRITE_OFF = "Write off some or all of the arrears"
DECIDE_LATER = "Still deciding: wait for their reply"
OPTION_DECISIONS = (DECIDE_PURSUE, DECIDE_WRITE_OFF, DECIDE_LATER)

# after_window
NO_CHANGE = "Nothing (more) to record: no representations and no change to the decision"
REPRESENTATIONS = "Paying parent made representations"
DECISION_CHANGED = "Receiving parent changed the decision"
WINDOW_DISPUTE = "Paying parent disputes the arrears balance (the 30 days go on)"
WINDOW_OUTCOMES = (NO_CHANGE, REPRESENTATIONS, DECISION_CHANGED, WINDOW_DISPUTE)
WRITE_OFF_STANDS = (NO_CHANGE, REPRESENTATIONS)

# decision_changed
NOW_PURSUE = "Pursue all the arrears: nothing written off"
NEW_AMOUNT = "Write off a different amount"
CHANGED_DECISIONS = (NOW_PURSUE, NEW_AMOUNT)


# --- Figures, as pure functions of the context -------------------------------------------------------------


def sos_arrears(ctx: Ctx) -> Decimal:
    """Arrears owed to the Secretary of State, from the case record."""
    value = ctx.fact("sos_arrears")
    return ZERO if value is None else Decimal(value)


def balance_cautions(ctx: Ctx) -> list[str]:
    """Our caution, not the seed's (seed 003 gives no check on the stable balance and no margin): a balance of £0.00,
    or one that differs from the case record's arrears balance by any amount, is said before it is saved, since
    every letter and the write-off limits are worked out from it (QA: £0.00 was taken without a word, and CWGL010
    would have asked the receiving parent whether to collect £0.00). Never a refusal: the cleanse may rightly move
    the balance, or leave nothing owed."""
    balance = ctx.get("stable_balance")
    if balance is None:
        return []
    recorded = ctx.fact("arrears_balance")
    recorded = None if recorded is None else Decimal(recorded)
    check = "Check the balance the cleanse left on CSCS or CS2 and that it was typed as shown there"
    if balance == ZERO:
        on_record = f" (the case record shows {format_money(recorded)})" if recorded else ""
        return [
            f"The stable arrears balance is £0.00{on_record}: the letter to the receiving parent would ask whether "
            f"to pursue £0.00 of arrears. {check}."
        ]
    if recorded is None or balance == recorded:
        return []
    gap = abs(balance - recorded)
    more_or_less = "more" if balance > recorded else "less"
    return [
        f"The stable arrears balance of {format_money(balance)} is {format_money(gap)} {more_or_less} than the "
        f"arrears balance on the case record ({format_money(recorded)}). {check}; if the cleanse changed the "
        'balance, say how under "What the cleanse changed".'
    ]


def written_off(ctx: Ctx) -> Decimal:
    """The write-off that stands at the end: only when the last 30-day window closed without a change.

    Safe against answers left behind by Back: `window_outcome` exists only once a write-off has been
    recorded (and can then no longer be undone), and its latest value decides the path from the last
    window to the outcome; `write_off_amount` is then the amount in the latest confirmation letters.
    """
    if ctx["window_outcome"] in WRITE_OFF_STANDS and not write_off_withdrawn(ctx):
        return Decimal(ctx["write_off_amount"])
    return ZERO


def _since_last_write_off(ctx: Ctx) -> tuple[str, ...]:
    """The steps the run has been at since the latest write-off was recorded (none before a write-off)."""
    history = tuple(ctx.fact("run_history") or ())
    if "write_off" not in history:
        return ()
    return history[len(history) - history[::-1].index("write_off") :]


def write_off_withdrawn(ctx: Ctx) -> bool:
    """The receiving parent withdrew the latest write-off within its 30 days (they now want it all pursued).

    A changed decision to write off a different amount leads to a new write-off, so a visit to the changed
    decision step after the latest write-off can only have been a withdrawal (or is being answered now).
    """
    return "decision_changed" in _since_last_write_off(ctx) and ctx["changed_decision"] == NOW_PURSUE


def representations_considered(ctx: Ctx) -> bool:
    """The paying parent's representations were recorded within the latest 30 days."""
    return "representations" in _since_last_write_off(ctx) or ctx["window_outcome"] == REPRESENTATIONS


def window_end(ctx: Ctx) -> tuple[date, str]:
    """The end of the latest write-off's 30 days, with the sentence that explains it."""
    return period_end(ctx["write_off_letter_date"], ctx.fact("region"))


def closure_outcome(ctx: Ctx) -> str:
    """The closure letters' outcome (letters.catalogue OUTCOMES): what happened to the arrears in the end."""
    amount = written_off(ctx)
    if amount > ZERO:
        return "all_written_off" if amount == Decimal(ctx["stable_balance"]) else "part_written_off"
    return "no_response" if ctx["response"] == NO_RESPONSE else "pursue_all"


def transitioned(ctx: Ctx) -> Decimal:
    return Decimal(ctx["stable_balance"]) - written_off(ctx)


def sos_transitioned(ctx: Ctx) -> Decimal:
    """The part of the amount transitioned owed to the Secretary of State: never collected for the receiving parent.

    Over £65.00 it is all kept, so all of it transitions. At £65.00 or less a write-off may include it; the seed
    does not say which part a write-off comes from, so the letters never count more of the amount transitioned as
    the receiving parent's than can be: all the Secretary of State arrears still in it, up to the whole amount.
    """
    return min(sos_arrears(ctx), transitioned(ctx))


def dispute_came_from(ctx: Ctx) -> str | None:
    """The step the run was at when the paying parent's dispute came in: the dispute step goes back there."""
    history = tuple(ctx.fact("run_history") or ())
    return history[-2] if len(history) >= 2 and history[-1] == "paying_parent_dispute" else None


def breakdown_periods(ctx: Ctx) -> list[dict[str, Any]]:
    """The account breakdown's periods, from the case record."""
    return [
        {
            "period_start": p["start"],
            "period_end": p["end"],
            "amount_due": Decimal(p["due"]),
            "amount_paid": Decimal(p["paid"]),
        }
        for p in ctx.fact("arrears_periods") or []
    ]


def reply_date(ctx: Ctx) -> tuple[date, str]:
    """The stable balance letter's reply-by date: a local period (domain.local_values), said to be one."""
    end, explanation = period_end(ctx["letter_date"], ctx.fact("region"), REPLY_PERIOD_DAYS)
    return end, f"{explanation} {REPLY_PERIOD_NOTE}"


def _addressed(ctx: Ctx, role: str, letter_date: date) -> dict[str, Any]:
    return {
        "recipient_name": ctx.fact(role),
        "recipient_address": ctx.fact(f"{role}_address"),
        "scin": ctx.fact("scin"),
        "letter_date": letter_date,
    }


def _basis(ctx: Ctx) -> str:
    """Why the amount transitioned is what it is, for the SR notes."""
    if written_off(ctx) > ZERO:
        how = "representations considered" if representations_considered(ctx) else "no representations or change"
        return f"write-off of {format_money(written_off(ctx))} stands after the 30 days ({how})"
    if ctx["window_outcome"] == DECISION_CHANGED or write_off_withdrawn(ctx):
        return "the receiving parent withdrew the write-off within the 30 days; the arrears are pursued"
    if ctx["response"] == NO_RESPONSE:
        return "no response from the receiving parent; the full arrears transition"
    return "the receiving parent wants the arrears pursued"


def _nothing_written_off(ctx: Ctx) -> str:
    """What to do when the receiving parent wants nothing written off after all. Back is offered only when the step
    before saved nothing (QA: after the options call, whose note is on the SR, the message said to go back)."""
    history = tuple(ctx.fact("run_history") or ())
    came_from = history[-2] if len(history) >= 2 and history[-1] == "write_off" else None
    if came_from is None or came_from == "await_response":
        return (
            "If the receiving parent wants nothing written off, go back and record that they want the arrears pursued."
        )
    return (
        f"The decision to write off was saved at '{STEPS[came_from].title}' and cannot be changed here: if the "
        "receiving parent now wants nothing written off, note it on the SR and ask your team leader."
    )


# --- The machine ---------------------------------------------------------------------------------------


class P4Machine(StateMachine):
    """States are the steps; guards are the seed's rules; validators refuse what the rules forbid."""

    confirm_balance = State("Confirm the stable arrears balance", initial=True)
    stable_balance_letter = State("Write to the receiving parent about the balance")
    await_response = State("Record what happened after the letter")
    explain_options = State("Explain the options to the receiving parent")
    paying_parent_dispute = State("Answer the paying parent's dispute")
    pursue = State("Record that the arrears are pursued")
    no_response = State("No response: the full arrears transition")
    write_off = State("Record the write-off and write to both parents")
    after_window = State("After the 30 days: record what happened")
    representations = State("Record the paying parent's representations")
    decision_changed = State("Record the receiving parent's changed decision")
    record_outcome = State("Record the outcome on the CSA systems")
    send_to_cmg = State("Check the outcome went to CMG for financial transition")
    send_to_nicms = State("Check the outcome went to NICMS for financial transition")
    offline_report = State("Issue the figures by offline report")
    closure_letters = State("Tell both parents the case closure is complete")
    done = State("Finished", final=True)

    proceed = (
        confirm_balance.to(stable_balance_letter, validators=["liability_has_ended", "balance_covers_sos_arrears"])
        | stable_balance_letter.to(await_response)
        | await_response.to(no_response, cond="no_reply", validators="reply_date_has_passed")
        | await_response.to(pursue, cond="wants_arrears_pursued")
        | await_response.to(write_off, cond="wants_write_off")
        | await_response.to(explain_options, cond="called_about_options")
        | await_response.to(paying_parent_dispute, cond="paying_parent_disputes")
        | explain_options.to(pursue, cond="decided_to_pursue")
        | explain_options.to(write_off, cond="decided_to_write_off")
        | explain_options.to(await_response)
        | paying_parent_dispute.to(
            after_window, cond="dispute_came_in_the_30_days", validators="breakdown_agrees_with_the_balance"
        )
        | paying_parent_dispute.to(
            record_outcome, cond="dispute_came_after_the_decision", validators="breakdown_agrees_with_the_balance"
        )
        | paying_parent_dispute.to(await_response, validators="breakdown_agrees_with_the_balance")
        | pursue.to(record_outcome)
        | no_response.to(record_outcome)
        | write_off.to(after_window, validators="write_off_within_rules")
        | after_window.to(record_outcome, cond="write_off_unchanged", validators="window_has_ended")
        | after_window.to(representations, cond="representations_made")
        | after_window.to(paying_parent_dispute, cond="disputed_in_the_30_days")
        | after_window.to(decision_changed)
        | representations.to(after_window, cond="thirty_days_still_open")
        | representations.to(record_outcome)
        | decision_changed.to(write_off, cond="wants_different_write_off")
        | decision_changed.to(after_window, cond="thirty_days_still_open")
        | decision_changed.to(record_outcome)
        | record_outcome.to(paying_parent_dispute, cond="dispute_to_answer_first")
        | record_outcome.to(offline_report, cond="nationally_sensitive")
        | record_outcome.to(send_to_nicms, cond="in_northern_ireland")
        | record_outcome.to(send_to_cmg)
        | send_to_cmg.to(closure_letters)
        | send_to_nicms.to(closure_letters)
        | offline_report.to(closure_letters)
        | closure_letters.to(done)
    )

    # Guards: questions about the answers and the case.
    def no_reply(self, ctx: Ctx) -> bool:
        return bool(ctx["response"] == NO_RESPONSE)

    def wants_arrears_pursued(self, ctx: Ctx) -> bool:
        return bool(ctx["response"] == PURSUE)

    def wants_write_off(self, ctx: Ctx) -> bool:
        return bool(ctx["response"] == WRITE_OFF)

    def called_about_options(self, ctx: Ctx) -> bool:
        return bool(ctx["response"] == OPTIONS_CALL)

    def paying_parent_disputes(self, ctx: Ctx) -> bool:
        return bool(ctx["response"] == DISPUTE)

    def decided_to_pursue(self, ctx: Ctx) -> bool:
        return bool(ctx["options_decision"] == DECIDE_PURSUE)

    def decided_to_write_off(self, ctx: Ctx) -> bool:
        return bool(ctx["options_decision"] == DECIDE_WRITE_OFF)

    def write_off_unchanged(self, ctx: Ctx) -> bool:
        return bool(ctx["window_outcome"] == NO_CHANGE)

    def representations_made(self, ctx: Ctx) -> bool:
        return bool(ctx["window_outcome"] == REPRESENTATIONS)

    def wants_different_write_off(self, ctx: Ctx) -> bool:
        return bool(ctx["changed_decision"] == NEW_AMOUNT)

    def thirty_days_still_open(self, ctx: Ctx) -> bool:
        end, _ = window_end(ctx)
        return ctx.today <= end

    def disputed_in_the_30_days(self, ctx: Ctx) -> bool:
        return bool(ctx["window_outcome"] == WINDOW_DISPUTE)

    def dispute_to_answer_first(self, ctx: Ctx) -> bool:
        return bool(ctx["dispute_before_outcome"])

    def dispute_came_in_the_30_days(self, ctx: Ctx) -> bool:
        return dispute_came_from(ctx) == "after_window"

    def dispute_came_after_the_decision(self, ctx: Ctx) -> bool:
        return dispute_came_from(ctx) == "record_outcome"

    def nationally_sensitive(self, ctx: Ctx) -> bool:
        return bool(ctx.fact("nationally_sensitive"))

    def in_northern_ireland(self, ctx: Ctx) -> bool:
        return bool(ctx.fact("region") == "Northern Ireland")

    # Validators: each raises FieldError naming the input the caseworker must change.
    def liability_has_ended(self, ctx: Ctx) -> None:
        if not ctx.fact("csa_liability_ended"):
            raise FieldError(
                "_checklist",
                "CSA scheme liability has not ended on this case, so its arrears cannot be settled for "
                "closure yet. End the liability first.",
            )

    def balance_covers_sos_arrears(self, ctx: Ctx) -> None:
        sos = sos_arrears(ctx)
        if ctx["stable_balance"] < sos:
            raise FieldError(
                "stable_balance",
                f"The stable balance cannot be less than the {format_money(sos)} owed to the Secretary of "
                "State on the case record, because it includes that amount.",
            )

    def reply_date_has_passed(self, ctx: Ctx) -> None:
        if ctx["response"] != NO_RESPONSE:
            return
        reply_by, _ = reply_date(ctx)
        if ctx.today <= reply_by:
            raise FieldError(
                "response",
                f"The receiving parent has until {format_date(reply_by)} to reply. Record no response "
                "only after that date.",
            )

    def write_off_within_rules(self, ctx: Ctx) -> None:
        amount: Decimal = ctx["write_off_amount"]
        balance: Decimal = ctx["stable_balance"]
        sos = sos_arrears(ctx)
        if amount <= ZERO:
            raise FieldError("write_off_amount", f"Enter an amount more than £0.00. {_nothing_written_off(ctx)}")
        if amount > balance:
            raise FieldError(
                "write_off_amount",
                f"The write-off cannot be more than the stable arrears balance of {format_money(balance)}.",
            )
        if amount > max_write_off(balance, sos):
            raise FieldError(
                "write_off_amount",
                f"{format_money(sos)} of the arrears is owed to the Secretary of State. Secretary of State "
                f"arrears over {format_money(SOS_WRITE_OFF_LIMIT)} are never written off, so the most the "
                f"receiving parent can write off is {format_money(max_write_off(balance, sos))}.",
            )

    def breakdown_agrees_with_the_balance(self, ctx: Ctx) -> None:
        if not ctx["breakdown_requested"]:
            return
        periods = breakdown_periods(ctx)
        if not periods:
            raise FieldError(
                "breakdown_requested",
                "The case record has no arrears periods, so there is no breakdown to send. Explain the balance "
                "instead, and answer No here.",
            )
        left = sum((p["amount_due"] - p["amount_paid"] for p in periods), ZERO)
        balance = Decimal(ctx["stable_balance"])
        if left != balance:
            raise FieldError(
                "breakdown_requested",
                f"The arrears periods on the case record leave {format_money(left)} owed, but the stable arrears "
                f"balance confirmed for this case is {format_money(balance)}. A breakdown that does not match the "
                "balance in the other letters cannot be sent: have the arrears periods corrected through the "
                "cleanse first, or answer No and explain the balance.",
            )

    def window_has_ended(self, ctx: Ctx) -> None:
        if ctx["window_outcome"] != NO_CHANGE:
            return
        end, _ = window_end(ctx)
        if ctx.today <= end:  # NotYet: a practice run's calendar moves on to the day after, a real run waits
            raise NotYet(
                "window_outcome",
                f"The 30 days end on {format_date(end)}. Record that nothing changed only after that date; "
                "representations or a changed decision can be recorded now.",
                until=end + timedelta(days=1),
            )


# --- Effects -------------------------------------------------------------------------------------------


def _open_sr(ctx: Ctx) -> list[Effect]:
    balance, sos = ctx["stable_balance"], sos_arrears(ctx)
    cleanse = f" Cleanse: {ctx['cleanse_summary']}" if ctx["cleanse_summary"] else ""
    return [
        CreateSR("main", *SR_VALUES, status=SRStatus.IN_PROGRESS, activities=ACTIVITIES, status_given=False),
        AddNote(
            "main",
            f"CSA liability ended; cleanse actions complete. Stable arrears balance {format_money(balance)}, "
            f"of which {format_money(sos)} is owed to the Secretary of State.{cleanse}",
            typed=bool(cleanse),
        ),
    ]


def _stable_balance_letter(ctx: Ctx) -> list[Effect]:
    balance, sos, letter_date = ctx["stable_balance"], sos_arrears(ctx), ctx["letter_date"]
    reply_by, explanation = reply_date(ctx)
    return [
        LetterDue(
            "main",
            STABLE_BALANCE,
            "receiving_parent",
            {
                **_addressed(ctx, "receiving_parent", letter_date),
                "arrears_balance": balance,
                # The balance as confirmed when this letter is recorded, or on the letter's own date for a letter
                # already sent: a letter dated 25 November said "on 7 December the other parent owed" (QA).
                "balance_date": min(ctx.today, letter_date),
                "sos_arrears": sos,
                "reply_by": reply_by,
            },
        ),
        AddDeadline("main", REPLY_DEADLINE, at_time(reply_by, 17), f"Reply by {explanation}"),
        MarkActivityDone("main", ACTIVITIES[0]),
        AddNote(
            "main",
            f"Stable balance letter dated {format_date(letter_date)} to the receiving parent asking whether they "
            f"want the arrears of {format_money(balance)} pursued; reply by {format_date(reply_by)}.",
        ),
    ]


def _explain_options(ctx: Ctx) -> list[Effect]:
    text = f"Receiving parent called about the arrears options. Explained: {ctx['options_explained']}"
    return [
        AddNote("main", f"{text} Decision: {ctx['options_decision']}.", typed=True),
        AddNote("main", text, kind="contact", typed=True),
    ]


def _dispute(ctx: Ctx) -> list[Effect]:
    effects: list[Effect] = [
        AddNote(
            "main",
            f"Paying parent disputes the arrears balance. Explanation given: {ctx['dispute_explanation']}",
            typed=True,
        ),
        AddNote(
            "main",
            f"Paying parent disputed the arrears balance; explained: {ctx['dispute_explanation']}",
            kind="contact",
            typed=True,
        ),
    ]
    if ctx["breakdown_requested"]:
        letter_date = ctx["breakdown_letter_date"]
        values = {"arrears_balance": ctx["stable_balance"], "periods": breakdown_periods(ctx)}
        effects.append(
            LetterDue(
                "main", ACCOUNT_BREAKDOWN, "paying_parent", {**_addressed(ctx, "paying_parent", letter_date), **values}
            )
        )
        effects.append(
            AddNote("main", f"Account breakdown letter dated {format_date(letter_date)} to the paying parent.")
        )
    return effects


def _pursue(ctx: Ctx) -> list[Effect]:
    return [
        CompleteDeadlines("main", (REPLY_DEADLINE,)),
        AddNote(
            "main",
            f"Receiving parent wants the arrears pursued: the full {format_money(ctx['stable_balance'])} will "
            "transition to CMS.",
        ),
    ]


def _no_response(ctx: Ctx) -> list[Effect]:
    reply_by, _ = reply_date(ctx)
    return [
        CompleteDeadlines("main", (REPLY_DEADLINE,)),
        AddNote(
            "main",
            f"No response from the receiving parent by {format_date(reply_by)}: the full arrears of "
            f"{format_money(ctx['stable_balance'])} will transition to CMS.",
        ),
    ]


def _write_off(ctx: Ctx) -> list[Effect]:
    amount, balance, letter_date = ctx["write_off_amount"], ctx["stable_balance"], ctx["write_off_letter_date"]
    end, explanation = window_end(ctx)
    sos = sos_arrears(ctx)
    values = {
        "write_off": "all" if amount == max_write_off(balance, sos) else "part",
        "amount_written_off": amount,
        "amount_remaining": balance - amount,
        "sos_arrears": sos,
        "representations_end": end,
    }
    return [
        *(
            LetterDue("main", code, role, {**_addressed(ctx, role, letter_date), **values})
            for role, code in WRITE_OFF_CONFIRMATION.items()
        ),
        CompleteDeadlines("main", (REPLY_DEADLINE,)),  # the receiving parent has replied
        # a new write-off within the 30 days moves them to the new letters' 30 days: the old end was not met
        SetDue("main", deadlines.Due(WINDOW_DEADLINE, at_time(end, 17), explanation)),
        AddNote(
            "main",
            f"Receiving parent writes off {format_money(amount)} of {format_money(balance)}; "
            f"{format_money(balance - amount)} to transition. Confirmation letters dated {format_date(letter_date)} "
            f"to both parents; representations or a change of decision by {format_date(end)}.",
        ),
    ]


def _representations(ctx: Ctx) -> list[Effect]:
    return [
        AddNote(
            "main",
            f"Paying parent's representations: {sentence(ctx['representations_summary'])} "
            f"Considered: {ctx['representations_response']}",
            typed=True,
        )
    ]


def _decision_changed(ctx: Ctx) -> list[Effect]:
    return [
        AddNote(
            "main",
            f"Receiving parent changed the decision within the 30 days: {ctx['changed_decision']}. "
            f"{ctx['change_details']}",
            typed=bool(ctx["change_details"]),
        )
    ]


def _record_outcome(ctx: Ctx) -> list[Effect]:
    if ctx["dispute_before_outcome"]:
        return []  # the dispute is answered first; the outcome is recorded when the run comes back here
    return [
        CompleteDeadlines("main", (REPLY_DEADLINE, WINDOW_DEADLINE)),
        AddNote(
            "main",
            f"Outcome recorded on the CSA systems: stable balance {format_money(ctx['stable_balance'])}; "
            f"written off {format_money(written_off(ctx))}; to transition {format_money(transitioned(ctx))} "
            f"({_basis(ctx)}).",
        ),
        MarkActivityDone("main", ACTIVITIES[1]),
    ]


def _sent_to(destination: str) -> Callable[[Ctx], list[Effect]]:
    def effects(ctx: Ctx) -> list[Effect]:
        return [
            AddNote(
                "main",
                f"Checked: the CSA systems sent the outcome to {destination} automatically for financial transition: "
                f"{format_money(transitioned(ctx))} to transition to CMS.",
            ),
            MarkActivityDone("main", ACTIVITIES[2]),
        ]

    return effects


def _offline_report(ctx: Ctx) -> list[Effect]:
    return [
        AddNote(
            "main",
            f"Nationally sensitive case: transition figures issued clerically to the CSA Team by offline report "
            f"({ctx['offline_report_details']}): {format_money(transitioned(ctx))} to transition to CMS.",
            typed=True,
        ),
        MarkActivityDone("main", ACTIVITIES[2]),
    ]


def _closure_letters(ctx: Ctx) -> list[Effect]:
    letter_date = ctx["closure_letter_date"]
    values = {
        "outcome": closure_outcome(ctx),
        "amount_transitioned": transitioned(ctx),
        "amount_written_off": written_off(ctx),
        "sos_arrears": sos_transitioned(ctx),
    }
    return [
        *(
            LetterDue("main", code, role, {**_addressed(ctx, role, letter_date), **values})
            for role, code in CASE_CLOSURE.items()
        ),
        MarkActivityDone("main", ACTIVITIES[3]),
        AddNote(
            "main",
            f"Case closure letters dated {format_date(letter_date)} to both parents: "
            f"{format_money(transitioned(ctx))} transitioned to CMS.",
        ),
        SetStatus(
            "main",
            SRStatus.CLOSED,
            SubStatus.COMPLETE,
            resolution_code=reference.value("resolution_code.completed"),
            status_given=False,
        ),
    ]


# --- Steps ---------------------------------------------------------------------------------------------


LETTER_DATE_HELP = (
    f"The date printed on the letter: up to {LETTER_DATE_MAX_BEHIND} days ago for a letter already sent, or up "
    f"to {LETTER_DATE_MAX_AHEAD} days ahead if it is posted later."
)


def _letter_date(name: str, label: str, when: tuple[str, Any] | None = None) -> Field:
    return Field(
        name,
        label=label,
        kind="date",
        when=when,
        min_date="today",
        past_days=LETTER_DATE_MAX_BEHIND,
        ahead_days=LETTER_DATE_MAX_AHEAD,
        help=LETTER_DATE_HELP,
    )


STEPS = {
    "confirm_balance": Step(
        title="Confirm the stable arrears balance",
        guidance=(
            "This procedure settles what happens to the CSA arrears once the CSA liability has ended. Before you "
            "contact anyone, the cleanse actions must be finished so the balance will not move again. Confirm the "
            "balance they produced; the part owed to the Secretary of State comes from the case record."
        ),
        checklist=(
            "CSA scheme liability has ended (checked on CSCS or CS2)",
            "Case cleanse actions are complete and the arrears balance is stable",
        ),
        fields=(
            Field(
                "stable_balance",
                label="Stable arrears balance",
                kind="money",
                default_fact="arrears_balance",
                help="The balance after the cleanse, including any arrears owed to the Secretary of State.",
            ),
            Field("cleanse_summary", label="What the cleanse changed", kind="long_text", required=False),
        ),
        effects=_open_sr,
        warnings=balance_cautions,
    ),
    "stable_balance_letter": Step(
        title="Write to the receiving parent about the balance",
        guidance=(
            "The receiving parent decides whether the arrears owed to them are pursued. The letter tells them the "
            "stable balance, how much of it they could write off, and the date to reply by. A reminder is set for "
            f"that date. {REPLY_PERIOD_NOTE}"
        ),
        fields=(_letter_date("letter_date", "Date of the stable balance letter"),),
        depends_on=("stable_balance",),
        effects=_stable_balance_letter,
    ),
    "await_response": Step(
        title="Record what happened after the letter",
        guidance=(
            "Come back here when the receiving parent replies or calls, when the paying parent disputes the "
            "balance, or when the reply date has passed with no answer. With no answer, the full arrears transition."
        ),
        fields=(Field("response", label="What has happened?", kind="choice", options=RESPONSES),),
        depends_on=("letter_date",),
    ),
    "explain_options": Step(
        title="Explain the options to the receiving parent",
        guidance=(
            "Talk the receiving parent through what each choice means before they decide. Arrears they write off "
            "cannot be collected later once the 30 days to change their mind have passed. Arrears owed to the "
            f"Secretary of State over {SOS_LIMIT_SHOWN} stay owed whatever they decide. Arrears that are pursued "
            "move to the Child Maintenance Service, which collects them. Record what you explained and what they "
            "decided."
        ),
        checklist=(
            "Explained that written-off arrears cannot be collected later",
            f"Explained that Secretary of State arrears over {SOS_LIMIT_SHOWN} are not written off",
            "Explained what happens to arrears that move to the Child Maintenance Service",
        ),
        fields=(
            Field("options_explained", label="What you explained and what the receiving parent said", kind="long_text"),
            Field(
                "options_decision",
                label="What did the receiving parent decide?",
                kind="choice",
                options=OPTION_DECISIONS,
            ),
        ),
        effects=_explain_options,
    ),
    "paying_parent_dispute": Step(
        title="Answer the paying parent's dispute",
        guidance=(
            "Explain to the paying parent in full how the arrears balance was built up: the periods, what was due "
            "and what was paid. If they ask for it in writing, an account breakdown letter is prepared from the "
            "case's arrears periods. A dispute can come at any time before the outcome is recorded: afterwards "
            "you go back to where you were (waiting for the reply, the 30 days, or recording the outcome)."
        ),
        checklist=("Arrears history checked on CSCS before explaining it",),
        fields=(
            Field("dispute_explanation", label="The explanation you gave the paying parent", kind="long_text"),
            Field("breakdown_requested", label="Did the paying parent ask for an account breakdown?", kind="yes_no"),
            _letter_date(
                "breakdown_letter_date", "Date of the account breakdown letter", when=("breakdown_requested", True)
            ),
        ),
        effects=_dispute,
    ),
    "pursue": Step(
        title="Record that the arrears are pursued",
        guidance="The receiving parent wants the arrears pursued: the whole stable balance transitions to CMS.",
        depends_on=("stable_balance",),
        effects=_pursue,
    ),
    "no_response": Step(
        title="No response: the full arrears transition",
        guidance=(
            "The reply date has passed without an answer from the receiving parent, so the full stable balance "
            "transitions to CMS."
        ),
        checklist=("No reply has arrived by post, phone or online",),
        depends_on=("stable_balance", "letter_date"),
        effects=_no_response,
    ),
    "write_off": Step(
        title="Record the write-off and write to both parents",
        guidance=(
            "Record how much the receiving parent writes off. Arrears owed to the Secretary of State over "
            f"{SOS_LIMIT_SHOWN} are never written off, so when they are over {SOS_LIMIT_SHOWN} the write-off can "
            "only come from the part owed to the receiving parent. Both parents get a letter confirming it, with the "
            "date the 30 days end: until then "
            "the paying parent can make representations and the receiving parent can change their decision."
        ),
        fields=(
            Field(
                "write_off_amount",
                label="Amount the receiving parent writes off",
                kind="money",
                help="Pounds and pence; the rest of the stable balance transitions to CMS.",
            ),
            _letter_date("write_off_letter_date", "Date of the write-off letters"),
        ),
        depends_on=("stable_balance",),
        effects=_write_off,
    ),
    "after_window": Step(
        title="After the 30 days: record what happened",
        guidance=(
            "Representations from the paying parent or a change of mind from the receiving parent can be recorded "
            "as soon as they arrive. If the paying parent disputes the balance meanwhile, answer it (with an "
            "account breakdown if asked). Both parents have the whole 30 days, so after anything you record here "
            "you come back to this step until they have ended. Once they have ended with nothing more to record, "
            "say so and the outcome can be recorded."
        ),
        fields=(
            Field("window_outcome", label="What happened in the 30 days?", kind="choice", options=WINDOW_OUTCOMES),
        ),
        depends_on=("write_off_letter_date",),
    ),
    "representations": Step(
        title="Record the paying parent's representations",
        guidance=(
            "Record what the paying parent said about the arrears and how you considered it. If the 30 days have "
            "not ended, the receiving parent can still change their decision: you then wait for the rest of them."
        ),
        fields=(
            Field("representations_summary", label="The paying parent's representations", kind="long_text"),
            Field("representations_response", label="What you decided and told the paying parent", kind="long_text"),
        ),
        effects=_representations,
    ),
    "decision_changed": Step(
        title="Record the receiving parent's changed decision",
        guidance=(
            "Within the 30 days the receiving parent may change their mind. If they now want a different amount "
            "written off, new letters go to both parents and a new 30 days start. If they now want all the arrears "
            "pursued, the outcome is recorded once the 30 days have ended."
        ),
        fields=(
            Field("changed_decision", label="What do they want now?", kind="choice", options=CHANGED_DECISIONS),
            Field("change_details", label="What the receiving parent told you", kind="long_text"),
        ),
        effects=_decision_changed,
    ),
    "record_outcome": Step(
        title="Record the outcome on the CSA systems",
        guidance=(
            "Record the final figures on the CSA systems: what is written off and what transitions to CMS. The "
            "next step sends them for financial transition."
        ),
        checklist=("Outcome recorded on CSCS",),
        fields=(
            Field(
                "dispute_before_outcome",
                label="Has the paying parent disputed the arrears balance since the decision, with no answer yet?",
                kind="yes_no",
                help="If yes, you answer the dispute first (with an account breakdown if asked), then come back here.",
            ),
        ),
        depends_on=("stable_balance", "write_off_amount", "window_outcome"),
        effects=_record_outcome,
    ),
    "send_to_cmg": Step(
        title="Check the outcome went to CMG for financial transition",
        guidance=(
            "You do not send anything here: once the outcome is recorded, the CSA systems send it to the Child "
            "Maintenance Group automatically, so the arrears are brought over to CMS accurately. Check that it "
            "went. If it has not, do not key the figures anywhere else: tell your team leader."
        ),
        checklist=("The CSA systems show the outcome was sent to CMG automatically",),
        effects=_sent_to("CMG"),
    ),
    "send_to_nicms": Step(
        title="Check the outcome went to NICMS for financial transition",
        guidance=(
            "This is a Northern Ireland case: the CSA systems send the recorded outcome automatically to NICMS, "
            "not the Child Maintenance Group. You do not send anything here: check that it went. If it has not, "
            "tell your team leader."
        ),
        checklist=("The CSA systems show the outcome was sent to NICMS automatically",),
        effects=_sent_to("NICMS"),
    ),
    "offline_report": Step(
        title="Issue the figures by offline report",
        guidance=(
            "This client is nationally sensitive, so the figures do not go through the usual automatic route. "
            "Prepare an offline report of the transition figures and issue it clerically to the CSA Team."
        ),
        checklist=(
            "Offline report of the transition figures prepared",
            "Report issued clerically to the CSA Team",
            "Figures not sent through the automatic route",
        ),
        fields=(Field("offline_report_details", label="Report reference and who received it", kind="text"),),
        effects=_offline_report,
    ),
    "closure_letters": Step(
        title="Tell both parents the case closure is complete",
        guidance=(
            "Both parents are told that the case closure is complete and how much of the arrears moved to the "
            "Child Maintenance Service. Recording the letters closes the SR."
        ),
        fields=(_letter_date("closure_letter_date", "Date of the case closure letters"),),
        depends_on=("stable_balance", "write_off_amount", "window_outcome"),
        effects=_closure_letters,
    ),
    "done": Step(
        title="Finished",
        guidance="The arrears outcome is recorded, sent for transition and both parents are told.",
        final=True,
    ),
}


def can_start(facts: Mapping[str, Any]) -> str | None:
    """A reason to refuse the run, or None."""
    if not facts.get("csa_liability_ended"):
        return (
            "CSA scheme liability has not ended on this case, so its arrears cannot be managed for closure yet. "
            "End the liability first."
        )
    if facts.get("financial_transition_complete"):
        return (
            "Financial transition is complete: the arrears are held on CMS. For a query about the CSA arrears "
            "balance, use Offline Calculation - Perform."
        )
    return None


PROCEDURE = Procedure(
    id="P4",
    version="1",
    title="Manage Client Arrears Contact (CSA scheme)",
    seed="003_be4c0931725dc13d.txt",
    roles=("caseworker",),
    starts="CSA scheme liability has ended and the case cleanse has given a stable arrears balance.",
    machine=P4Machine,
    steps=STEPS,
    can_start=can_start,
    glossary_terms=("CSA", "CSCS", "CS2", "CMG", "NICMS", "SR"),
    main_sr=SR_VALUES,
)
