"""The preview studio: policy staff pick a template and a variant and see the letter; others are refused."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest

from letters import catalogue
from services import letter_templates
from tests.app.helpers import app_as, as_read, texts
from ui.studio_panels import UNAVAILABLE


def _studio(actor):
    at = app_as(actor).run()
    at.switch_page("pages/letter_studio.py").run()
    assert not at.exception, at.exception
    return at


def _html(at) -> str:
    """The letter preview's HTML (not the accessibility script every page draws)."""
    return "\n".join(str(h.proto.body) for h in at.get("html") if not str(h.proto.body).lstrip().startswith("<script"))


def test_the_studio_lists_every_template_with_its_version_use_and_fields(sqlite_demo_db, actor_for):
    at = _studio(actor_for("policy"))
    listing = at.dataframe[0].value
    assert list(listing["Code"].str.split().str[0]) == list(catalogue.TEMPLATES)
    row = listing[listing["Code"] == "CMSL5501"].iloc[0]
    assert row["Version"] == 1
    assert row["Used by"] == "P5e step 4"
    # QA: a Fields column of names ("letter_da...") was cut at the table's edge; the values are listed in words below
    assert list(listing.columns) == ["Code", "Title", "Version", "Used by"]
    assert "For the client · used by P5e step 4" in texts(at)


def test_the_values_a_letter_takes_are_listed_by_the_forms_labels_and_in_words(sqlite_demo_db, actor_for):
    at = _studio(actor_for("policy"))
    (values,) = [e for e in at.expander if e.label.startswith("The values this letter takes")]
    spec = catalogue.get("CMSL5501")
    assert values.label == f"The values this letter takes ({len(spec.fields)})"
    listed = as_read(" ".join(m.value for m in values.markdown))
    assert "- Date of the letter: a date, optional." in as_read(values.markdown[0].value).replace("**", "")
    assert "Reason for the meeting**: one of a list." in listed
    assert "What we'll talk about (reason 'other')**: text of several lines. Needed when reason for the meeting is" in (
        listed
    )
    for f in spec.fields:
        assert f"**{f.label}**" in listed
    assert [f.name for f in spec.fields if f.name in listed and "_" in f.name] == []  # "letter_date" never shown
    for kind in ("multiline", "bool", "choice", "rows"):
        assert kind not in listed

    at.selectbox(key="code").set_value("CWGF015").run()
    (values,) = [e for e in at.expander if e.label.startswith("The values this letter takes")]
    listed = as_read("\n".join(m.value for m in values.markdown))
    assert "a table of rows" in listed
    assert "Worked out from them when the letter is made:\n- Sum of the amounts due." in listed
    assert "total_due" not in listed


def test_the_placeholders_a_new_version_uses_are_named_only_where_it_is_uploaded(sqlite_demo_db, actor_for):
    at = _studio(actor_for("policy"))
    (upload,) = [e for e in at.expander if e.label == "Versions and upload"]
    (table,) = [df.value for df in upload.dataframe]
    assert list(table.columns) == ["In the Word file", "What it holds"]
    spec = catalogue.get("CMSL5501")
    assert set(table["In the Word file"]) == spec.variables


def test_each_cmsl5501_reason_is_one_click_away_and_shows_its_paragraph(sqlite_demo_db, actor_for):
    at = _studio(actor_for("policy"))
    assert "Information about your face to face meeting with us" in _html(at)
    for reason in ("appeal", "enforcement_update_receiving_parent"):
        at.radio(key="sc_CMSL5501").set_value(f"reason_{reason}").run()
        assert catalogue.CMSL5501_PARAGRAPHS[reason] in _html(at)


