"""Production hashes passwords with argon2-cffi's full default profile; only the test suite's exact switch makes
them cheap (the suite sets it in tests/conftest.py to save its minute and a half of hashing)."""

from __future__ import annotations

import pytest
from argon2 import Parameters, extract_parameters, profiles
from argon2.exceptions import VerifyMismatchError

from services import auth


def _parameters(fast_for_tests: str | None) -> Parameters:
    return extract_parameters(auth.new_hasher(fast_for_tests).hash("a password of some length"))


@pytest.mark.parametrize("value", [None, "", "0", "true", "yes", " 1", "cheapest"])
def test_anything_but_the_exact_switch_hashes_with_the_production_profile(value):
    parameters = _parameters(value)
    assert parameters == profiles.RFC_9106_LOW_MEMORY
    assert (parameters.time_cost, parameters.memory_cost, parameters.parallelism) == (3, 65536, 4)


def test_the_switch_gives_the_cheapest_profile_and_a_hash_still_verifies_only_its_own_password():
    hasher = auth.new_hasher("1")
    assert extract_parameters(hasher.hash("x")) == profiles.CHEAPEST
    stored = hasher.hash("demo-password")
    assert hasher.verify(stored, "demo-password")
    with pytest.raises(VerifyMismatchError):
        hasher.verify(stored, "demo-passwore")


def test_the_suite_runs_with_the_switch_set():
    assert extract_parameters(auth.hash_password("long enough password")) == profiles.CHEAPEST
