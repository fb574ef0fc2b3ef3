"""P4 Manage Client Arrears Contact (CSA scheme): every branch, walked headlessly through the run API.

Time is the engine's own `services.run_context.run_today`, replaced by a Clock the tests move on, so the 30-day
periods can pass; everything else (database, SRs, letters, audit) is the real thing.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from db.models import AuditEvent, Case, ProcedureRun, ServiceRequest
from domain.clock import format_date, is_working_day, next_working_day, uk_local
from letters import catalogue
from letters.render import docx_text, render
from procedures import p4_manage_client_arrears as p4
from procedures import registry
from procedures.effects import UNNAMED_PROCESS
from services import run_context, run_start, runs
from services.errors import DomainError, ValidationFailed
from services.transaction import transaction
from tests.procedures.p4_helpers import (
    Clock,
    case_row,
    counts,
    finish,
    open_deadlines,
    p4_case,
    set_facts,
    to_after_window,
    to_await_response,
)
from tests.procedures.walk import Walk

WRITE_OFF = "Receiving parent wants some or all of the arrears written off"


@pytest.fixture
def caseworker(actor_for):
    return actor_for("caseworker")


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(run_context, "run_today", clock)
    return clock


def letters(walk: Walk, code: str | dict[str, str]) -> dict[str, dict]:
    """The letters of one template (or one per recipient: {recipient: code}) due on the run's SR, by recipient."""
    codes = {code} if isinstance(code, str) else set(code.values())
    found = [(recipient, context) for c, recipient, status, context in walk.outcome().letters if c in codes]
    if isinstance(code, dict):
        assert all(code[recipient] == c for c, recipient, _s, _ctx in walk.outcome().letters if c in codes)
    assert all(status == "due" for c, _r, status, _ctx in walk.outcome().letters)
    return dict(found)


def test_p4_is_registered_for_caseworkers(demo_db):
    procedure = registry.get("P4")
    assert (procedure.title, procedure.seed) == (
        "Manage Client Arrears Contact (CSA scheme)",
        "003_be4c0931725dc13d.txt",
    )
    assert procedure.roles == ("caseworker",)


def test_a_run_is_refused_when_csa_liability_has_not_ended(demo_db, caseworker):
    case_id = p4_case(caseworker, csa_liability_ended=False)
    with pytest.raises(DomainError, match="CSA scheme liability has not ended"):
        run_start.start_run(caseworker, "P4", case_id=case_id)
    assert counts(case_id)[0] == 0


def test_a_run_is_refused_once_the_arrears_are_held_on_cms(demo_db, caseworker):
    case_id = p4_case(caseworker, financial_transition_complete=True)
    with pytest.raises(DomainError, match="Offline Calculation - Perform"):
        run_start.start_run(caseworker, "P4", case_id=case_id)


def test_the_first_step_stops_with_a_reason_if_liability_turns_out_not_to_have_ended(demo_db, caseworker, clock):
    case_id = p4_case(caseworker)
    walk = Walk(caseworker, "P4", case_id)
    set_facts(case_id, csa_liability_ended=False)
    before = counts(case_id)
    with pytest.raises(ValidationFailed) as info:
        walk.answer(stable_balance="1000.00")
    assert "has not ended" in info.value.errors["_checklist"]
    assert counts(case_id) == before
    assert run_context.view_run(caseworker, walk.view.run_id).step.id == "confirm_balance"


def test_the_stable_balance_cannot_be_less_than_the_secretary_of_state_arrears(demo_db, caseworker, clock):
    walk = Walk(caseworker, "P4", p4_case(caseworker, sos_arrears=Decimal("412.50")))
    with pytest.raises(ValidationFailed) as info:
        walk.answer(stable_balance="412.49")
    assert info.value.errors == {
        "stable_balance": "The stable balance cannot be less than the £412.50 owed to the Secretary of State on "
        "the case record, because it includes that amount."
    }
    walk.answer(stable_balance="412.50")
    assert walk.step == "stable_balance_letter"


CHECK = "Check the balance the cleanse left on CSCS or CS2 and that it was typed as shown there"


def test_a_stable_balance_of_nothing_is_cautioned_on_check_your_answers_and_can_still_be_saved(
    demo_db, caseworker, clock
):
    """QA: £0.00 was taken without a word, and CWGL010 would then ask the receiving parent whether to collect £0.00.
    Our caution (the seed gives none), never a refusal: the cleanse may leave nothing owed."""
    walk = Walk(caseworker, "P4", p4_case(caseworker, arrears_balance=Decimal("1000.00")))
    walk.answer(confirm=False, stable_balance="0.00")
    assert walk.view.awaiting_confirmation
    assert walk.view.warnings == (
        "The stable arrears balance is £0.00 (the case record shows £1,000.00): the letter to the receiving parent "
        f"would ask whether to pursue £0.00 of arrears. {CHECK}.",
    )
    walk.confirm()
    assert walk.step == "stable_balance_letter"
    noted = walk.outcome().srs["main"].notes[0]
    assert noted.startswith("CSA liability ended; cleanse actions complete. Stable arrears balance £0.00,")


