"""Typed URLs: another team's run (?run=) or SR (?sr=) gets a clear refusal on the page, nothing of it shows,
and the attempt is in the audit trail; nonsense in the query parameter is a message, not a crash."""

from __future__ import annotations

from sqlalchemy import select

from db.models import AuditEvent
from services import run_start
from services.transaction import transaction
from tests.app.helpers import app_as, texts
from tests.procedures.ssst_walks import allocated_sr


def _refusals(actor) -> list[AuditEvent]:
    with transaction() as session:
        return list(
            session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "refused", AuditEvent.actor_id == actor.user_id)
                .order_by(AuditEvent.id)
            )
        )


def _ssst_run(actor_for) -> tuple[str, int]:
    owner = actor_for("ssst.caseworker")
    case_id, sr_id = allocated_sr(owner, "Court Fee Payment")
    return run_start.start_run(owner, "P5a", case_id=case_id, sr_id=sr_id).run_id, sr_id


def _open(actor, page: str, **params: str):
    at = app_as(actor).run()
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(page).run()
    assert not at.exception
    return at


def test_another_teams_run_in_the_wizard_url_is_refused_shows_nothing_and_is_audited(sqlite_demo_db, actor_for):
    run_id, _ = _ssst_run(actor_for)
    intruder = actor_for("caseworker")
    at = _open(intruder, "pages/wizard.py", run=run_id)
    shown = texts(at)
    assert "You cannot open that procedure run: it does not exist, or it is not your team's." in shown
    assert "court fee" not in shown.lower()
    assert not at.button, "no step, no Continue button"
    event = _refusals(intruder)[-1]
    assert (event.entity_type, event.entity_id) == ("procedure_run", run_id)
    assert event.after["attempted"] == "open this procedure run"


def test_the_owner_opens_the_same_wizard_url(sqlite_demo_db, actor_for):
    run_id, _ = _ssst_run(actor_for)
    at = _open(actor_for("ssst.caseworker"), "pages/wizard.py", run=run_id)
    assert "You cannot open" not in texts(at)
    assert any(b.label == "Continue" for b in at.button)


def test_another_teams_sr_in_the_detail_url_is_refused_and_the_attempt_audited(sqlite_demo_db, actor_for):
    _, sr_id = _ssst_run(actor_for)
    leader = actor_for("teamleader")
    at = _open(leader, "pages/sr_detail.py", sr=str(sr_id))
    assert "You cannot open that service request: it does not exist, or it is not your team's." in texts(at)
    assert not at.dataframe, "no timeline of another team's SR"
    event = _refusals(leader)[-1]
    assert (event.entity_type, event.entity_id) == ("service_request", str(sr_id))


def test_nonsense_in_the_url_is_a_plain_message_not_a_crash(sqlite_demo_db, actor_for):
    at = _open(actor_for("caseworker"), "pages/wizard.py", run="' OR 1=1 --<script>")
    assert "You cannot open that procedure run: it does not exist, or it is not your team's." in texts(at)
    at = _open(actor_for("teamleader"), "pages/sr_detail.py", sr="1; DROP TABLE service_requests")
    assert "Open a service request from the Outstanding SRs list." in texts(at)
    at = _open(actor_for("teamleader"), "pages/sr_detail.py", sr="99999999")
    assert "You cannot open that service request: it does not exist, or it is not your team's." in texts(at)


def test_a_role_opening_a_page_it_does_not_have_is_refused_and_audited(sqlite_demo_db, actor_for):
    """ui.actor guards each page by role as well; the navigation normally hides the page altogether."""
    from streamlit.testing.v1 import AppTest

    policy = actor_for("policy")
    at = AppTest.from_string(
        "import ui\nui.actor('team_leader', page='sr_detail')\nimport streamlit as st\nst.write('SECRET')"
    )
    at.session_state["actor"] = policy
    at.run()
    assert "You do not have access to that page." in texts(at)
    assert "SECRET" not in texts(at)
    event = _refusals(policy)[-1]
    assert (event.entity_type, event.entity_id) == ("page", "sr_detail")


def test_another_teams_sr_and_an_sr_that_does_not_exist_get_the_same_words(sqlite_demo_db, actor_for):
    """A refusal must not confirm that an SR number exists in another team."""
    _, sr_id = _ssst_run(actor_for)
    leader = actor_for("teamleader")
    refused = _open(leader, "pages/sr_detail.py", sr=str(sr_id))
    missing = _open(leader, "pages/sr_detail.py", sr="99999999")
    assert [e.value for e in refused.error] == [e.value for e in missing.error]
    assert str(sr_id) not in texts(refused)
