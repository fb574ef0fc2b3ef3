"""Checking the sample values typed into the letter studio's form, field by field, without rendering."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from domain.clock import uk_local, utcnow
from domain.values import EARLIEST_DATE, FUTURE_YEARS, SCIN_PATTERN, FieldError, parse_scin
from letters import catalogue
from letters.fields import MISSING, ContextError
from services.errors import NotFound
from services.records import typed_sr_number

SCIN_NEEDED = "Enter the SCIN as 12 digits, for example 123456789012."
SR_NUMBER_NEEDED = "Enter the service request number as 1- and up to 8 digits, for example 1-00001234."


def date_range(today: date | None = None) -> tuple[date, date]:
    """The dates the studio's date pickers offer: from 5 April 1993, when the Child Support Agency opened, so arrears
    periods on old CSA cases can be typed (QA: the picker's own ten years back stopped at 2016), to ten years ahead,
    as far as hearings and appointments are booked (domain.values.check_date's range)."""
    today = today or uk_local(utcnow()).date()
    day = 28 if (today.month, today.day) == (2, 29) else today.day
    return EARLIEST_DATE, date(today.year + FUTURE_YEARS, today.month, day)


def sample_references(values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The values with the SCIN and SR number as letters print them, and a message for each that is not one.

    Both are plain text to a template (a real run's come from its case and SR), so only the studio, where they are
    typed, checks them. A SCIN is a case's 12 digits (`Case.scin`, the demo data and `domain.values.parse_scin`);
    spaces typed in it are dropped. A practice run's "PRACTICE-..." reference, which parse_scin also takes, is
    refused here: the studio previews the letters parents are sent, and those carry a real SCIN. An SR number is
    "1-" and up to 8 digits as `services.records.typed_sr_number` reads it ("1-42" shows as "1-00000042").
    A blank value is left as it is, for the template's own "required" check.
    """
    out = dict(values)
    problems: dict[str, str] = {}
    scin = out.get("scin")
    if isinstance(scin, str) and scin.strip():
        try:
            clean = parse_scin(scin)
        except FieldError:
            clean = ""
        if SCIN_PATTERN.fullmatch(clean):
            out["scin"] = clean
        else:
            problems["scin"] = SCIN_NEEDED
    number = out.get("sr_number")
    if isinstance(number, str) and number.strip():
        stored = typed_sr_number(number)
        if stored is None:
            problems["sr_number"] = SR_NUMBER_NEEDED
        else:
            out["sr_number"] = stored
    return out, problems


def sample_problems(code: str, values: Mapping[str, Any]) -> dict[str, str]:
    """What is wrong with each field's value (field name -> message); empty when the values render.

    The studio shows each message under its own field and keeps the last good preview, instead of
    hiding the preview behind one error for the whole form.
    """
    try:
        spec = catalogue.get(code)
    except KeyError as exc:
        raise NotFound(str(exc.args[0])) from None
    values, problems = sample_references(values)
    try:
        catalogue.typed_context(spec, values)
    except ContextError as exc:
        return {name: _sentence(message) for name, message in exc.problems.items()} | problems
    return problems


def problem_summary(code: str, problems: Mapping[str, str]) -> dict[str, str]:
    """Each problem led by its field's label, for the summary above the form (a field's name means nothing there)."""
    labels = {f.name: f.label for f in catalogue.get(code).fields}
    return {name: f"{labels.get(name, 'A value')}: {message}" for name, message in problems.items()}


def _sentence(message: str) -> str:
    message = message.strip()
    if message == MISSING:
        return "Enter a value. This field is required."  # one colon in the summary: "<label>: Enter a value..." (QA)
    return message[:1].upper() + message[1:]
