"""Figures for the trust work: audit append and chain verification, SQLite backup, beside baselines.

    .venv/bin/python benchmarks/audit_and_backup.py [--events 5000]     (SQLite in a temp dir; no server, no port)

Baselines measured in the same run: appending a plain Note row (no chain) for the append cost, a
`SELECT count(*)` plus full-row read for verification, and a plain file copy for the backup.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(events: int) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="casework-bench-"))
    url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DATABASE_URL"] = url
    from sqlalchemy import select, text

    from casework import backup, demo, migrate
    from db.models import AuditEvent, Case, Note
    from services import audit
    from services.audit import verify_chain
    from services.transaction import transaction

    migrate.upgrade(url)
    demo.load(if_empty=False)
    batch = 100
    with transaction() as session:
        case_id = session.scalar(select(Case.id).limit(1))

    start = time.perf_counter()
    for _ in range(events // batch):
        with transaction() as session:
            for _ in range(batch):
                session.add(Note(kind="contact", case_id=case_id, text="baseline"))
                session.flush()
    baseline_append = (time.perf_counter() - start) / events

    start = time.perf_counter()
    for i in range(events // batch):
        with transaction() as session:
            for j in range(batch):
                audit.record(session, None, "bench", entity_type="bench", entity_id=i * batch + j, after={"n": j})
    chained_append = (time.perf_counter() - start) / events

    with transaction() as session:
        total = session.scalar(text("SELECT count(*) FROM audit_events"))
        start = time.perf_counter()
        session.scalars(select(AuditEvent)).all()
        baseline_read = time.perf_counter() - start
        session.expunge_all()
        start = time.perf_counter()
        report = verify_chain(session)
        verify = time.perf_counter() - start
    assert report.ok

    database = workdir / "bench.sqlite3"
    start = time.perf_counter()
    shutil.copy(database, workdir / "copy.sqlite3")
    baseline_copy = time.perf_counter() - start
    start = time.perf_counter()
    backup.backup_sqlite(database, workdir / "backup.sqlite3")
    online_backup = time.perf_counter() - start
    size = database.stat().st_size

    ms = 1000
    print(f"audit events in the database: {total}")
    print(
        f"append, per event:  chained {chained_append * ms:.2f} ms | baseline plain row {baseline_append * ms:.2f} ms"
    )
    print(
        f"verify the chain:   {verify:.2f} s ({total / verify:,.0f}/s) | baseline read all rows {baseline_read:.2f} s"
    )
    print(f"backup {size / 1e6:.1f} MB:    online API {online_backup:.3f} s | baseline file copy {baseline_copy:.3f} s")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=5000, help="audit events to append (default 5000)")
    parser.add_argument("legacy_events", nargs="?", type=int, help=argparse.SUPPRESS)  # the old positional form
    args = parser.parse_args()
    print("No server or port: SQLite in a temporary directory, in this process.")
    main(args.legacy_events or args.events)
