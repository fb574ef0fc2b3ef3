"""Moving a test database to a revision and back, for the tests of one migration's data changes."""

from __future__ import annotations

from casework import migrate
from db.engine import engine_for


def migrate_to(url: str, revision: str) -> None:
    """Upgrade to "head" or downgrade to `revision`, then drop the app's pooled connections (opened on the other
    schema, they would keep reading its columns)."""
    if revision == "head":
        migrate.upgrade(url)
    else:
        migrate.downgrade(url, revision)
    engine_for(url).dispose()
