"""Case files: safe stored names, the outcome-PDF check, and zip bundles built from named documents.

Decisions: an uploaded outcome must be a real PDF (it must parse with pypdf and have at least one page;
a password-protected PDF is refused because nobody else could open it from the SR) of at most 10 MB,
large enough for a scanned multi-page court outcome, small enough to keep in the database. Stored names
keep only letters, digits, '.', '-' and '_' from the last path component of what the user's browser
sent, so a name can never climb out of a folder or smuggle control characters into a download header.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

MAX_PDF_BYTES = 10 * 1024 * 1024
MAX_NAME_CHARS = 100


class FileRefused(ValueError):
    """A file or name that cannot be stored; the message is written for the user."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def safe_file_name(raw: str, *, default: str = "document", extension: str | None = None) -> str:
    """A name safe to store and to offer as a download: ASCII letters, digits, '.', '-', '_' only.

    'C:\\\\scans\\\\..\\\\Outcome – Mr O’Brien.PDF' becomes 'Outcome-Mr-OBrien.pdf' when extension is '.pdf'.
    """
    base = re.split(r"[\\/]", raw or "")[-1]
    ascii_name = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r"['\"`]", "", ascii_name)
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_name)
    name = re.sub(r"-{2,}", "-", name).strip(".-_ ")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    if extension is not None:
        ext = extension.lstrip(".").lower()
    stem = stem.strip(".-_") or default
    ext = ext.lower()
    stem = stem[: MAX_NAME_CHARS - len(ext) - 1]
    return f"{stem}.{ext}" if ext else stem


@dataclass(frozen=True, slots=True)
class PdfInfo:
    pages: int
    size: int
    sha256: str


def check_pdf(data: bytes, *, max_bytes: int = MAX_PDF_BYTES) -> PdfInfo:
    """Refuse anything that is not a readable, unprotected PDF within the size limit."""
    # Here, not at the top: pypdf is needed only when a PDF is uploaded, and domain/ stays quick to import.
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    from domain.pdf_safety import REASONS, active_content, second_format

    if not data:
        raise FileRefused("The selected file is empty")
    if len(data) > max_bytes:
        raise FileRefused(f"The selected file must be smaller than {max_bytes // (1024 * 1024)} MB")
    if not data.lstrip()[:5] == b"%PDF-":
        raise FileRefused("The selected file must be a PDF")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise FileRefused("The selected PDF is password protected; save it without a password and upload it again")
        pages = len(reader.pages)
        found = "polyglot" if second_format(data) else active_content(reader)
    except FileRefused:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as exc:
        raise FileRefused("The selected file must be a PDF; this one is damaged and cannot be opened") from exc
    if pages < 1:
        raise FileRefused("The selected PDF has no pages")
    if found:
        raise FileRefused(
            f"The selected PDF {REASONS[found]}, so it cannot be kept as a case file. Scan the paper outcome "
            "again, or print the PDF to a new PDF (Microsoft Print to PDF), and upload that"
        )
    return PdfInfo(pages, len(data), sha256(data))


def build_zip(documents: Sequence[tuple[str, bytes]], *, when: datetime | None = None) -> bytes:
    """A real .zip of (file name, content) pairs, names made safe and required to be different.

    `when` (UK local time for the caseworker) stamps every entry; without it the entries carry the
    zip epoch, which makes the same documents give the same bytes (and sha256).
    """
    if not documents:
        raise FileRefused("A bundle needs at least one document")
    seen: set[str] = set()
    stamp = (when.year, when.month, when.day, when.hour, when.minute, when.second) if when else (1980, 1, 1, 0, 0, 0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for raw_name, content in documents:
            name = safe_file_name(raw_name)
            if name.lower() in seen:
                raise FileRefused(f"Two documents in the bundle are both called {name}")
            if not content:
                raise FileRefused(f"The document {name} is empty")
            seen.add(name.lower())
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()


def read_zip(data: bytes) -> list[tuple[str, bytes]]:
    """The (name, content) pairs of a bundle, in order: to add documents to it or to check it."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def merge_documents(
    existing: Sequence[tuple[str, bytes]], added: Sequence[tuple[str, bytes]]
) -> list[tuple[str, bytes]]:
    """Existing documents with the added ones; an added document replaces one of the same safe name
    (the completed court summons replaces the partly completed one)."""
    merged = {safe_file_name(name).lower(): (safe_file_name(name), content) for name, content in existing}
    for name, content in added:
        merged[safe_file_name(name).lower()] = (safe_file_name(name), content)
    return list(merged.values())
