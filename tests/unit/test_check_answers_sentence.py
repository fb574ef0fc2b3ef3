"""Check your answers' first sentence names every list drawn below the answers (ui/check_answers.py)."""

from __future__ import annotations

import itertools

import pytest

from ui.check_answers import NO_GOING_BACK, ON_SAVE, SAVING, SAVING_MAKES_THE_SR, lists_below

EXPECTED = {
    (False, False, False): "",
    (True, False, False): " and the dates and deadlines listed below",
    (False, True, False): " and the deadlines met listed below",
    (False, False, True): " and the notes listed below",
    (True, True, False): " and the dates, new deadlines and deadlines met listed below",
    (True, False, True): " and the dates, deadlines and notes listed below",
    (False, True, True): " and the deadlines met and notes listed below",
    # P1's unanswered chase: a new review date, the old one met, and the typed note (review, eighth session)
    (True, True, True): " and the dates, new deadlines, deadlines met and notes listed below",
}


@pytest.mark.parametrize(("dates", "met", "notes"), list(itertools.product((False, True), repeat=3)))
def test_the_sentence_names_each_list_drawn_below_and_no_other(dates: bool, met: bool, notes: bool) -> None:
    below = lists_below(dates=dates, met=met, notes=notes)
    assert below == EXPECTED[dates, met, notes]
    assert ("dates" in below) is dates
    assert ("deadlines met" in below) is met
    assert ("notes" in below) is notes


def test_both_sentences_read_whole_with_the_lists_named() -> None:
    below = lists_below(dates=True, met=False, notes=True)
    assert SAVING.format(below=below) == (
        f"When you save, the changes listed under **{ON_SAVE}** and the dates, deadlines and notes listed below are "
        f"recorded on the SR. {NO_GOING_BACK}"
    )
    assert SAVING_MAKES_THE_SR.format(below="") == (
        f"Saving makes the SR and records on it the changes listed under **{ON_SAVE}**. {NO_GOING_BACK}"
    )
    assert SAVING_MAKES_THE_SR.format(below=lists_below(dates=False, met=False, notes=True)) == (
        f"Saving makes the SR and records on it the changes listed under **{ON_SAVE}** and the notes listed below. "
        f"{NO_GOING_BACK}"
    )
