"""`python -m casework`: the command line (casework/cli.py), with a database that cannot be reached reported in
words instead of a traceback (an administrator running `audit verify` or `backup` with the server down saw a
framed Python traceback of SQLAlchemy's and psycopg's internals)."""

import sys

from sqlalchemy.exc import OperationalError

from casework.cli import app, safe_url

try:
    app(prog_name="python -m casework", standalone_mode=True)
except OperationalError as exc:
    reason = str(exc.orig or exc).strip().splitlines()[0]
    print(
        f"Cannot use the database at {safe_url()}: {reason}\n"
        "Check DATABASE_URL and that the database server is running, then run the command again.",
        file=sys.stderr,
    )
    sys.exit(1)
