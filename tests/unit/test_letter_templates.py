"""Every template renders with every sample and variant and says what it must, read back from the .docx."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document
from docxtpl import DocxTemplate
from PIL import Image

from domain.terminology import old_terms_in
from letters import catalogue
from letters.build_templates import build
from letters.catalogue import CMSL5501_PARAGRAPHS, HARD_NAME, TEMPLATES
from letters.pdf import PdfUnavailable, first_page_png, pdf_available, to_pdf
from letters.render import committed_template, docx_text, render, template_variables, to_html
from tests.pdfs import pdf_text

SCENARIOS = [(code, s.key) for code, spec in TEMPLATES.items() for s in spec.all_scenarios()]


def _text(code: str, key: str, **changes: object) -> str:
    spec = catalogue.get(code)
    values = {**spec.values_for(key), **changes}
    return docx_text(render(spec, values).content)


@pytest.mark.parametrize(("code", "key"), SCENARIOS, ids=[f"{c}-{k}" for c, k in SCENARIOS])
def test_each_template_renders_each_sample_and_variant_with_the_text_it_must_show(code, key):
    spec = catalogue.get(code)
    text = _text(code, key)
    for expected in spec.scenario(key).expect:
        assert expected in text
    assert "{{" not in text
    assert "{%" not in text
    assert not old_terms_in(text)


@pytest.mark.parametrize("code", list(TEMPLATES))
def test_each_template_uses_exactly_its_declared_fields(code):
    spec = TEMPLATES[code]
    used = DocxTemplate(spec.path).get_undeclared_template_variables()
    assert used == spec.variables


@pytest.mark.parametrize("code", list(TEMPLATES))
def test_the_committed_docx_is_what_the_generator_writes_and_has_small_styles(code):
    assert committed_template(code) == build(code), "run: python -m letters.build_templates"
    with zipfile.ZipFile(io.BytesIO(committed_template(code))) as archive:
        assert archive.getinfo("word/styles.xml").file_size < 10_000


@pytest.mark.parametrize("reason", [r for r, _ in catalogue.REASONS if r != "other"])
def test_cmsl5501_shows_exactly_the_paragraph_for_its_reason_under_what_well_talk_about(reason):
    lines = _text("CMSL5501", "payments", reason=reason).splitlines()
    heading = lines.index("What we'll talk about")
    assert lines[heading + 1] == CMSL5501_PARAGRAPHS[reason]
    others = [p for r, p in CMSL5501_PARAGRAPHS.items() if r != reason]
    assert not any(p in lines for p in others)


def test_cmsl5501_for_another_reason_shows_the_caseworkers_free_text():
    text = _text("CMSL5501", "payments", reason="other", other_details="Your new address & <phone>")
    lines = text.splitlines()
    assert lines[lines.index("What we'll talk about") + 1] == "Your new address & <phone>"
    assert not any(p in text for p in CMSL5501_PARAGRAPHS.values())


def test_cmsl5501_for_another_reason_without_free_text_is_refused():
    spec = catalogue.get("CMSL5501")
    with pytest.raises(catalogue.ContextError, match="missing fields: other_details"):
        render(spec, {**spec.values_for("payments"), "reason": "other"})


def test_cmsf5579_gives_the_reason_typed_for_other_not_our_options_label():
    lines = _text("CMSF5579", "standard", reason="other", other_details="Your new address & <phone>").splitlines()
    assert "Reason for the visit | Your new address & <phone>" in lines
    assert not any("Other (free text)" in line or "Reason details" in line for line in lines)
    assert "Reason for the visit | Payments" in _text("CMSF5579", "standard").splitlines()


def test_cmsf5579_leaves_out_anything_else_when_nothing_was_given_and_prints_it_when_it_was():
    heading = "Anything else the visiting officer should know"
    for empty in ("", None):
        assert heading not in _text("CMSF5579", "standard", details=empty)
    lines = _text("CMSF5579", "standard").splitlines()
    assert lines[lines.index(heading) + 1 :] == ["Prefers a morning appointment."]


def test_names_with_apostrophes_and_markup_come_out_intact():
    text = _text("CMSL5501", "escaped_name")
    assert f"Dear {HARD_NAME}" in text
    assert "Yours sincerely" in text  # nothing after the name was swallowed


@pytest.mark.parametrize("code", ["CWGL011", "CWGL012"])
def test_write_off_letters_give_the_date_the_30_days_end(code):
    """The procedure works out the end of the 30 days (region-aware); the letter prints the date it is given."""
    text = _text(code, "part", letter_date="2026-12-02", representations_end="2027-01-04")
    assert "Tell us by 4 January 2027" in text
    assert "30 days" in text


def test_stable_balance_letter_says_secretary_of_state_arrears_over_65_pounds_stay():
    assert "£120.00 of this is owed to the Secretary of State" in _text("CWGL010", "sos_over_limit")
    assert "Secretary of State" not in _text("CWGL010", "sos_at_limit")


def test_closure_letters_give_the_amount_transitioned_for_each_outcome():
    for code in ("CWGL013", "CWGL014"):
        assert "moved to the Child Maintenance Service is £1,345.67" in _text(code, "outcome_part_written_off")
        assert "moved to the Child Maintenance Service is £2,345.67" in _text(code, "outcome_no_response")
        assert "moved to the Child Maintenance Service is" not in _text(code, "outcome_all_written_off")


def test_account_breakdown_has_a_row_per_period_with_running_balance_and_totals():
    doc = Document(
        io.BytesIO(render(catalogue.get("CWGF015"), catalogue.get("CWGF015").values_for("three_periods")).content)
    )
    rows = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert rows[0] == ["From", "To", "Amount due", "Amount paid", "Still owed"]
    assert rows[1] == ["1 April 2025", "30 September 2025", "£1,300.00", "£650.00", "£650.00"]
    assert rows[3][-1] == "£2,345.67"
    assert rows[4] == ["Total", "", "£3,900.00", "£1,554.33", "£2,345.67"]
    assert len(rows) == 5


def test_summons_part_completed_says_the_hearing_date_is_to_come():
    text = _text("CMEL7211", "part_completed")
    assert "To be completed when the court presenting officer gives the hearing date" in text
    assert " at " not in text.split("Hearing | ")[1].splitlines()[0]


def test_dates_money_and_times_use_the_house_style():
    text = _text("CMEL9180", "standard", amount_owed="1234.5", hearing_time="09:05")
    assert "£1,234.50" in text
    assert "14 January 2027 at 9:05am" in text


def test_template_variables_of_the_committed_files_match_the_registry():
    for code, spec in TEMPLATES.items():
        assert template_variables(committed_template(code)) == spec.variables, code


def test_the_html_preview_shows_the_letter_with_its_headings():
    html = to_html(render(catalogue.get("CMSL5501"), catalogue.get("CMSL5501").values_for("payments")).content)
    assert "<h1>Information about your face to face meeting with us</h1>" in html
    assert "<h2>What we&#39;ll talk about</h2>" in html or "<h2>What we'll talk about</h2>" in html
    assert "<td><p>1 December 2026 at 10:30am</p></td>" in html


def test_with_libreoffice_the_cmel9180_letter_converts_to_a_pdf_that_says_what_the_docx_says(libreoffice):
    spec = catalogue.get("CMEL9180")
    pdf = to_pdf(render(spec, spec.values_for("standard") | {"recipient_name": "Mr O'Brien <&>"}).content)
    text = pdf_text(pdf)
    for expected in ("Mr O'Brien <&>", "14 January 2027", "£95.00", "£4,321.09", "Demo Magistrates' Court"):
        assert expected in text
    image = Image.open(io.BytesIO(first_page_png(pdf)))
    assert (image.format, image.width < image.height) == ("PNG", True)  # a portrait A4 page


def test_without_libreoffice_pdf_conversion_says_so_plainly(no_libreoffice):
    assert not pdf_available()
    with pytest.raises(PdfUnavailable, match="LibreOffice is not installed"):
        to_pdf(committed_template("CMEL9180"))


COURT_LETTERS = [code for code, spec in TEMPLATES.items() if {"court_name", "court_address"} <= spec.variables]
COURT = "Demo Magistrates' Court"


@pytest.mark.parametrize("code", COURT_LETTERS)
@pytest.mark.parametrize(
    "address",
    [
        "1 Court Lane\nExampletown\nEX9 9ZZ",
        f"{COURT}\n1 Court Lane\nExampletown\nEX9 9ZZ",
        "DEMO  Magistrates' Court,\n1 Court Lane\nExampletown\nEX9 9ZZ",
    ],
    ids=["address alone", "name on the first line", "name written differently"],
)
def test_court_letters_print_the_courts_name_once_above_its_address(code, address):
    """QA: the court letters printed the court's name twice when its address (as typed in P5c) began with it."""
    text = _text(code, catalogue.get(code).samples[0].key, court_name=COURT, court_address=address)
    assert text.casefold().count(COURT.casefold()) == 1
    assert f"{COURT}\n1 Court Lane\nExampletown\nEX9 9ZZ" in text


