"""Keys made for the values policy staff add: written like the built-in ones, never longer than a key may be, and
never the key of another value."""

from __future__ import annotations

from domain.reference import BUILT_IN, BUILT_IN_REFERENCE, Kind
from domain.reference_keys import KEY_MAX, KEY_PREFIX, new_key


def test_every_built_in_key_starts_with_its_lists_prefix_so_made_keys_read_like_them():
    assert {e.key for e in BUILT_IN if not e.key.startswith(KEY_PREFIX[e.kind] + ".")} == set()
    assert set(KEY_PREFIX) == set(Kind)


def test_a_wording_becomes_its_words_in_small_letters_joined_by_underscores():
    assert new_key(Kind.RESOLUTION_CODE, "Visit Completed", ()) == "resolution_code.visit_completed"
    assert new_key(Kind.ACTIVITY_OUTCOME, "Réglé (by phone) - 2nd", ()) == "outcome.regle_by_phone_2nd"
    assert new_key(Kind.REASON, "£ / %", ()) == "reason.value"


def test_a_key_already_taken_gets_the_next_number():
    taken = {"resolution_code.visit_completed", "resolution_code.visit_completed_2"}
    assert new_key(Kind.RESOLUTION_CODE, "Visit-Completed", taken) == "resolution_code.visit_completed_3"
    assert new_key(Kind.RESOLUTION_CODE, "Completed", BUILT_IN_REFERENCE) == "resolution_code.completed_2"


def test_the_longest_wording_makes_a_key_of_at_most_the_longest_length_numbered_within_it():
    wording = "Word " * 40  # 200 characters, the longest value
    first = new_key(Kind.SUB_AREA, wording, ())
    second = new_key(Kind.SUB_AREA, wording, {first})
    assert len(first) <= KEY_MAX
    assert len(second) <= KEY_MAX
    assert second.endswith("_2")
    assert second != first
    assert not first.endswith("_")
