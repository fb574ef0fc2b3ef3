"""Validation and formatting of the values caseworkers type: SCIN, money, free text.

Each parser returns the clean value or raises FieldError with a message written for the
caseworker, so a page can show it at the field and change nothing.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from domain.clock import format_date, uk_local, utcnow

SCIN_PATTERN = re.compile(r"[0-9]{12}")  # ASCII digits only: str \d would accept any script's digits
# A practice run's fictional case reference: letters, so it can never be taken for a real 12-digit SCIN.
PRACTICE_REFERENCE = re.compile(r"PRACTICE-[0-9A-F]{6}")
# Pounds as typed: plain digits or correctly grouped thousands, then up to any number of decimals
# (more than two is refused with its own message). No exponents, underscores, signs or other scripts.
SIGN_PATTERN = re.compile(r"(?P<minus>-)?\s*£?\s*(?P<minus2>-)?\s*(?P<rest>.*)", re.DOTALL)
MONEY_PATTERN = re.compile(r"(?P<pounds>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)(?:\.(?P<pence>[0-9]*))?")
MAX_MONEY = Decimal("10000000.00")
PENNY = Decimal("0.01")
NOTE_MAX_CHARS = 4000
SHORT_TEXT_MAX_CHARS = 200


class FieldError(ValueError):
    """A value the caseworker typed that cannot be accepted; `field` names the input."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class NotYet(FieldError):
    """A FieldError for what can be recorded only from a day still to come (a hearing's outcome, what happened at a
    visit); `until` is that day. A real run refuses it at the field. A practice run moves its own calendar on to
    `until` instead (services/practice_sim.py): its trainee has no other way to let the days pass, and a wrong turn
    (another hearing date, say) would otherwise leave the practice run stuck short of its debrief."""

    def __init__(self, field: str, message: str, until: date) -> None:
        super().__init__(field, message)
        self.until = until


def parse_scin(raw: str, *, field: str = "scin") -> str:
    """A SCIN (scheme client identification number) as held here: exactly 12 digits, spaces allowed."""
    value = re.sub(r"\s+", "", raw or "")
    if not value:
        raise FieldError(field, "Enter the SCIN.")
    if PRACTICE_REFERENCE.fullmatch(value.upper()):  # a practice run's fictional case (services/practice.py)
        return value.upper()
    if not SCIN_PATTERN.fullmatch(value):
        raise FieldError(field, "Enter the SCIN as 12 digits, for example 123456789012.")
    return value


def parse_money(raw: str | Decimal | int, *, field: str = "amount") -> Decimal:
    """Pounds and pence: no negatives, at most two decimal places, below £10 million.

    Typed text must look like money ("1234.56", "£1,234.56"); "1e3", "1_000", "1234,56" and
    digits from other scripts are refused rather than guessed at.
    """
    if raw is None:
        raw = ""
    if isinstance(raw, bool) or not isinstance(raw, str | Decimal | int):  # floats, dates, yes/no: not money
        raise FieldError(field, "Enter the amount in pounds and pence, for example 1234.56.")
    if isinstance(raw, Decimal | int):
        value = Decimal(raw)
        if not value.is_finite():
            raise FieldError(field, "Enter the amount in pounds and pence, for example 1234.56.")
    else:
        sign = SIGN_PATTERN.fullmatch(raw.strip())
        if sign is None:  # cannot happen: the pattern matches any text
            raise FieldError(field, "Enter the amount in pounds and pence, for example 1234.56.")
        negative, text = bool(sign["minus"] or sign["minus2"]), sign["rest"]
        if not text:
            raise FieldError(field, "Enter an amount in pounds, for example 65.00.")
        match = MONEY_PATTERN.fullmatch(text)
        if match is None or not any(ch.isdigit() for ch in text):
            raise FieldError(field, "Enter the amount in pounds and pence, for example 1234.56.")
        if negative:
            raise FieldError(field, "The amount cannot be negative.")
        value = Decimal(f"{match['pounds'].replace(',', '') or '0'}.{match['pence'] or '0'}")
    if value < 0:
        raise FieldError(field, "The amount cannot be negative.")
    if value >= MAX_MONEY:  # before quantize: a huge exponent would overflow it
        raise FieldError(field, "The amount must be less than £10,000,000.00.")
    if value != value.quantize(PENNY):
        raise FieldError(field, "Enter the amount with no more than two decimal places.")
    return value.quantize(PENNY) + 0  # + 0 turns -0.00 into 0.00


