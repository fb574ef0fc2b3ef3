"""`python -m casework reference list|export|import`: the CMS reference values, for policy staff and admins."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Annotated

import typer

from services.errors import ValidationFailed

# services.reference is imported by the commands that use it: it loads every procedure (to know which values
# they use), about half of the command line's start, which every other command paid for nothing.

app = typer.Typer(no_args_is_help=True, help="CMS reference values (Process, Area, Resolution Code, ...).")


@app.command("list")
def list_values() -> None:
    """Every value in force with its source."""
    from services import reference

    for line in reference.export_csv(None).splitlines()[1:]:
        key, kind, value, source, *_ = next(csv.reader([line]))
        typer.echo(f"{key:<48} {kind:<17} {source:<12} {value}")


@app.command("export")
def export(
    path: Annotated[Path | None, typer.Argument(help="CSV file to write (default: standard output)")] = None,
) -> None:
    """Write every value in force as CSV (the columns import reads: key, kind, value)."""
    from services import reference

    text = reference.export_csv(None)
    if path is None:
        sys.stdout.write(text)
    else:
        path.write_text(text, encoding="utf-8")
        typer.echo(f"Wrote {len(text.splitlines()) - 1} reference values to {path}")


@app.command("import")
def import_values(
    path: Annotated[Path, typer.Argument(help="CSV with columns key, kind, value")],
    as_user: Annotated[str, typer.Option("--as", help="Username of the policy or admin user loading the list")],
) -> None:
    """Load this service's CMS list of values: every row, or (if any row is wrong) none."""
    from services import reference

    try:
        actor = reference.editor_named(as_user)
        result = reference.import_csv(actor, path.read_text(encoding="utf-8-sig"))
    except ValidationFailed as exc:
        typer.echo("Nothing was loaded. Correct these rows and import the whole file again:", err=True)
        for message in exc.errors.values():
            typer.echo(f"  {message}", err=True)
        raise typer.Exit(2) from None
    typer.echo(
        f"Loaded: {result.confirmed} confirmed, {result.corrected} corrected, {result.added} added, "
        f"{result.unchanged} unchanged."
    )
