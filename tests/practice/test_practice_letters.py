"""Letters in practice: rendered from the practice run's values, downloaded as .docx marked PRACTICE on every
page, never stored; read back with python-docx."""

from __future__ import annotations

import html
import io
import re
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


def test_check_your_answers_previews_the_practice_letter_the_save_then_records(sqlite_demo_db, actor_for):
    """Practice shows the letter before it is saved, as the wizard does; the preview is what the save records and
    showing it changes nothing."""
    from procedures import registry
    from services.letter_previews import pending_practice_letters
    from services.practice_check import scenario_answers

    me = actor_for("caseworker")
    scenario = builtin()["P5e-1"]
    view = practice.start_practice(me, scenario["key"])
    procedure = registry.get(view.run.procedure_id)
    for item in scenario["walk"]:
        assert pending_practice_letters(me, view.practice_id) == []  # nothing waits for confirmation
        answers = scenario_answers(procedure, {**item, "step": view.run.step.id}, view.today)
        answers |= {f.name: f.value for f in view.run.step.fields if f.name not in answers and f.value is not None}
        view = practice.submit_step(me, view.practice_id, answers, expected_version=view.run.version)
        if view.run.awaiting_confirmation and view.run.letters_pending:
            break
        if view.run.awaiting_confirmation:
            view = practice.confirm_step(me, view.practice_id, expected_version=view.run.version)
    else:
        raise AssertionError("P5e-1 has no step that records a letter")

    (pending,) = pending_practice_letters(me, view.practice_id)
    assert (pending.code, pending.recipient, pending.problem) == ("CMSL5501", "paying parent", None)
    assert "Jordan Exercise" in pending.html
    assert view.reference in pending.html
    assert practice.view_practice(me, view.practice_id).run.version == view.run.version  # nothing was saved

    view = practice.confirm_step(me, view.practice_id, expected_version=view.run.version)
    assert pending_practice_letters(me, view.practice_id) == []  # saved: nothing waits any more
    recorded = docx_text(practice_debrief.practice_letter(me, view.practice_id, 0).content)
    shown = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", pending.html)).split())
    # After the NOTICE; a table row's cells (" | " in docx_text) are side by side in the preview.
    lines = [" ".join(line.replace(" | ", " ").split()) for line in recorded.splitlines()[1:] if line.strip()]
    assert len(lines) > 10
    assert [line for line in lines if line not in shown] == []  # every line of the saved letter was previewed
