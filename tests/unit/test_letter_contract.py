"""The contract with procedure steps (validate_context), the upload checks, and the terminology rule."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.terminology import OLD_ABBREVIATIONS, OLD_TERMS, old_terms_in
from letters import catalogue
from letters.build_templates import BODIES, cmsl5501
from letters.catalogue import TEMPLATES, validate_context
from letters.checks import check_template
from letters.docx_writer import Para, write_docx
from letters.fields import ContextError, format_time
from letters.render import committed_template, docx_text, render


def test_validate_context_names_missing_and_unknown_fields():
    values = catalogue.get("CMEL9180").values_for("standard")
    del values["costs"]
    del values["hearing_date"]
    values["colour"] = "blue"
    with pytest.raises(ContextError) as caught:
        validate_context("CMEL9180", values)
    message = str(caught.value)
    assert "CMEL9180" in message
    assert "missing fields: costs, hearing_date" in message
    assert "unknown fields: colour" in message
    assert set(caught.value.problems) == {"costs", "hearing_date", "colour"}


def test_validate_context_says_what_is_wrong_with_a_value():
    values = catalogue.get("CMEL9180").values_for("standard")
    with pytest.raises(ContextError, match="hearing_date: Give a date as YYYY-MM-DD"):
        validate_context("CMEL9180", {**values, "hearing_date": "14/01/2027"})
    with pytest.raises(ContextError, match="never as a floating point number"):
        validate_context("CMEL9180", {**values, "costs": 95.5})
    with pytest.raises(ContextError, match="Choose one of"):
        validate_context("CMSL5501", {**catalogue.get("CMSL5501").values_for("payments"), "reason": "chat"})


def test_validate_context_refuses_old_terms_in_free_text():
    values = {**catalogue.get("CMSL5501").values_for("payments"), "reason": "other"}
    with pytest.raises(ContextError, match="receiving parent"):
        validate_context("CMSL5501", {**values, "other_details": "Your role as Parent With Care"})


def test_validate_context_refuses_a_worked_out_value_and_an_unknown_code():
    values = catalogue.get("CWGL011").values_for("part")
    with pytest.raises(ContextError, match="worked out by the template's rule"):
        validate_context("CWGL011", {**values, "sos_kept": True})
    with pytest.raises(KeyError, match="no letter or form with code"):
        validate_context("XX0000", {})


def test_the_letter_date_defaults_to_today_when_the_step_gives_none():
    values = catalogue.get("CWGL011").values_for("part")
    del values["letter_date"]
    values["representations_end"] = (date.today() + timedelta(days=30)).isoformat()  # 30 days from today's letter
    typed = validate_context("CWGL011", values)
    assert typed["letter_date"] == date.today()


def test_every_sample_and_variant_is_valid_for_its_template():
    for code, spec in TEMPLATES.items():
        for s in spec.all_scenarios():
            validate_context(code, spec.values_for(s.key))


def test_times_are_shown_as_letters_show_them():
    from datetime import time

    assert [format_time(time(h, m)) for h, m in ((0, 5), (9, 0), (12, 15), (14, 30))] == [
        "12:05am",
        "9am",
        "12:15pm",
        "2:30pm",
    ]


# --- Upload checks -------------------------------------------------------------------------------


def test_the_committed_templates_pass_every_check():
    for code, spec in TEMPLATES.items():
        assert check_template(spec, committed_template(code)) == [], code


def _cmsl5501_with(*extra: Para, drop: str | None = None) -> bytes:
    blocks = [b for b in cmsl5501() if not (drop and isinstance(b, Para) and drop in b.text)]
    return write_docx([*blocks, *extra], title="edited")


def test_an_upload_using_a_field_no_step_supplies_is_refused_naming_it():
    problems = check_template(catalogue.get("CMSL5501"), _cmsl5501_with(Para("Hello {{ nickname }}")))
    assert any("no procedure step supplies: nickname" in p for p in problems)


def test_an_upload_that_drops_a_declared_field_is_refused_naming_it():
    problems = check_template(catalogue.get("CMSL5501"), _cmsl5501_with(drop="Our reference"))
    assert problems == ["The template does not use these fields: scin."]


def test_an_upload_that_rewords_a_cmsl5501_paragraph_is_refused():
    reworded = write_docx(
        [
            Para(b.text.replace("Child maintenance payments made in your case", "Your payments"))
            if isinstance(b, Para)
            else b
            for b in cmsl5501()
        ],
        title="edited",
    )
    problems = check_template(catalogue.get("CMSL5501"), reworded)
    assert any("does not show: “Child maintenance payments made in your case”" in p for p in problems)


def test_an_upload_with_an_old_term_is_refused():
    problems = check_template(catalogue.get("CMSL5501"), _cmsl5501_with(Para("To the non-resident parent")))
    assert any("non-resident parent" in p for p in problems)


def test_an_upload_that_is_not_a_docx_or_breaks_jinja_is_refused():
    assert "not a Word document" in check_template(catalogue.get("CMSL5501"), b"%PDF-1.7 not a docx")[0]
    broken = check_template(catalogue.get("CMSL5501"), _cmsl5501_with(Para("{% if reason %}")))
    assert broken
    assert "cannot be read" in broken[0]


def test_an_upload_cannot_reach_into_python_objects_through_jinja():
    sneaky = _cmsl5501_with(Para("{{ recipient_name.__class__.__mro__ }}"))
    problems = check_template(catalogue.get("CMSL5501"), sneaky)
    assert any("does not render" in p and "unsafe" in p for p in problems)


def test_an_upload_with_oversized_styles_is_refused_with_the_reason():
    import io
    import zipfile

    source = io.BytesIO(committed_template("CMSL5501"))
    bloated = io.BytesIO()
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(bloated, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/styles.xml":
                data = data.replace(b"</w:styles>", b"<!--" + b" " * 400_000 + b"--></w:styles>")
            out.writestr(item, data)
    problems = check_template(catalogue.get("CMSL5501"), bloated.getvalue())
    assert len(problems) == 1
    assert "styles take" in problems[0]


# --- Terminology -----------------------------------------------------------------------------------


def test_no_template_or_client_facing_text_uses_the_old_terms():
    found = []
    for code, spec in TEMPLATES.items():
        texts = [docx_text(committed_template(code)), spec.title]
        texts += [s.label for s in spec.all_scenarios()] + [f.label for f in spec.fields]
        texts += [docx_text(render(spec, spec.values_for(s.key)).content) for s in spec.all_scenarios()]
        texts += [str(v) for s in spec.all_scenarios() for v in spec.values_for(s.key).values()]
        found += [(code, term) for text in texts for term in old_terms_in(text)]
    for build in BODIES.values():
        found += [("generator", t) for b in build() if isinstance(b, Para) for t in old_terms_in(b.text)]
    assert found == []


@pytest.mark.parametrize(
    "term", [*OLD_TERMS, *OLD_ABBREVIATIONS, "Non-Resident Parent", "PERSON  WITH\nCARE", "nonresident parent", "pewc"]
)
def test_the_terminology_check_catches_each_old_term_however_written(term):
    assert old_terms_in(f"Dear {term},") != []


@pytest.mark.parametrize("text", ["Dear Ms Snrpe,", "Pwcville Road", "the paying parent and the receiving parent"])
def test_an_abbreviation_is_an_old_term_only_as_a_word_of_its_own(text):
    assert old_terms_in(text) == []


def test_validate_context_refuses_the_systems_abbreviations_in_free_text():
    """QA found "Why the NRP has not paid the PWC" accepted as what a CMSL5501 visit will talk about."""
    values = {**catalogue.get("CMSL5501").values_for("payments"), "reason": "other"}
    with pytest.raises(ContextError, match="reword 'NRP'"):
        validate_context("CMSL5501", {**values, "other_details": "Why the NRP has not paid the PWC"})


# --- Values that contradict each other (QA, letter studio) ---------------------------------------------


def _with(code: str, **changes: object) -> dict[str, str]:
    """What the letter studio shows at each field for the first sample with these changes."""
    from services.letter_samples import sample_problems

    spec = catalogue.get(code)
    return sample_problems(code, {**spec.values_for(spec.samples[0].key), **changes})


@pytest.mark.parametrize("code", ["CWGL011", "CWGL012"])
def test_an_end_of_the_30_days_that_is_not_30_days_on_is_refused_at_that_field(code):
    assert _with(code, letter_date="2026-11-23", representations_end="2026-12-30") == {
        "representations_end": "The 30 days end on 23 December 2026, 30 calendar days after the letter date "
        "(23 November 2026), or on the next working day when that day is a weekend or bank holiday, not on "
        "30 December 2026."
    }
    assert _with(code, letter_date="2026-11-23", representations_end="2026-12-23") == {}
    # 1 January 2027 is a bank holiday, then a weekend: P4 gives Monday 4 January (England and Wales)
    assert _with(code, letter_date="2026-12-02", representations_end="2027-01-04") == {}


@pytest.mark.parametrize("code", ["CWGL011", "CWGL012"])
def test_arrears_still_owed_below_the_secretary_of_states_part_kept_are_refused(code):
    assert _with(code, amount_remaining="50.00", sos_arrears="120.00") == {
        "amount_remaining": "The arrears still owed (£50.00) cannot be less than the £120.00 owed to the Secretary "
        "of State: more than £65.00 owed to the Secretary of State is never written off."
    }
    assert _with(code, amount_remaining="0.00", sos_arrears="65.00") == {}  # £65.00 can be written off


def test_a_liability_order_application_whose_arrears_end_before_they_start_is_refused():
    assert _with("CMEL7000", arrears_from="2026-10-31", arrears_to="2024-04-01") == {
        "arrears_to": "The arrears cannot end on 1 April 2024, before they start on 31 October 2026."
    }
    assert _with("CMEL7000", arrears_from="2026-10-31", arrears_to="2026-10-31") == {}


def _periods(*changes: dict[str, object]) -> list[dict[str, object]]:
    rows = [dict(row) for row in catalogue.get("CWGF015").values_for("three_periods")["periods"]]
    for row, change in zip(rows, changes, strict=False):
        row.update(change)
    return rows


def test_an_account_period_that_ends_before_it_starts_is_refused_naming_its_row():
    late = {"period_start": "2025-10-01", "period_end": "2025-09-30"}
    assert _with("CWGF015", periods=_periods({}, late)) == {
        "periods": "Row 2: the period cannot end on 30 September 2025, before it starts on 1 October 2025."
    }


@pytest.mark.parametrize("code", [c for c, spec in TEMPLATES.items() if "amount_owed" in spec.variables])
def test_a_court_document_for_nothing_owed_is_refused(code):
    assert _with(code, amount_owed="0.00") == {
        "amount_owed": "Enter an amount more than £0.00: the court is asked to act on money that is owed."
    }


def test_real_runs_meet_the_same_checks_before_a_step_is_saved():
    """services.letter_values checks a step's letters before its answers are saved, as the studio does."""
    from procedures import registry
    from procedures.effects import LetterDue
    from services import letter_values

    procedure = registry.get("P5d")
    step = procedure.steps["cover_letter"]
    context = {**catalogue.get("CMEL9180").values_for("standard"), "amount_owed": "0.00"}
    found = letter_values.problems(procedure, step, {}, [LetterDue("main", "CMEL9180", "paying_parent", context)])
    assert found == {
        "_letters": "Amount owed in CMEL9180: Enter an amount more than £0.00: the court is asked to act on money "
        "that is owed."
    }