def test_a_p4_outcome_variant_and_edited_sample_values_show_in_the_preview(sqlite_demo_db, actor_for):
    at = _studio(actor_for("policy"))
    at.selectbox(key="code").set_value("CWGL013").run()
    at.radio(key="sc_CWGL013").set_value("outcome_all_written_off").run()
    assert "There are no arrears left to collect." in _html(at)
    at.toggle(key="edit_CWGL013").set_value(True).run()
    at.text_input(key="form_CWGL013_outcome_all_written_off:recipient_name").set_value("Ms O'Brien <&>").run()
    assert "Dear Ms O&#x27;Brien &lt;&amp;&gt;" in _html(at) or "Dear Ms O'Brien &lt;&amp;&gt;" in _html(at)


def test_each_sample_value_has_a_field_typed_like_the_templates_and_a_wrong_one_is_shown_at_the_field(
    sqlite_demo_db, actor_for
):
    """Dates are date pickers and money is typed as money; a wrong amount is shown under its field, and the
    preview of the last good values stays in view while it is corrected."""
    at = _studio(actor_for("policy"))
    at.selectbox(key="code").set_value("CWGL013").run()
    at.toggle(key="edit_CWGL013").set_value(True).run()
    prefix = f"form_CWGL013_{at.radio(key='sc_CWGL013').value}:"
    kinds = {f.name: f.kind for f in catalogue.get("CWGL013").fields}
    dates = [w.key.removeprefix(prefix) for w in at.date_input]
    assert dates
    assert set(dates) == {name for name, kind in kinds.items() if kind == "date"}
    money = next(name for name, kind in kinds.items() if kind == "money")
    before = _html(at)
    at.text_input(key=prefix + money).set_value("12.345").run()
    assert not at.exception
    shown = texts(at)
    assert "There is a problem" in shown
    assert ":red[**Error:** " in shown  # at the field itself, not only in the summary
    assert _html(at) == before  # the preview is kept
    assert "the last values that were valid" in shown
    at.text_input(key=prefix + money).set_value("1234.50").run()
    assert "There is a problem" not in texts(at)
    assert "£1,234.50" in _html(at)


def _download(at, label: str):
    (button,) = [d for d in at.get("download_button") if d.proto.label == label]
    return button


def test_while_a_value_is_wrong_download_and_make_pdf_are_unavailable_with_the_reason_and_come_back_once_corrected(
    sqlite_demo_db, actor_for, libreoffice
):
    """QA: Download and Make PDF stayed offered while a field was in error, and gave the last good values."""
    at = _studio(actor_for("policy"))
    at.toggle(key="edit_CMSL5501").set_value(True).run()
    name = f"form_CMSL5501_{at.radio(key='sc_CMSL5501').value}:recipient_name"
    assert not _download(at, "Download .docx").proto.disabled
    assert not next(b for b in at.button if b.label == "Make PDF").disabled
    assert UNAVAILABLE not in [c.value for c in at.caption]

    at.text_input(key=name).set_value("").run()
    assert not at.exception, at.exception
    assert "There is a problem" in texts(at)
    assert UNAVAILABLE in [c.value for c in at.caption]
    assert UNAVAILABLE.startswith("Download .docx and Make PDF are unavailable while a value is wrong: correct the")
    docx = _download(at, "Download .docx")
    assert docx.proto.disabled
    assert next(b for b in at.button if b.label == "Make PDF").disabled

    at.text_input(key=name).set_value("Jordan Sample").run()
    assert "There is a problem" not in texts(at)
    assert UNAVAILABLE not in [c.value for c in at.caption]
    assert not _download(at, "Download .docx").proto.disabled
    assert not next(b for b in at.button if b.label == "Make PDF").disabled
    assert "Jordan Sample" in _html(at)


def test_without_libreoffice_only_the_download_is_unavailable_while_a_value_is_wrong(
    sqlite_demo_db, actor_for, no_libreoffice
):
    at = _studio(actor_for("policy"))
    at.toggle(key="edit_CMSL5501").set_value(True).run()
    at.text_input(key=f"form_CMSL5501_{at.radio(key='sc_CMSL5501').value}:recipient_name").set_value("").run()
    assert not at.exception, at.exception
    assert _download(at, "Download .docx").proto.disabled
    assert UNAVAILABLE in [c.value for c in at.caption]


