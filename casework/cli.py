"""Command line: database, demo data, users and audit checks.

python -m casework db upgrade
python -m casework demo load --if-empty
python -m casework demo setup --port 8501   # db upgrade + demo load --if-empty + demo runs + sign-ins, one process
python -m casework users add jo.bloggs --role caseworker --team "CSA Rules Reassessment Team"
python -m casework audit verify
python -m casework audit anchor
python -m casework outbox send
python -m casework remind
python -m casework insight rebuild
python -m casework backup var/backups/casework-2026-11-23.sqlite3
python -m casework restore var/backups/casework-2026-11-23.sqlite3 --yes
python -m casework letters render-due --code CMSL5501 --out var/letters
python -m casework generate --srs 10000 --cases 2000 --users 60 --teams 5
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer

from casework import backup as backups
from casework import letters_cli, reference_cli
from db.engine import database_url
from services import audit_anchor
from services import users as user_service
from services.audit import verify_chain
from services.auth import unlock
from services.errors import ValidationFailed
from services.transaction import transaction

# Tracebacks never show local variables: they could hold the database URL with its password.
app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_show_locals=False)
db_app = typer.Typer(no_args_is_help=True, help="Database schema.")
demo_app = typer.Typer(no_args_is_help=True, help="Fictional demo data.")
users_app = typer.Typer(no_args_is_help=True, help="User accounts.")
audit_app = typer.Typer(no_args_is_help=True, help="The audit trail.")
outbox_app = typer.Typer(no_args_is_help=True, help="Emails waiting in the outbox.")
insight_app = typer.Typer(no_args_is_help=True, help="The Insight page's pre-summed figures.")
app.add_typer(db_app, name="db")
app.add_typer(demo_app, name="demo")
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")
app.add_typer(outbox_app, name="outbox")
app.add_typer(insight_app, name="insight")
app.add_typer(letters_cli.app, name="letters")
app.add_typer(reference_cli.app, name="reference")


def safe_url(url: str | None = None) -> str:
    """The database URL without its credentials, for printing (a password may itself contain '@')."""
    url = url or database_url()
    scheme, sep, rest = url.partition("://")
    if sep and "@" in rest:  # never print a user name or password
        url = f"{scheme}://***@{rest.rsplit('@', 1)[1]}"
    return url


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every Alembic migration to the database named by DATABASE_URL (SQLite in ./var by default)."""
    from casework import migrate  # imported per command: keeps every other command quick to start

    migrate.upgrade()
    typer.echo(f"Database is up to date: {safe_url()}")


@demo_app.command("load")
def demo_load(if_empty: bool = typer.Option(False, "--if-empty", help="Do nothing when users already exist.")) -> None:
    """Load the deterministic fictional demo data."""
    from casework import demo  # imported per command: keeps every other command quick to start

    if demo.load(if_empty=if_empty):
        typer.echo(f"Loaded demo data: {demo.CASE_COUNT} cases, {demo.sr_count()} service requests.")
    else:
        typer.echo("Demo data not loaded: the database already has users.")


PORT_OPTION = typer.Option(8501, "--port", help="The port the app listens on, for the address printed.")


@demo_app.command("sign-ins")
def demo_sign_ins(port: int = PORT_OPTION) -> None:
    """Print the demo accounts and the app's address."""
    from casework import demo  # imported per command: keeps every other command quick to start

    typer.echo("\nDemo sign-ins (fictional data only), password for each: " + demo.DEMO_PASSWORD)
    for s in demo.SIGN_INS:
        typer.echo(f"  {s.username:<18} {s.role:<12} {s.team or ''}")
    typer.echo(f"\nCasework Guide: http://localhost:{port}\n")


