"""Due-date rules: when something is due on an SR, and one line saying how that was worked out.

Every rule returns a `Due` (kind, aware-UTC moment, explanation). The explanation is shown to the
caseworker and the team leader beside the date, so it names the starting point, the rule, and any
weekend or bank holiday that moved the date (by the case's region: England, Wales, Scotland and
Northern Ireland each have their own bank holidays).

Decisions (the seed and the issue are silent or loose here):
- Working hours are 09:00 to 17:00 UK local time (`domain.clock.WORKING_HOURS`), Monday to Friday,
  bank holidays of the case's region excluded.
- A thing due "on a day" is due by the close of that working day, 17:00 UK local time: it is overdue
  from 17:00, not from midnight. The review date is the exception: it is a reminder to chase, so it is
  due at 09:00 on its day (as `services.records.set_review_date` stores it).
- Court fee payment (P5a): the seed says "After two days"; the issue says "due two days later, moved to
  the next working day". Moving to the next working day only means something for CALENDAR days, so:
  the UK-local date the ECM's email was received plus two calendar days, moved to the next working
  day of the case's region when that falls on a weekend or bank holiday; due by 17:00 that day.
- Second PV check (P5b, P5c, P5d): "48 hours before the hearing" is read on the UK wall clock, the
  hearing's local date and time two days earlier (a caseworker reads "hearing 10:00 Wednesday" as
  "check by 10:00 Monday"). Clocks change at 01:00 UTC on a Sunday, so a 48-hour mark that crosses a
  change lands on a weekend and ends up at Friday 17:00 either way. When the mark is inside working
  hours on a working day it is the due moment; after 17:00 on a working day it is 17:00 that day;
  before 09:00, or on a weekend or bank holiday, it is 17:00 on the last working day before it.
  In short: the latest working moment at or before the 48-hour mark.
- Representations (P4 step 3): 30 calendar days from the date of the letters to both parents; when
  the 30th day is not a working day the window runs to the next working day (nobody loses a day
  because the office is closed); it ends at 17:00 that day.
- Review date (P1): the chosen date, moved to the next working day when the office is closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from domain.clock import (
    UK,
    WORKING_HOURS,
    as_utc,
    bank_holiday,
    format_date,
    is_working_day,
    next_working_day,
    previous_working_day,
    uk_local,
)

COURT_FEE_PAYMENT = "court_fee_payment"
SECOND_PV_CHECK = "second_pv_check"
REPRESENTATIONS_END = "representations_end"
RECEIVING_PARENT_REPLY = "receiving_parent_reply"
REVIEW_DATE = "review_date"
HEARING = "hearing"
APPOINTMENT = "appointment"
KINDS = (COURT_FEE_PAYMENT, SECOND_PV_CHECK, REPRESENTATIONS_END, REVIEW_DATE, HEARING, APPOINTMENT)
LABELS = {
    COURT_FEE_PAYMENT: "Pay the court fee",
    SECOND_PV_CHECK: "Second PV check",
    REPRESENTATIONS_END: "End of the time for representations",
    REVIEW_DATE: "Review date",
    HEARING: "Hearing",
    APPOINTMENT: "Face to face appointment",
    RECEIVING_PARENT_REPLY: "Receiving parent's reply",
}

COURT_FEE_DAYS = 2
PV_CHECK_HOURS_BEFORE = 48
REPRESENTATION_DAYS = 30
"""Seed 003 (P4): both parents are "given 30 days to raise any representations (paying parent) or change the
decision (receiving parent)"."""
OPEN, CLOSE = WORKING_HOURS


@dataclass(frozen=True, slots=True)
class Due:
    """A due moment (aware UTC) with the sentence that explains it to the user."""

    kind: str
    due_at: datetime
    explanation: str

    @property
    def local(self) -> datetime:
        return uk_local(self.due_at)


# Deadlines that are the event itself, not something to do by then: "Hearing due by ..." or "Hearing: due ..." would
# misread (QA, seventh session), so screens give the event's moment alone.
EVENTS = frozenset({HEARING, APPOINTMENT})


def label(kind: str) -> str:
    """What a deadline kind is called on screen ('second_pv_check' -> 'Second PV check')."""
    return LABELS.get(kind) or kind.replace("_", " ").capitalize()


def _day(day: date) -> str:
    """'Thursday 24 December 2026'."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def _moment(moment: datetime) -> str:
    """'10:00 on Monday 8 March 2027' in UK local time."""
    local = uk_local(moment)
    return f"{local:%H:%M} on {_day(local.date())}"


def _region_name(region: str) -> str:
    return "England and Wales" if region in ("England", "Wales") else region


def why_closed(day: date, region: str) -> str:
    """'a weekend day', 'New Year Holiday, a bank holiday in Scotland' or 'a working day'."""
    if day.weekday() >= 5:
        return "a weekend day"
    if is_working_day(day, region):
        return "a working day"
    name = (bank_holiday(day, region) or "").replace("(observed)", "(substitute day)")
    return f"{name}, a bank holiday in {_region_name(region)}"


def _closed_run(first: date, stop: date, region: str, *, step: int) -> str:
    """' (a weekend day); Sunday 27 December 2026 is a weekend day, Monday 28 ...': why `first` and each
    following day (by `step`) up to `stop` (exclusive) are closed, to follow the first day's name."""
    text = f" ({why_closed(first, region)})"
    others, day = [], first + timedelta(days=step)
    while day != stop:
        others.append(f"{_day(day)} is {why_closed(day, region)}")
        day += timedelta(days=step)
    return text + ("; " + ", ".join(others) if others else "")


