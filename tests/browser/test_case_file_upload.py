"""In Chromium against the real server: the outcome upload refuses a file that is not a PDF at the field, keeps
a real one with the SR (safe name, sha256), and offers it back for download beside the deleted clerical file."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from domain.clock import uk_local, utcnow
from domain.files import sha256
from tests.browser.helpers import settled
from tests.browser.test_sign_in import sign_in
from tests.browser.test_wizard import at_step, press
from tests.pdfs import a_pdf
from tests.procedures.ssst_walks import allocated_sr, attachments, set_case
from tests.procedures.walk import Walk

pytestmark = pytest.mark.browser


def _upload(page: Page, name: str, data: bytes, mime: str) -> None:
    """Choose a file on a settled page, then wait until it has reached the server: its chip without a
    spinner (long names are shortened in the middle on screen).

    The second file, chosen after the refusal, used to vanish one run in three: the rerun it started drew
    no error summary, every element below moved up a place, and the browser drew the uploader afresh,
    empty. The wizard now keeps a fixed slot for the summary and for each field's error."""
    page.locator("input[type=file]").set_input_files(files=[{"name": name, "mimeType": mime, "buffer": data}])
    chip = page.get_by_test_id("stFileChip").filter(has_text=name[:6])
    settled(page, chip.filter(has_not=page.get_by_test_id("stFileChipIconSpinner")))
    expect(page.get_by_test_id("stFileChip")).to_have_count(1)


def test_a_non_pdf_outcome_is_refused_at_the_field_and_a_real_pdf_is_kept_and_downloadable(
    live_server, page: Page, actor_for
):
    actor = actor_for("ssst.caseworker")
    case_id, sr_id = allocated_sr(actor, "Face to Face Visit")
    set_case(case_id, potentially_violent=False)
    walk = Walk(actor, "P5e", case_id, sr_id=sr_id)
    walk.answer(client_role="Paying parent", pv_marker=False, pv_details="No marker.")
    walk.answer(visit_reason="Payments", referral_details="")
    walk.answer()
    walk.answer(vsat_accepted=True)
    walk.answer(appointment_at=f"{uk_local(utcnow()).date():%Y-%m-%d} 10:30", appointment_location="Bath")  # today
    walk.answer(visit_result="Visit completed")
    assert walk.step == "record_visit"

    sign_in(page, live_server.url, "ssst.caseworker")
    settled(page, page.get_by_role("link", name="My work", exact=True))
    page.goto(f"{live_server.url}/wizard?run={walk.view.run_id}")  # a typed URL: the session cookie resumes it
    at_step(page, "Update the SR and Contact Notes")
    page.get_by_text("Supporting documents sent to the postal contractor for scanning").click()
    page.get_by_label("Summary of the visit", exact=True).fill("Payment plan agreed.")
    _upload(page, "CMSF5579 returned.pdf", b"Dear SSST, the visit went well.", "application/pdf")
    press(page, "Continue")
    settled(page, page.get_by_text("Error: The selected file must be a PDF", exact=True))  # under the upload box
    expect(page.get_by_test_id("stAlertContentError")).to_contain_text("The selected file must be a PDF")
    assert [a.kind for a in attachments(sr_id)] == ["bundle_zip"]  # nothing stored, the bundle not deleted
    assert attachments(sr_id)[0].deleted_at is None

    pdf = a_pdf(pages=2)
    _upload(page, "Outcome – Mr O'Brien.PDF", pdf, "application/pdf")
    press(page, "Continue")
    at_step(page, "Check your answers before saving")
    press(page, "Confirm and save")
    at_step(page, "Choose the Reason and Resolution Code")

    stored = {a.kind: a for a in attachments(sr_id)}
    kept = stored["outcome_pdf"]
    assert (kept.file_name, kept.sha256, kept.content) == ("Outcome-Mr-OBrien.pdf", sha256(pdf), pdf)
    assert stored["bundle_zip"].deleted_at is not None
    expect(page.get_by_text("(clerical files); the record is kept.", exact=False)).to_be_visible()
    download_button = page.get_by_role("button", name="Download", exact=True)
    expect(download_button).to_have_count(1)
    with page.expect_download() as download_info:
        download_button.click()
    download = download_info.value
    assert download.suggested_filename == "Outcome-Mr-OBrien.pdf"
    assert Path(download.path()).read_bytes() == pdf
