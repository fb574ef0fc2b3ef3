"""Letters to a parent say how to contact us, from the details an administrator set (services/letter_contact.py).

QA: CMSL5501, CMEL9180, CWGL002 and CWGL010 told the parent to "contact us" with no phone number or address.
"""

from __future__ import annotations

import pytest

from letters import catalogue
from letters.render import docx_text
from services import letters
from services.letter_rendering import render_document
from services.run_records import run_records
from services.transaction import transaction
from tests.integration.test_letters_service import _due, _letter

PHONE = "0808 157 0555"
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
    assert line.notice is None  # produced: nothing more to do before producing it


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
