"""A rendered letter as PDF through LibreOffice, and an image of its first page through PDFium.

LibreOffice (`soffice`) is optional: without it every caller says so in plain words (NO_LIBREOFFICE) and
offers the .docx instead. A LibreOffice kept running converts the letter when it can (letters/pdf_converter.py,
about 0.1 s); otherwise one is started for the letter, as before (about 1.3 s).
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pypdfium2 as pdfium

from letters import pdf_converter

PDF_MEDIA_TYPE = "application/pdf"
NO_LIBREOFFICE = (
    "PDF is not available: LibreOffice is not installed on this server. Download the Word (.docx) "
    "file instead, or ask for LibreOffice (libreoffice-writer-nogui) to be installed."
)
SOFFICE_TIMEOUT_SECONDS = 120
NOT_CONVERTED = "LibreOffice could not turn this letter into a PDF. Download the Word (.docx) file instead."

log = logging.getLogger("casework")


class PdfUnavailable(RuntimeError):
    """LibreOffice is missing or failed; the message says what to do instead."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_available() -> bool:
    return soffice() is not None


def _convert(content: bytes, target: str) -> bytes:
    program = soffice()
    if program is None:
        raise PdfUnavailable(NO_LIBREOFFICE)
    with tempfile.TemporaryDirectory(prefix="casework-soffice-") as work:
        source = Path(work) / "letter.docx"
        source.write_bytes(content)
        produced = Path(work) / f"letter.{target}"
        try:
            if target == "pdf" and pdf_converter.convert(source, produced, program):
                return produced.read_bytes()
        except pdf_converter.LetterRefused as exc:
            log.warning("PDF letters: LibreOffice refused a letter: %s", exc)
            raise PdfUnavailable(NOT_CONVERTED) from None
        env = {**os.environ, "HOME": work}  # LibreOffice needs a writable profile directory
        try:
            subprocess.run(  # noqa: S603 - fixed program and arguments, no shell
                [program, "--headless", "--norestore", "--convert-to", target, "--outdir", work, str(source)],
                check=True,
                capture_output=True,
                timeout=SOFFICE_TIMEOUT_SECONDS,
                env=env,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            log.warning("PDF letters: soffice failed: %s", exc)  # the command and its exit: for the log, not the user
            raise PdfUnavailable(NOT_CONVERTED) from None
        if not produced.exists():
            raise PdfUnavailable(NOT_CONVERTED)
        return produced.read_bytes()


def to_pdf(content: bytes) -> bytes:
    """The letter as PDF through LibreOffice; PdfUnavailable (with what to do) when it is not installed."""
    return _convert(content, "pdf")


def first_page_png(pdf: bytes, *, scale: float = 1.5) -> bytes:
    """An image of a PDF's first page, for the studio's page view of a letter as printed.

    PDFium draws it from the PDF LibreOffice made (Debian's libreoffice-writer-nogui has no PNG export
    filter); `scale` 1.5 is 108 dots per inch, readable on screen.
    """
    document = pdfium.PdfDocument(pdf)
    try:
        image = document[0].render(scale=scale).to_pil()
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
