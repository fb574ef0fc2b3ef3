"""Command line: database, demo data, users and audit checks.

python -m casework db upgrade
python -m casework demo load --if-empty
python -m casework users add jo.bloggs --role caseworker --team "CSA Rules Reassessment Team"
python -m casework audit verify
python -m casework letters render-due --code CMSL5501 --out var/letters
"""

from __future__ import annotations

import getpass

import typer

from casework import demo, letters_cli, migrate
from db.engine import database_url
from services import users as user_service
from services.audit import verify_chain
from services.errors import ValidationFailed
from services.transaction import transaction

app = typer.Typer(no_args_is_help=True, add_completion=False)
db_app = typer.Typer(no_args_is_help=True, help="Database schema.")
demo_app = typer.Typer(no_args_is_help=True, help="Fictional demo data.")
users_app = typer.Typer(no_args_is_help=True, help="User accounts.")
audit_app = typer.Typer(no_args_is_help=True, help="The audit trail.")
app.add_typer(db_app, name="db")
app.add_typer(demo_app, name="demo")
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")
app.add_typer(letters_cli.app, name="letters")


def _safe_url() -> str:
    url = database_url()
    if "@" in url:  # never print a password
        scheme, rest = url.split("://", 1)
        url = f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every Alembic migration to the database named by DATABASE_URL (SQLite in ./var by default)."""
    migrate.upgrade()
    typer.echo(f"Database is up to date: {_safe_url()}")


@demo_app.command("load")
def demo_load(if_empty: bool = typer.Option(False, "--if-empty", help="Do nothing when users already exist.")) -> None:
    """Load the deterministic fictional demo data."""
    if demo.load(if_empty=if_empty):
        typer.echo(f"Loaded demo data: {demo.CASE_COUNT} cases, {demo.sr_count()} service requests.")
    else:
        typer.echo("Demo data not loaded: the database already has users.")


@demo_app.command("sign-ins")
def demo_sign_ins() -> None:
    """Print the demo accounts."""
    typer.echo("\nDemo sign-ins (fictional data only), password for each: " + demo.DEMO_PASSWORD)
    for s in demo.SIGN_INS:
        typer.echo(f"  {s.username:<18} {s.role:<12} {s.team or ''}")
    typer.echo("\nCasework Guide: http://localhost:8501\n")


@users_app.command("add")
def users_add(
    username: str,
    role: str = typer.Option(..., help="caseworker, team_leader, policy or admin"),
    team: str = typer.Option("", help="Team name (caseworkers and team leaders)"),
    name: str = typer.Option("", help="Display name"),
    email: str = typer.Option("", help="Email (matches OIDC sign-in)"),
    new_caseworker: bool = typer.Option(False, help="Watch this caseworker's runs for being stuck"),
    no_password: bool = typer.Option(False, help="OIDC-only account"),
) -> None:
    """Add a user; asks for the password unless --no-password."""
    password = None if no_password else getpass.getpass("Password (at least 10 characters): ")
    try:
        row = user_service.add_user(
            None,
            username=username,
            display_name=name or username,
            role=role,
            password=password,
            team=team or None,
            email=email or None,
            is_new_caseworker=new_caseworker,
        )
    except ValidationFailed as exc:
        for field, message in exc.errors.items():
            typer.echo(f"{field}: {message}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"Added {row.username} ({row.role}).")


@users_app.command("list")
def users_list() -> None:
    for u in user_service.list_users(None):
        typer.echo(f"{u.username:<24} {u.role:<12} {u.team or '':<36} {'active' if u.is_active else 'inactive'}")


@users_app.command("set-password")
def users_set_password(username: str) -> None:
    password = getpass.getpass("New password (at least 10 characters): ")
    try:
        user_service.set_password(None, username, password)
    except ValidationFailed as exc:
        typer.echo("; ".join(exc.errors.values()), err=True)
        raise typer.Exit(2) from None
    typer.echo("Password changed.")


@users_app.command("deactivate")
def users_deactivate(username: str) -> None:
    user_service.set_active(None, username, False)
    typer.echo(f"{username} can no longer sign in.")


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the audit trail's hash chain and name the first broken link."""
    with transaction() as session:
        report = verify_chain(session)
    if report.ok:
        typer.echo(f"Audit chain intact: {report.events_checked} events checked.")
        return
    typer.echo(
        f"Audit chain broken at event {report.first_broken_id}: {report.reason} "
        f"({report.events_checked} events before it are intact).",
        err=True,
    )
    raise typer.Exit(1)
