"""Real PDFs for tests, written and read back with pypdf: plain ones and ones carrying active content."""

from __future__ import annotations

import io
import zipfile

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject


def a_pdf(pages: int = 1, password: str | None = None) -> bytes:
    """A real PDF of blank A4 pages, encrypted when a password is given."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_text(pdf: bytes) -> str:
    """The text of every page, read back with pypdf, spaces and line breaks made single."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _blank_writer() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    return writer


def _action(kind: str, **entries: object) -> DictionaryObject:
    action = DictionaryObject({NameObject("/Type"): NameObject("/Action"), NameObject("/S"): NameObject(kind)})
    for key, value in entries.items():
        action[NameObject(f"/{key}")] = value
    return action


def pdf_with_document_javascript() -> bytes:
    """JavaScript in the document's /Names tree: runs when the file is opened."""
    writer = _blank_writer()
    script = writer._add_object(_action("/JavaScript", JS=TextStringObject("app.alert('hello');")))
    tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("greeting"), script])})
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): tree})
    return _written(writer)


def pdf_with_open_action(kind: str = "/Launch") -> bytes:
    """An /OpenAction that launches a program (or runs JavaScript with kind='/JavaScript')."""
    writer = _blank_writer()
    if kind == "/JavaScript":
        action = _action(kind, JS=TextStringObject("app.launchURL('http://127.0.0.1/')"))
    else:
        action = _action(kind, F=TextStringObject("C:\\Windows\\System32\\cmd.exe"))
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return _written(writer)


def pdf_with_page_additional_action() -> bytes:
    """A page /AA (open page) action: runs when the page is shown."""
    writer = _blank_writer()
    page = writer.pages[0]
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): _action("/Launch", F=TextStringObject("x.exe"))})
    return _written(writer)


def pdf_with_link_to_javascript() -> bytes:
    """A link annotation whose action is JavaScript, hidden in the page's annotations."""
    writer = _blank_writer()
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(0), NumberObject(0), NumberObject(100), NumberObject(100)]),
            NameObject("/A"): _action("/JavaScript", JS=TextStringObject("this.exportDataObject({})")),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    return _written(writer)


def pdf_with_embedded_file() -> bytes:
    """An executable attached to the document (/EmbeddedFiles)."""
    writer = _blank_writer()
    writer.add_attachment("invoice.exe", b"MZ\x90\x00" + b"\x00" * 60)
    return _written(writer)


def pdf_zip_polyglot() -> bytes:
    """A PDF with a zip appended: opens as a PDF and as a zip archive."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("payload.exe", b"MZ" + b"\x00" * 62)
    return a_pdf() + archive.getvalue()


def pdf_with_data_after_eof() -> bytes:
    """A PDF followed by another file's bytes (an HTML page here)."""
    return a_pdf() + b"\n<html><script>alert(1)</script></html>\n"


def pdf_opening_at_first_page() -> bytes:
    """An /OpenAction that is a plain destination (open at page 1, fit): harmless, and common."""
    writer = _blank_writer()
    destination = ArrayObject([writer.pages[0].indirect_reference, NameObject("/Fit")])
    writer._root_object[NameObject("/OpenAction")] = destination
    return _written(writer)
