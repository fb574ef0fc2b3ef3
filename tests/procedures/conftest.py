"""Every change a service commits in these tests must carry an audit event in the same transaction."""

from collections.abc import Iterator

import pytest

from tests.audit_guard import watching


@pytest.fixture(autouse=True)
def every_service_change_is_audited() -> Iterator[None]:
    with watching() as watch:
        yield
    if watch.violations:
        pytest.fail("changes committed without an audit event:\n" + "\n".join(watch.violations))
