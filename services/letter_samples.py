"""Checking the sample values typed into the letter studio's form, field by field, without rendering."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from domain.clock import uk_local, utcnow
from domain.values import EARLIEST_DATE, FUTURE_YEARS
from letters import catalogue
from letters.fields import MISSING, ContextError
from services.errors import NotFound


def date_range(today: date | None = None) -> tuple[date, date]:
    """The dates the studio's date pickers offer: from 5 April 1993, when the Child Support Agency opened, so arrears
    periods on old CSA cases can be typed (QA: the picker's own ten years back stopped at 2016), to ten years ahead,
    as far as hearings and appointments are booked (domain.values.check_date's range)."""
    today = today or uk_local(utcnow()).date()
    day = 28 if (today.month, today.day) == (2, 29) else today.day
    return EARLIEST_DATE, date(today.year + FUTURE_YEARS, today.month, day)


def sample_problems(code: str, values: Mapping[str, Any]) -> dict[str, str]:
    """What is wrong with each field's value (field name -> message); empty when the values render.

    The studio shows each message under its own field and keeps the last good preview, instead of
    hiding the preview behind one error for the whole form.
    """
    try:
        spec = catalogue.get(code)
    except KeyError as exc:
        raise NotFound(str(exc.args[0])) from None
    try:
        catalogue.typed_context(spec, values)
    except ContextError as exc:
        return {name: _sentence(message) for name, message in exc.problems.items()}
    return {}


def problem_summary(code: str, problems: Mapping[str, str]) -> dict[str, str]:
    """Each problem led by its field's label, for the summary above the form (a field's name means nothing there)."""
    labels = {f.name: f.label for f in catalogue.get(code).fields}
    return {name: f"{labels.get(name, 'A value')}: {message}" for name, message in problems.items()}


def _sentence(message: str) -> str:
    message = message.strip()
    if message == MISSING:
        return "Enter a value. This field is required."  # one colon in the summary: "<label>: Enter a value..." (QA)
    return message[:1].upper() + message[1:]
