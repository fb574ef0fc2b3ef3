"""The letter studio says who each template is for and what each value takes in words, for every template and
every kind of value, so a new one cannot show its code ("cpo", "multiline") or fail to show at all."""

from __future__ import annotations

from letters import catalogue
from letters.fields import KIND_WORDS, KINDS


def test_every_templates_recipient_and_every_kind_of_value_has_words():
    assert {spec.recipient for spec in catalogue.TEMPLATES.values()} <= set(catalogue.RECIPIENT_WORDS)
    assert set(KIND_WORDS) == set(KINDS)
    assert all("_" not in words for words in [*catalogue.RECIPIENT_WORDS.values(), *KIND_WORDS.values()])


def test_a_letter_for_the_case_file_is_said_so_in_cms_lines_and_lists():
    """QA: CMEL7298 (P5d) read "to the file" in the letters panel, and its CMS line "Issue to the file: CMEL7298"."""
    from procedures.effects import CmsContext, LetterDue
    from services.letters import LetterRow

    assert catalogue.recipient_words("file") == "the case file"
    assert catalogue.recipient_words("file", article=False) == "case file"
    assert catalogue.recipient_words("receiving_parent", article=False) == "receiving parent"
    assert catalogue.recipient_words("vsat") == "CSA VSAT INTERVIEWS"
    assert catalogue.recipient_words(None) == ""
    (line,) = LetterDue("main", "CMEL7298", "file").cms_lines(CmsContext())
    assert line.text == "Issue to the case file: Letter = CMEL7298"
    (own,) = LetterDue("main", "CWGL013", "receiving_parent").cms_lines(CmsContext())
    assert own.text == "Send the receiving parent the CWGL013 letter Casework Guide produced, and note it on the SR"
    row = LetterRow.__new__(LetterRow)
    object.__setattr__(row, "recipient", "file")
    assert row.to == "case file"
