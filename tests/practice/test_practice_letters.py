"""Letters in practice: rendered from the practice run's values, downloaded as .docx marked PRACTICE on every
page, never stored; read back with python-docx."""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from sqlalchemy import func, select

from db.models import Letter
from letters.render import docx_text
from letters.watermark import NOTICE
from procedures.scenarios import builtin
from services import practice, practice_debrief
from services.transaction import transaction
from tests.practice.practise import walk_practice


def test_a_practice_letter_downloads_watermarked_practice_with_the_fictional_case(sqlite_demo_db, actor_for):
    me = actor_for("caseworker")
    with transaction() as session:
        letters_before = session.scalar(select(func.count()).select_from(Letter))
    view = walk_practice(me, builtin()["P5e-1"], today=date.today())
    report = practice_debrief.debrief(me, view.practice_id)
    index, label = report.letters[0]
    assert label == "CMSL5501 to the paying parent"
    download = practice_debrief.practice_letter(me, view.practice_id, index)
    assert download.file_name == f"PRACTICE-CMSL5501-{view.reference}.docx"
    doc = Document(io.BytesIO(download.content))
    for section in doc.sections:
        assert "PRACTICE" in "\n".join(p.text for p in section.header.paragraphs)
    text = docx_text(download.content)
    assert text.splitlines()[0] == NOTICE
    assert "Jordan Exercise" in text  # the fictional paying parent
    assert view.reference in text  # the fictional reference where the SCIN would be
    assert "Sampletown Jobcentre" in text
    assert "Child maintenance payments made in your case" in text  # the published paragraph for "payments"
    with transaction() as session:
        assert session.scalar(select(func.count()).select_from(Letter)) == letters_before


def test_another_caseworkers_practice_run_and_letter_are_refused_in_the_same_words_as_a_missing_one(
    sqlite_demo_db, actor_for
):
    import pytest

    from services.errors import PermissionDenied

    me, other = actor_for("caseworker"), actor_for("ssst.caseworker")
    view = walk_practice(me, builtin()["P5e-1"], today=date.today())
    with pytest.raises(PermissionDenied):
        practice_debrief.practice_letter(other, view.practice_id, 0)
    with pytest.raises(PermissionDenied):
        practice.view_practice(other, view.practice_id)
