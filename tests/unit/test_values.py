"""Typed values: SCIN, money and text are parsed exactly or refused with a message for the field."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from domain import clock
from domain.values import FieldError, clean_text, format_money, parse_money, parse_scin, pence, sentence


def test_scin_accepts_twelve_digits_with_spaces():
    assert parse_scin(" 1234 5678 9012 ") == "123456789012"


@pytest.mark.parametrize("raw", ["", "12345", "12345678901A", "1234567890123"])
def test_scin_refuses_anything_else(raw):
    with pytest.raises(FieldError) as info:
        parse_scin(raw)
    assert info.value.field == "scin"


def test_money_is_exact_pence():
    assert parse_money("£1,234.56") == Decimal("1234.56")
    assert pence(parse_money("65.01")) == 6501
    assert format_money(Decimal("1234.5")) == "£1,234.50"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("-1", "negative"),
        ("1.234", "two decimal places"),
        ("abc", "pounds and pence"),
        ("NaN", "pounds and pence"),
        ("10000000", "less than"),
    ],
)
def test_money_refuses_bad_amounts(raw, message):
    with pytest.raises(FieldError, match=message):
        parse_money(raw)


def test_text_strips_control_characters_and_limits_length():
    assert clean_text("a\x00b\x1bc\nd", field="note") == "abc\nd"
    with pytest.raises(FieldError, match="4,000 characters"):
        clean_text("x" * 4001, field="note")


FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # man ZWJ woman ZWJ girl ZWJ boy
WALES = "\U0001f3f4\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f"


@pytest.mark.parametrize(
    "kept",
    [
        FAMILY,  # one family, not four people
        "\U0001f469\u200d\U0001f4bb",  # woman technologist
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian: ZWNJ keeps the prefix apart
        "\u0915\u094d\u200d\u0937",  # Devanagari half form
        WALES,  # the flags of Wales, Scotland and England are written with tag characters
        "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
    ],
)
def test_text_keeps_joiners_and_the_uk_flags(kept):
    assert clean_text(f"Note {kept} end", field="note") == f"Note {kept} end"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("pay \u202e0001\u202c now", "pay 0001 now"),  # right-to-left override reverses what is shown
        ("a\u2066b\u2067c\u2068d\u2069e", "abcde"),  # bidi isolates
        ("a\u200eb\u200fc\u061cd", "abcd"),  # direction marks
        ("a\u200bb\u2060c\ufeffd\u00ade", "abcde"),  # zero width space, word joiner, BOM, soft hyphen
        ("x\U0001f3f4\U000e0069\U000e0067\U000e006e\U000e007f", "x\U0001f3f4"),  # hidden tag text goes
        ("x\U000e0068\U000e0069", "x"),
    ],
)
def test_text_drops_characters_that_hide_or_reorder_text(raw, shown):
    assert clean_text(raw, field="note") == shown


def test_joiners_alone_are_an_empty_note():
    with pytest.raises(FieldError, match="cannot be empty"):
        clean_text("\u200d\u200c", field="note")


def test_dates_show_in_uk_local_time():
    assert clock.format_date(date(2026, 12, 1)) == "1 December 2026"
    assert clock.format_uk(datetime(2026, 7, 1, 13, 5, tzinfo=UTC)) == "1 July 2026, 14:05"


def test_working_days_follow_the_regions_bank_holidays():
    # 2 January 2026 is a bank holiday in Scotland only.
    assert not clock.is_working_day(date(2026, 1, 2), "Scotland")
    assert clock.is_working_day(date(2026, 1, 2), "England")
    # 17 March (St Patrick's Day) 2026 is a bank holiday in Northern Ireland only.
    assert not clock.is_working_day(date(2026, 3, 17), "Northern Ireland")
    # Thursday 24 December 2026 plus two working days skips Christmas, Boxing Day (moved) and the weekend.
    assert clock.add_working_days(date(2026, 12, 24), 2, "England") == date(2026, 12, 30)


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="naive"):
        clock.as_utc(datetime(2026, 1, 1))


def test_a_missing_answer_message_keeps_acronyms_intact():
    from procedures.definition import Field

    with pytest.raises(FieldError, match="^Enter CSA caseworker handing over$"):
        Field("who", label="CSA caseworker handing over").parse("", today=date(2026, 11, 23))
    with pytest.raises(FieldError, match="^Enter what you found$"):
        Field("found", label="What you found", kind="long_text").parse("  ", today=date(2026, 11, 23))


def test_a_missing_file_is_asked_to_be_uploaded_not_entered():
    """QA (fifth session): a PDF field left empty said "Enter scanned outcome"."""
    from procedures.definition import Field

    today = date(2026, 11, 23)
    with pytest.raises(FieldError) as refused:
        Field("outcome_pdf", label="Scanned outcome", kind="pdf").parse(None, today=today)
    assert refused.value.message == "Upload the scanned outcome as a PDF file."
    with pytest.raises(FieldError) as refused:
        Field("form", label="The CMSF5579 the consultant returned", kind="pdf").parse(None, today=today)
    assert refused.value.message == "Upload the CMSF5579 the consultant returned as a PDF file."


@pytest.mark.parametrize(
    ("typed", "ended"),
    [
        ("Selling the house next week", "Selling the house next week."),
        ("Selling the house next week.", "Selling the house next week."),
        ("Selling the house next week.  \n", "Selling the house next week."),
        ("Is it urgent?", "Is it urgent?"),
        ('He said "next week."', 'He said "next week."'),
        ("(see Tallyman.)", "(see Tallyman.)"),
    ],
)
def test_typed_text_is_ended_with_one_full_stop_before_a_note_goes_on(typed, ended):
    """QA (eighth session): "... next week.. LO details" in the SR Notes when the caseworker ended with a full stop."""
    assert sentence(typed) == ended
