"""Register the example procedure and its letter for one test, and remove them after.

Product code never imports tests/: the example exists only while a test using `example_registered`
runs. `monkeypatch.setitem` puts the entries into the same dicts the product reads
(`procedures.registry.REGISTRY`, `letters.catalogue.TEMPLATES`) and restores them afterwards, so no
product change was needed to register a test-only procedure or letter.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from letters import catalogue
from procedures import registry
from tests.audit_guard import every_service_change_is_audited
from tests.example_procedure.procedure import PROCEDURE, STATEMENT, statement_spec

__all__ = ["every_service_change_is_audited", "example_registered"]


@pytest.fixture
def example_registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(registry.REGISTRY, (PROCEDURE.id, PROCEDURE.version), PROCEDURE)
    monkeypatch.setitem(catalogue.TEMPLATES, STATEMENT, statement_spec())
    yield