def _at(day: date, at: time) -> datetime:
    return as_utc(datetime.combine(day, at, tzinfo=UK))


def _aware(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"{what} needs a time zone (a naive datetime is ambiguous around clock changes)")
    return moment


def court_fee_payment(email_received_at: datetime, region: str) -> Due:
    """P5a: pay the court two calendar days after the ECM's email, on the next working day if closed."""
    received = uk_local(_aware(email_received_at, "email_received_at")).date()
    target = received + timedelta(days=COURT_FEE_DAYS)
    due_day = next_working_day(target, region)
    start = f"The enforcement case manager's email was received on {_day(received)}; two days later is {_day(target)}"
    if due_day == target:
        text = f"{start}, a working day, so the court fee is due by {CLOSE:%H:%M} that day."
    else:
        text = (
            f"{start}{_closed_run(target, due_day, region, step=1)}, so the court fee is due on the next "
            f"working day, {_day(due_day)}, by {CLOSE:%H:%M}."
        )
    return Due(COURT_FEE_PAYMENT, _at(due_day, CLOSE), text)


def second_pv_check(hearing_at: datetime, region: str) -> Due:
    """P5b/c/d: 48 hours before the hearing on the UK clock, pulled back to the last working moment."""
    hearing = uk_local(_aware(hearing_at, "hearing_at"))
    mark_local = datetime.combine(
        hearing.date() - timedelta(days=PV_CHECK_HOURS_BEFORE // 24), hearing.time(), tzinfo=UK
    )
    mark_day, mark_time = mark_local.date(), mark_local.time()
    start = f"The hearing is at {_moment(hearing)}; 48 hours before is {_moment(mark_local)}"
    if is_working_day(mark_day, region) and OPEN <= mark_time <= CLOSE:
        return Due(SECOND_PV_CHECK, as_utc(mark_local), f"{start}, within working hours, so that is when it is due.")
    if is_working_day(mark_day, region) and mark_time > CLOSE:
        due_day = mark_day
        text = f"{start}, after the {CLOSE:%H:%M} close, so it is due by {CLOSE:%H:%M} that day."
    else:
        due_day = previous_working_day(mark_day - timedelta(days=1), region)
        reason = _closed_run(mark_day, due_day, region, step=-1)
        if is_working_day(mark_day, region):
            reason = reason.replace(" (a working day)", f", before the {OPEN:%H:%M} start", 1)
        text = f"{start}{reason}, so it is due by {CLOSE:%H:%M} on the last working day before it, {_day(due_day)}."
    return Due(SECOND_PV_CHECK, _at(due_day, CLOSE), text)


def period_end(letter_date: date, region: str | None, days: int = REPRESENTATION_DAYS) -> tuple[date, str]:
    """P4: the last day of a period of `days` calendar days from a letter, and a sentence saying how.

    The write-off period (30 days for representations or a change of mind) and the stable balance
    letter's reply date both count this way; the day moves to the next working day of the case's
    region when the office is closed.
    """
    end = letter_date + timedelta(days=days)
    explanation = f"{days} calendar days from the letter date ({format_date(letter_date)})"
    if region:
        moved = next_working_day(end, region)
        if moved != end:
            explanation += (
                f"; {format_date(end)} is not a working day in {region}, so the period ends on the next working day"
            )
            end = moved
    return end, explanation + "."


def review_date(chosen: date, region: str, *, reason: str = "to chase the information") -> Due:
    """P1: the review date a caseworker sets to chase; moved to the next working day when closed."""
    day = next_working_day(chosen, region)
    if day == chosen:
        text = f"Review date set {reason}: {_day(chosen)}, a working day, so it shows from {OPEN:%H:%M} that day."
    else:
        text = (
            f"Review date set {reason}: {_day(chosen)}{_closed_run(chosen, day, region, step=1)}, so it moves "
            f"to the next working day, {_day(day)}, from {OPEN:%H:%M}."
        )
    return Due(REVIEW_DATE, _at(day, OPEN), text)


def hearing(hearing_at: datetime, court: str | None = None) -> Due:
    """The hearing itself, as a deadline the team leader sees."""
    where = f" at {court}" if court else ""
    moment = _aware(hearing_at, "hearing_at")
    return Due(HEARING, as_utc(moment), f"The hearing{where} is at {_moment(moment)}, as given by the court.")


def appointment(appointment_at: datetime, location: str | None = None) -> Due:
    """The face to face appointment, as given by the face to face consultant."""
    where = f" at {location}" if location else ""
    moment = _aware(appointment_at, "appointment_at")
    return Due(
        APPOINTMENT,
        as_utc(moment),
        f"The face to face appointment{where} is at {_moment(moment)}, as given by the face to face consultant.",
    )