def test_a_court_address_that_is_only_the_courts_name_is_refused_at_the_address():
    spec = catalogue.get("CMEL9180")
    with pytest.raises(catalogue.ContextError) as caught:
        catalogue.validate_context("CMEL9180", {**spec.values_for("standard"), "court_address": COURT})
    assert caught.value.problems == {
        "court_address": "Enter the court's street address and postcode: the letter prints its name above."
    }


def test_stable_balance_letter_with_secretary_of_state_arrears_kept_offers_a_choice_about_the_rest_only():
    """QA: the letter said the Secretary of State's part is always collected, then offered to collect none."""
    text = _text("CWGL010", "sos_over_limit", arrears_balance="2345.67", sos_arrears="120.00")
    decide = text.split("What you need to decide\n")[1].split("\n")[0]
    assert decide.startswith("You can decide what happens to the other £2,225.67. You can ask us to collect all ")
    assert "none of them" not in text
    assert "all of the arrears should not be collected" not in text
    assert "£120.00 of this is owed to the Secretary of State. That part cannot be written off" in text


@pytest.mark.parametrize("key", ["no_sos", "sos_at_limit"])
def test_stable_balance_letter_without_arrears_kept_offers_a_choice_about_all_of_them(key):
    decide = _text("CWGL010", key).split("What you need to decide\n")[1].split("\n")[0]
    assert decide.startswith("You can ask us to collect all of the arrears, some of them, or none of them.")


