"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from casework import migrate
from db.engine import make_engine
from db.models import Base


def test_models_and_migrations_agree(empty_db):
    engine = make_engine(empty_db.url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == [], f"models and migrations disagree: {diff}"


def test_migrations_downgrade_to_nothing_and_back(empty_db):
    migrate.downgrade(empty_db.url, "base")
    engine = make_engine(empty_db.url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    migrate.upgrade(empty_db.url)
    engine = make_engine(empty_db.url)
    assert {"service_requests", "audit_events", "procedure_runs"} <= set(inspect(engine).get_table_names())
    engine.dispose()
