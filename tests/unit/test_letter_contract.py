"""The contract with procedure steps (validate_context), the upload checks, and the terminology rule."""

from __future__ import annotations

from datetime import date

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
