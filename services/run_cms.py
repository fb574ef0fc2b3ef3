"""The CMS lines a run saved with each step: the caseworker ticks each one once it is keyed into CMS."""

from __future__ import annotations

from services import audit
from services.actor import Actor
from services.errors import GoneFromView
from services.run_context import load_run, run_view
from services.run_views import RunView
from services.transaction import expect_version, transaction


def tick_cms(actor: Actor, run_id: str, saved_index: int, line: int, done: bool, *, expected_version: int) -> RunView:
    """Record that the caseworker has (or has not yet) keyed one saved CMS line into CMS."""
    with transaction(writes=True) as session:
        run, procedure, case = load_run(session, actor, run_id, "update this procedure run")
        expect_version(run, expected_version, what="This procedure run")
        saved = [dict(item) for item in run.cms_saved]
        if not 0 <= saved_index < len(saved) or not 0 <= line < len(saved[saved_index]["lines"]):
            raise GoneFromView("That CMS line is not on this run. Reload the page.")
        ticks = set(saved[saved_index].get("done", []))
        ticks = ticks | {line} if done else ticks - {line}
        saved[saved_index]["done"] = sorted(ticks)
        run.cms_saved = saved
        audit.record(
            session,
            actor,
            "run.cms_ticked",
            entity_type="procedure_run",
            entity_id=run.id,
            case_id=case.id,
            sr_id=run.sr_id,
            after={"step": saved[saved_index]["step"], "line": line, "done": done},
        )
        return run_view(session, run, procedure, case, viewer=actor.user_id)
