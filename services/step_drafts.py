"""The answers of a step's earlier question pages, kept on the run until the step is saved.

A step asked over several pages (services/question_pages.py) is saved, checked in full and audited only from its
last page. Before, the earlier pages' answers lived in the browser session alone, so a reload, a closed tab or a
sign-in again mid-step started the step blank. Each page's Continue now writes them on the run (`draft`).

- A draft is not a record: nothing on an SR depends on it. It is written with a statement of its own that leaves
  the run's version as it is, so the tab that wrote it stays current. Who wrote one, when, and at which page, is
  audited on the run (never on the SR's history), as every change of a row is; its answers are not copied there.
- It is good only for the visit of the step it was written on and while the run is still at the version it was
  written against: any save, Back, Change or CMS tick moves the version on and the draft is then ignored (a Back
  to the step shows its saved answers, never a draft older than them). No save has to clear it.
- A chosen PDF is not kept in it: a file is chosen again after a reload (the page asks for it as before).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, update
from sqlalchemy.orm import Session

from db.models import ProcedureRun
from procedures.definition import Step
from services import audit
from services.actor import Actor
from services.errors import ConflictError

NOT_KEPT = frozenset({"pdf"})  # field kinds whose answers a draft does not hold (a file's bytes)


def visit(step_id: str, step_number: int) -> str:
    """One arrival at a step: the wizard keys its inputs by it, and a draft belongs to it."""
    return f"{step_id}@{step_number}"


@dataclass(frozen=True, slots=True)
class Draft:
    page: int  # the question page to show next
    answers: dict[str, Any]  # the answers given on the step's pages so far, as the page's inputs hold them


def keep(
    session: Session, actor: Actor, run: ProcedureRun, step: Step, *, page: int, answers: Mapping[str, Any]
) -> None:
    """Write the draft of `run`'s current step; refuse (as stale) a run whose version moved on meanwhile."""
    skipped = {f.name for f in step.fields if f.kind in NOT_KEPT}
    draft = {
        "visit": visit(run.state, len(run.history)),
        "version": run.version,
        "page": page,
        "answers": {k: v for k, v in answers.items() if k not in skipped},
    }
    table = cast(Table, ProcedureRun.__table__)  # Core: the ORM would move the run's version on
    written = session.execute(
        update(table).where(table.c.id == run.id, table.c.version == run.version).values(draft=draft)
    )
    if written.rowcount != 1:  # type: ignore[attr-defined]
        raise ConflictError(
            "This procedure run was changed after you opened it, by someone else or by you in another tab or "
            "window. Reload to see the change, then try again.",
            seen=run.version,
        )
    audit.record(
        session,
        actor,
        "run.draft_kept",
        entity_type="procedure_run",
        entity_id=run.id,
        case_id=run.case_id,
        sr_id=None,  # nothing on the SR changed
        after={"state": run.state, "page": page},
    )


def resumable(run: ProcedureRun) -> Draft | None:
    """The draft of the step `run` is at now, if one was kept for this visit at this version."""
    kept = run.draft
    if not kept or kept.get("version") != run.version or kept.get("visit") != visit(run.state, len(run.history)):
        return None
    return Draft(page=int(kept.get("page", 0)), answers=dict(kept.get("answers") or {}))
