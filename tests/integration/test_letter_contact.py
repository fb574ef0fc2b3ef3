"""Letters to a parent say how to contact us, from the details an administrator set (services/letter_contact.py).

QA: CMSL5501, CMEL9180, CWGL002 and CWGL010 told the parent to "contact us" with no phone number or address.
"""

from __future__ import annotations

from datetime import date

import pytest

from domain.clock import format_date
from letters import catalogue
from letters.render import docx_text
from services import letters
from services.letter_rendering import render_document
from services.run_records import run_records
from services.sr_view import sr_full_view
from services.transaction import transaction
from tests.integration.test_letters_service import _due, _letter

PHONE = "0808 157 0555"
PRODUCED_WITHOUT = (
    "This letter has no contact details: our phone number and address for letters were not set when it was "
    "produced. Add them to the letter by hand before you send it."
)
HOURS = "Monday to Friday, 8am to 8pm"


@pytest.fixture
def contact_set(monkeypatch):
    monkeypatch.setenv("CASEWORK_LETTER_PHONE", PHONE)
    monkeypatch.setenv("CASEWORK_LETTER_HOURS", HOURS)
    monkeypatch.setenv("CASEWORK_LETTER_ADDRESS", "Child Maintenance Service, PO Box 0555, Exampletown, EX1 1XX")


