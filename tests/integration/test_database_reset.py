"""The test fixtures' PostgreSQL reset (tests/pg.py): a worker's database put back in place must be the
template's as a fresh copy is, rows, sequences and settings, or every later test on the worker would inherit
what the last one left."""

from __future__ import annotations

import psycopg
import pytest

from tests import pg
from tests.conftest import PG_SNAPSHOTS, _pg_copy

pytestmark = pytest.mark.postgres


def _state(server: pg.Server, database: str) -> dict[str, object]:
    """Every public table's row count and a digest of its rows, every sequence's value, the database's settings."""
    with psycopg.connect(server.dsn(database)) as c:
        tables = [t for (t,) in c.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()]
        state: dict[str, object] = {
            t: c.execute(
                f"SELECT count(*), md5(string_agg(x::text, ',' ORDER BY x::text)) FROM public.\"{t}\" x"
            ).fetchone()
            for t in tables
        }
        state["sequences"] = c.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1"
        ).fetchall()
        state["settings"] = c.execute(
            "SELECT setconfig FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase "
            "WHERE d.datname = current_database()"
        ).fetchall()
        return state


@pytest.mark.parametrize("template", ["tpl_demo", "tpl_empty"])
def test_a_worker_database_put_back_in_place_equals_a_fresh_copy(pg_server, pg_templates, monkeypatch, template):
    db = _pg_copy(pg_server, template, monkeypatch)
    name = db.url.rsplit("/", 1)[1]
    pg_server.drop_database("fresh_copy")
    pg_server.create_database("fresh_copy", template=template)
    try:
        fresh = _state(pg_server, "fresh_copy")
        with psycopg.connect(pg_server.dsn(name), autocommit=True) as c:  # what a test may leave behind
            c.execute("INSERT INTO teams (name, region) VALUES ('Left behind by a test', 'England')")
            c.execute("SELECT nextval(pg_get_serial_sequence('teams', 'id'))")
            c.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
        assert _state(pg_server, name) != fresh
        _pg_copy(pg_server, template, monkeypatch)
        assert _state(pg_server, name) == fresh
    finally:
        pg_server.drop_database("fresh_copy")


def test_a_database_whose_schema_a_test_changed_is_made_afresh(pg_server, pg_templates, monkeypatch):
    db = _pg_copy(pg_server, "tpl_demo", monkeypatch)
    name = db.url.rsplit("/", 1)[1]
    with psycopg.connect(pg_server.dsn(name), autocommit=True) as c:
        c.execute("ALTER TABLE teams ADD COLUMN left_behind text")
    assert not pg.reset_rows(pg_server, name, PG_SNAPSHOTS["tpl_demo"])  # refused: nothing put back
    _pg_copy(pg_server, "tpl_demo", monkeypatch)
    with psycopg.connect(pg_server.dsn(name)) as c:
        columns = [
            r[0] for r in c.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'teams'")
        ]
    assert "left_behind" not in columns