@pytest.mark.parametrize(
    ("typed", "said"), [("950.00", "£950.00 is £50.00 less"), ("2345.67", "£2,345.67 is £1,345.67 more")]
)
def test_a_stable_balance_that_differs_from_the_case_record_says_by_how_much_and_what_to_check(
    demo_db, caseworker, clock, typed, said
):
    walk = Walk(caseworker, "P4", p4_case(caseworker, arrears_balance=Decimal("1000.00")))
    walk.answer(confirm=False, stable_balance=typed)
    assert walk.view.warnings == (
        f"The stable arrears balance of {said} than the arrears balance on the case record (£1,000.00). {CHECK}; if "
        'the cleanse changed the balance, say how under "What the cleanse changed".',
    )
    walk.confirm()
    assert walk.step == "stable_balance_letter"


def test_the_stable_balance_is_prefilled_from_the_case_and_opens_the_sr_in_progress(demo_db, caseworker, clock):
    walk = Walk(caseworker, "P4", p4_case(caseworker, arrears_balance=Decimal("1234.56"), sos_arrears=Decimal("34.56")))
    assert {f.name: f.value for f in walk.view.step.fields}["stable_balance"] == "1234.56"
    walk.answer(confirm=False, stable_balance="1234.56", cleanse_summary="Duplicate payment removed")
    assert walk.view.awaiting_confirmation
    assert walk.view.warnings == (), "the case's own balance is not cautioned"
    shown = [(line.text, line.suggestion) for line in walk.view.cms]
    # "Arrears" is a Process seed 001 publishes, but for its Arrears Review SR: the seeds name none for P4's own SR
    # (PROCEDURES.md), so it is a suggestion, as its Area and Sub Area are
    assert (f"Process: {UNNAMED_PROCESS}", "Arrears") in shown
    assert not any(text.startswith("Process =") for text, _ in shown)
    assert ("Area: choose the Area your team uses for CSA-scheme arrears", "CSA Arrears") in shown
    assert any(s == "Manage Client Arrears" and t.startswith("Sub Area: choose") for t, s in shown)
    walk.confirm()
    main = walk.outcome().srs["main"]
    assert (main.process, main.area, main.sub_area, main.status) == (
        "Arrears",
        "CSA Arrears",
        "Manage Client Arrears",
        "In Progress",
    )
    assert main.notes == (
        "CSA liability ended; cleanse actions complete. Stable arrears balance £1,234.56, of which £34.56 is owed "
        "to the Secretary of State. Cleanse: Duplicate payment removed",
    )
    assert [(name, done) for name, done, _ in main.activities] == [(a, False) for a in p4.ACTIVITIES]
    assert walk.view.sr_number == main.number


def test_the_stable_balance_letter_asks_the_receiving_parent_and_sets_the_reply_date(demo_db, caseworker, clock):
    case_id = p4_case(caseworker, sos_arrears=Decimal("100.00"))
    walk = Walk(caseworker, "P4", case_id)
    to_await_response(walk, clock, balance="1000.00")
    parties = case_row(case_id)
    ((recipient, context),) = letters(walk, p4.STABLE_BALANCE).items()
    reply_by = next_working_day(clock.today + timedelta(days=30), "England")
    assert recipient == "receiving_parent"
    assert context == {
        "recipient_name": parties["receiving_parent"],
        "recipient_address": parties["receiving_parent_address"],
        "scin": parties["scin"],
        "letter_date": clock.today.isoformat(),
        "arrears_balance": "1000.00",
        "balance_date": clock.today.isoformat(),
        "sos_arrears": "100.00",
        "reply_by": reply_by.isoformat(),
    }
    ((kind, due, explanation),) = walk.outcome().deadlines
    assert kind == "receiving_parent_reply"
    assert uk_local(due).date() == reply_by
    assert explanation.startswith("Reply by 30 calendar days from the letter date")
    assert walk.outcome().srs["main"].activities[0] == ("Issue the stable balance letter", True, None)
    assert open_deadlines(case_id) == ["receiving_parent_reply"]


def test_a_stable_balance_letter_already_sent_states_the_balance_on_its_own_date(demo_db, caseworker, clock):
    """A letter recorded as sent ten days ago cannot say what the balance was on a later day (QA, eighth session)."""
    walk = Walk(caseworker, "P4", p4_case(caseworker))
    walk.answer(stable_balance="1000.00", cleanse_summary="")
    sent = clock.today - timedelta(days=10)
    walk.answer(letter_date=sent.isoformat())
    context = letters(walk, p4.STABLE_BALANCE)["receiving_parent"]
    assert context["letter_date"] == context["balance_date"] == sent.isoformat()
    text = docx_text(render(catalogue.get(p4.STABLE_BALANCE), context).content)
    assert f"on {format_date(sent)} the other parent owed £1,000.00" in text