# --- Table rows (CWGF015) say what is wrong in words ------------------------------------------------


def test_a_blank_cell_is_named_by_its_row_and_columns_label_never_none():
    assert _with("CWGF015", periods=_periods({}, {"period_end": None})) == {
        "periods": "Row 2, To: enter a date, for example 2026-12-01."
    }
    assert _with("CWGF015", periods=_periods({"amount_paid": ""})) == {
        "periods": "Row 1, Amount paid: enter an amount, for example 1234.56."
    }


def test_a_wrong_cell_and_a_missing_column_are_said_with_the_columns_labels():
    assert _with("CWGF015", periods=_periods({"period_start": "soon"})) == {
        "periods": "Row 1, From: give a date as YYYY-MM-DD, for example 2026-12-01 (got 'soon')."
    }
    rows = _periods()
    del rows[0]["amount_paid"]
    assert _with("CWGF015", periods=rows) == {"periods": "Row 1 has no Amount paid column."}
    rows = _periods({"colour": "blue"})
    assert _with("CWGF015", periods=rows) == {
        "periods": "Row 1 has a column this table does not have: use only From, To, Amount due and Amount paid."
    }


# --- An upload's refusal: each problem once, in words ---------------------------------------------


def test_a_problem_with_every_sample_is_said_once_for_all_of_them():
    """QA: the refusal repeated one sentence for each of CMSL5501's samples, each named by an internal key."""
    problems = check_template(catalogue.get("CMSL5501"), _cmsl5501_with(Para("{{ recipient_name.__class__.__mro__ }}")))
    assert len(problems) == 1
    assert problems[0].startswith("With every sample letter (13), it does not render: it does something letter ")


