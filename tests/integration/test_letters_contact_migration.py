"""Migration letters1 reads back each letter to a parent produced before it, to record which has no contact details.

Nothing stored said whether a letter was produced while our phone number and address were not set: the produced .docx
is read (python-docx), so the letters panel, finish page and SR detail say so of those letters too.
"""

from __future__ import annotations

import io

import docx

from db.models import Letter
from services import letters
from services.transaction import transaction
from tests.integration.migrating import migrate_to
from tests.integration.test_letter_contact import PHONE, PRODUCED_WITHOUT, _line
from tests.integration.test_letters_service import _due, _letter

BEFORE = "letters1-1"  # the revision before this migration, whatever the chain is re-ordered to


def _laid_out_otherwise(letter_id: int) -> None:
    """The letter's .docx as a template version laid out another way makes it: the sender is not its first line."""
    with transaction() as session:
        letter = session.get_one(Letter, letter_id)
        document = docx.Document(io.BytesIO(letter.content))
        document.paragraphs[0].insert_paragraph_before("Private and confidential")
        out = io.BytesIO()
        document.save(out)
        letter.content = out.getvalue()


def test_letters_produced_before_the_column_are_read_back_for_their_contact_details(demo_db, actor_for, monkeypatch):
    for name in ("CASEWORK_LETTER_PHONE", "CASEWORK_LETTER_HOURS", "CASEWORK_LETTER_ADDRESS"):
        monkeypatch.delenv(name, raising=False)
    actor = actor_for("caseworker")
    without, court, other_layout = _due("CWGL010"), _due("CWGL001"), _due("CWGL002")
    for letter_id in (without, court, other_layout):
        letters.render_letter(actor, letter_id)
    _laid_out_otherwise(other_layout)
    monkeypatch.setenv("CASEWORK_LETTER_PHONE", PHONE)
    with_them, due = _due("CMSL5501"), _due("CWGL013")
    letters.render_letter(actor, with_them)

    migrate_to(demo_db.url, BEFORE)
    migrate_to(demo_db.url, "head")
    assert {i: _letter(i).without_contact for i in (without, with_them, court, other_layout, due)} == {
        without: True,  # read back: nothing between the sender and the date
        with_them: False,  # its phone line is there
        court: False,  # a letter to a court prints none
        other_layout: False,  # laid out otherwise: not known to lack them, as before the migration
        due: False,  # not produced yet: the panel says before Produce whether they are set then
    }
    assert _line(without).notice == PRODUCED_WITHOUT
