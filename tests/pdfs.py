"""Real PDFs for tests, written and read back with pypdf."""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter


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
