"""run bookkeeping in columns: what the answers JSON held beside the answers moves to typed columns

Revision ID: codebase1
Revises: refvalues1
Create Date: 2026-11-30 19:30:00

`_pending` -> pending_step, `_checklist:<step>` -> checklists, `_changed` -> changed_answers,
`_cms_saved` -> cms_saved, `_allocated` -> allocated_refs. Existing runs are moved row by row, so the
answers then hold only answers; the downgrade puts the keys back.

A run saved before the CMS lines were kept per step holds `_last_cms` (the last saved step's lines, as
text) and `_last_cms_step` (its title) instead of `_cms_saved`: those lines become that run's one saved
step, none ticked, so the panel shows them again for the caseworker to tick once keyed, as it showed
them then (the step's id was not kept; its title was).
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "codebase1"
down_revision: str | None = "refvalues1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHECKLIST = "_checklist:"

runs = sa.table(
    "procedure_runs",
    sa.column("id", sa.String()),
    sa.column("answers", sa.JSON()),
    sa.column("pending_step", sa.String()),
    sa.column("checklists", sa.JSON()),
    sa.column("changed_answers", sa.JSON()),
    sa.column("cms_saved", sa.JSON()),
    sa.column("allocated_refs", sa.JSON()),
)


def upgrade() -> None:
    with op.batch_alter_table("procedure_runs") as batch:
        batch.add_column(sa.Column("pending_step", sa.String(length=60), nullable=True))
        batch.add_column(sa.Column("checklists", sa.JSON(), server_default="{}", nullable=False))
        batch.add_column(sa.Column("changed_answers", sa.JSON(), server_default="[]", nullable=False))
        batch.add_column(sa.Column("cms_saved", sa.JSON(), server_default="[]", nullable=False))
        batch.add_column(sa.Column("allocated_refs", sa.JSON(), server_default="[]", nullable=False))
    conn = op.get_bind()
    for run_id, answers in conn.execute(sa.select(runs.c.id, runs.c.answers)).all():
        answers = dict(answers or {})
        if not any(key.startswith("_") for key in answers):
            continue
        conn.execute(runs.update().where(runs.c.id == run_id).values(**_split(answers)))


def _split(answers: dict[str, Any]) -> dict[str, Any]:
    """One run's old answers JSON as the new columns' values."""
    return {
        "pending_step": answers.get("_pending"),
        "checklists": {k.removeprefix(CHECKLIST): v for k, v in answers.items() if k.startswith(CHECKLIST)},
        "changed_answers": list(answers.get("_changed", [])),
        "cms_saved": list(answers.get("_cms_saved", [])) or _last_cms(answers),
        "allocated_refs": list(answers.get("_allocated", [])),
        "answers": {k: v for k, v in answers.items() if not k.startswith("_")},
    }


def _last_cms(answers: dict[str, Any]) -> list[dict[str, Any]]:
    """The older `_last_cms` lines as one saved step, none of its lines ticked."""
    lines = answers.get("_last_cms") or []
    if not lines:
        return []
    return [
        {
            "step": "",
            "title": str(answers.get("_last_cms_step") or "An earlier step"),
            "reference_version": 0,
            "lines": [{"text": str(line), "suggestion": None} for line in lines],
            "done": [],
        }
    ]


def downgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(
            runs.c.id,
            runs.c.answers,
            runs.c.pending_step,
            runs.c.checklists,
            runs.c.changed_answers,
            runs.c.cms_saved,
            runs.c.allocated_refs,
        )
    ).all()
    for run_id, answers, pending, checklists, changed, cms_saved, allocated in rows:
        old = dict(answers or {})
        old.update({CHECKLIST + step: ticked for step, ticked in (checklists or {}).items()})
        for key, value in (("_pending", pending), ("_changed", changed), ("_cms_saved", cms_saved)):
            if value:
                old[key] = value
        if allocated:
            old["_allocated"] = allocated
        if old != answers:
            conn.execute(runs.update().where(runs.c.id == run_id).values(answers=old))
    with op.batch_alter_table("procedure_runs") as batch:
        batch.drop_column("allocated_refs")
        batch.drop_column("cms_saved")
        batch.drop_column("changed_answers")
        batch.drop_column("checklists")
        batch.drop_column("pending_step")