def test_pursued_arrears_transition_in_full_to_cmg_and_both_parents_are_told(demo_db, caseworker, clock):
    case_id = p4_case(caseworker)
    walk = Walk(caseworker, "P4", case_id)
    to_await_response(walk, clock)
    walk.answer(response="Receiving parent wants the arrears pursued")
    assert walk.step == "pursue"
    walk.answer()
    assert walk.outcome().srs["main"].status == "In Progress"
    finish(walk, clock)
    outcome = walk.outcome()
    main = outcome.srs["main"]
    assert outcome.status == "finished"
    assert (main.status, main.sub_status, main.resolution_code) == ("Closed", "Complete", "Completed")
    assert all(done for _name, done, _ in main.activities)
    assert (
        "Checked: the CSA systems sent the outcome to CMG automatically for financial transition: "
        "£1,000.00 to transition to CMS." in main.notes
    )
    assert any("written off £0.00; to transition £1,000.00 (the receiving parent wants" in n for n in main.notes)
    closure = letters(walk, p4.CASE_CLOSURE)
    assert set(closure) == {"receiving_parent", "paying_parent"}
    parties = case_row(case_id)
    for role in ("receiving_parent", "paying_parent"):
        assert closure[role]["recipient_name"] == parties[role]
        assert closure[role]["recipient_address"] == parties[f"{role}_address"]
        assert Decimal(closure[role]["amount_transitioned"]) == Decimal("1000.00")
        assert Decimal(closure[role]["amount_written_off"]) == Decimal("0.00")
        assert date.fromisoformat(closure[role]["letter_date"]) == clock.today
    assert walk.path() == [
        "confirm_balance",
        "stable_balance_letter",
        "await_response",
        "pursue",
        "record_outcome",
        "send_to_cmg",
        "closure_letters",
        "done",
    ]


def test_no_response_is_refused_before_the_reply_date_then_the_full_arrears_transition(demo_db, caseworker, clock):
    case_id = p4_case(caseworker, arrears_balance=Decimal("2500.00"))
    walk = Walk(caseworker, "P4", case_id)
    to_await_response(walk, clock, balance="2500.00")
    reply_by = next_working_day(clock.today + timedelta(days=30), "England")
    clock.advance((reply_by - clock.today).days)
    with pytest.raises(ValidationFailed) as info:
        walk.answer(response=p4.NO_RESPONSE)
    assert "until" in info.value.errors["response"]
    assert "Record no response only after" in info.value.errors["response"]
    assert walk.step == "await_response"
    clock.advance(1)
    walk.answer(response=p4.NO_RESPONSE)
    assert walk.step == "no_response"
    walk.answer()
    assert open_deadlines(case_id) == []
    finish(walk, clock)
    outcome = walk.outcome()
    assert any(n.startswith("No response from the receiving parent by") for n in outcome.srs["main"].notes)
    closure = letters(walk, p4.CASE_CLOSURE)
    assert {Decimal(c["amount_transitioned"]) for c in closure.values()} == {Decimal("2500.00")}
    assert "no_response" in walk.path()


def test_a_write_off_sends_letters_to_both_parents_with_the_date_the_30_days_end(demo_db, caseworker, clock):
    case_id = p4_case(caseworker, sos_arrears=Decimal("50.00"))
    walk = Walk(caseworker, "P4", case_id)
    to_await_response(walk, clock)
    to_after_window(walk, clock, "400.00")
    end = next_working_day(clock.today + timedelta(days=30), "England")
    confirmations = letters(walk, p4.WRITE_OFF_CONFIRMATION)
    assert set(confirmations) == {"receiving_parent", "paying_parent"}
    parties = case_row(case_id)
    for role, context in confirmations.items():
        assert context["recipient_name"] == parties[role]
        assert context["write_off"] == "part"
        assert Decimal(context["amount_written_off"]) == Decimal("400.00")
        assert Decimal(context["amount_remaining"]) == Decimal("600.00")
        assert Decimal(context["sos_arrears"]) == Decimal("50.00")
        assert date.fromisoformat(context["representations_end"]) == end
        assert date.fromisoformat(context["letter_date"]) == clock.today
    kinds = {kind: (due, explanation) for kind, due, explanation in walk.outcome().deadlines}
    due, explanation = kinds["representations_end"]
    assert uk_local(due).date() == end
    assert explanation.startswith(f"30 calendar days from the letter date ({clock.today.day} ")
    assert open_deadlines(case_id) == ["representations_end"]  # the reply has arrived
    clock.advance((end - clock.today).days + 1)
    walk.answer(window_outcome=p4.NO_CHANGE)
    assert walk.step == "record_outcome"
    finish(walk, clock)
    closure = letters(walk, p4.CASE_CLOSURE)
    assert {(Decimal(c["amount_transitioned"]), Decimal(c["amount_written_off"])) for c in closure.values()} == {
        (Decimal("600.00"), Decimal("400.00"))
    }
    assert any("stands after the 30 days (no representations or change)" in n for n in walk.outcome().srs["main"].notes)
    assert open_deadlines(case_id) == []


def test_thirty_days_ending_on_a_weekend_run_to_the_next_working_day_and_say_so(demo_db, caseworker, clock):
    walk = Walk(caseworker, "P4", p4_case(caseworker))
    to_await_response(walk, clock)
    walk.answer(response=WRITE_OFF)
    letter_day = next(
        clock.today + timedelta(days=n) for n in range(7) if (clock.today + timedelta(n + 30)).weekday() == 5
    )
    walk.answer(write_off_amount="10.00", write_off_letter_date=letter_day.isoformat())
    kinds = {kind: (due, explanation) for kind, due, explanation in walk.outcome().deadlines}
    due, explanation = kinds["representations_end"]
    saturday = letter_day + timedelta(days=30)
    assert uk_local(due).date() == next_working_day(saturday, "England") > saturday
    assert is_working_day(uk_local(due).date(), "England")
    assert "is not a working day in England, so the period ends on the next working day" in explanation


def test_no_change_can_be_recorded_only_after_the_30_days(demo_db, caseworker, clock):
    walk = Walk(caseworker, "P4", p4_case(caseworker))
    to_await_response(walk, clock)
    to_after_window(walk, clock, "100.00")
    end = next_working_day(clock.today + timedelta(days=30), "England")
    clock.advance((end - clock.today).days)
    with pytest.raises(ValidationFailed) as info:
        walk.answer(window_outcome=p4.NO_CHANGE)
    assert info.value.errors["window_outcome"].startswith("The 30 days end on")
    assert walk.step == "after_window"


