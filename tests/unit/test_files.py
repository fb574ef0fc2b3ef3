"""Safe stored names and zip bundles, without a database."""

import io
import zipfile
from datetime import datetime

import pytest
from pypdf import PdfReader

from domain.files import FileRefused, build_zip, check_pdf, safe_file_name
from tests import pdfs


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\sam\\Outcome – Mr O’Brien.PDF", "Outcome-Mr-OBrien.pdf"),
        ("report\r\nX-Evil: 1.pdf", "report-X-Evil-1.pdf"),
        ("...", "document"),
        ("", "document"),
    ],
)
def test_a_stored_name_keeps_only_safe_characters_from_the_last_path_part(raw, expected):
    assert safe_file_name(raw) == expected


def test_a_forced_extension_replaces_whatever_the_user_sent_and_long_names_are_cut():
    assert safe_file_name("outcome.exe", extension="pdf") == "outcome.pdf"
    long = safe_file_name("x" * 500 + ".pdf")
    assert len(long) == 100
    assert long.endswith(".pdf")


def test_a_bundle_is_a_real_zip_stamped_with_the_given_time():
    data = build_zip([("a b.txt", b"one"), ("c.txt", b"two")], when=datetime(2026, 12, 24, 10, 30, 5))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["a-b.txt", "c.txt"]
        assert archive.getinfo("c.txt").date_time == (2026, 12, 24, 10, 30, 4)  # zip stores even seconds
        assert archive.read("a-b.txt") == b"one"


def test_the_same_documents_without_a_time_give_the_same_bytes():
    docs = [("a.txt", b"one")]
    assert build_zip(docs) == build_zip(docs)


@pytest.mark.parametrize(
    ("documents", "message"),
    [([], "at least one"), ([("a.txt", b"")], "is empty"), ([("a b.txt", b"1"), ("a-b.txt", b"2")], "both called")],
)
def test_a_bad_bundle_is_refused(documents, message):
    with pytest.raises(FileRefused, match=message):
        build_zip(documents)


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (pdfs.pdf_with_document_javascript, "contains JavaScript"),
        (pdfs.pdf_with_link_to_javascript, "contains JavaScript"),
        (lambda: pdfs.pdf_with_open_action("/Launch"), "runs when it is opened"),
        (lambda: pdfs.pdf_with_open_action("/JavaScript"), "runs when it is opened"),
        (pdfs.pdf_with_page_additional_action, "runs when it is opened"),
        (pdfs.pdf_with_embedded_file, "files embedded in it"),
        (pdfs.pdf_zip_polyglot, "another kind of file hidden in it"),
        (pdfs.pdf_with_data_after_eof, "another kind of file hidden in it"),
    ],
)
def test_a_pdf_carrying_active_content_or_a_second_format_is_refused_in_plain_words(make, reason):
    data = make()
    assert len(PdfReader(io.BytesIO(data)).pages) == 1  # a real PDF that opens: only its content is refused
    with pytest.raises(FileRefused, match=reason) as refused:
        check_pdf(data)
    assert "print the PDF to a new PDF" in str(refused.value)


@pytest.mark.parametrize("make", [lambda: pdfs.a_pdf(pages=3), pdfs.pdf_opening_at_first_page])
def test_a_plain_pdf_and_one_that_opens_at_its_first_page_are_accepted(make):
    assert check_pdf(make()).pages >= 1


def test_trailing_whitespace_after_the_end_marker_is_not_a_second_format():
    assert check_pdf(pdfs.a_pdf() + b"\r\n\x00 ").pages == 1
