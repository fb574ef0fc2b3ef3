"""Render a template with docxtpl, preview it as HTML with mammoth, convert to PDF with LibreOffice.

Always `autoescape=True`: without it a value holding `<` or `&` silently truncates the document.
Jinja runs sandboxed, because policy staff upload templates.
Values arrive as JSON (a due Letter's context); they are checked and converted by the kinds the
template declares (letters.fields), then shown in the house style before docxtpl sees them.
PDF needs LibreOffice (`soffice`); it is optional, and its absence is reported in plain words.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import mammoth
import pypdfium2 as pdfium
from docx import Document
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate
from markupsafe import Markup, escape

from letters import worker
from letters.catalogue import TemplateSpec, display_context, get, typed_context
from letters.sandbox import LetterSandbox

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_MEDIA_TYPE = "application/pdf"
NO_LIBREOFFICE = (
    "PDF is not available: LibreOffice is not installed on this server. Download the Word (.docx) "
    "file instead, or ask for LibreOffice (libreoffice-writer-nogui) to be installed."
)
SOFFICE_TIMEOUT_SECONDS = 120
# mammoth maps "heading 1" to h1 by default; our Small style becomes a caption-like paragraph.
STYLE_MAP = "p[style-name='Small'] => p.small:fresh"


class PdfUnavailable(RuntimeError):
    """LibreOffice is missing or failed; the message says what to do instead."""


@dataclass(frozen=True, slots=True)
class Rendered:
    content: bytes
    sha256: str


@lru_cache(maxsize=64)
def committed_template(code: str) -> bytes:
    """Version 1 of a template: the .docx committed under letters/templates."""

    return get(code).path.read_bytes()


# docxtpl turns `{_{`, `}_}`, `{_%` and `%_}` in the rendered XML into `{{`, `}}`, `{%` and `%}` (its way of
# printing braces), values included: an underscore beside a brace or percent sign in a value is written as
# the XML character reference instead, which Word reads as "_" and docxtpl's replacement does not match.
_DOCXTPL_ESCAPES = re.compile(r"_(?=[{}%])|(?<=[{}%])_")


def _printed_as_typed(value: Any) -> Any:
    """Jinja's finalize: escape a plain string now, keeping docxtpl's brace escapes out of it."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return Markup(_DOCXTPL_ESCAPES.sub("&#95;", str(escape(value))))
    return value


def jinja_env() -> LetterSandbox:
    """Templates are uploaded by policy staff, so Jinja runs sandboxed (letters.sandbox)."""
    return LetterSandbox(autoescape=True, finalize=_printed_as_typed)


def render_values(template: bytes, values: Mapping[str, Any]) -> bytes:
    """docxtpl with autoescape on, from values already shown in the house style."""
    doc = DocxTemplate(io.BytesIO(template))
    doc.render(dict(values), jinja_env=jinja_env(), autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def render(spec: TemplateSpec, context: Mapping[str, Any], template: bytes | None = None) -> Rendered:
    """Check and convert a JSON context, then render `template` (default: the committed version).

    The committed version renders here; an uploaded one in a worker under the render budget (letters.worker),
    which raises BudgetExceeded or TemplateFault with the reason.
    """
    values = display_context(spec, typed_context(spec, context))
    committed = committed_template(spec.code)
    if worker.IN_WORKER:
        with worker.time_limit():
            content = render_values(committed if template is None else template, values)
    elif template is None or template == committed:
        content = render_values(committed, values)
    else:
        content = worker.render_values(template, values)
    return Rendered(content, hashlib.sha256(content).hexdigest())


def template_variables(template: bytes) -> set[str]:
    """Every variable the .docx uses that it does not define itself (loop variables excluded)."""
    return set(DocxTemplate(io.BytesIO(template)).get_undeclared_template_variables(jinja_env=jinja_env()))


def docx_text(content: bytes) -> str:
    """All the text of a .docx, paragraphs and table rows in order (cells joined by " | ")."""
    doc = Document(io.BytesIO(content))
    lines: list[str] = []
    for child in doc.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, doc).text)
        elif tag == "tbl":
            lines += [" | ".join(cell.text for cell in row.cells) for row in DocxTable(child, doc).rows]
    return "\n".join(lines)


def to_html(content: bytes) -> str:
    """The letter as HTML (mammoth), for the preview studio."""
    return str(mammoth.convert_to_html(io.BytesIO(content), style_map=STYLE_MAP).value)


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
            raise PdfUnavailable(f"LibreOffice could not convert the letter ({exc}). Use the .docx file.") from exc
        produced = Path(work) / f"letter.{target}"
        if not produced.exists():
            raise PdfUnavailable("LibreOffice produced no output. Use the .docx file.")
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