def test_representations_are_recorded_during_the_30_days_and_the_write_off_stands(demo_db, caseworker, clock):
    """The paying parent writes on the day the letters go: the representations are recorded at once, but the
    receiving parent's 30 days go on, so no outcome is recorded, no closure letter is due and the end of the 30
    days stays open until they have passed."""
    case_id = p4_case(caseworker)
    walk = Walk(caseworker, "P4", case_id)
    to_await_response(walk, clock)
    to_after_window(walk, clock, "250.00")
    end = next_working_day(clock.today + timedelta(days=30), "England")
    walk.answer(window_outcome=p4.REPRESENTATIONS)
    assert walk.step == "representations"
    walk.answer(representations_summary="Says a payment in 2019 is missing", representations_response="Checked: none")
    assert walk.step == "after_window"  # back to wait for the rest of the receiving parent's 30 days
    assert open_deadlines(case_id) == ["representations_end"]
    assert not letters(walk, p4.CASE_CLOSURE)
    assert not any(n.startswith("Outcome recorded") for n in walk.outcome().srs["main"].notes)
    clock.advance((end - clock.today).days)  # the last day of the 30 days: still open
    with pytest.raises(ValidationFailed) as info:
        walk.answer(window_outcome=p4.NO_CHANGE)
    assert info.value.errors["window_outcome"].startswith(f"The 30 days end on {format_date(end)}.")
    assert open_deadlines(case_id) == ["representations_end"]
    clock.advance(1)
    walk.answer(window_outcome=p4.NO_CHANGE)
    assert walk.step == "record_outcome"
    finish(walk, clock)
    notes = walk.outcome().srs["main"].notes
    assert "Paying parent's representations: Says a payment in 2019 is missing. Considered: Checked: none" in notes
    assert any("stands after the 30 days (representations considered)" in n for n in notes)
    closure = letters(walk, p4.CASE_CLOSURE)
    assert {Decimal(c["amount_transitioned"]) for c in closure.values()} == {Decimal("750.00")}
    assert open_deadlines(case_id) == []


def test_back_from_a_step_the_run_looped_back_into_gives_its_earlier_visit_its_answers_again(
    demo_db, caseworker, clock
):
    """QA, eighth session (P4's stateful test): a loop back into "Record the paying parent's representations" starts it
    unanswered; Back from there to "After the 30 days" left the first visit, saved on the SR, in the run's history
    with no answers or ticks, so what later steps read of it was gone. Its answers and ticks now come back."""
    case_id = p4_case(caseworker)
    walk = Walk(caseworker, "P4", case_id)
    to_await_response(walk, clock)
    to_after_window(walk, clock, "250.00")
    first = {"representations_summary": "Says a payment in 2019 is missing", "representations_response": "Checked"}
    walk.answer(window_outcome=p4.REPRESENTATIONS)
    walk.answer(**first)
    assert walk.step == "after_window"
    walk.answer(window_outcome=p4.REPRESENTATIONS)  # more representations: the step again, unanswered
    assert walk.step == "representations"
    with transaction() as session:
        assert "representations_summary" not in session.get_one(ProcedureRun, walk.view.run_id).answers

    walk.back()
    assert walk.step == "after_window"
    with transaction() as session:
        run = session.get_one(ProcedureRun, walk.view.run_id)
        history, answers, ticked, set_aside = list(run.history), run.answers, run.checklists, run.earlier_visits
    assert history[-3:] == ["after_window", "representations", "after_window"]
    assert {k: answers[k] for k in first} == first
    assert ticked["representations"] == list(p4.PROCEDURE.steps["representations"].checklist)
    assert [v["step"] for v in set_aside] == ["after_window"]  # the visit still in the history keeps its first one's

    clock.advance(31)
    walk.answer(window_outcome=p4.NO_CHANGE)
    assert walk.step == "record_outcome"
    notes = walk.outcome().srs["main"].notes
    assert [n for n in notes if n.startswith("Paying parent's representations")] == [
        "Paying parent's representations: Says a payment in 2019 is missing. Considered: Checked"
    ]


def test_representations_recorded_once_the_30_days_have_ended_go_straight_to_the_outcome(demo_db, caseworker, clock):
    walk = Walk(caseworker, "P4", p4_case(caseworker))
    to_await_response(walk, clock)
    to_after_window(walk, clock, "250.00")
    clock.advance(40)
    walk.answer(window_outcome=p4.REPRESENTATIONS)
    walk.answer(representations_summary="Letter dated day 20, read late", representations_response="Decision stands")
    assert walk.step == "record_outcome"
    finish(walk, clock)
    assert {Decimal(c["amount_written_off"]) for c in letters(walk, p4.CASE_CLOSURE).values()} == {Decimal("250.00")}


