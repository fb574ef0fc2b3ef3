"""Property tests over every input of every procedure step (P1 to P5e: court fee money, hearing date and
time, appointment, CPO names, table cells...): any value a hostile or careless user sends is either
refused with a message at that field or stored in a form that reads back to itself. Never a crash."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from hypothesis import example, given
from hypothesis import strategies as st

from domain.values import FieldError
from procedures import registry
from procedures.definition import EARLIEST_DATE, Field, PdfUpload
from tests.unit.test_hostile_input import FAST, HOSTILE

TODAY = date(2026, 11, 23)


def _fields() -> list[tuple[str, Field]]:
    found = []
    for procedure in registry.latest():
        for state, step in procedure.steps.items():
            for f in step.fields:
                found.append((f"{procedure.id}.{state}.{f.name}", f))
                found += [(f"{procedure.id}.{state}.{f.name}.{c.name}", c) for c in f.columns]
    return found


FIELDS = _fields()
KINDS = {f.kind for _, f in FIELDS}

# Shapes a form, a crafted request or a spreadsheet cell can send.
EDGE_TEXT = st.sampled_from(
    ["9999-12-31 23:59-01:00", "0001-01-01 00:00+14:00", "2026-02-30", "2026-12-01T25:00", "1e9", "-0.00",
     "108.001", "NaN", "Infinity", "£-5", "1,000,000.00", " 2026-12-01 ", "2026-12-01 10:30:00+00:00",
     "yes", "No", "TRUE", "{{ 7*7 }}", "<w:t>", "\x00", "٣"]
)  # fmt: skip
RAW = st.one_of(
    HOSTILE,
    EDGE_TEXT,
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.decimals(),
    st.dates(),
    st.datetimes(timezones=st.none() | st.timezones()),
    st.lists(st.text(max_size=10), max_size=5),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3),
    st.lists(st.dictionaries(st.text(max_size=8), st.one_of(st.text(max_size=8), st.none()), max_size=4), max_size=3),
)


def _parse(f: Field, raw: object) -> tuple[object, FieldError | None]:
    try:
        return f.parse(raw, today=TODAY), None
    except FieldError as exc:
        return None, exc


def _check_stored(f: Field, stored: object) -> None:
    """What parse stores is of the field's kind, within its limits, and reads back to itself."""
    if stored is None:
        assert not f.required
        return
    if f.kind in ("text", "long_text"):
        assert isinstance(stored, str)
        assert stored == stored.strip()
        assert len(stored) <= (f.max_chars if f.kind == "long_text" else min(f.max_chars, 200))
        assert not any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in stored)
    elif f.kind == "money":
        amount = Decimal(stored)
        assert amount >= 0
        assert amount == amount.quantize(Decimal("0.01"))
    elif f.kind == "date":
        day = date.fromisoformat(stored)
        assert EARLIEST_DATE <= day <= TODAY + timedelta(days=3 * 366)  # the CSA era (1993) to three years ahead
    elif f.kind == "datetime":
        moment = datetime.fromisoformat(stored)
        assert moment.tzinfo is not None
        assert moment.utcoffset() == timedelta(0)
        assert datetime(1992, 12, 31, tzinfo=UTC) <= moment <= datetime(2030, 1, 1, tzinfo=UTC)
    elif f.kind == "choice":
        assert stored in f.options
    elif f.kind == "multi_choice":
        assert set(stored) <= set(f.options)
    elif f.kind == "pdf":
        assert isinstance(stored, PdfUpload | dict)
        return
    if f.kind != "table":
        assert f.parse(f.typed(stored), today=TODAY) == stored, "a stored answer reads back to itself"


@FAST
@given(data=st.data())
def test_any_value_in_any_procedure_field_is_stored_within_its_rules_or_refused_at_that_field(data):
    path, f = data.draw(st.sampled_from(FIELDS), label="field")
    raw = data.draw(RAW, label="raw")
    stored, refusal = _parse(f, raw)
    if refusal is not None:
        assert refusal.field == f.name, f"{path}: the message must sit at its own field"
        assert refusal.message.strip()
        return
    _check_stored(f, stored)


@FAST
@given(raw=st.one_of(EDGE_TEXT, st.datetimes(timezones=st.timezones()).map(str), st.text(max_size=30)))
@example(raw="9999-12-31 23:59-01:00")
@example(raw="0001-01-01 00:00+14:00")
def test_hearing_and_appointment_times_at_the_ends_of_the_calendar_are_refused_not_a_crash(raw):
    for path, f in FIELDS:
        if f.kind in ("datetime", "date"):
            stored, refusal = _parse(f, raw)
            if refusal is not None:
                assert refusal.field == f.name, path
            else:
                _check_stored(f, stored)


def test_the_p5_inputs_the_issue_names_are_among_the_fuzzed_fields():
    names = {path.split(".", 1)[0] for path, _ in FIELDS}
    assert {"P5a", "P5b", "P5c", "P5d", "P5e"} <= names
    assert {"money", "date", "datetime", "text", "table"} <= KINDS
    assert any(p.startswith("P5a") and f.kind == "money" for p, f in FIELDS), "the court fee"
    assert any(p.startswith("P5b") and f.kind == "datetime" for p, f in FIELDS), "the hearing"
    assert any(p.startswith("P5e") and f.kind == "datetime" for p, f in FIELDS), "the appointment"
    assert any("cpo" in p.lower() and f.kind == "text" for p, f in FIELDS), "the CPO's name"
