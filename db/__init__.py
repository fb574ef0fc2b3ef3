"""Persistence: typed SQLAlchemy 2 models, engine and session factory, Alembic migrations.

Nothing in db/ commits: the service layer owns every transaction.
"""