def test_a_changed_decision_to_pursue_withdraws_the_write_off(demo_db, caseworker, clock):
    """Withdrawn on day 10: the run waits for the rest of the 30 days before the outcome is recorded."""
    case_id = p4_case(caseworker)
    walk = Walk(caseworker, "P4", case_id)
    to_await_response(walk, clock)
    to_after_window(walk, clock, "250.00")
    end = next_working_day(clock.today + timedelta(days=30), "England")
    clock.advance(10)
    walk.answer(window_outcome=p4.DECISION_CHANGED)
    walk.answer(changed_decision=p4.NOW_PURSUE, change_details="Phoned on day 10")
    assert walk.step == "after_window"
    assert open_deadlines(case_id) == ["representations_end"]
    with pytest.raises(ValidationFailed):
        walk.answer(window_outcome=p4.NO_CHANGE)
    clock.advance((end - clock.today).days + 1)
    walk.answer(window_outcome=p4.NO_CHANGE)
    assert walk.step == "record_outcome"
    finish(walk, clock)
    assert any("withdrew the write-off within the 30 days" in n for n in walk.outcome().srs["main"].notes)
    closure = letters(walk, p4.CASE_CLOSURE)
    assert {(Decimal(c["amount_transitioned"]), Decimal(c["amount_written_off"])) for c in closure.values()} == {
        (Decimal("1000.00"), Decimal("0.00"))
    }


def test_a_changed_amount_sends_new_letters_and_starts_a_new_30_days(demo_db, caseworker, clock):
    case_id = p4_case(caseworker)
    walk = Walk(caseworker, "P4", case_id)
    to_await_response(walk, clock)
    to_after_window(walk, clock, "250.00")
    clock.advance(5)
    walk.answer(window_outcome=p4.DECISION_CHANGED)
    walk.answer(changed_decision=p4.NEW_AMOUNT, change_details="Wants only £100 written off")
    assert walk.step == "write_off"
    walk.answer(write_off_amount="100.00", write_off_letter_date=clock.today.isoformat())
    second_end = next_working_day(clock.today + timedelta(days=30), "England")
    ends = [uk_local(due).date() for kind, due, _ in walk.outcome().deadlines if kind == "representations_end"]
    assert ends == [second_end]  # the end of the 30 days moved to the new letters' (it was not met)
    assert open_deadlines(case_id) == ["representations_end"]
    written = [
        Decimal(c["amount_written_off"])
        for code, _r, _s, c in walk.outcome().letters
        if code in p4.WRITE_OFF_CONFIRMATION.values()
    ]
    assert written == [Decimal("250.00")] * 2 + [Decimal("100.00")] * 2
    clock.advance((second_end - clock.today).days + 1)
    walk.answer(window_outcome=p4.NO_CHANGE)
    finish(walk, clock)
    closure = letters(walk, p4.CASE_CLOSURE)
    assert {Decimal(c["amount_transitioned"]) for c in closure.values()} == {Decimal("900.00")}


def test_closure_letters_keep_secretary_of_state_arrears_apart_from_what_is_collected_for_the_receiving_parent(
    demo_db, caseworker, clock
):
    """QA: with £65.01 owed to the Secretary of State kept, CWGL013 said the CMS "will collect this for you"."""
    walk = Walk(caseworker, "P4", p4_case(caseworker, sos_arrears=Decimal("65.01")))
    to_await_response(walk, clock)
    to_after_window(walk, clock, "900.00")
    clock.advance(40)
    walk.answer(window_outcome=p4.NO_CHANGE)
    finish(walk, clock)
    closure = letters(walk, p4.CASE_CLOSURE)
    assert {(Decimal(c["amount_transitioned"]), Decimal(c["sos_arrears"])) for c in closure.values()} == {
        (Decimal("100.00"), Decimal("65.01"))
    }
    spec = catalogue.get(p4.CASE_CLOSURE["receiving_parent"])
    text = docx_text(render(spec, closure["receiving_parent"]).content)
    assert "£65.01 of this is owed to the Secretary of State, not to you, so it is not collected for you." in text
    assert "The Child Maintenance Service will collect the other £34.99 for you." in text
    assert "will collect this for you" not in text


def test_a_call_about_options_records_the_explanation_then_the_decision(demo_db, caseworker, clock):
    walk = Walk(caseworker, "P4", p4_case(caseworker))
    to_await_response(walk, clock)
    walk.answer(response=p4.OPTIONS_CALL)
    assert walk.step == "explain_options"
    walk.answer(options_explained="Write-off is final after 30 days", options_decision=p4.DECIDE_LATER)
    assert walk.step == "await_response"
    walk.answer(response=p4.OPTIONS_CALL)
    walk.answer(options_explained="Went over it again", options_decision=p4.DECIDE_WRITE_OFF)
    assert walk.step == "write_off"
    outcome = walk.outcome()
    assert (
        "Receiving parent called about the arrears options. Explained: Write-off is final after 30 days "
        "Decision: Still deciding: wait for their reply."
    ) in outcome.srs["main"].notes
    assert outcome.contact_notes == (
        "Receiving parent called about the arrears options. Explained: Write-off is final after 30 days",
        "Receiving parent called about the arrears options. Explained: Went over it again",
    )


def test_a_call_about_options_can_end_in_pursuing_the_arrears(demo_db, caseworker, clock):
    walk = Walk(caseworker, "P4", p4_case(caseworker))
    to_await_response(walk, clock)
    walk.answer(response=p4.OPTIONS_CALL)
    walk.answer(options_explained="Explained both choices", options_decision=p4.DECIDE_PURSUE)
    assert walk.step == "pursue"


