"""The idle limit read from CASEWORK_IDLE_MINUTES: whole or decimal minutes; nonsense means the 30-minute default."""

import pytest

from services.session_rules import idle_seconds


@pytest.mark.parametrize(
    ("configured", "seconds"),
    [
        (None, 1800),
        ("5", 300),
        (" 45 ", 2700),
        ("0.5", 30),
        ("1.25", 75),
        ("0.1", 15),  # never under 15 seconds
        ("0", 1800),
        ("-3", 1800),
        ("thirty", 1800),
        ("nan", 1800),
        ("inf", 1800),
        ("", 1800),
    ],
)
def test_the_idle_limit_in_seconds(monkeypatch, configured, seconds):
    if configured is None:
        monkeypatch.delenv("CASEWORK_IDLE_MINUTES", raising=False)
    else:
        monkeypatch.setenv("CASEWORK_IDLE_MINUTES", configured)
    assert idle_seconds() == seconds
