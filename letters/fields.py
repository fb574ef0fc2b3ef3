"""The fields a template declares, how their JSON values are checked, and how letters show them.

A due Letter row carries its values as JSON: money as text ("1234.56"), dates as ISO text
("2026-12-01"), times as "HH:MM", yes/no as true/false, tables as lists of objects. Each value
is converted by the kind its template declares, so a wrong value is refused with a message
naming the field, before anything is rendered. Letters then show dates as "1 December 2026",
money as "£1,234.56" and times as "10:30am".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import KW_ONLY, dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from domain.clock import format_date, uk_local, utcnow
from domain.terminology import old_terms_in
from domain.values import FieldError, clean_text, format_money, parse_money

KINDS = ("text", "multiline", "date", "time", "money", "choice", "bool", "rows")
# Each kind as the letter studio says it to policy staff (QA: the studio showed "multiline", "bool" as they are).
KIND_WORDS = {
    "text": "text",
    "multiline": "text of several lines",
    "date": "a date",
    "time": "a time",
    "money": "an amount of money",
    "choice": "one of a list",
    "bool": "yes or no",
    "rows": "a table of rows",
}
TEXT_MAX = {"text": 300, "multiline": 2000}
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(?::00)?$")


@dataclass(frozen=True, slots=True)
class Field:
    """One value a template uses. `required_when` = (other field, value) makes it required only then.

    Only the name is positional (`Field("court", kind=..., label=...)`), as for a procedure step's Field.
    """

    name: str
    _: KW_ONLY
    kind: str
    label: str
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()  # (value, label)
    columns: tuple[Field, ...] = ()  # for kind "rows"
    # Rows only: columns worked out from the given ones (e.g. a running balance), as (name, kind).
    derived_columns: tuple[tuple[str, str], ...] = ()
    derive_rows: Callable[[list[dict[str, Any]]], list[dict[str, Any]]] | None = None
    required_when: tuple[str, str] | None = None
    default_today: bool = False  # letter dates: today (UK) when the step does not give one
    more_than_zero: str = ""  # money: why £0.00 contradicts the letter, said when it is refused
    help: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"field {self.name}: unknown kind {self.kind!r}")
        if self.kind == "choice" and not self.choices:
            raise ValueError(f"field {self.name}: a choice needs choices")

    def choice_label(self, value: str) -> str:
        return dict(self.choices).get(value, value)


@dataclass(frozen=True, slots=True)
class Derived:
    """A value worked out from the others by a rule (e.g. the date 30 days after the letter)."""

    name: str
    kind: str
    compute: Callable[[Mapping[str, Any]], Any]
    explanation: str


Rule = Callable[[dict[str, Any]], dict[str, str]]
"""A rule between typed values: {field name: message} for each value that contradicts another.

