"""A caseworker walks P4's first steps in the wizard, then produces the stable balance letter from the page."""

from datetime import date
from decimal import Decimal

from letters.render import docx_text
from services import letters, run_start
from tests.app.answering import answer_step
from tests.app.helpers import texts
from tests.app.test_wizard import button, open_wizard
from tests.procedures.p4_helpers import case_row, p4_case


def test_p4_records_the_stable_balance_letter_and_the_page_produces_it(sqlite_demo_db, actor_for):
    actor = actor_for("caseworker")
    case_id = p4_case(actor, sos_arrears=Decimal("100.00"))
    view = run_start.start_run(actor, "P4", case_id=case_id)
    at = open_wizard(actor, view.run_id)
    assert "Confirm the stable arrears balance" in texts(at)

    answer_step(at, actor, view.run_id, stable_balance="1,234.56")
    # QA: "on the SR", none yet; the changes are named by the panel's heading (beside the answers, not below them)
    assert (
        "Saving makes the SR and records on it the changes listed under "
        "**What to enter in CMS when you save this step** and the notes listed below. After that you cannot go back "
        "to change these answers."
    ) in texts(at)
    assert "Notes this step records" in texts(at)  # the note the sentence names, drawn below it
    button(at, "Confirm and save").click().run()
    assert "Write to the receiving parent about the balance" in texts(at)

    answer_step(at, actor, view.run_id, letter_date=date.today().isoformat())
    assert "Check your answers before saving" in texts(at)
    assert (
        "When you save, the changes listed under **What to enter in CMS when you save this step** and the dates, "
        "deadlines and notes listed below are recorded on the SR." in texts(at)
    )
    assert "Dates and deadlines this step records" in texts(at)  # the letter's 30 days
    assert "Notes this step records" in texts(at)  # and the letter's note, named by the sentence too
    assert "Send the receiving parent the CWGL010 letter Casework Guide produced, and note it on the SR" in texts(at)
    button(at, "Confirm and save").click().run()
    assert not at.exception
    assert "Record what happened after the letter" in texts(at)
    title = "CWGL010 Your child maintenance arrears: do you want us to collect them?"
    assert f"{title} · to the receiving parent · SR " in texts(at)

    button(at, "Produce").click().run()
    assert not at.exception
    (item,) = letters.letters_for_run(actor, view.run_id)
    assert (item.row.template_code, item.row.status) == ("CWGL010", "rendered")
    assert "Download" in [b.label for b in at.get("download_button")]
    text = docx_text(letters.download_letter(actor, item.row.id).content)
    parties = case_row(case_id)
    assert parties["receiving_parent"] in text
    assert "£1,234.56" in text
    assert "£100.00 of this is owed to the Secretary of State" in text


def test_without_our_contact_details_the_letter_and_its_preview_say_so_before_it_goes(
    sqlite_demo_db, actor_for, monkeypatch
):
    """QA: the notice was a grey caption, easy to miss, and the preview at check your answers said nothing."""
    for name in ("CASEWORK_LETTER_PHONE", "CASEWORK_LETTER_HOURS", "CASEWORK_LETTER_ADDRESS"):
        monkeypatch.delenv(name, raising=False)
    notice = (
        "This letter will not say how to contact us: our phone number and address for letters are not set. Add "
        "them to the letter by hand before you send it, and ask an administrator to set them."
    )
    actor = actor_for("caseworker")
    at, run_id = _at_the_letters_check(actor)
    assert notice in [w.value for w in at.warning]  # at check your answers, above the preview
    button(at, "Confirm and save").click().run()
    assert notice in [w.value for w in at.warning]  # in the letters panel, before Produce
    (line,) = [m.value for m in at.markdown if str(m.value).startswith("CWGL010")]
    assert '<span style="white-space: nowrap">' in line  # the SR number on one line
    button(at, "Produce").click().run()
    assert notice not in [w.value for w in at.warning]
    # QA: once produced, its Download line said nothing; the letter still needs the details added by hand
    assert "Download" in [b.label for b in at.get("download_button")]
    assert PRODUCED_WITHOUT in [w.value for w in at.warning]

    monkeypatch.setenv("CASEWORK_LETTER_PHONE", "0808 157 0555")
    assert notice not in [w.value for w in _at_the_letters_check(actor)[0].warning]
    # set now, but not when it was produced: the letter made then still lacks them
    assert PRODUCED_WITHOUT in [w.value for w in open_wizard(actor, run_id).warning]


PRODUCED_WITHOUT = (
    "This letter has no contact details: our phone number and address for letters were not set when it was "
    "produced. Add them to the letter by hand before you send it."
)


def _at_the_letters_check(actor):
    """A new P4 run on a new case, at check your answers for the stable balance letter (the page, the run's id)."""
    view = run_start.start_run(actor, "P4", case_id=p4_case(actor))
    at = open_wizard(actor, view.run_id)
    answer_step(at, actor, view.run_id, stable_balance="1,234.56")
    button(at, "Confirm and save").click().run()
    answer_step(at, actor, view.run_id, letter_date=date.today().isoformat())
    assert "Check your answers before saving" in texts(at)
    return at, view.run_id