def test_a_disputing_paying_parent_gets_an_explanation_and_a_breakdown_when_asked(demo_db, caseworker, clock):
    case_id = p4_case(caseworker)
    walk = Walk(caseworker, "P4", case_id)
    to_await_response(walk, clock)
    walk.answer(response=p4.DISPUTE)
    walk.answer(dispute_explanation="Went through each quarter", breakdown_requested=False)
    assert walk.step == "await_response"
    assert letters(walk, p4.ACCOUNT_BREAKDOWN) == {}
    walk.answer(response=p4.DISPUTE)
    walk.answer(
        dispute_explanation="Asked for it in writing",
        breakdown_requested=True,
        breakdown_letter_date=clock.today.isoformat(),
    )
    assert walk.step == "await_response"
    ((recipient, context),) = letters(walk, p4.ACCOUNT_BREAKDOWN).items()
    periods = case_row(case_id)["periods"]
    assert recipient == "paying_parent"
    assert len(periods) == 4
    assert context["periods"] == [
        {
            "period_start": start.isoformat(),
            "period_end": end.isoformat(),
            "amount_due": str(due),
            "amount_paid": str(paid),
        }
        for start, end, due, paid in periods
    ]
    outcome = walk.outcome()
    assert "Paying parent disputes the arrears balance. Explanation given: Went through each quarter" in (
        outcome.srs["main"].notes
    )
    assert len(outcome.contact_notes) == 2


def test_a_breakdown_that_contradicts_the_confirmed_balance_is_refused_at_the_question_and_nothing_is_sent(
    demo_db, caseworker, clock
):
    """QA: CWGF015 totalled the case's periods (£1,000.85 owed) while the run's other letters gave the confirmed
    balance (£1,433.74)."""
    case_id = p4_case(caseworker, arrears_balance=Decimal("1433.74"))
    with transaction() as session:
        case = session.get(Case, case_id)
        first = min(case.arrears_periods, key=lambda p: p.period_start)
        owed = sum((p.amount_due - p.amount_paid for p in case.arrears_periods), Decimal("0.00"))
        first.amount_due -= owed - Decimal("1000.85")  # the periods now leave £1,000.85 owed
    walk = Walk(caseworker, "P4", case_id)
    to_await_response(walk, clock, balance="1433.74")
    walk.answer(response=p4.DISPUTE)
    before = counts(case_id)
    with pytest.raises(ValidationFailed) as info:
        walk.answer(
            dispute_explanation="Asked for it in writing",
            breakdown_requested=True,
            breakdown_letter_date=clock.today.isoformat(),
        )
    assert info.value.errors == {
        "breakdown_requested": "The arrears periods on the case record leave £1,000.85 owed, but the stable arrears "
        "balance confirmed for this case is £1,433.74. A breakdown that does not match the balance in the other "
        "letters cannot be sent: have the arrears periods corrected through the cleanse first, or answer No and "
        "explain the balance."
    }
    assert counts(case_id) == before
    assert run_context.view_run(caseworker, walk.view.run_id).step.id == "paying_parent_dispute"
    walk.answer(dispute_explanation="Explained each period by phone", breakdown_requested=False)
    assert walk.step == "await_response"
    assert letters(walk, p4.ACCOUNT_BREAKDOWN) == {}


def test_the_breakdown_gives_the_same_balance_as_the_other_letters(demo_db, caseworker, clock):
    case_id = p4_case(caseworker, arrears_balance=Decimal("1433.74"))
    walk = Walk(caseworker, "P4", case_id)
    to_await_response(walk, clock, balance="1433.74")
    walk.answer(response=p4.DISPUTE)
    walk.answer(
        dispute_explanation="In writing", breakdown_requested=True, breakdown_letter_date=clock.today.isoformat()
    )
    ((_recipient, context),) = letters(walk, p4.ACCOUNT_BREAKDOWN).items()
    assert Decimal(context["arrears_balance"]) == Decimal("1433.74")
    (stable,) = letters(walk, p4.STABLE_BALANCE).values()
    assert Decimal(stable["arrears_balance"]) == Decimal("1433.74")
    text = docx_text(render(catalogue.get(p4.ACCOUNT_BREAKDOWN), context).content)
    assert "The arrears still owed are £1,433.74." in text
    assert "£1,000.85" not in text


@pytest.mark.parametrize(
    ("sos", "amount", "allowed"),
    [
        ("65.00", "1000.00", True),  # £65.00 owed to the Secretary of State may be written off
        ("65.01", "1000.00", False),  # £65.01 may not
        ("65.01", "934.99", True),  # the receiving parent's own part may
        ("65.01", "935.00", False),  # one penny of Secretary of State arrears over £65 may not
        ("0.00", "1000.00", True),
        ("412.50", "587.51", False),
    ],
)
def test_secretary_of_state_arrears_over_65_pounds_are_never_written_off(
    demo_db, caseworker, clock, sos, amount, allowed
):
    case_id = p4_case(caseworker, sos_arrears=Decimal(sos))
    walk = Walk(caseworker, "P4", case_id)
    to_await_response(walk, clock)
    walk.answer(response=WRITE_OFF)
    before = counts(case_id)
    payload = {"write_off_amount": amount, "write_off_letter_date": clock.today.isoformat()}
    if allowed:
        walk.answer(**payload)
        assert walk.step == "after_window"
        written = {Decimal(c["amount_written_off"]) for c in letters(walk, p4.WRITE_OFF_CONFIRMATION).values()}
        assert written == {Decimal(amount)}
        return
    with pytest.raises(ValidationFailed) as info:
        walk.answer(**payload)
    most = Decimal("1000.00") - Decimal(sos)
    assert info.value.errors == {
        "write_off_amount": f"£{Decimal(sos):,.2f} of the arrears is owed to the Secretary of State. Secretary of "
        f"State arrears over £65.00 are never written off, so the most the receiving parent can write off is "
        f"£{most:,.2f}."
    }
    assert counts(case_id) == before
    assert run_context.view_run(caseworker, walk.view.run_id).step.id == "write_off"


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0.00", "Enter an amount more than £0.00."),
        ("1000.01", "The write-off cannot be more than the stable arrears balance of £1,000.00."),
        ("-5", "The amount cannot be negative."),
        ("12.345", "Enter the amount with no more than two decimal places."),
    ],
)
def test_a_write_off_must_be_a_real_amount_within_the_balance(demo_db, caseworker, clock, amount, message):
    walk = Walk(caseworker, "P4", p4_case(caseworker))
    to_await_response(walk, clock)
    walk.answer(response=WRITE_OFF)
    with pytest.raises(ValidationFailed) as info:
        walk.answer(write_off_amount=amount, write_off_letter_date=clock.today.isoformat())
    assert info.value.errors["write_off_amount"].startswith(message)