Rules run after every field has its own valid value, so letters, the studio and real runs refuse the same
contradictions (a period that ends before it starts). A rule may first put a value in its house form (a
court's name taken off the top of its address) by changing the dict it is given.
"""


class ContextError(ValueError):
    """The values given for a template are incomplete or wrong; `problems` maps field to message."""

    def __init__(self, code: str, problems: dict[str, str]) -> None:
        self.code = code
        self.problems = problems
        missing = sorted(k for k, v in problems.items() if v == MISSING)
        unknown = sorted(k for k, v in problems.items() if v == UNKNOWN)
        parts = []
        if missing:
            parts.append("missing fields: " + ", ".join(missing))
        if unknown:
            parts.append("unknown fields: " + ", ".join(unknown))
        parts += [f"{k}: {v}" for k, v in sorted(problems.items()) if v not in (MISSING, UNKNOWN)]
        super().__init__(f"{code}: " + "; ".join(parts))


MISSING = "this field is required by the template but was not supplied"
UNKNOWN = "the template does not use this field"


def _parse_date(raw: Any, name: str) -> date:
    if isinstance(raw, datetime):
        return uk_local(raw).date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            pass
    raise FieldError(name, f"Give a date as YYYY-MM-DD, for example 2026-12-01 (got {raw!r}).")


def _parse_time(raw: Any, name: str) -> time:
    if isinstance(raw, time):
        return raw
    match = _TIME.match(raw.strip()) if isinstance(raw, str) else None
    if not match:
        raise FieldError(name, f"Give a time as HH:MM on the 24-hour clock, for example 14:30 (got {raw!r}).")
    return time(int(match.group(1)), int(match.group(2)))


def _parse_money(raw: Any, f: Field) -> Decimal:
    if isinstance(raw, float) or isinstance(raw, bool):
        raise FieldError(f.name, 'Give money as text such as "1234.56", never as a floating point number.')
    amount = parse_money(raw, field=f.name)
    if f.more_than_zero and amount <= 0:
        raise FieldError(f.name, f"Enter an amount more than £0.00: {f.more_than_zero}.")
    return amount


def _parse_text(raw: Any, f: Field) -> str:
    if not isinstance(raw, str):
        raise FieldError(f.name, f"Give text (got {type(raw).__name__}).")
    value = clean_text(raw, field=f.name, max_chars=TEXT_MAX[f.kind], required=False)
    if f.kind == "text" and "\n" in value:
        value = " ".join(value.split())
    old = old_terms_in(value)
    if old:
        raise FieldError(
            f.name, f"Letters say 'receiving parent' and 'paying parent'; reword '{old[0]}' in this value."
        )
    return value


def parse_value(f: Field, raw: Any) -> Any:
    """The typed value of one field, or FieldError saying what is wrong with it."""
    if f.kind in ("text", "multiline"):
        return _parse_text(raw, f)
    if f.kind == "date":
        return _parse_date(raw, f.name)
    if f.kind == "time":
        return _parse_time(raw, f.name)
    if f.kind == "money":
        return _parse_money(raw, f)
    if f.kind == "bool":
        if not isinstance(raw, bool):
            raise FieldError(f.name, f"Give true or false (got {raw!r}).")
        return raw
    if f.kind == "choice":
        if raw not in dict(f.choices):
            allowed = ", ".join(v for v, _ in f.choices)
            raise FieldError(f.name, f"Choose one of: {allowed} (got {raw!r}).")
        return raw
    if f.kind == "rows":
        if not isinstance(raw, list) or not raw:
            raise FieldError(f.name, "Give at least one row (a list of objects).")
        rows = []
        for i, item in enumerate(raw, start=1):
            if not isinstance(item, Mapping):
                raise FieldError(f.name, f"Row {i} is not an object.")
            wanted = {c.name for c in f.columns}
            missing = [c.label for c in f.columns if c.name not in item]
            if missing:
                raise FieldError(f.name, f"Row {i} has no {_words(missing)} column.")
            if set(item) - wanted:
                named = _words([c.label for c in f.columns])
                raise FieldError(f.name, f"Row {i} has a column this table does not have: use only {named}.")
            rows.append({c.name: _cell(f, c, i, item[c.name]) for c in f.columns})
        return f.derive_rows(rows) if f.derive_rows else rows
    raise AssertionError(f.kind)


_CELL_NEEDS = {"date": "a date, for example 2026-12-01", "money": "an amount, for example 1234.56"}


def _cell(f: Field, column: Field, row: int, raw: Any) -> Any:
    """One cell of a table, its problem said with the column's label and the row number (never "None")."""
    where = f"Row {row}, {column.label}"
    if _blank(raw):
        raise FieldError(f.name, f"{where}: enter {_CELL_NEEDS.get(column.kind, 'a value')}.")
    try:
        return parse_value(column, raw)
    except FieldError as exc:
        raise FieldError(f.name, f"{where}: {exc.message[:1].lower()}{exc.message[1:]}") from None


def _words(items: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def convert(
    code: str,
    fields: tuple[Field, ...],
    derived: tuple[Derived, ...],
    context: Mapping[str, Any],
    rules: tuple[Rule, ...] = (),
) -> dict[str, Any]:
    """Typed values for every declared field plus the derived ones; ContextError lists every problem."""
    problems: dict[str, str] = {}
    known = {f.name for f in fields}
    for name in context:
        if name not in known:
            problems[name] = UNKNOWN
            if any(d.name == name for d in derived):
                problems[name] = "this value is worked out by the template's rule; do not supply it"
    typed: dict[str, Any] = {}
    for f in fields:
        raw = context.get(f.name)
        needed = f.required
        if f.required_when is not None:
            other, value = f.required_when
            needed = context.get(other) == value
        if _blank(raw) and f.kind != "bool":
            if f.default_today:
                typed[f.name] = uk_local(utcnow()).date()
            elif needed:
                problems[f.name] = MISSING
            else:
                typed[f.name] = "" if f.kind in ("text", "multiline") else None
            continue
        if raw is None and f.kind == "bool":
            problems[f.name] = MISSING
            continue
        try:
            typed[f.name] = parse_value(f, raw)
        except FieldError as exc:
            problems[f.name] = exc.message
    if problems:
        raise ContextError(code, problems)
    for rule in rules:
        for name, message in rule(typed).items():
            problems.setdefault(name, message)
    if problems:
        raise ContextError(code, problems)
    for d in derived:
        typed[d.name] = d.compute(typed)
    return typed


def show(kind: str, value: Any, f: Field | None = None) -> Any:
    """How a letter shows a typed value (dates, money and times in the house style)."""
    if value is None:
        return ""
    if kind == "date":
        return format_date(value)
    if kind == "money":
        return format_money(value)
    if kind == "time":
        return format_time(value)
    if kind == "rows":
        kinds = {c.name: c.kind for c in f.columns} if f else {}
        kinds.update(dict(f.derived_columns) if f else {})
        return [{k: show(kinds.get(k, "text"), v) for k, v in row.items()} for row in value]
    return value


def format_time(moment: time) -> str:
    """'10:30am', '2pm', '12:15pm' as GOV.UK letters show times."""
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}:{moment.minute:02d}{suffix}" if moment.minute else f"{hour}{suffix}"
