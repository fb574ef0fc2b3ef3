"""The command line never prints the database password, whatever happens."""

import re

import pytest

from casework.cli import safe_url
from tests.integration.test_backup import cli

SECRET = "Top@Secret-pw/9"
ENCODED = "Top%40Secret-pw%2F9"


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://casework:{ENCODED}@db.example:5432/casework",
        f"postgresql+psycopg://casework:{SECRET}@db.example/casework",  # typed without encoding
        f"postgres://casework:{ENCODED}@db.example/casework?sslmode=require",
    ],
)
def test_the_printed_database_url_hides_the_user_and_password(url):
    shown = safe_url(url)
    assert "Top" not in shown
    assert "casework:" not in shown
    assert shown.endswith(url.rsplit("@", 1)[1])


def _with_password(url: str) -> str:
    return url.replace("postgres@", f"postgres:{ENCODED}@", 1)


@pytest.mark.postgres
def test_commands_against_postgresql_with_a_password_never_print_it(pg_demo_db, tmp_path):
    url = _with_password(pg_demo_db.url)  # the test server trusts loopback, so the password is accepted
    for args in (["db", "upgrade"], ["backup", str(tmp_path / "b.dump")]):
        result = cli(url, *args)
        assert result.returncode == 0, result.stderr
        assert "Top" not in result.stdout + result.stderr, args


@pytest.mark.postgres
def test_a_failed_connection_reports_the_error_without_the_password(pg_demo_db):
    from tests.conftest import free_port

    url = re.sub(r"@127\.0\.0\.1:\d+/", f"@127.0.0.1:{free_port()}/", _with_password(pg_demo_db.url))  # nobody there
    result = cli(url, "audit", "verify")
    assert result.returncode == 1
    assert "Connection refused" in result.stderr or "connection failed" in result.stderr
    assert "Top" not in result.stdout + result.stderr
    # In words, with what to do; no traceback of the libraries' internals (it was a framed one).
    assert "Check DATABASE_URL and that the database server is running" in result.stderr
    assert "Traceback" not in result.stderr
    assert "sqlalchemy" not in result.stderr.lower()
