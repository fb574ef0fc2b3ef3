"""Check your answers shows each answer as it is copied: an email address the caseworker typed carries no invisible
character (QA, 7 December: a word joiner after the '@', which went with the address into an email)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _page() -> None:
    from services.run_views import SummaryRow
    from ui.check_answers import summary_rows

    summary_rows(
        [
            SummaryRow("s", "Confirm payment to the ECM", "Enforcement case manager's email address",
                       "sam.officer@court.example", True),
            SummaryRow("s", "Confirm payment to the ECM", "Notes", "Paid *in full*: see www.example.org", True),
        ],
        key="chg",
        on_change=lambda step_id, label: None,
    )  # fmt: skip


def test_an_address_on_check_your_answers_is_copied_as_typed():
    at = AppTest.from_function(_page).run()
    assert not at.exception
    values = [m.value for m in at.markdown if not m.value.startswith("**")]
    assert values == ["`sam.officer@court.example`", "Paid \\*in full\\*: see `www.example.org`"]
    assert not any("\u2060" in v for v in values)
