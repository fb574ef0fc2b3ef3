"""Render a template with docxtpl and preview it as HTML with mammoth (PDF: letters/pdf.py).

Always `autoescape=True`: without it a value holding `<` or `&` silently truncates the document.
Jinja runs sandboxed, because policy staff upload templates.
Values arrive as JSON (a due Letter's context); they are checked and converted by the kinds the
template declares (letters.fields), then shown in the house style before docxtpl sees them.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import mammoth
from docx import Document
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate
from markupsafe import Markup, escape

from letters import worker
from letters.catalogue import TemplateSpec, display_context, get, typed_context
from letters.sandbox import LetterSandbox

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# mammoth maps "heading 1" to h1 by default; our Small style becomes a caption-like paragraph.
STYLE_MAP = "p[style-name='Small'] => p.small:fresh"


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
