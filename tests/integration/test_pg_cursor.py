"""The app's PostgreSQL cursors (db/pg_cursor.py) describe a result exactly as psycopg's own do, when read."""

import psycopg
import pytest
from sqlalchemy import text

from db.engine import database_url, engine_for
from db.pg_cursor import LazyDescription

pytestmark = pytest.mark.usefixtures("pg_demo_db")

QUERY = "SELECT id, scin, arrears_balance, created_at, NULL AS nothing FROM cases ORDER BY id LIMIT 2"


def raw_connection():
    return engine_for(database_url()).raw_connection()


def test_a_description_read_later_is_psycopgs_for_that_result_even_after_another_statement():
    connection = raw_connection()
    try:
        cursor = connection.cursor()
        plain = psycopg.Cursor(connection.driver_connection)  # type: ignore[arg-type]
        plain.execute(QUERY)
        cursor.execute(QUERY)
        lazy = cursor.description
        assert isinstance(lazy, LazyDescription)
        assert len(lazy) == 5
        cursor.execute("SELECT 1 AS one")  # the same cursor moves on before the list is read
        expected = plain.description
        assert [(c.name, c.type_code, c.internal_size) for c in lazy] == [
            (c.name, c.type_code, c.internal_size) for c in expected
        ]
        assert [c.name for c in lazy] == ["id", "scin", "arrears_balance", "created_at", "nothing"]
        assert lazy[-1].name == "nothing"
        assert cursor.description is not None
        assert [c.name for c in cursor.description] == ["one"]
    finally:
        connection.close()


def test_no_description_where_psycopg_gives_none_and_an_empty_one_where_it_gives_an_empty_one():
    connection = raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("CREATE TEMPORARY TABLE scratch (n integer)")
        assert cursor.description is None  # a command: no rows
        cursor.execute("INSERT INTO scratch VALUES (1)")
        assert cursor.description is None
        cursor.execute("SELECT")  # rows of no columns
        assert cursor.description is not None
        assert len(cursor.description) == 0
    finally:
        connection.close()


def test_sqlalchemy_reads_rows_by_name_through_it_first_time_and_cached():
    with engine_for(database_url()).connect() as connection:
        for _ in range(2):  # the first run builds the result's columns from the description, the second reuses them
            row = connection.execute(text("SELECT 7 AS seven, 'x' AS letter")).one()
            assert (row.seven, row.letter) == (7, "x")