def test_a_letter_dated_more_than_14_days_ahead_is_refused_at_the_field(demo_db, caseworker, clock):
    walk = Walk(caseworker, "P4", p4_case(caseworker))
    walk.answer(stable_balance="1000.00")
    with pytest.raises(ValidationFailed) as info:
        walk.answer(letter_date=(clock.today + timedelta(days=15)).isoformat())
    assert info.value.errors["letter_date"].startswith("Date of the stable balance letter can be at most 14 days ahead")
    walk.answer(letter_date=(clock.today + timedelta(days=14)).isoformat())
    assert walk.step == "await_response"


def test_northern_ireland_outcomes_go_to_nicms(demo_db, caseworker, clock):
    walk = Walk(caseworker, "P4", p4_case(caseworker, region="Northern Ireland"))
    to_await_response(walk, clock)
    walk.answer(response="Receiving parent wants the arrears pursued")
    walk.answer()
    walk.answer(dispute_before_outcome=False)
    assert walk.step == "send_to_nicms"
    assert walk.view.step.checklist == ("The CSA systems show the outcome was sent to NICMS automatically",)
    walk.answer()
    walk.answer(closure_letter_date=clock.today.isoformat())
    notes = walk.outcome().srs["main"].notes
    assert (
        "Checked: the CSA systems sent the outcome to NICMS automatically for financial transition: "
        "£1,000.00 to transition to CMS." in notes
    )
    assert not any("CMG" in n for n in notes)
    assert walk.outcome().srs["main"].status == "Closed"


@pytest.mark.parametrize("region", ["England", "Northern Ireland"])
def test_nationally_sensitive_figures_go_by_offline_report_to_the_csa_team(demo_db, caseworker, clock, region):
    walk = Walk(caseworker, "P4", p4_case(caseworker, nationally_sensitive=True, region=region))
    to_await_response(walk, clock)
    walk.answer(response="Receiving parent wants the arrears pursued")
    walk.answer()
    walk.answer(dispute_before_outcome=False)
    assert walk.step == "offline_report"
    assert "Report issued clerically to the CSA Team" in walk.view.step.checklist
    with pytest.raises(ValidationFailed) as info:
        runs.submit_step(
            caseworker, walk.view.run_id, {"offline_report_details": "OR-1"}, expected_version=walk.view.version
        )
    assert "Report issued clerically to the CSA Team" in info.value.errors["_checklist"]
    walk.answer(offline_report_details="Report OR-1 to J Smith, CSA Team")
    walk.answer(closure_letter_date=clock.today.isoformat())
    outcome = walk.outcome()
    assert outcome.status == "finished"
    assert any(
        n.startswith("Nationally sensitive case: transition figures issued clerically")
        for n in outcome.srs["main"].notes
    )
    assert not any("sent the outcome to" in n for n in outcome.srs["main"].notes)
    assert "send_to_cmg" not in walk.path()
    assert "send_to_nicms" not in walk.path()


def test_back_keeps_answers_and_is_refused_once_letters_are_recorded(demo_db, caseworker, clock):
    walk = Walk(caseworker, "P4", p4_case(caseworker))
    to_await_response(walk, clock)
    with pytest.raises(DomainError, match="already saved on the SR"):
        walk.back()
    walk.answer(response=WRITE_OFF)
    walk.answer(confirm=False, write_off_amount="300.00", write_off_letter_date=clock.today.isoformat())
    assert walk.view.awaiting_confirmation
    walk.back()
    assert walk.step == "await_response"
    walk.answer(response="Receiving parent wants the arrears pursued")
    walk.answer()
    finish(walk, clock)
    assert letters(walk, p4.WRITE_OFF_CONFIRMATION) == {}
    closure = letters(walk, p4.CASE_CLOSURE)
    assert {Decimal(c["amount_written_off"]) for c in closure.values()} == {Decimal("0.00")}