def test_a_secretary_of_state_part_above_the_arrears_it_belongs_to_is_refused_at_that_field():
    spec = catalogue.get("CWGL010")
    with pytest.raises(catalogue.ContextError) as caught:
        catalogue.validate_context("CWGL010", {**spec.values_for("no_sos"), "sos_arrears": "3000.00"})
    assert caught.value.problems == {
        "sos_arrears": "The part owed to the Secretary of State (£3,000.00) cannot be more than the arrears it is "
        "part of (£2,345.67)."
    }


def test_the_receiving_parents_closure_letter_never_says_secretary_of_state_money_is_collected_for_them():
    """QA: CWGL013 said the whole amount moved, £65.01 owed to the Secretary of State included, "will be collected
    for you"; only money owed to the receiving parent is collected for them (as CWGL011 says)."""
    text = _text("CWGL013", "sos_moved")
    assert "£65.01 of this is owed to the Secretary of State, not to you, so it is not collected for you." in text
    assert "The Child Maintenance Service will collect the other £1,280.66 for you." in text
    assert "will collect this for you" not in text
    only_sos = _text("CWGL013", "only_sos_moved")
    assert "for you." not in only_sos.replace("not collected for you.", "")
    assert "The Child Maintenance Service will collect this for you." in _text("CWGL013", "part_written_off")


def test_a_closure_letter_with_more_owed_to_the_secretary_of_state_than_was_moved_is_refused():
    values = {**catalogue.get("CWGL013").values_for("only_sos_moved"), "sos_arrears": "65.02"}
    with pytest.raises(catalogue.ContextError) as info:
        catalogue.validate_context("CWGL013", values)
    assert info.value.problems == {
        "sos_arrears": "The part owed to the Secretary of State (£65.02) cannot be more than the arrears it is part "
        "of (£65.01)."
    }


@pytest.mark.parametrize(
    ("action", "row"),
    [
        ("commitment", "Caseworker who asked for commitment"),
        ("liability_order", "Enforcement case manager"),
        ("county_court", "Enforcement case manager"),
    ],
)
def test_the_cpo_referral_names_who_asked_for_the_action_as_seed_004_does(action, row):
    """Seed 004: a caseworker asks for commitment, the ECM for the other court actions. CWGF003 labelled everyone
    "Enforcement case manager" (QA, third session)."""
    text = _text("CWGF003", "liability_order", action=action, ecm_name="Casey Caseworker")
    assert f"{row} | Casey Caseworker" in text.splitlines(), text
    other = "Enforcement case manager" if action == "commitment" else "Caseworker who asked"
    assert other not in text
