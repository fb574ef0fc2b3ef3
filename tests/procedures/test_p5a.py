"""P5a Court fee payment: every path walked headlessly through the run API, on SQLite and PostgreSQL.

The ECM's email dates are real past dates around Christmas and New Year, so the due-date rule meets
weekends and the bank holidays of each region; nothing is mocked.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from domain import deadlines as rules
from procedures import registry
from services import run_context, run_start, runs
from services.errors import DomainError, ValidationFailed
from tests.procedures.ssst_walks import (
    allocated_sr,
    case_value,
    counts,
    deadline_list,
    outbox_rows,
    set_case,
    sr_row,
    tasks_for,
)
from tests.procedures.walk import Walk
from tests.ssst import team_sr

FEE_SR = "Court Fee Payment"
# Tuesday 23 December 2025: two days later is Christmas Day; Boxing Day and a weekend follow.
BEFORE_CHRISTMAS = "2025-12-23 16:45"


@pytest.fixture
def ssst(actor_for):
    return actor_for("ssst.caseworker")


def start(ssst, region: str = "England") -> tuple[Walk, int, int]:
    case_id, sr_id = allocated_sr(ssst, FEE_SR)
    set_case(case_id, region=region)
    return Walk(ssst, "P5a", case_id, sr_id=sr_id), case_id, sr_id


def request(case_id: int, **changes: str) -> dict[str, str]:
    return {
        "email_received_at": BEFORE_CHRISTMAS,
        "client_name": "Sam O'Sample",
        "scin": case_value(case_id, "scin"),
        "court": "Demo County Court",
        "fee": "£108.00",
        **changes,
    }


def test_p5a_is_registered_and_works_the_court_fee_payment_sr(demo_db):
    procedure = registry.get("P5a")
    assert procedure.seed == "004_a8ae07a86098a507.txt"
    assert procedure.works_on == (("Enforcement", "Court Fee", "Court Fee Payment"),)
    assert run_start.procedure_for_sr("Enforcement", "Court Fee", "Court Fee Payment").id == "P5a"


def test_the_ecm_email_is_recorded_on_the_allocated_sr_with_the_fee_due_after_christmas(demo_db, ssst):
    walk, case_id, sr_id = start(ssst)
    prefilled = {f.name: f.value for f in walk.view.step.fields}
    assert prefilled["scin"] == case_value(case_id, "scin")
    walk.answer(confirm=False, **request(case_id, scin=" ".join(case_value(case_id, "scin"))))
    assert walk.view.awaiting_confirmation
    # The seeds name no SR field for the fee: the value is exact, the field a suggestion (QA: "Court fee = ...")
    (fee,) = [line for line in walk.view.cms if line.suggestion == "Court fee"]
    assert fee.text.startswith("On the SR you were allocated (")
    assert fee.text.endswith(", set the court fee in the field your team uses (the procedure names none): 108.00")
    walk.confirm()
    assert walk.step == "pay_court"

    sr = sr_row(sr_id)
    assert (sr["status"], sr["court"], sr["court_fee"], sr["owner_id"]) == (
        "In Progress",
        "Demo County Court",
        Decimal("108.00"),
        ssst.user_id,
    )
    main = walk.outcome().srs["main"]
    assert main.notes == (
        "Court fee request from the enforcement case manager, received 23 December 2025: Sam O'Sample, "
        f"SCIN {case_value(case_id, 'scin')}, Demo County Court, fee £108.00.",
    )
    ((kind, due_at, explanation),) = walk.outcome().deadlines
    assert kind == rules.COURT_FEE_PAYMENT
    assert due_at == datetime(2025, 12, 29, 17, 0, tzinfo=UTC)  # Monday 29 December, 17:00 GMT
    assert explanation == (
        "The enforcement case manager's email was received on Tuesday 23 December 2025; two days later is "
        "Thursday 25 December 2025 (Christmas Day, a bank holiday in England and Wales); Friday 26 December "
        "2025 is Boxing Day, a bank holiday in England and Wales, Saturday 27 December 2025 is a weekend day, "
        "Sunday 28 December 2025 is a weekend day, so the court fee is due on the next working day, Monday "
        "29 December 2025, by 17:00."
    )


@pytest.mark.parametrize(
    ("region", "due_day"),
    [("England", 2), ("Scotland", 5), ("Northern Ireland", 2)],
)
def test_the_due_date_follows_the_bank_holidays_of_the_cases_region(demo_db, ssst, region, due_day):
    walk, case_id, sr_id = start(ssst, region)
    # Tuesday 30 December 2025: two days later is New Year's Day everywhere; 2 January is a holiday only in Scotland.
    walk.answer(**request(case_id, email_received_at="2025-12-30 09:00"))
    ((_kind, done, explanation),) = deadline_list(sr_id)
    assert not done
    ((_k, due_at, _e),) = walk.outcome().deadlines
    assert due_at == datetime(2026, 1, due_day, 17, 0, tzinfo=UTC)
    assert explanation.endswith(f" {due_day} January 2026, by 17:00.")
    if region == "Scotland":
        assert "2 January 2026 is New Year Holiday, a bank holiday in Scotland" in explanation


@pytest.mark.parametrize("region", ["England", "Wales", "Scotland", "Northern Ireland"])
def test_an_email_on_the_thursday_before_christmas_is_due_after_the_christmas_bank_holidays_in_every_region(
    demo_db, ssst, region
):
    # Thursday 22 December 2022: two days later is Saturday 24; Christmas Day fell on a Sunday, so Monday 26
    # (Boxing Day) and Tuesday 27 (Christmas Day, substitute day) were bank holidays in every region.
    walk, case_id, sr_id = start(ssst, region)
    walk.answer(**request(case_id, email_received_at="2022-12-22 11:15"))
    ((kind, due_at, explanation),) = walk.outcome().deadlines
    assert (kind, due_at) == (rules.COURT_FEE_PAYMENT, datetime(2022, 12, 28, 17, 0, tzinfo=UTC))
    where = "England and Wales" if region in ("England", "Wales") else region
    assert explanation == (
        "The enforcement case manager's email was received on Thursday 22 December 2022; two days later is "
        "Saturday 24 December 2022 (a weekend day); Sunday 25 December 2022 is a weekend day, Monday 26 December "
        f"2022 is Boxing Day, a bank holiday in {where}, Tuesday 27 December 2022 is Christmas Day (substitute "
        f"day), a bank holiday in {where}, so the court fee is due on the next working day, Wednesday 28 December "
        "2022, by 17:00."
    )
    assert deadline_list(sr_id) == [(rules.COURT_FEE_PAYMENT, False, explanation)]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"scin": "999999999999"}, "scin", "is not this case's SCIN"),
        ({"scin": "12345"}, "scin", "Enter the SCIN as 12 digits"),
        ({"fee": "0.00"}, "fee", "more than £0.00"),
        ({"fee": "-5"}, "fee", ""),
        ({"fee": "ten pounds"}, "fee", ""),
        ({"email_received_at": "2099-01-01 10:00"}, "email_received_at", ""),
        ({"court": ""}, "court", "Enter court"),
    ],
)
def test_an_ecm_email_that_cannot_be_right_is_refused_at_its_field_and_nothing_is_saved(
    demo_db, ssst, changes, field, message
):
    walk, case_id, sr_id = start(ssst)
    before = counts(sr_id)
    with pytest.raises(ValidationFailed) as info:
        walk.answer(**request(case_id, **changes))
    assert message in info.value.errors[field]
    assert counts(sr_id) == before
    assert sr_row(sr_id)["status"] == "Open"
    assert run_context.view_run(ssst, walk.view.run_id).step.id == "record_request"


def test_an_email_received_later_today_is_refused_as_in_the_future(demo_db, ssst):
    walk, case_id, _sr_id = start(ssst)
    tomorrow = datetime.now(UTC).date().toordinal() + 2
    future = datetime.fromordinal(tomorrow).strftime("%Y-%m-%d 10:00")
    with pytest.raises(ValidationFailed) as info:
        walk.answer(**request(case_id, email_received_at=future))
    assert info.value.errors == {"email_received_at": "When the email was received cannot be in the future."}


def pay(walk: Walk, case_id: int, paid_on: str = "2025-12-29") -> None:
    walk.answer(**request(case_id))
    walk.answer(paid_on=paid_on, payment_reference="CF-2025-0042")


def test_the_payment_is_noted_and_the_due_date_is_marked_met(demo_db, ssst):
    walk, case_id, sr_id = start(ssst)
    pay(walk, case_id)
    assert walk.step == "confirm_to_ecm"
    assert walk.outcome().srs["main"].notes[-1] == (
        "Court fee of £108.00 paid to Demo County Court on 29 December 2025. Court payment reference: CF-2025-0042."
    )
    assert [(kind, done) for kind, done, _ in deadline_list(sr_id)] == [(rules.COURT_FEE_PAYMENT, True)]


def test_a_payment_after_the_due_date_is_recorded_as_late(demo_db, ssst):
    walk, case_id, _sr_id = start(ssst)
    pay(walk, case_id, paid_on="2025-12-30")
    assert "(after the due date of 29 December 2025)" in walk.outcome().srs["main"].notes[-1]


@pytest.mark.parametrize(
    ("paid_on", "message"),
    [
        ("2025-12-22", "cannot have been paid before the enforcement case manager's email of 23 December 2025"),
        ("2099-01-01", "must be between 1993 and three years from now"),
        ("not a date", "Enter a real date"),
    ],
)
def test_a_payment_before_the_email_or_not_yet_made_is_refused(demo_db, ssst, paid_on, message):
    walk, case_id, sr_id = start(ssst)
    walk.answer(**request(case_id))
    before = counts(sr_id)
    with pytest.raises(ValidationFailed) as info:
        walk.answer(paid_on=paid_on, payment_reference="CF-1")
    assert message in info.value.errors["paid_on"]
    assert counts(sr_id) == before
    assert [done for _k, done, _e in deadline_list(sr_id)] == [False]


def test_the_payment_is_confirmed_to_the_ecm_by_email_and_the_sr_closes_complete(demo_db, ssst):
    walk, case_id, sr_id = start(ssst)
    pay(walk, case_id)
    walk.answer(confirm=False, ecm_email="")
    assert walk.view.awaiting_confirmation
    walk.confirm()
    assert walk.view.status == "finished"

    sr = sr_row(sr_id)
    assert (sr["status"], sr["sub_status"], sr["resolution_code"]) == ("Closed", "Complete", "Completed")
    ((row, message),) = outbox_rows(sr_id)
    number, scin = sr["number"], case_value(case_id, "scin")
    assert row.status == "queued"  # no SMTP configured: it waits in the outbox
    assert message["Subject"] == f"Court fee paid: Sam O'Sample, SCIN {scin}, SR {number}"
    assert message["To"].addresses[0].addr_spec == "enforcement.case.manager@cms.example.org"
    assert "SOUTHWESTSPECIALISTSERVICESUPPORTTEAM" in str(message["Disposition-Notification-To"])
    assert message["X-Casework-SR"] == number
    body = message.get_body().get_content()
    assert f"The court fee of £108.00 for Sam O'Sample (SCIN {scin}) was paid to Demo County Court on 29 December" in (
        body
    )
    assert any(
        kind == "task" and text.startswith("Phone Enforcement Case Manager to follow up the email") and sid == sr_id
        for kind, text, sid in tasks_for("ssst.caseworker")
    )
    assert walk.outcome().srs["main"].notes[-1] == (
        "Payment confirmed by email to the enforcement case manager mailbox (read receipt requested; follow up "
        "by phone)."
    )


def test_the_confirmation_goes_to_the_address_the_ecm_wrote_from_when_given(demo_db, ssst):
    walk, case_id, sr_id = start(ssst)
    pay(walk, case_id)
    with pytest.raises(ValidationFailed) as info:
        walk.answer(ecm_email="not an address")
    assert "email address" in info.value.errors["ecm_email"]
    assert outbox_rows(sr_id) == []
    walk.answer(ecm_email="Pat Manager <pat.manager@ecm.example.org>")
    ((_row, message),) = outbox_rows(sr_id)
    assert [a.addr_spec for a in message["To"].addresses] == ["pat.manager@ecm.example.org"]
    assert walk.view.status == "finished"


def test_a_court_fee_run_can_start_from_the_case_and_creates_the_sr(demo_db, ssst):
    case_id, _sr_id = allocated_sr(ssst, FEE_SR)
    walk = Walk(ssst, "P5a", case_id)
    walk.answer(**request(case_id))
    main = walk.outcome().srs["main"]
    assert (main.process, main.area, main.sub_area, main.status) == (
        "Enforcement",
        "Court Fee",
        "Court Fee Payment",
        "In Progress",
    )
    assert main.number != sr_row(_sr_id)["number"]


def test_a_run_on_another_kind_of_sr_or_a_closed_one_is_refused(demo_db, ssst):
    other = team_sr(ssst)
    case_id = sr_row(other)["case_id"]
    with pytest.raises(DomainError, match="works on SRs of type Enforcement / Court Fee / Court Fee Payment; SR "):
        run_start.start_run(ssst, "P5a", case_id=case_id, sr_id=other)
    walk, case_id, sr_id = start(ssst)
    pay(walk, case_id)
    walk.answer(ecm_email="")
    with pytest.raises(DomainError, match="is closed"):
        run_start.start_run(ssst, "P5a", case_id=case_id, sr_id=sr_id)


def test_a_client_who_is_not_a_parent_on_the_case_is_cautioned_before_it_is_saved(demo_db, ssst):
    """QA typed another client's name over the paying parent's and nothing was said; a caution, never a refusal."""
    walk, case_id, _sr_id = start(ssst)
    receiving, paying = case_value(case_id, "receiving_parent_name"), case_value(case_id, "paying_parent_name")
    walk.answer(confirm=False, **request(case_id, client_name="Zebedee Quuxworth"))
    assert walk.view.awaiting_confirmation
    assert walk.view.warnings == (
        f"Zebedee Quuxworth is not a parent on this case (the paying parent is {paying}, the receiving parent "
        f"{receiving}). Check the enforcement case manager's email is about this case before you save.",
    )
    walk.confirm()
    assert walk.step == "pay_court"


@pytest.mark.parametrize("spelt", ["{surname}", "Mr {initial} {surname}", "{full}"])
def test_the_paying_parent_spelt_as_the_email_spells_them_is_not_cautioned(demo_db, ssst, spelt):
    walk, case_id, _sr_id = start(ssst)
    full = case_value(case_id, "paying_parent_name")
    *_, first, surname = ["", *full.split()]
    name = spelt.format(surname=surname, initial=first[:1], full=full)
    walk.answer(confirm=False, **request(case_id, client_name=name))
    assert walk.view.warnings == ()


def test_a_wrong_scin_and_a_nil_fee_are_refused_together_on_the_page_and_at_the_save(demo_db, ssst):
    """QA saw the wrong SCIN refused, then the £0.00 typed with it only at the next Continue."""
    walk, case_id, _sr_id = start(ssst)
    answers = request(case_id, scin="123456789012", fee="0")
    view = walk.view
    names = ("email_received_at", "client_name", "scin", "court", "fee")
    with pytest.raises(ValidationFailed) as on_the_page:
        runs.check_page(ssst, view.run_id, answers, names, expected_version=view.version)
    with pytest.raises(ValidationFailed) as at_the_save:
        walk.answer(**answers)
    for refused in (on_the_page, at_the_save):
        assert set(refused.value.errors) == {"scin", "fee"}
        assert (
            refused.value.errors["fee"]
            == "Enter a court fee of more than £0.00, as the enforcement case manager gave it."
        )
        assert refused.value.errors["scin"].startswith("SCIN 123456789012 is not this case's SCIN")


def test_paying_the_court_fee_waits_for_check_your_answers_which_says_the_deadline_met_and_the_note(demo_db, ssst):
    """QA, 7 December: "Pay the court fee" saved the date paid and met the court fee deadline on Continue. Now check
    your answers says the deadline it marks met and shows the note as it will go on the SR; Back from there records
    nothing, and a corrected reference is what Confirm saves."""
    walk, case_id, sr_id = start(ssst)
    walk.answer(**request(case_id))
    notes_before = walk.outcome().srs["main"].notes
    view = walk.checked(paid_on="2025-12-29", payment_reference="CF-2025-0024")  # the reference mistyped
    assert view.deadlines_met == ("Pay the court fee: marked met",)
    assert [(n.where, n.text) for n in view.notes] == [
        (
            "SR Notes",
            "Court fee of £108.00 paid to Demo County Court on 29 December 2025. Court payment reference: "
            "CF-2025-0024.",
        )
    ]
    assert walk.outcome().srs["main"].notes == notes_before
    assert [(kind, done) for kind, done, _ in deadline_list(sr_id)] == [(rules.COURT_FEE_PAYMENT, False)]

    view = walk.back_from_check()
    assert (view.step.id, view.awaiting_confirmation, view.deadlines_met, view.notes) == ("pay_court", False, (), ())
    assert walk.outcome().srs["main"].notes == notes_before
    assert [(kind, done) for kind, done, _ in deadline_list(sr_id)] == [(rules.COURT_FEE_PAYMENT, False)]

    walk.checked(paid_on="2025-12-29", payment_reference="CF-2025-0042")
    walk.confirm()
    assert walk.step == "confirm_to_ecm"
    assert walk.outcome().srs["main"].notes[-1].endswith("Court payment reference: CF-2025-0042.")
    assert [(kind, done) for kind, done, _ in deadline_list(sr_id)] == [(rules.COURT_FEE_PAYMENT, True)]
