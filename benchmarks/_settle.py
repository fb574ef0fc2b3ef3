"""After a benchmark's bulk load: the database as one that has lived with these rows would be.

Why: straight after inserting a million rows, PostgreSQL has statistics for none of them and no visibility map, so
an index-only scan (the console's counts and ageing) still reads every heap page it covers, and autovacuum starts
on the new rows while the benchmark runs, moving each side's figures by a quarter from one run to the next. A
database in use has been analysed and vacuumed by autovacuum long before a team leader opens the page.

A plain VACUUM straight after the load is not reliable. In one build it marked no page of service_requests visible
to all (pg_class's relallvisible 0 of 18,074 after it; a second VACUUM marked them all), so PostgreSQL planned no
index-only scan and read the table's rows instead. VACUUM (FREEZE) marks them in one pass (18,042 of 18,074), as
the rows of a database that has lived with them are: frozen and visible to all by autovacuum's own passes.
"""

from __future__ import annotations


def settle(url: str) -> None:
    """ANALYZE, and on PostgreSQL VACUUM (FREEZE) too (outside a transaction, as it must be)."""
    from sqlalchemy import text

    from db.engine import engine_for

    engine = engine_for(url)
    if engine.dialect.name != "postgresql":  # SQLite keeps no dead rows to vacuum after inserts; its planner reads
        with engine.begin() as conn:  # ANALYZE's statistics (and reads "VACUUM ANALYZE" as a schema's name)
            conn.execute(text("ANALYZE"))
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM (FREEZE, ANALYZE)"))