@demo_app.command("setup")
def demo_setup(port: int = PORT_OPTION) -> None:
    """What `make run` needs, in one process: migrate, load the demo data into an empty database, print the
    sign-ins (three separate commands would each pay Python's start-up and the imports again)."""
    from casework import demo, demo_runs  # imported per command: keeps every other command quick to start

    db_upgrade()
    if demo.load(if_empty=True):
        typer.echo(f"Loaded demo data: {demo.CASE_COUNT} cases, {demo.sr_count()} service requests.")
        worked = demo_runs.walk()  # after the load's own transaction: the runs go through the real run API
        typer.echo(f"Worked {worked} demo procedure runs for the Insight page (their history back-dated).")
    else:
        typer.echo("Demo data not loaded: the database already has users.")
    demo_sign_ins(port=port)


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
    typer.echo(f"{username} can no longer sign in; their open sessions have ended.")


@users_app.command("reactivate")
def users_reactivate(username: str) -> None:
    """Let a deactivated user sign in again (an administrator who deactivated themselves, a leaver who came back)."""
    try:
        user_service.set_active(None, username, True)
    except ValidationFailed as exc:
        typer.echo("; ".join(exc.errors.values()), err=True)
        raise typer.Exit(2) from None
    typer.echo(f"{username} can sign in again.")


@users_app.command("unlock")
def users_unlock(
    username: Annotated[str, typer.Argument(help="The account to unlock")] = "",
    address: str = typer.Option("", help="Also (or only) unlock this source address"),
) -> None:
    """Lift a sign-in lock or delay after repeated failures, for an account and/or a source address."""

    if not username and not address:
        typer.echo("Name a username, an --address, or both.", err=True)
        raise typer.Exit(2)
    try:
        cleared = unlock(None, username=username or None, address=address or None)
    except ValidationFailed as exc:
        typer.echo("; ".join(exc.errors.values()), err=True)
        raise typer.Exit(2) from None
    typer.echo("Unlocked." if cleared else "Nothing was locked.")


@users_app.command("move")
def users_move(
    username: str,
    role: str = typer.Option(..., help="caseworker, team_leader, policy or admin"),
    team: str = typer.Option("", help="Team name (caseworkers and team leaders)"),
) -> None:
    """Change a user's role or team; their open sessions end."""
    try:
        row = user_service.set_role_team(None, username, role=role, team=team or None)
    except ValidationFailed as exc:
        typer.echo("; ".join(exc.errors.values()), err=True)
        raise typer.Exit(2) from None
    typer.echo(f"{row.username} is now {row.role}{' in ' + row.team if row.team else ''}; their sessions have ended.")


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the audit trail's hash chain, then the database against the anchor file (services.audit_anchor)."""
    with transaction() as session:
        report = verify_chain(session)
    if not report.ok:
        typer.echo(
            f"Audit chain broken at event {report.first_broken_id}: {report.reason} "
            f"({report.events_checked} events before it are intact).",
            err=True,
        )
        raise typer.Exit(1)
    typer.echo(f"Audit chain intact: {report.events_checked} events checked.")
    if not audit_anchor.anchor_path().exists():
        typer.echo(f"No anchor file at {audit_anchor.anchor_path()}: truncation and rewritten tails cannot be checked.")
        return
    try:
        with transaction() as session:
            lines, problem = audit_anchor.check_against_anchors(session)
    except audit_anchor.AnchorError as exc:
        typer.echo(f"Audit anchor cannot be trusted: {exc}", err=True)
        raise typer.Exit(1) from None
    if problem:
        typer.echo(f"Audit trail does not match its anchor: {problem}.", err=True)
        raise typer.Exit(1)
    typer.echo(f"Audit trail matches its anchor ({lines} signed anchor lines).")


@audit_app.command("anchor")
def audit_anchor_write() -> None:
    """Append the chain head, signed, to the anchor file; run it from cron every few minutes."""
    try:
        with transaction() as session:
            anchor = audit_anchor.write_anchor(session)
    except audit_anchor.AnchorError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    typer.echo(f"Anchored event {anchor.event_id} ({anchor.events} events) in {audit_anchor.anchor_path()}.")


