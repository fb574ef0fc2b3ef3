"""Register the example procedure and its letter for one test, and remove them after.

Product code never imports tests/: the example exists only while a test using `example_registered`
runs. `register` (tests/example_procedure/procedure.py) puts the entries, with `monkeypatch.setitem`,
into the dicts the product reads (`procedures.registry.REGISTRY`, `letters.catalogue.TEMPLATES`), and
pytest restores them afterwards, so no product change was needed to register a test-only procedure or letter.
"""

from __future__ import annotations

import pytest

from tests.audit_guard import every_service_change_is_audited
from tests.example_procedure.procedure import register

__all__ = ["every_service_change_is_audited", "example_registered"]


@pytest.fixture
def example_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    register(monkeypatch)
