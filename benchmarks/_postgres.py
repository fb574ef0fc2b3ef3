"""The PostgreSQL a database benchmark measures: the one DATABASE_URL names, or a throwaway cluster (as the tests
start, tests/pg.py) removed when the benchmark ends. Each benchmark says which, and on which port."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def bench_database() -> Iterator[bool]:
    """Set DATABASE_URL for the block; yields whether it was given (True) rather than started here."""
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("No app server. PostgreSQL at the DATABASE_URL given")
        yield True
        return
    from tests import pg

    server = pg.Server.start()
    try:
        server.create_database("bench")
        os.environ["DATABASE_URL"] = server.url("bench")
        print(f"No app server. Throwaway PostgreSQL on 127.0.0.1, free port {server.port}")
        yield False
    finally:
        server.stop()
