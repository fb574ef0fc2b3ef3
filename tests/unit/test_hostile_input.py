"""Property tests: the validators take any text a hostile or careless user types without crashing,
refuse every invalid value with a FieldError, and give back valid values exactly."""

import re
import unicodedata
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from domain import catalogue
from domain.catalogue import CatalogueError
from domain.values import (
    EARLIEST_DATE,
    MAX_MONEY,
    NOTE_MAX_CHARS,
    FieldError,
    check_date,
    clean_text,
    format_money,
    parse_money,
    parse_scin,
)

# Text that tries to break things: markup, template syntax, control characters, other scripts, long runs.
NASTY = st.sampled_from(
    ["<", ">", "&", '"', "'", "]]>", "<w:t>", "&amp;", "{{", "}}", "{%", "%}", "{{ 7*7 }}", "{% raw %}", "\x00",
     "\x1b[31m", "\r\n", "\u202e", "\u2066", "\u200b", "\u200d", "\u200c", "\ufeff", "\U000e0041",
     "\ud800", "١٢", "£", "-", ",", ".", "e", "_", "\u00a0", "😀"]
)  # fmt: skip
HOSTILE = st.one_of(
    st.text(),
    st.lists(st.one_of(NASTY, st.text(max_size=5)), max_size=30).map("".join),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=4000, max_size=4100),
)
FAST = settings(max_examples=150, deadline=None)


def _refused_or(check, raw, parse, **kwargs):
    try:
        value = parse(raw, **kwargs)
    except FieldError as exc:
        message = exc.message
    else:
        check(value)
        return
    assert message, "a refusal carries a message for the field"


@FAST
@given(HOSTILE)
@example("١٢٣٤٥٦٧٨٩٠١٢")  # Arabic-Indic digits were accepted as a SCIN before the fix
def test_any_text_as_a_scin_is_twelve_ascii_digits_or_refused(raw):
    _refused_or(lambda v: re.fullmatch(r"[0-9]{12}", v) is not None, raw, parse_scin)


@FAST
@given(st.from_regex(r"[0-9]{12}", fullmatch=True), st.lists(st.integers(0, 12), max_size=4))
def test_a_typed_scin_round_trips_exactly_whatever_spaces_are_in_it(digits, cuts):
    typed = digits
    for cut in sorted(cuts, reverse=True):
        typed = typed[:cut] + " " + typed[cut:]
    assert parse_scin(f" {typed} ") == digits


def _valid_money(value: Decimal) -> None:
    assert isinstance(value, Decimal)
    assert value.as_tuple().exponent == -2
    assert Decimal(0) <= value < MAX_MONEY
    assert not value.is_signed()


@FAST
@given(HOSTILE)
@example("1e999999999")  # crashed with decimal.InvalidOperation before the fix
@example("-0")  # was accepted and shown as "£-0.00"
@example("1_000")  # was accepted as 1000
@example("1234,56")  # was accepted as 123456 (commas were simply removed)
def test_any_text_as_money_is_a_valid_amount_or_refused(raw):
    _refused_or(_valid_money, raw, parse_money)
    if re.search(r"[eE_]|[^\x00-\x7f£\s]", raw.strip()):
        with pytest.raises(FieldError):
            parse_money(raw)


@FAST
@given(st.decimals(allow_nan=True, allow_infinity=True))
def test_any_decimal_as_money_is_a_valid_amount_or_refused(raw):
    _refused_or(_valid_money, raw, parse_money)


@FAST
@given(st.integers(0, int(MAX_MONEY * 100) - 1))
def test_money_round_trips_to_the_penny_through_text_and_the_screen_format(pence):
    amount = Decimal(pence) / 100
    assert parse_money(str(amount)) == amount
    assert parse_money(format_money(amount)) == amount
    assert parse_money(f"{amount:.2f}") == amount


@FAST
@given(st.integers(1, 10**12), st.integers(0, 99))
def test_negative_amounts_are_always_refused(pounds, pence):
    for typed in (f"-{pounds}.{pence:02d}", f"£-{pounds}", f"-£{pounds}"):
        with pytest.raises(FieldError, match="cannot be negative"):
            parse_money(typed)


_KEEP = "\n\t"  # and the joiners ZWJ and ZWNJ, which join what is written rather than hide it


def _allowed(ch: str) -> bool:
    return ch in _KEEP or ch in "\u200c\u200d" or unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co", "Cn"}


@FAST
@given(HOSTILE)
def test_any_text_is_cleaned_to_printable_text_within_the_limit_or_refused(raw):
    def check(value: str) -> None:
        assert all(_allowed(ch) for ch in value)
        assert value == value.strip()
        assert 0 < len(value) <= NOTE_MAX_CHARS
        assert clean_text(value, field="note") == value  # cleaning is stable

    _refused_or(check, raw, clean_text, field="note")


@FAST
@given(HOSTILE)
def test_cleaning_drops_only_control_characters_and_outer_whitespace(raw):
    """Nothing a caseworker could see is lost: markup and template syntax survive exactly."""
    try:
        cleaned = clean_text(raw, field="note")
    except FieldError:
        return
    assert cleaned == "".join(ch for ch in raw if _allowed(ch)).strip()


@FAST
@given(st.text(alphabet=st.characters(exclude_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"))))
def test_printable_text_with_markup_and_template_syntax_round_trips_exactly(core):
    text = "{{ x }} <b>&amp;</b> {% if %} " + core + " {{ end }}"
    assert clean_text(text, field="note") == text


CATALOGUE_WORDS = st.sampled_from(
    sorted({w for e in catalogue.CATALOGUE for w in (e.process, e.area, e.sub_area) if w})
)
PART = st.one_of(st.none(), HOSTILE, CATALOGUE_WORDS, CATALOGUE_WORDS.map(lambda w: f" {w} "))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PART, PART, PART)
def test_the_catalogue_lookup_accepts_only_catalogue_combinations_and_names_the_problem(process, area, sub_area):
    try:
        entry = catalogue.lookup(process, area, sub_area)
    except CatalogueError as exc:
        message = str(exc)
        assert message
        return
    blank = [(v or "").strip() or None for v in (process, area, sub_area)]
    assert entry in catalogue.CATALOGUE
    assert (entry.process, entry.area, entry.sub_area) == tuple(blank)


TODAY = date(2026, 11, 23)
LATEST = date(2036, 11, 23)


@FAST
@given(st.dates())
@example(date(1993, 4, 4))
@example(date(1993, 4, 5))
@example(LATEST)
@example(date(2036, 11, 24))
def test_a_date_is_accepted_exactly_when_it_is_between_april_1993_and_ten_years_ahead(day):
    if EARLIEST_DATE <= day <= LATEST:
        assert check_date(day, field="hearing", today=TODAY) == day
    else:
        with pytest.raises(FieldError, match="Enter a date between 5 April 1993 and 23 November 2036"):
            check_date(day, field="hearing", today=TODAY)


@FAST
@given(st.datetimes(timezones=st.none() | st.timezones()))
def test_a_moment_needs_a_time_zone_and_a_sensible_date(moment):
    try:
        kept = check_date(moment, field="hearing_at", today=TODAY)
    except FieldError as exc:
        message = exc.message
    else:
        assert kept == moment
        assert moment.utcoffset() is not None
        return
    assert message.startswith(("Enter the time with its time zone", "Enter a date between"))


@pytest.mark.parametrize("value", ["2027-01-01", 20270101, None, Decimal("1")])
def test_anything_but_a_date_is_refused_as_a_date(value):
    with pytest.raises(FieldError, match="Enter a real date"):
        check_date(value, field="review_date")
