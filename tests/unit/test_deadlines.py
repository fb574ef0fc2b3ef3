"""Due-date rules across weekends, bank holidays, regions and clock changes, with their explanations."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain import deadlines
from domain.clock import UK, is_working_day, uk_local


def uk(*args: int) -> datetime:
    return datetime(*args, tzinfo=UK)


# --- Court fee payment (P5a) -------------------------------------------------------------------


@pytest.mark.parametrize("region", ["England", "Wales", "Scotland", "Northern Ireland"])
def test_an_ecm_email_on_the_thursday_before_christmas_2026_makes_the_fee_due_on_tuesday_29_december(region):
    due = deadlines.court_fee_payment(uk(2026, 12, 24, 11, 15), region)
    assert due.kind == "court_fee_payment"
    assert uk_local(due.due_at) == uk(2026, 12, 29, 17, 0)
    assert "received on Thursday 24 December 2026" in due.explanation
    assert "two days later is Saturday 26 December 2026 (a weekend day)" in due.explanation
    assert "Monday 28 December 2026 is Boxing Day (substitute day), a bank holiday in" in due.explanation
    assert "due on the next working day, Tuesday 29 December 2026, by 17:00" in due.explanation


def test_two_days_are_calendar_days_so_a_tuesday_email_is_due_on_thursday():
    due = deadlines.court_fee_payment(uk(2026, 12, 22, 9, 0), "England")
    assert uk_local(due.due_at) == uk(2026, 12, 24, 17, 0)
    assert "Thursday 24 December 2026, a working day" in due.explanation


def test_the_received_day_is_the_uk_date_even_late_in_the_evening_in_summer():
    # 23:30 BST on Monday 6 July 2026 is 22:30 UTC the same day; 00:30 BST on Tuesday is still Monday in UTC.
    late_monday = deadlines.court_fee_payment(datetime(2026, 7, 6, 22, 30, tzinfo=UTC), "England")
    early_tuesday = deadlines.court_fee_payment(datetime(2026, 7, 6, 23, 30, tzinfo=UTC), "England")
    assert uk_local(late_monday.due_at).date() == date(2026, 7, 8)
    assert uk_local(early_tuesday.due_at).date() == date(2026, 7, 9)


def test_scotlands_2_january_moves_the_fee_to_monday_but_not_in_england():
    received = uk(2025, 12, 31, 14, 0)
    scotland = deadlines.court_fee_payment(received, "Scotland")
    england = deadlines.court_fee_payment(received, "England")
    assert uk_local(england.due_at).date() == date(2026, 1, 2)
    assert uk_local(scotland.due_at).date() == date(2026, 1, 5)
    assert "Friday 2 January 2026 (New Year Holiday, a bank holiday in Scotland)" in scotland.explanation


def test_st_patricks_day_moves_the_fee_in_northern_ireland_only():
    received = uk(2027, 3, 15, 10, 0)  # Monday; +2 is Wednesday 17 March 2027
    assert uk_local(deadlines.court_fee_payment(received, "England").due_at).date() == date(2027, 3, 17)
    northern_ireland = deadlines.court_fee_payment(received, "Northern Ireland")
    assert uk_local(northern_ireland.due_at).date() == date(2027, 3, 18)
    assert "Saint Patrick's Day, a bank holiday in Northern Ireland" in northern_ireland.explanation


def test_the_twelfth_of_july_moves_the_fee_in_northern_ireland():
    received = uk(2027, 7, 10, 12, 0)  # Saturday; +2 is Monday 12 July 2027, Battle of the Boyne
    assert uk_local(deadlines.court_fee_payment(received, "Northern Ireland").due_at).date() == date(2027, 7, 13)
    assert uk_local(deadlines.court_fee_payment(received, "Scotland").due_at).date() == date(2027, 7, 12)


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError, match="time zone"):
        deadlines.court_fee_payment(datetime(2026, 12, 24, 11, 0), "England")


def test_an_unknown_region_is_refused():
    with pytest.raises(ValueError, match="unknown region"):
        deadlines.court_fee_payment(uk(2026, 12, 24, 11, 0), "Atlantis")


# --- Second PV check (P5b, P5c, P5d) -------------------------------------------------------------


def test_a_midweek_hearing_makes_the_check_due_exactly_48_hours_before():
    due = deadlines.second_pv_check(uk(2027, 3, 12, 10, 0), "England")  # Friday
    assert due.kind == "second_pv_check"
    assert uk_local(due.due_at) == uk(2027, 3, 10, 10, 0)
    assert due.explanation.endswith("within working hours, so that is when it is due.")


def test_a_monday_morning_hearing_makes_the_check_due_on_friday_at_close():
    due = deadlines.second_pv_check(uk(2026, 12, 7, 10, 0), "England")
    assert uk_local(due.due_at) == uk(2026, 12, 4, 17, 0)
    assert "48 hours before is 10:00 on Saturday 5 December 2026 (a weekend day)" in due.explanation
    assert "last working day before it, Friday 4 December 2026" in due.explanation


def test_a_hearing_just_after_easter_goes_back_past_good_friday():
    due = deadlines.second_pv_check(uk(2027, 3, 30, 10, 0), "England")  # Tuesday after Easter Monday
    assert uk_local(due.due_at) == uk(2027, 3, 25, 17, 0)
    assert "Friday 26 March 2027 is Good Friday, a bank holiday in England and Wales" in due.explanation


def test_easter_monday_is_a_working_day_in_scotland_but_not_in_england():
    hearing = uk(2027, 3, 31, 10, 0)  # Wednesday; 48 hours before is Easter Monday 29 March 2027
    assert uk_local(deadlines.second_pv_check(hearing, "Scotland").due_at) == uk(2027, 3, 29, 10, 0)
    england = deadlines.second_pv_check(hearing, "England")
    assert uk_local(england.due_at) == uk(2027, 3, 25, 17, 0)
    assert "(Easter Monday, a bank holiday in England and Wales)" in england.explanation


def test_the_twelfth_of_july_in_northern_ireland_pulls_the_check_back_to_friday():
    hearing = uk(2027, 7, 14, 11, 0)  # Wednesday; 48 hours before is Monday 12 July 2027
    assert uk_local(deadlines.second_pv_check(hearing, "Northern Ireland").due_at) == uk(2027, 7, 9, 17, 0)
    assert uk_local(deadlines.second_pv_check(hearing, "England").due_at) == uk(2027, 7, 12, 11, 0)


def test_a_mark_before_opening_goes_to_the_previous_working_day_and_after_closing_to_that_days_close():
    early = deadlines.second_pv_check(uk(2027, 3, 11, 8, 30), "England")  # Thursday 08:30 -> Tuesday 08:30
    late = deadlines.second_pv_check(uk(2027, 3, 11, 18, 0), "England")
    assert uk_local(early.due_at) == uk(2027, 3, 8, 17, 0)
    assert "before the 09:00 start" in early.explanation
    assert uk_local(late.due_at) == uk(2027, 3, 9, 17, 0)
    assert "after the 17:00 close" in late.explanation


def test_the_edges_of_working_hours_count_as_inside():
    assert uk_local(deadlines.second_pv_check(uk(2027, 3, 11, 9, 0), "England").due_at) == uk(2027, 3, 9, 9, 0)
    assert uk_local(deadlines.second_pv_check(uk(2027, 3, 11, 17, 0), "England").due_at) == uk(2027, 3, 9, 17, 0)


def test_across_the_spring_clock_change_the_friday_close_is_17_00_gmt():
    # Tuesday 31 March 2026 10:00 BST; the clocks went forward on Sunday 29 March 2026.
    due = deadlines.second_pv_check(uk(2026, 3, 31, 10, 0), "England")
    assert due.due_at == datetime(2026, 3, 27, 17, 0, tzinfo=UTC)
    assert "48 hours before is 10:00 on Sunday 29 March 2026" in due.explanation


def test_across_the_autumn_clock_change_the_friday_close_is_17_00_bst():
    # Tuesday 27 October 2026 09:30 GMT; the clocks went back on Sunday 25 October 2026.
    due = deadlines.second_pv_check(uk(2026, 10, 27, 9, 30), "England")
    assert due.due_at == datetime(2026, 10, 23, 16, 0, tzinfo=UTC)
    assert uk_local(due.due_at) == uk(2026, 10, 23, 17, 0)


@given(
    moment=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31)),
    region=st.sampled_from(["England", "Scotland", "Northern Ireland"]),
)
def test_the_check_is_always_in_working_hours_on_a_working_day_and_never_later_than_the_48_hour_mark(moment, region):
    hearing = moment.replace(tzinfo=UK)
    due = deadlines.second_pv_check(hearing, region)
    local = uk_local(due.due_at)
    assert is_working_day(local.date(), region)
    assert deadlines.OPEN <= local.time() <= deadlines.CLOSE
    mark = datetime.combine(uk_local(hearing).date() - timedelta(days=2), uk_local(hearing).time(), tzinfo=UK)
    assert due.due_at <= mark.astimezone(UTC) + timedelta(hours=1)  # an hour's slack only at a clock change


# --- Representations (P4), review date (P1), hearing and appointment ----------------------------


def test_the_30_day_window_ends_on_the_30th_day():
    assert deadlines.REPRESENTATION_DAYS == 30  # seed 003: "given 30 days to raise any representations"
    end, explanation = deadlines.period_end(date(2026, 11, 2), "England")
    assert end == date(2026, 12, 2)
    assert explanation == "30 calendar days from the letter date (2 November 2026)."


def test_a_window_ending_on_a_bank_holiday_runs_to_the_next_working_day():
    end, explanation = deadlines.period_end(date(2026, 11, 28), "England")  # +30 is Monday 28 December 2026
    assert end == date(2026, 12, 29)
    assert "28 December 2026 is not a working day in England, so the period ends on the next working day" in explanation


def test_a_review_date_on_a_saturday_moves_to_monday_morning():
    due = deadlines.review_date(date(2026, 11, 28), "England")
    assert due.kind == "review_date"
    assert uk_local(due.due_at) == uk(2026, 11, 30, 9, 0)
    assert "moves to the next working day, Monday 30 November 2026" in due.explanation


def test_hearing_and_appointment_deadlines_are_the_moments_themselves():
    hearing = deadlines.hearing(uk(2027, 3, 12, 10, 0), "Bristol County Court")
    appointment = deadlines.appointment(uk(2027, 7, 1, 14, 30), "Taunton Jobcentre")
    assert (hearing.kind, uk_local(hearing.due_at)) == ("hearing", uk(2027, 3, 12, 10, 0))
    assert "Bristol County Court is at 10:00 on Friday 12 March 2027" in hearing.explanation
    assert (appointment.kind, uk_local(appointment.due_at)) == ("appointment", uk(2027, 7, 1, 14, 30))
    assert "Taunton Jobcentre is at 14:30 on Thursday 1 July 2027" in appointment.explanation


def test_the_deadline_kinds_are_the_ones_the_procedures_use():
    assert deadlines.KINDS == (
        "court_fee_payment",
        "second_pv_check",
        "representations_end",
        "review_date",
        "hearing",
        "appointment",
    )


def test_every_deadline_kind_has_a_name_to_show():
    assert [deadlines.label(kind) for kind in deadlines.KINDS] == [
        "Pay the court fee",
        "Second PV check",
        "End of the time for representations",
        "Review date",
        "Hearing",
        "Face to face appointment",
    ]
    assert deadlines.label("receiving_parent_reply") == "Receiving parent's reply"
