"""The SSST email drafts and the RFC 5322 message built from them (no network, no database)."""

from datetime import datetime
from decimal import Decimal
from email import message_from_bytes
from email import policy as email_policy
from email.headerregistry import Address
from email.utils import parsedate_to_datetime

import pytest

from domain import mail
from domain.clock import UK

SSST = Address("Specialist Services Support Team", addr_spec="ssst@example.org")


def _build(draft, **kwargs):
    defaults = dict(
        sender=SSST,
        to=[Address("CSA VSAT INTERVIEWS", addr_spec="vsat@example.org")],
        read_receipt_to=SSST,
        sent_at=datetime(2026, 12, 24, 10, 30, tzinfo=UK),
        signature="Sam SSST",
        sr_number="1-00000042",
    )
    message = mail.build_message(draft, **(defaults | kwargs))
    return message_from_bytes(mail.to_bytes(message), policy=email_policy.default)


def test_the_cpt_email_carries_the_hearing_date_in_its_subject():
    draft = mail.cpt_letter_ready(
        scin="123456789012", sr_number="1-00000042", hearing_at=datetime(2027, 3, 12, 10, 0, tzinfo=UK), court="Bath"
    )
    assert draft.subject.startswith("Hearing 12 March 2027: CMEL9180 cover letter ready")
    assert "12 March 2027, 10:00" in draft.body
    parsed = _build(draft)
    assert parsed["Subject"] == draft.subject  # read back exactly, however long


def test_a_message_has_message_id_date_read_receipt_recipients_and_attachments():
    draft = mail.vsat_referral(scin="123456789012", sr_number="1-00000042", client_role="paying parent", reason="x")
    parsed = _build(
        draft,
        cc=[Address("Team Leader", addr_spec="tl@example.org")],
        attachments=[mail.Attachment("../CMSF5579 form.docx", b"PK\x03\x04form")],
    )
    assert parsed["Subject"] == "Face to face referral CMSF5579: SCIN 123456789012, SR 1-00000042"
    assert parsed["Disposition-Notification-To"] == "Specialist Services Support Team <ssst@example.org>"
    assert parsed["Message-ID"].startswith("<")
    assert parsed["Message-ID"].endswith("@example.org>")
    assert parsedate_to_datetime(parsed["Date"]) == datetime(2026, 12, 24, 10, 30, tzinfo=UK)
    assert parsed["X-Casework-SR"] == "1-00000042"
    assert mail.recipients(parsed) == ["vsat@example.org", "tl@example.org"]
    [attachment] = list(parsed.iter_attachments())
    assert attachment.get_filename() == "CMSF5579-form.docx"
    assert attachment.get_content() == b"PK\x03\x04form"
    assert "Sam SSST" in parsed.get_body(("plain",)).get_content()


def test_the_liability_order_pv_check_asks_about_payments_affecting_the_schedule():
    hearing = datetime(2027, 3, 12, 10, 0, tzinfo=UK)
    lo = mail.second_pv_check(
        scin="1",
        sr_number="1-1",
        hearing_at=hearing,
        pv_result="No PV",
        payments="None",
        contact="None",
        liability_order=True,
    )
    commitment = mail.second_pv_check(
        scin="1", sr_number="1-1", hearing_at=hearing, pv_result="No PV", payments="None", contact="None"
    )
    assert "affect the liability order schedule" in lo.body
    assert "affect the liability order schedule" not in commitment.body
    assert lo.subject.startswith("Second PV check before hearing on 12 March 2027")


def test_a_line_break_in_a_client_name_cannot_add_a_header():
    draft = mail.court_fee_paid(
        client_name="Alex\r\nBcc: victim@example.org",
        scin="1",
        sr_number="1-1",
        court="Bath",
        fee=Decimal("308.00"),
        paid_on=datetime(2026, 12, 29).date(),
    )
    parsed = _build(draft)
    assert parsed["Bcc"] is None
    assert "£308.00" in parsed.get_body(("plain",)).get_content()


@pytest.mark.parametrize("raw", ["", "not an address", "a@b", "two@example.org, three@example.org", "x y@example.org"])
def test_a_bad_address_is_refused_with_a_message(raw):
    with pytest.raises(mail.AddressRefused, match="email address"):
        mail.parse_address(raw)
