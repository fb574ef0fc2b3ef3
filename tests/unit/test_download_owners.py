"""ui.download_owners: a generated download is noted against each user it was made for, and the oldest
notes are forgotten past the limit (the guard in serve.py then asks only for a live session)."""

from __future__ import annotations

import pytest

from services.actor import Actor
from ui import download_owners


def _actor(user_id: int) -> Actor:
    return Actor(user_id, f"user{user_id}", f"User {user_id}", "caseworker", 1)


def test_a_file_belongs_to_each_user_it_was_generated_for_and_to_no_one_else(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(download_owners, "_owners", type(download_owners._owners)())
    letter = b"PK\x03\x04 a letter"
    assert download_owners.issued(_actor(7), letter) is letter
    assert download_owners.owners(letter) == {7}
    download_owners.issued(_actor(9), letter)  # the same bytes downloaded by a colleague
    assert download_owners.owners(letter) == {7, 9}
    assert download_owners.owners(b"PK\x03\x04 another letter") is None


def test_past_the_limit_the_oldest_files_are_forgotten_first(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(download_owners, "_owners", type(download_owners._owners)())
    monkeypatch.setattr(download_owners, "LIMIT", 3)
    for n in range(4):
        download_owners.issued(_actor(1), b"file %d" % n)
    download_owners.issued(_actor(2), b"file 1")  # used again: now the newest
    download_owners.issued(_actor(1), b"file 4")
    assert download_owners.owners(b"file 0") is None
    assert download_owners.owners(b"file 2") is None
    assert [download_owners.owners(b"file %d" % n) for n in (1, 3, 4)] == [{1, 2}, {1}, {1}]