@pytest.fixture
def contact_not_set(monkeypatch):
    for name in ("CASEWORK_LETTER_PHONE", "CASEWORK_LETTER_HOURS", "CASEWORK_LETTER_ADDRESS"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("code", ["CMSL5501", "CMEL9180", "CWGL002", "CWGL010", "CWGL013", "CWGF015"])
def test_a_letter_to_a_parent_prints_how_to_contact_us_under_the_sender(demo_db, actor_for, contact_set, code):
    letter_id = _due(code)
    letters.render_letter(actor_for("caseworker"), letter_id)
    lines = docx_text(_letter(letter_id).content).splitlines()
    start = lines.index("Child Maintenance Service")
    assert lines[start + 1 : start + 6] == [
        f"Phone: {PHONE} ({HOURS})",
        "Child Maintenance Service",
        "PO Box 0555",
        "Exampletown",
        "EX1 1XX",
    ]


def test_a_letter_to_a_court_prints_no_contact_lines(demo_db, actor_for, contact_set):
    letter_id = _due("CWGL001")
    letters.render_letter(actor_for("caseworker"), letter_id)
    assert PHONE not in docx_text(_letter(letter_id).content)


def test_the_cover_letter_in_the_cpt_bundle_carries_them_too(demo_db, contact_set):
    spec = catalogue.get("CMEL9180")
    with transaction() as session:
        _, content = render_document(session, "CMEL9180", spec.values_for(spec.samples[0].key))
    assert f"Phone: {PHONE} ({HOURS})" in docx_text(content)


def test_the_details_set_when_the_letter_is_produced_are_the_ones_printed(demo_db, actor_for, monkeypatch):
    monkeypatch.setenv("CASEWORK_LETTER_PHONE", "0808 157 0001")
    letter_id = _due("CWGL010")
    monkeypatch.setenv("CASEWORK_LETTER_PHONE", "0808 157 0002")
    monkeypatch.delenv("CASEWORK_LETTER_HOURS", raising=False)
    monkeypatch.delenv("CASEWORK_LETTER_ADDRESS", raising=False)
    letters.render_letter(actor_for("caseworker"), letter_id)
    text = docx_text(_letter(letter_id).content)
    assert "Phone: 0808 157 0002\n" in text
    assert "0808 157 0001" not in text


def test_without_them_the_letter_leaves_them_out_and_the_panel_says_so_before_it_is_produced(
    demo_db, actor_for, contact_not_set
):
    letter_id = _due("CWGL010")
    sr_id = _letter(letter_id).sr_id
    with transaction() as session:
        (line,) = [row for row in run_records(session, {sr_id}).letters if row.id == letter_id]
    assert line.notice is not None
    assert line.notice == (
        "This letter will not say how to contact us: our phone number and address for letters are not set. Add "
        "them to the letter by hand before you send it, and ask an administrator to set them."
    )

    letters.render_letter(actor_for("caseworker"), letter_id)
    text = docx_text(_letter(letter_id).content)
    assert "Phone:" not in text
    assert "contact us" in text  # the sentence stays: the caseworker adds the details by hand, as the panel said
    with transaction() as session:
        (line,) = [row for row in run_records(session, {sr_id}).letters if row.id == letter_id]
    assert line.notice == PRODUCED_WITHOUT  # produced: its Download line says it still needs them added


def test_with_them_set_the_panel_says_nothing(demo_db, contact_set):
    letter_id = _due("CWGL010")
    with transaction() as session:
        (line,) = [row for row in run_records(session, {_letter(letter_id).sr_id}).letters if row.id == letter_id]
    assert line.notice is None


def test_a_court_letter_needs_no_notice(demo_db, contact_not_set):
    letter_id = _due("CWGL001")
    with transaction() as session:
        (line,) = [row for row in run_records(session, {_letter(letter_id).sr_id}).letters if row.id == letter_id]
    assert line.notice is None


def _line(letter_id: int):
    """The letter as the wizard's letters panel and finish page list it."""
    with transaction() as session:
        (line,) = [row for row in run_records(session, {_letter(letter_id).sr_id}).letters if row.id == letter_id]
    return line


def test_a_letter_produced_without_them_says_so_from_what_was_stored_not_from_todays_settings(
    demo_db, actor_for, monkeypatch, contact_not_set
):
    """QA: the reminder to add our contact details by hand was shown only before Produce. The letter made without
    them (read back: no contact line under the sender) keeps saying so once they are set, on the wizard's letters
    panel, the finish page and SR detail; one made with them never does, even once they are unset."""
    actor = actor_for("caseworker")
    without, with_them = _due("CWGL010"), _due("CMSL5501")
    letters.render_letter(actor, without)
    monkeypatch.setenv("CASEWORK_LETTER_PHONE", PHONE)
    letters.render_letter(actor, with_them)

    lines = docx_text(_letter(without).content).splitlines()
    start = lines.index("Child Maintenance Service")
    when = date.fromisoformat(_letter(without).context["letter_date"])
    assert lines[start + 1] == format_date(when)  # the letter's date: no contact line between
    assert f"Phone: {PHONE}" in docx_text(_letter(with_them).content).splitlines()

    assert (_line(without).without_contact, _line(without).notice) == (True, PRODUCED_WITHOUT)  # though set now
    monkeypatch.delenv("CASEWORK_LETTER_PHONE")
    assert (_line(with_them).without_contact, _line(with_them).notice) == (False, None)  # though unset now
    shown = {
        row.id: row.without_contact for row in sr_full_view(actor_for("teamleader"), _letter(without).sr_id).letters
    }
    assert (shown[without], shown[with_them]) == (True, False)


@pytest.mark.parametrize(
    ("settings", "lacking"),
    [
        ({"CASEWORK_LETTER_ADDRESS": "PO Box 0555, Exampletown"}, False),  # a postal address is a way to reach us
        ({"CASEWORK_LETTER_HOURS": HOURS}, True),  # opening hours alone are not
    ],
)
def test_a_letter_lacks_them_when_neither_a_phone_number_nor_an_address_was_printed(
    demo_db, actor_for, monkeypatch, contact_not_set, settings, lacking
):
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    letter_id = _due("CWGL002")
    letters.render_letter(actor_for("caseworker"), letter_id)
    assert _letter(letter_id).without_contact is lacking
    assert ("PO Box 0555" in docx_text(_letter(letter_id).content)) is not lacking


def test_a_court_letter_is_never_said_to_lack_them(demo_db, actor_for, contact_not_set):
    letter_id = _due("CWGL001")
    letters.render_letter(actor_for("caseworker"), letter_id)
    assert (_line(letter_id).without_contact, _line(letter_id).notice) == (False, None)