def test_without_libreoffice_the_studio_says_pdf_is_not_available(sqlite_demo_db, actor_for, no_libreoffice):
    from letters.pdf import NO_LIBREOFFICE

    at = _studio(actor_for("policy"))
    assert NO_LIBREOFFICE in texts(at)
    assert not any(b.label == "Make PDF" for b in at.button)
    assert len(at.get("download_button")) >= 2  # the sample .docx and version 1 of the template


def test_with_libreoffice_make_pdf_prints_the_edited_values_and_shows_the_first_page(
    sqlite_demo_db, actor_for, libreoffice
):
    from PIL import Image

    from tests.pdfs import pdf_text

    at = _studio(actor_for("policy"))
    at.toggle(key="edit_CMSL5501").set_value(True).run()
    scenario = at.radio(key="sc_CMSL5501").value
    at.text_input(key=f"form_CMSL5501_{scenario}:recipient_name").set_value("Ms O'Brien <&>").run()
    values = {**letter_templates.preview(actor_for("policy"), "CMSL5501", scenario=scenario).values}
    values["recipient_name"] = "Ms O'Brien <&>"
    next(b for b in at.button if b.label == "Make PDF").click().run()
    assert not at.exception, at.exception
    assert [d.proto.label for d in at.get("download_button")].count("Download .pdf") == 1
    assert [i.captions for i in at.image] == [["First page, as printed"]]
    # AppTest holds only the media URLs, so the PDF itself is checked through the service the page calls.
    printed = letter_templates.preview_pdf(actor_for("policy"), "CMSL5501", values=values)
    assert "Ms O'Brien <&>" in pdf_text(printed.pdf.content)
    assert Image.open(io.BytesIO(printed.first_page_png)).format == "PNG"


def test_contradictory_values_are_refused_at_the_field_and_summarised_by_the_fields_label(sqlite_demo_db, actor_for):
    """QA: a liability order cover letter for £0.00 owed was accepted, and the summary named fields by their
    internal names ("Amount owed" was "Amount_owed" turned into words)."""
    at = _studio(actor_for("policy"))
    at.selectbox(key="code").set_value("CMEL9180").run()
    at.toggle(key="edit_CMEL9180").set_value(True).run()
    prefix = f"form_CMEL9180_{at.radio(key='sc_CMEL9180').value}:"
    at.text_input(key=prefix + "amount_owed").set_value("0.00").run()
    assert not at.exception
    shown = texts(at)
    message = "Enter an amount more than £0.00: the court is asked to act on money that is owed."
    assert f":red[**Error:** {message}]" in shown  # at the field
    assert f"- [Amount owed: {message}](#)" in shown  # in the summary, by the field's label
    assert "amount_owed" not in shown


def test_a_field_needed_for_reason_other_is_not_labelled_optional_and_dates_reach_back_to_1993(
    sqlite_demo_db, actor_for
):
    """QA: CMSL5501's 'other' details said "(optional)" though reason 'other' needs them; the date pickers stopped
    ten years back; a long unbroken value ran out of the preview."""
    at = _studio(actor_for("policy"))
    at.radio(key="sc_CMSL5501").set_value("reason_other").run()
    at.toggle(key="edit_CMSL5501").set_value(True).run()
    details = at.text_area(key="form_CMSL5501_reason_other:other_details")
    assert details.label == "What we'll talk about (reason 'other')"
    assert details.proto.help == "Needed when reason for the meeting is “Other (free text)”."
    # only our postal address is optional among the text areas: the letter leaves it out when it is not set
    assert [w.label for w in at.text_area if w.label.endswith("(optional)")] == [
        "Our postal address (one line each) (optional)"
    ]
    picker = at.date_input(key="form_CMSL5501_reason_other:appointment_date")
    assert picker.proto.min == "1993-04-05"
    assert int(picker.proto.max[:4]) >= date.today().year + 10
    assert "overflow-wrap:anywhere" in _html(at)