def pence(amount: Decimal) -> int:
    """Exact pence for storage; refuses fractions of a penny rather than rounding them away."""
    scaled = amount * 100
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} has fractions of a penny")
    return int(scaled)


def from_pence(value: int) -> Decimal:
    return (Decimal(value) / 100).quantize(PENNY, rounding=ROUND_HALF_UP)


def format_money(amount: Decimal) -> str:
    """'£1,234.56' as letters and screens show money."""
    return f"£{amount.quantize(PENNY):,.2f}"


_CONTROL = {"Cc", "Cf", "Cs", "Co", "Cn"}
# Format characters that join what is written rather than hide or reorder it: the zero width joiner (family and
# profession emoji, Indic conjuncts) and non-joiner (Persian, German ligature breaks). Everything else in Cf is
# invisible or reorders text (bidi overrides and isolates, LRM/RLM, zero width space, word joiner, BOM, tags).
JOINERS = frozenset("\u200c\u200d")
# The only emoji written with tag characters (Unicode's RGI list): the flags of England, Scotland and Wales.
# Tag characters anywhere else are invisible text ("ASCII smuggling"), so they go.
_FLAG_TAGS = re.compile(
    "\U0001f3f4(?:\U000e0067\U000e0062(?:\U000e0065\U000e006e\U000e0067|"
    "\U000e0073\U000e0063\U000e0074|\U000e0077\U000e006c\U000e0073)\U000e007f)"
)


def kept_in_text(ch: str) -> bool:
    """Whether free text keeps this character: anything visible, newline, tab and the two joiners."""
    return ch in "\n\t" or ch in JOINERS or unicodedata.category(ch) not in _CONTROL


def _visible(raw: str) -> str:
    out: list[str] = []
    start = 0
    for flag in _FLAG_TAGS.finditer(raw):
        out += [ch for ch in raw[start : flag.start()] if kept_in_text(ch)]
        out.append(flag.group())
        start = flag.end()
    out += [ch for ch in raw[start:] if kept_in_text(ch)]
    return "".join(out)


def clean_text(raw: str | None, *, field: str, max_chars: int = NOTE_MAX_CHARS, required: bool = True) -> str:
    """Free text: characters that can hide or reorder text removed (joiners kept), length limited."""
    text = _visible(raw or "").strip()
    if required and not text.strip("".join(JOINERS)):  # joiners alone show nothing
        raise FieldError(field, "This cannot be empty.")
    if message := too_long(text, max_chars):
        raise FieldError(field, message)
    return text


def too_long(text: str, max_chars: int) -> str | None:
    """The refusal of text over `max_chars`, saying the limit and its length, or None: one wording for every box, so a
    note pasted over a limit (kept in its box, ui.text_box) is refused the same way wherever it was pasted."""
    if len(text) <= max_chars:
        return None
    return f"Keep this to {max_chars:,} characters or fewer (it has {len(text):,})."


def sentence(text: str) -> str:
    """Typed text ended with one full stop, for a note that goes on after it: "... next week. LO details", never
    "... next week.. LO details" (a caseworker's own full stop doubled) nor "... next week LO details"."""
    text = text.rstrip()
    if text.rstrip(")]\"'\u2019\u201d").endswith((".", "!", "?")):
        return text
    return f"{text}."


# The Child Support Agency opened on 5 April 1993: no case date is earlier. Hearings, reviews and
# appointments are booked ahead, but not more than ten years ahead.
EARLIEST_DATE = date(1993, 4, 5)
FUTURE_YEARS = 10


def check_date(value: object, *, field: str, today: date | None = None) -> date | datetime:
    """A date, or a timezone-aware moment, between 5 April 1993 and ten years from today."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise FieldError(field, "Enter the time with its time zone (UK time).")
        day = uk_local(value).date()
    elif isinstance(value, date):
        day = value
    else:
        raise FieldError(field, "Enter a real date, for example 27 3 2027.")
    today = today or uk_local(utcnow()).date()
    latest = date(today.year + FUTURE_YEARS, today.month, 28 if (today.month, today.day) == (2, 29) else today.day)
    if not EARLIEST_DATE <= day <= latest:
        raise FieldError(field, f"Enter a date between {format_date(EARLIEST_DATE)} and {format_date(latest)}.")
    return value
