"""Every change a service commits in these tests must carry an audit event in the same transaction.

Page faults are raised in these tests (CASEWORK_DEVELOPMENT=1), not turned into the plain message users
see, so `at.exception` still catches a broken page; tests/app/test_faults.py unsets it to test the message.
"""

import pytest

from tests.audit_guard import every_service_change_is_audited

__all__ = ["every_service_change_is_audited"]


@pytest.fixture(autouse=True)
def faults_are_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEWORK_DEVELOPMENT", "1")