def test_a_malformed_scin_or_sr_number_is_refused_at_its_field_and_nothing_new_is_previewed(sqlite_demo_db, actor_for):
    """QA: "12ab" typed as the SCIN previewed as "Our reference: 12ab". A real run's SCIN comes from its case."""
    at = _studio(actor_for("policy"))
    at.selectbox(key="code").set_value("CMEL7298").run()
    at.toggle(key="edit_CMEL7298").set_value(True).run()
    prefix = f"form_CMEL7298_{at.radio(key='sc_CMEL7298').value}:"
    before = _html(at)
    for name, typed, message, label in (
        ("scin", "12ab", "Enter the SCIN as 12 digits, for example 123456789012.", "SCIN (our reference)"),
        (
            "sr_number",
            "SR 12ab",
            "Enter the service request number as 1- and up to 8 digits, for example 1-00001234.",
            "Service request number",
        ),
    ):
        original = at.text_input(key=prefix + name).value
        at.text_input(key=prefix + name).set_value(typed).run()
        assert not at.exception, at.exception
        shown = texts(at)
        assert f":red[**Error:** {message}]" in shown  # at the field
        assert f"- [{label}: {message}](#)" in shown  # in the summary, by the field's label
        assert typed not in _html(at)
        assert _html(at) == before  # the last good preview, nothing made from the wrong value
        assert _download(at, "Download .docx").proto.disabled
        at.text_input(key=prefix + name).set_value(original).run()
        assert "There is a problem" not in texts(at)

    # As typed elsewhere in the app: spaces in a SCIN, an SR number without its leading zeros; shown as stored.
    at.text_input(key=prefix + "scin").set_value("1234 5678 9012").run()
    at.text_input(key=prefix + "sr_number").set_value("1-42").run()
    assert "There is a problem" not in texts(at)
    assert "123456789012" in _html(at)
    assert "1-00000042" in _html(at)


def test_a_preview_of_typed_values_refuses_a_malformed_reference_and_prints_them_as_stored(sqlite_demo_db, actor_for):
    from services.errors import ValidationFailed

    policy = actor_for("policy")
    spec = catalogue.get("CMEL7298")
    values = spec.values_for(spec.samples[0].key)
    with pytest.raises(ValidationFailed) as refused:
        letter_templates.preview(policy, "CMEL7298", values={**values, "scin": "12ab"})
    assert refused.value.errors == {"scin": "Enter the SCIN as 12 digits, for example 123456789012."}
    shown = letter_templates.preview(
        policy, "CMEL7298", values={**values, "scin": "1234 5678 9012", "sr_number": "1-7"}
    )
    assert "123456789012" in shown.html
    assert "1-00000007" in shown.html


def test_a_table_of_rows_is_named_above_it_and_that_name_is_its_accessible_name(sqlite_demo_db, actor_for):
    """QA (7 December, fourth session): the studio's row tables had their name in a caption under the grid, and the
    grid no name of its own, as Practice scenarios' tables had."""
    at = _studio(actor_for("policy"))
    at.selectbox(key="code").set_value("CWGF015").run()
    at.toggle(key="edit_CWGF015").set_value(True).run()
    assert not at.exception

    def walk(node):
        children = getattr(node, "children", None)
        if children:
            for child in children.values():
                yield from walk(child)
        else:
            yield node

    order = [
        (node.type, node.value if node.type != "dataframe" else node.proto)
        for node in walk(at.main)
        if node.type in ("markdown", "caption", "dataframe")
    ]
    named = order.index(("markdown", "**Account periods**"))
    assert order[named + 1] == (
        "caption",
        "One row each; dates as 2026-12-01, money as 1234.56. Add or delete rows as needed.",
    )
    kind, grid = order[named + 2]
    assert kind == "dataframe"
    assert grid.alt == "Account periods"  # the grid's accessible name
    headings = {name: config.get("label") for name, config in json.loads(grid.columns).items() if name != "_index"}
    assert headings == {
        "period_start": "From",
        "period_end": "To",
        "amount_due": "Amount due",
        "amount_paid": "Amount paid",
    }