def test_every_step_and_record_is_audited(demo_db, caseworker, clock):
    walk = Walk(caseworker, "P4", p4_case(caseworker))
    to_await_response(walk, clock)
    sr_number = walk.outcome().srs["main"].number
    with transaction() as session:
        run_actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity_id == walk.view.run_id).order_by(AuditEvent.id)
        ).all()
        sr_id = session.scalar(select(ServiceRequest.id).where(ServiceRequest.number == sr_number))
        sr_events = session.scalars(select(AuditEvent).where(AuditEvent.sr_id == sr_id).order_by(AuditEvent.id)).all()
    assert run_actions == ["run.started", "run.answers", "run.step", "run.answers", "run.step"]
    record_actions = [e.action for e in sr_events if not e.action.startswith("run.")]
    assert record_actions == ["sr.created", "note.sr", "letter.due", "deadline.set", "activity.done", "note.sr"]
    assert {e.actor_id for e in sr_events} == {caseworker.user_id}


@pytest.mark.parametrize(
    ("sos", "most"),
    [("0.00", "1000.00"), ("64.99", "1000.00"), ("65.00", "1000.00"), ("65.01", "934.99"), ("412.50", "587.50")],
)
def test_the_most_that_can_be_written_off_keeps_secretary_of_state_arrears_over_65_pounds(sos, most):
    result = p4.max_write_off(Decimal("1000.00"), Decimal(sos))
    assert result == Decimal(most)
    assert isinstance(result, Decimal)


def test_the_30_days_are_calendar_days_from_the_letter_date_moved_off_holidays_by_region():
    # 25 November 2026 + 30 days = Christmas Day (a Friday); Monday 28 December is the Boxing Day holiday.
    assert p4.period_end(date(2026, 11, 25), "England") == (
        date(2026, 12, 29),
        "30 calendar days from the letter date (25 November 2026); 25 December 2026 is not a working day in "
        "England, so the period ends on the next working day.",
    )
    # 3 December 2026 + 30 days = Saturday 2 January 2027, a Scottish holiday observed on Monday 4 January.
    assert p4.period_end(date(2026, 12, 3), "England")[0] == date(2027, 1, 4)
    assert p4.period_end(date(2026, 12, 3), "Scotland")[0] == date(2027, 1, 5)
    assert p4.period_end(date(2026, 11, 24), "England") == (
        date(2026, 12, 24),
        "30 calendar days from the letter date (24 November 2026).",
    )


def test_p4_text_uses_the_new_terminology_only():
    old_terms = ("non resident parent", "parent with care", "person with care", "nrp", "pwc")
    texts = [p4.__doc__ or ""]
    for step in p4.STEPS.values():
        texts += [step.title, step.guidance, *step.checklist]
        for f in step.fields:
            texts += [f.label, f.help, *f.options]
    for text in texts:
        assert not any(term in text.lower() for term in old_terms), text


def test_a_zero_write_off_after_the_options_call_does_not_say_to_go_back_where_back_is_refused(
    demo_db, caseworker, clock
):
    """QA (Chromium): after "Explain the options" (saved: its note is on the SR) the write-off step refused £0.00 with
    "go back and record that they want the arrears pursued", but Back from there is refused. The message now says
    what can be done; straight after "Record what happened after the letter" (nothing saved) going back still works."""
    walk = Walk(caseworker, "P4", p4_case(caseworker))
    to_await_response(walk, clock)
    walk.answer(response="Receiving parent called to discuss the options")
    walk.answer(options_explained="Explained both choices", options_decision=p4.DECIDE_WRITE_OFF)
    assert walk.step == "write_off"
    assert not walk.view.can_go_back
    with pytest.raises(ValidationFailed) as info:
        walk.answer(write_off_amount="0.00", write_off_letter_date=clock.today.isoformat())
    message = info.value.errors["write_off_amount"]
    assert "go back" not in message
    assert message == (
        "Enter an amount more than £0.00. The decision to write off was saved at 'Explain the options to the "
        "receiving parent' and cannot be changed here: if the receiving parent now wants nothing written off, "
        "note it on the SR and ask your team leader."
    )

    walk = Walk(caseworker, "P4", p4_case(caseworker))
    to_await_response(walk, clock)
    walk.answer(response=WRITE_OFF)
    assert walk.view.can_go_back
    with pytest.raises(ValidationFailed) as info:
        walk.answer(write_off_amount="0.00", write_off_letter_date=clock.today.isoformat())
    assert "go back and record that they want the arrears pursued" in info.value.errors["write_off_amount"]


@pytest.mark.parametrize("response", [p4.PURSUE, p4.NO_RESPONSE], ids=["pursue", "no response"])
def test_pursue_and_no_response_wait_for_check_your_answers_saying_the_reply_is_met(
    demo_db, caseworker, clock, response
):
    """Each marks the receiving parent's reply deadline met: check your answers says so first, and Back from there
    leaves it open."""
    case_id = p4_case(caseworker)
    walk = Walk(caseworker, "P4", case_id)
    to_await_response(walk, clock)
    if response == p4.NO_RESPONSE:
        clock.advance((next_working_day(clock.today + timedelta(days=30), "England") - clock.today).days + 1)
    walk.answer(response=response)
    notes = walk.outcome().srs["main"].notes
    view = walk.checked()
    assert view.deadlines_met == ("Receiving parent's reply: marked met",)
    assert [n.text for n in view.notes][0].endswith("will transition to CMS.")
    walk.back_from_check()
    assert open_deadlines(case_id) == ["receiving_parent_reply"]
    assert walk.outcome().srs["main"].notes == notes
    walk.checked()
    walk.confirm()
    assert walk.step == "record_outcome"
    assert open_deadlines(case_id) == []
