"""The "table" field kind: rows parsed cell by cell, errors naming the row, prefilled from case facts."""

from datetime import date
from decimal import Decimal

import pytest

from domain.values import FieldError
from procedures.definition import Field
from services.run_views import prefill, show

TODAY = date(2026, 11, 23)
LOS = Field(
    "los",
    label="Liability orders",
    kind="table",
    required=False,
    default_fact="liability_orders",
    columns=(
        Field("court", label="Court"),
        Field("granted_on", label="Date granted", kind="date"),
        Field("amount", label="Amount", kind="money"),
        Field("discharged", label="Debt fully discharged?", kind="yes_no"),
    ),
)


def test_rows_are_parsed_per_column_and_blank_rows_dropped():
    raw = [
        {"court": " Leeds ", "granted_on": "2016-05-03", "amount": "£2,400.00", "discharged": "no"},
        {"court": "", "granted_on": None, "amount": float("nan"), "discharged": None},
    ]
    stored = LOS.parse(raw, today=TODAY)
    assert stored == [{"court": "Leeds", "granted_on": "2016-05-03", "amount": "2400.00", "discharged": False}]
    assert LOS.typed(stored) == [
        {"court": "Leeds", "granted_on": date(2016, 5, 3), "amount": Decimal("2400.00"), "discharged": False}
    ]


def test_an_error_names_the_row_and_the_column():
    raw = [
        {"court": "Leeds", "granted_on": "2016-05-03", "amount": "10.00", "discharged": True},
        {"court": "Hull", "granted_on": "2016-02-30", "amount": "10.00", "discharged": True},
    ]
    with pytest.raises(FieldError) as info:
        LOS.parse(raw, today=TODAY)
    assert info.value.field == "los"
    assert info.value.message == "Row 2, Date granted: Enter a real date, for example 2026-12-01."


def test_an_empty_optional_table_is_an_empty_list_and_a_required_one_is_refused():
    assert LOS.parse([], today=TODAY) == []
    assert LOS.parse(None, today=TODAY) == []
    required = Field("rows", label="Rows", kind="table", columns=(Field("a", label="A"),))
    with pytest.raises(FieldError, match="Add at least one row to: Rows"):
        required.parse([{"a": ""}], today=TODAY)
    with pytest.raises(FieldError, match="as rows of a table"):
        required.parse("not a table", today=TODAY)


def test_the_prefill_comes_from_the_case_fact_in_submittable_form_and_round_trips():
    facts = {
        "liability_orders": [
            {"court": "Leeds", "granted_on": date(2016, 5, 3), "amount": Decimal("12.50"), "discharged": True}
        ]
    }
    value = prefill(LOS, {}, case=None, facts=facts)  # type: ignore[arg-type]
    assert value == [{"court": "Leeds", "granted_on": "2016-05-03", "amount": "12.50", "discharged": True}]
    assert LOS.parse(value, today=TODAY) == value
    # each value with its column named (without the question mark): a grid can hide its last columns
    assert show(value, LOS) == "Court: Leeds, Date granted: 3 May 2016, Amount: £12.50, Debt fully discharged: Yes"
    assert show([], LOS) == "(none)"