@app.command("remind")
def remind_command() -> None:
    """Tell owners what is due soon or overdue, and team leaders what is a working day overdue; run it from
    cron or a systemd timer every few minutes (README). Safe to run twice or on two servers at once."""
    from services import reminders  # imported per command: keeps every other command quick to start

    report = reminders.remind()
    typer.echo(f"Told {report.reminders} new reminders to {report.people} people; {report.emails} digest emails.")


@insight_app.command("rebuild")
def insight_rebuild() -> None:
    """Recompute the step summary (policy staff's Insight figures) from the step events. The recording keeps it
    up to date; run this after restoring events from elsewhere, or to check. Steps saved meanwhile wait."""
    from services import step_summary  # imported per command: keeps every other command quick to start

    with transaction() as session:
        rows = step_summary.rebuild(session)
    typer.echo(f"Rebuilt the step summary from the step events: {rows} rows.")


@outbox_app.command("send")
def outbox_send(limit: int = typer.Option(200, help="At most this many emails in one run")) -> None:
    """Send every queued or failed email through SMTP (CASEWORK_SMTP_HOST ...); run it from cron to retry."""
    from services import email_delivery  # imported per command: keeps every other command quick to start

    if not email_delivery.sending_enabled():
        typer.echo("SMTP is not set up (CASEWORK_SMTP_HOST): emails wait in the outbox for download.")
        raise typer.Exit(1)
    results = email_delivery.send_waiting(limit=limit)
    failed = [r for r in results if r.status != "sent"]
    typer.echo(f"Sent {len(results) - len(failed)}, failed {len(failed)}.")
    for r in failed:
        typer.echo(f"  email {r.id} (SR {r.sr_number}): {r.error}")
    raise typer.Exit(1 if failed else 0)


@app.command("backup")
def backup(path: Annotated[Path, typer.Argument(help="New file to write the backup to")]) -> None:
    """Back up the database: SQLite's online backup API, or pg_dump (custom format) for PostgreSQL."""
    try:
        backups.backup(database_url(), path)
    except backups.BackupError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    typer.echo(f"Backed up {safe_url()} to {path} ({path.stat().st_size:,} bytes).")


@app.command("restore")
def restore(
    path: Annotated[Path, typer.Argument(help="A file written by `backup`")],
    yes: Annotated[bool, typer.Option("--yes", help="Confirm: replace everything in the database")] = False,
) -> None:
    """Replace the database's contents with a backup, then verify the audit chain. Stop the app servers first."""
    if not yes:
        typer.echo(f"This replaces everything in {safe_url()} with {path}. Run again with --yes to do it.", err=True)
        raise typer.Exit(2)
    try:
        backups.restore(path, database_url())
    except backups.BackupError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    typer.echo(f"Restored {safe_url()} from {path}.")
    audit_verify()


@app.command("generate")
def generate(
    srs: Annotated[int, typer.Option(help="Service requests to generate")] = 1_000_000,
    cases: Annotated[int, typer.Option(help="Cases they belong to")] = 200_000,
    users: Annotated[int, typer.Option(help="Users (one team leader per team, the rest caseworkers)")] = 300,
    teams: Annotated[int, typer.Option(help="Teams")] = 20,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same data")] = 2026,
    progress: Annotated[bool, typer.Option(help="Show a progress bar")] = True,
) -> None:
    """Add a large fictional data set (for scale tests) to the migrated database named by DATABASE_URL."""
    from casework import generate as generator  # imported per command: keeps others quick to start

    try:
        made = generator.generate(
            generator.Sizes(srs=srs, cases=cases, users=users, teams=teams), seed=seed, progress=progress
        )
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    typer.echo(
        f"Generated {made.teams} teams, {made.users} users, {made.cases} cases, {made.srs} service requests, "
        f"{made.deadlines} deadlines and {made.runs} runs in {safe_url()}. Team leaders (no password): "
        f"{', '.join(made.team_leaders[:3])}{' ...' if len(made.team_leaders) > 3 else ''}"
    )
