"""Mark a rendered letter as a practice letter: "PRACTICE" in every header and a first line saying so.

A practice letter must never pass for a real one, printed or on screen: the header repeats on every page,
and the opening line says in words that nothing in it is real.
"""

from __future__ import annotations

import io

from docx import Document
from docx.shared import Pt, RGBColor

MARK = "PRACTICE"
NOTICE = "PRACTICE: nothing here is real. This letter was made in practice mode and must not be sent."


def watermark(content: bytes) -> bytes:
    """The .docx with PRACTICE in large red letters in every section's header and a notice before the body."""
    doc = Document(io.BytesIO(content))
    for section in doc.sections:
        header = section.header
        header.is_linked_to_previous = False
        paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        run = paragraph.insert_paragraph_before().add_run(MARK)
        run.bold = True
        run.font.size = Pt(36)
        run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    body = doc.paragraphs
    notice = body[0].insert_paragraph_before() if body else doc.add_paragraph()
    notice_run = notice.add_run(NOTICE)
    notice_run.bold = True
    notice_run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
