"""P5a Making payment for enforcement actions: the court fee (seed 004, Specialist Services Support Team).

Many enforcement actions need a fee paid to the court up front. The enforcement case manager (ECM)
emails the SSST the client's name, SCIN, the court and the fee; two days later the SSST pays the
court, then emails the ECM to confirm. Our reading of the seed, where it is silent:

- The work is recorded on an SR "Enforcement / Court Fee / Court Fee Payment" (inferred catalogue
  entry). A run starts from that SR when a case manager has allocated it (My work), or from the case,
  when the step creates it. It is In Progress from the first step and closes Complete (Resolution
  Code "Completed") when the confirmation email to the ECM is queued.
- The ECM's email is recorded as it arrived: when it was received (UK time, not in the future), the
  client's name (prefilled with the paying parent's), the SCIN (must be this case's SCIN: an email
  about another case is refused at the field), the court and the fee (money, more than £0.00).
- "After two days, contact the court to make payment" (README, decisions): two calendar days after
  the UK date the email was received, moved to the next working day of the case's region when the
  office is closed that day (domain.deadlines.court_fee_payment). That day is both the first day the
  fee may be paid and the day it is due (a reminder by 17:00, shown with its one-line explanation and
  marked met when the payment is recorded). A payment dated before it is refused at the field, so is
  one in the future; a payment after it is allowed and noted as late.
- The court's payment reference is recorded in the SR Notes with the fee, court and date paid.
- The confirmation goes to the ECM mailbox (services.mail_settings "ecm"), or to the address the
  ECM's own email came from when the caseworker gives it; it asks for a read receipt and the outbox
  raises the follow-up phone call task (services.email.queue_email).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Any

from statemachine import State, StateMachine

from domain import deadlines, mail, reference
from domain.clock import format_date, uk_local
from domain.reference import SRStatus, SubStatus
from domain.values import FieldError, format_money, parse_scin, sentence

from . import ssst_court
from .definition import Ctx, Field, Procedure, StartSR, Step
from .effects import AddNote, CompleteDeadlines, CreateSR, Effect, QueueEmail, SetDue, SetStatus, UpdateSR

COURT_FEE_PAYMENT = reference.full_sr_type("sr.court_fee_payment")
COMPLETED = reference.value("resolution_code.completed")


# --- Rules, shared by the validators and the effects ------------------------------------------------


def received_at(ctx: Ctx) -> datetime:
    value: datetime = ctx["email_received_at"]
    return value


def due(ctx: Ctx) -> deadlines.Due:
    """When the court fee must be paid, with the sentence explaining how that was worked out."""
    return deadlines.court_fee_payment(received_at(ctx), ctx.fact("region"))


def scin(ctx: Ctx) -> str:
    """The SCIN as typed, spaces removed (the validator has checked it is this case's)."""
    return "".join(str(ctx["scin"]).split())


def paid_late(ctx: Ctx) -> bool:
    return bool(ctx["paid_on"] > due(ctx).local.date())


class P5aMachine(StateMachine):
    """States are the steps; validators refuse an email about another case or a payment out of time."""

    record_request = State("Record the enforcement case manager's email", initial=True)
    pay_court = State("Pay the court fee")
    confirm_to_ecm = State("Confirm the payment to the enforcement case manager")
    done = State("Finished", final=True)

    proceed = (
        record_request.to(
            pay_court, validators=["email_is_about_this_case", "email_is_not_in_the_future", "fee_is_positive"]
        )
        | pay_court.to(confirm_to_ecm, validators="paid_between_email_and_today")
        | confirm_to_ecm.to(done)
    )

    def email_is_about_this_case(self, ctx: Ctx) -> None:
        problem = this_cases_scin(ctx["scin"], {"scin": ctx.fact("scin")})
        if problem:
            raise FieldError("scin", problem)

    def email_is_not_in_the_future(self, ctx: Ctx) -> None:
        if uk_local(received_at(ctx)).date() > ctx.today:
            raise FieldError("email_received_at", "The email cannot have been received in the future.")

    def fee_is_positive(self, ctx: Ctx) -> None:
        problem = a_fee(ctx["fee"], {})
        if problem:
            raise FieldError("fee", problem)

    def paid_between_email_and_today(self, ctx: Ctx) -> None:
        received = uk_local(received_at(ctx)).date()
        if ctx["paid_on"] < received:
            raise FieldError(
                "paid_on",
                "The fee cannot have been paid before the enforcement case manager's email of "
                f"{format_date(received)}.",
            )
        first_day = due(ctx).local.date()
        if ctx["paid_on"] < first_day:
            raise FieldError(
                "paid_on",
                f"The procedure says to pay the court after two days: not before {format_date(first_day)}. "
                f"{due(ctx).explanation}",
            )
        if ctx["paid_on"] > ctx.today:
            raise FieldError("paid_on", "Record the payment once it is made: the date paid cannot be in the future.")


# --- Effects -----------------------------------------------------------------------------------------


def _record_request(ctx: Ctx) -> list[Effect]:
    payment = due(ctx)
    return [
        CreateSR("main", *COURT_FEE_PAYMENT, status=SRStatus.IN_PROGRESS, status_given=False),
        UpdateSR("main", {"court": ctx["court"], "court_fee": ctx["fee"]}),
        AddNote(
            "main",
            f"Court fee request from the enforcement case manager, received {format_date(received_at(ctx))}: "
            f"{ctx['client_name']}, SCIN {scin(ctx)}, {ctx['court']}, fee {format_money(ctx['fee'])}.",
            typed=True,
        ),
        SetDue("main", payment),
    ]


def _pay_court(ctx: Ctx) -> list[Effect]:
    late = f" (after the due date of {format_date(due(ctx).local.date())})" if paid_late(ctx) else ""
    return [
        AddNote(
            "main",
            f"Court fee of {format_money(ctx['fee'])} paid to {ctx['court']} on {format_date(ctx['paid_on'])}{late}. "
            f"Court payment reference: {sentence(ctx['payment_reference'])}",
            typed=True,
        ),
        CompleteDeadlines("main", (deadlines.COURT_FEE_PAYMENT,)),
    ]


def _confirm_to_ecm(ctx: Ctx) -> list[Effect]:
    draft = partial(
        mail.court_fee_paid,
        client_name=ctx["client_name"],
        scin=scin(ctx),
        court=ctx["court"],
        fee=ctx["fee"],
        paid_on=ctx["paid_on"],
    )
    to: tuple[str, ...] = (ctx["ecm_email"],) if ctx["ecm_email"] else ()
    who = ctx["ecm_email"] or "the enforcement case manager mailbox"
    return [
        QueueEmail("main", draft, to=to),
        AddNote(
            "main",
            f"Payment confirmed by email to {who} (read receipt requested; follow up by phone).",
            typed=bool(ctx["ecm_email"]),
        ),
        SetStatus("main", SRStatus.CLOSED, SubStatus.COMPLETE, resolution_code=COMPLETED, status_given=False),
    ]


# --- Steps -------------------------------------------------------------------------------------------


def this_cases_scin(typed: Any, facts: Mapping[str, Any]) -> str | None:
    """`Field.check` of the SCIN in the email, against the case's: a field rule, so it is refused together with the
    step's other problems (as machine validators, QA saw a wrong SCIN refused, then a £0.00 fee at the next
    Continue)."""
    if typed is None:
        return None
    try:
        scin_typed = parse_scin(str(typed), field="scin")
    except FieldError as exc:
        return exc.message
    if scin_typed != facts.get("scin"):
        return (
            f"SCIN {scin_typed} is not this case's SCIN ({facts.get('scin')}). Check the enforcement case manager's "
            "email: record it on the case it is about."
        )
    return None


def a_fee(fee: Any, _facts: Mapping[str, Any]) -> str | None:
    """`Field.check` of the court fee: more than £0.00, refused with the step's other problems."""
    if fee is None or Decimal(str(fee)) > Decimal("0.00"):
        return None
    return "Enter a court fee of more than £0.00, as the enforcement case manager gave it."


_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr"})


def _name_words(name: str) -> set[str]:
    return {w for w in re.split(r"[\s\-'\u2019.]+", name.casefold()) if len(w) > 1 and w not in _TITLES}


def client_not_on_the_case(ctx: Ctx) -> list[str]:
    """A caution when the client's name shares no name with either parent of the case: QA typed over the paying
    parent's name with another client's and the SCIN, checked, was the case's own. Never a refusal: the email may
    spell the name its own way."""
    typed = ctx.get("client_name")
    if not typed:
        return []
    receiving, paying = ctx.fact("receiving_parent") or "", ctx.fact("paying_parent") or ""
    if _name_words(typed) & (_name_words(receiving) | _name_words(paying)):
        return []
    return [
        f"{typed} is not a parent on this case (the paying parent is {paying}, the receiving parent {receiving}). "
        "Check the enforcement case manager's email is about this case before you save."
    ]


STEPS = {
    "record_request": Step(
        title="Record the enforcement case manager's email",
        guidance=(
            "The enforcement case manager needs a court fee paid before the enforcement action can go ahead. "
            "Copy the details from their email exactly. Casework Guide works out when to pay: two calendar "
            "days after the email arrived, or the next working day in the case's region if the office is "
            "closed that day. The fee is paid on that day, not before."
        ),
        checklist=("The email gives the client's name, SCIN, court and fee",),
        fields=(
            Field(
                "email_received_at",
                label="When the email was received",
                kind="datetime",
                latest="today",
                help="UK time, as shown in the mailbox, for example 2026-12-01 10:30.",
            ),
            Field("client_name", label="Client's name", default_fact="paying_parent"),
            Field(
                "scin",
                label="SCIN",
                default_fact="scin",
                help="12 digits; it must be this case's SCIN.",
                check=this_cases_scin,
            ),
            Field("court", label="Court"),
            Field("fee", label="Court fee", kind="money", help="Pounds and pence, for example 108.00.", check=a_fee),
        ),
        effects=_record_request,
        warnings=ssst_court.all_of(ssst_court.open_sr_already(COURT_FEE_PAYMENT), client_not_on_the_case),
    ),
    "pay_court": Step(
        title="Pay the court fee",
        guidance=(
            "On the day shown for this SR (two days after the enforcement case manager's email, or the next "
            "working day), contact the court and pay the fee; not before. Keep the court's payment reference: "
            "it goes into the SR Notes so the payment can be traced."
        ),
        checklist=("Court contacted and the fee paid",),
        fields=(
            Field(
                "paid_on",
                label="Date paid",
                kind="date",
                latest="today",
                help="Not before the payment day shown for this SR (two days after the email).",
            ),
            Field("payment_reference", label="Court payment reference"),
        ),
        depends_on=("email_received_at", "court", "fee"),
        effects=_pay_court,
    ),
    "confirm_to_ecm": Step(
        title="Confirm the payment to the enforcement case manager",
        guidance=(
            "Tell the enforcement case manager the fee is paid so the enforcement action can go ahead. "
            "Casework Guide writes the email with a read receipt request and gives you a task to phone "
            "them; then the SR closes Complete."
        ),
        checklist=("Payment details checked before the email is sent",),
        fields=(
            Field(
                "ecm_email",
                label="Enforcement case manager's email address",
                required=False,
                help="Optional: the address their email came from. Leave empty to use the team mailbox.",
                check=ssst_court.an_address,
            ),
        ),
        depends_on=("client_name", "scin", "court", "fee", "paid_on"),
        effects=_confirm_to_ecm,
    ),
    "done": Step(
        title="Finished",
        guidance="The court fee is paid, the enforcement case manager is told, and the SR is closed.",
        final=True,
    ),
}


def _bind_start(sr: StartSR) -> dict[str, int] | str:
    if sr.status == SRStatus.CLOSED:
        return f"SR {sr.number} is closed; there is no court fee left to pay on it."
    if sr.is_(*COURT_FEE_PAYMENT):
        return {"main": sr.id}
    label = " / ".join(p for p in (sr.process, sr.area, sr.sub_area) if p)
    return f"This procedure works on SRs of type {' / '.join(COURT_FEE_PAYMENT)}; SR {sr.number} is {label}."


def _can_start(facts: Any) -> str | None:
    return None  # any case can need a court fee paid for its enforcement


PROCEDURE = Procedure(
    id="P5a",
    version="1",
    title="Court fee payment for enforcement action",
    seed="004_a8ae07a86098a507.txt",
    roles=("caseworker",),
    starts="The enforcement case manager emails the SSST asking for a court fee to be paid.",
    machine=P5aMachine,
    steps=STEPS,
    can_start=_can_start,
    bind_start=_bind_start,
    glossary_terms=("SSST", "ECM", "SCIN", "SR"),
    works_on=(COURT_FEE_PAYMENT,),
    main_sr=COURT_FEE_PAYMENT,
)