def test_a_problem_with_some_samples_names_them_by_their_labels():
    reworded = write_docx(
        [
            Para(b.text.replace("Child maintenance payments made in your case", "Your payments"))
            if isinstance(b, Para)
            else b
            for b in cmsl5501()
        ],
        title="edited",
    )
    assert check_template(catalogue.get("CMSL5501"), reworded) == [
        "With the samples “Paying parent, payments” and “Reason: Payments”, it does not show: “Child maintenance "
        "payments made in your case”."
    ]


def test_an_old_term_in_the_template_is_said_once_not_again_for_each_sample():
    problems = check_template(catalogue.get("CMSL5501"), _cmsl5501_with(Para("To the non-resident parent")))
    assert problems == ["The template says 'non-resident parent'; letters say 'receiving parent' or 'paying parent'."]


def test_an_account_breakdown_that_does_not_end_at_the_arrears_balance_is_refused():
    """QA: the breakdown's total contradicted the confirmed balance given in the other letters of the same run."""
    assert _with("CWGF015", arrears_balance="1433.74") == {
        "periods": "The account periods leave £2,345.67 owed, but the arrears balance is £1,433.74. A breakdown must "
        "end at the same balance as the other letters about these arrears."
    }


@pytest.mark.parametrize("code", ["CMEL7298", "CMSL5501"])
@pytest.mark.parametrize(
    "typed", ["12ab", "12345678901", "1234567890123", "PRACTICE-ABC123", "１２３４５６７８９０１２"]
)
def test_the_studio_refuses_a_scin_that_is_not_12_digits(code, typed):
    assert _with(code, scin=typed) == {"scin": "Enter the SCIN as 12 digits, for example 123456789012."}
    assert _with(code, scin=" 1234 5678 9012 ") == {}


@pytest.mark.parametrize("typed", ["12ab", "1-", "2-00000042", "1-123456789", "SR 42"])
def test_the_studio_refuses_a_malformed_sr_number(typed):
    assert _with("CMEL7298", sr_number=typed) == {
        "sr_number": "Enter the service request number as 1- and up to 8 digits, for example 1-00001234."
    }
    assert _with("CMEL7298", sr_number="1-42") == {}


def test_a_blank_scin_is_said_missing_as_any_required_value():
    assert _with("CMEL7298", scin="  ") == {"scin": "Enter a value. This field is required."}


def test_a_letter_made_from_a_case_still_takes_its_scin_as_given():
    """Only the studio checks the SCIN: a practice letter's fictional reference still renders."""
    spec = catalogue.get("CMSL5501")
    values = {**spec.values_for(spec.samples[0].key), "scin": "PRACTICE-ABC123"}
    assert "PRACTICE-ABC123" in docx_text(render(spec, values).content)
