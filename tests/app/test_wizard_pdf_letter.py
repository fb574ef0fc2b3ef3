"""A letter sent as PDF (CMEL9180, P5d): the wizard's letters panel offers the .pdf beside the .docx when
LibreOffice is installed, and says why there is none when it is not."""

from __future__ import annotations

from services import letters
from tests.app.helpers import texts
from tests.app.test_wizard import open_wizard
from tests.pdfs import pdf_text
from tests.procedures.test_p5d import start, walk_to


def _produce_cmel9180(actor):
    walk, _case_id, _sr_id = start(actor)
    walk_to(walk, "call_cpt")  # the cover letter step has recorded CMEL9180 as due
    [letter] = [i.row for i in letters.letters_for_run(actor, walk.view.run_id) if i.row.template_code == "CMEL9180"]
    at = open_wizard(actor, walk.view.run_id)
    next(b for b in at.button if b.key == f"produce:{letter.id}").click().run()
    assert not at.exception, at.exception
    return at, letter.id


def _download_labels(at) -> list[str]:
    return [d.proto.label for d in at.get("download_button")]


def test_with_libreoffice_the_panel_offers_cmel9180_as_pdf(sqlite_demo_db, actor_for, libreoffice):
    actor = actor_for("ssst.caseworker")
    at, letter_id = _produce_cmel9180(actor)
    assert "Download .pdf" in _download_labels(at)
    stored = letters.download_letter(actor, letter_id, fmt="pdf")  # what the button serves when pressed
    assert stored.file_name.endswith(".pdf")
    assert "£95.00" in pdf_text(stored.content)


def test_without_libreoffice_the_panel_says_why_there_is_no_pdf(sqlite_demo_db, actor_for, no_libreoffice):
    at, _letter_id = _produce_cmel9180(actor_for("ssst.caseworker"))
    assert "Download .pdf" not in _download_labels(at)
    assert "Download" in _download_labels(at)
    assert letters.NO_LIBREOFFICE in texts(at)
