"""A letter or form rendered with its template's active version: the one place that finds the template, keeps
the values as a Letter row does, and turns a bad value or a failing uploaded template into a plain message.

The letter studio (services/letter_templates.py), case letters (services/letters.py), step previews
(services/letter_previews.py) and emails and bundles (services/run_effects.py) all render through here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import LetterTemplate
from letters import catalogue
from letters.fields import ContextError
from letters.render import Rendered, committed_template, render
from letters.worker import BudgetExceeded, TemplateFault
from services import audit
from services.errors import DomainError, NotFound, ValidationFailed
from services.letter_contact import with_contact


def template_spec(code: str) -> catalogue.TemplateSpec:
    """The catalogue entry of a template code; NotFound in plain words for a code it does not hold."""
    try:
        return catalogue.get(code)
    except KeyError as exc:
        raise NotFound(str(exc.args[0])) from None


def active_template(session: Session, code: str) -> tuple[int, bytes]:
    """The version that renders: the newest active upload, else the committed file (version 1)."""
    row = session.execute(
        select(LetterTemplate.version, LetterTemplate.content)
        .where(LetterTemplate.code == code, LetterTemplate.active)
        .order_by(LetterTemplate.version.desc())
        .limit(1)
    ).first()
    if row is not None:
        return int(row[0]), bytes(row[1])
    return 1, committed_template(code)


def refused_values(exc: ContextError) -> ValidationFailed:
    """The values a template refused, one message per field."""
    return ValidationFailed({name: f"{name}: {message}" for name, message in exc.problems.items()})


def render_version(spec: catalogue.TemplateSpec, context: Mapping[str, Any], version: int, template: bytes) -> Rendered:
    """Render `template` (version `version` of the spec's template); a refused value or a failing upload is a
    ValidationFailed or DomainError saying what to do, never a template's traceback."""
    try:
        return render(spec, context, template)
    except ContextError as exc:
        raise refused_values(exc) from None
    except (BudgetExceeded, TemplateFault) as exc:
        # An uploaded version that failed or ran over the render budget with these values: nothing was saved.
        raise DomainError(
            f"Version {version} of {spec.code} could not produce this letter: {exc}. Nothing was saved. Ask policy "
            "staff to make an earlier version active in the Letter studio."
        ) from None


def json_context(context: Mapping[str, Any]) -> dict[str, Any]:
    """Values as the Letter row keeps them: money and dates as text, times as HH:MM."""

    def plain(value: Any) -> Any:
        if isinstance(value, time):
            return value.strftime("%H:%M")
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return value

    return dict(audit.jsonable({k: plain(v) for k, v in context.items()}))


def render_document(session: Session, code: str, context: Mapping[str, Any]) -> tuple[str, bytes]:
    """A form or letter rendered now with its active template, for an email or a bundle: (file name, .docx).

    Runs inside the caller's transaction (a procedure step's effects), so a context the template
    cannot take refuses the whole step with the fields named, and nothing is half-done.
    """
    spec = template_spec(code)
    version, template = active_template(session, spec.code)
    values = with_contact(spec, json_context(context))  # CMEL9180 goes into P5d's bundle as the parent gets it
    return f"{spec.code}.docx", render_version(spec, values, version, template).content
