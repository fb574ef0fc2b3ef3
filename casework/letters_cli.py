"""`python -m casework letters ...`: render every due letter in bulk, check the templates.

Bulk rendering is resumable: each letter is rendered, written and committed on its own, and only
letters still due are picked up, so an interrupted run simply carries on where it stopped.
"""

from __future__ import annotations

from pathlib import Path

import typer

from services.errors import DomainError, ValidationFailed

# The letter modules (docxtpl, lxml, mammoth, Jinja) are imported by the commands that use them: every other
# command, `demo setup` in `make run` among them, would otherwise load them at start for nothing.

app = typer.Typer(no_args_is_help=True, help="Letters and forms.")


@app.command("render-due")
def render_due(
    code: str = typer.Option("", "--code", help="Only letters of this template, e.g. CMSL5501"),
    out: str = typer.Option("var/letters", "--out", help="Directory the files are written to"),
    limit: int = typer.Option(0, "--limit", help="Stop after this many letters (0: all)"),
) -> None:
    """Render every due letter (optionally of one template), write the files and record them."""
    from tqdm import tqdm

    from services import letters as letter_service

    try:
        ids = letter_service.due_letter_ids(code or None)
    except DomainError as exc:
        typer.echo(exc.message, err=True)
        raise typer.Exit(2) from None
    if limit:
        ids = ids[:limit]
    failed: list[str] = []
    done = 0
    for letter_id in tqdm(ids, desc="Rendering letters", unit="letter"):
        try:
            letter_service.render_letter(None, letter_id, out_dir=Path(out))
            done += 1
        except ValidationFailed as exc:
            failed.append(f"letter {letter_id}: " + "; ".join(exc.errors.values()))
        except DomainError as exc:  # e.g. rendered meanwhile by a caseworker: nothing to do
            failed.append(f"letter {letter_id}: {exc.message}")
    typer.echo(f"Rendered {done} letter(s) into {out}; {len(failed)} not rendered.")
    for line in failed:
        typer.echo("  " + line, err=True)
    if failed:
        raise typer.Exit(1)


@app.command("check")
def check() -> None:
    """Check every committed template: contract, samples and variants, terminology."""
    from letters import catalogue
    from letters.checks import check_template

    bad = 0
    for code, spec in catalogue.TEMPLATES.items():
        problems = check_template(spec, spec.path.read_bytes())
        typer.echo(f"{code:<9} {'ok' if not problems else 'FAILED'}  {spec.title}")
        for p in problems:
            typer.echo(f"          - {p}")
        bad += bool(problems)
    if bad:
        raise typer.Exit(1)
