"""AppTest: text pasted over a box's limit stays in the box, is refused at the field with the limit and its length, and
changes nothing (QA, eighth session: Streamlit's `max_chars` dropped such a paste whole, without a word).

Each box is given more than its limit as one input, as a paste arrives; AppTest, like the browser, would not set a
value longer than a box's `max_chars`, so these fail on a box that still has one."""

from __future__ import annotations

from sqlalchemy import func, select

from db.models import AuditEvent, DeadlineSnooze, ReferenceValue, ServiceRequest
from services import console
from services.transaction import transaction
from tests.app.helpers import app_as, texts
from tests.app.test_console import _console, _hand_over_form, _select_rows
from tests.app.test_reference_values_page import _page as _reference_values
from tests.app.test_snooze import _detail, _sr_with_a_deadline


def _errors_at_fields(at) -> list[str]:  # noqa: ANN001 - AppTest
    return [m.value for m in at.markdown if "**Error:**" in m.value]


def _box(at, label: str):  # noqa: ANN001, ANN202 - AppTest and its text input
    return next(t for t in at.text_input if t.label == label)


def _audited(action: str) -> int:
    with transaction() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


def test_a_reassignment_reason_pasted_over_200_characters_is_kept_and_refused_and_moves_nothing(
    sqlite_demo_db, actor_for
):
    leader, worker = actor_for("teamleader"), actor_for("caseworker")
    row = next(r for r in console.outstanding_page(leader).rows if r.owner_id != worker.user_id)
    at = _console(leader)
    _select_rows(at, [row.number])
    next(s for s in at.selectbox if s.label == "New owner").select(worker.display_name)
    pasted = "Covering leave. " * 16  # 256 characters
    _box(at, "Reason for reassigning").input(pasted)
    next(b for b in at.button if b.label == "Reassign").click().run()
    assert not at.exception
    assert _box(at, "Reason for reassigning").value == pasted  # still there to shorten
    assert _errors_at_fields(at) == [":red[**Error:** Keep this to 200 characters or fewer (it has 255).]"]
    with transaction() as session:
        assert session.get(ServiceRequest, row.id).owner_id == row.owner_id
    assert _audited("sr.reassigned") == 0


def test_a_hand_over_reason_pasted_over_200_characters_is_kept_and_refused_and_asks_no_confirmation(
    sqlite_demo_db, actor_for
):
    leader = actor_for("teamleader")
    county = next(r for r in console.outstanding_page(leader).rows if r.label.endswith("County Court"))
    at = _console(leader)
    _select_rows(at, [county.number])
    pasted = "x" * 201
    _hand_over_form(at, "Specialist Services Support Team", pasted)
    assert not at.exception
    assert _box(at, "Reason for handing over").value == pasted
    assert _errors_at_fields(at) == [":red[**Error:** Keep this to 200 characters or fewer (it has 201).]"]
    assert not [b for b in at.button if b.label == "Confirm hand-over"]
    with transaction() as session:
        assert session.get(ServiceRequest, county.id).team_id == leader.team_id
    assert _audited("sr.handed_over") == 0


def test_an_sr_number_pasted_over_20_characters_is_kept_and_refused_at_the_input(sqlite_demo_db, actor_for):
    at = _console(actor_for("teamleader"))
    pasted = "SR 1-00000042 from the complaint email"
    at.text_input(key="open_sr_number").input(pasted).run()
    assert not at.exception
    assert at.text_input(key="open_sr_number").value == pasted
    assert "Keep this to 20 characters or fewer (it has 38)." in texts(at)
    assert [t.value for t in at.title] == ["Outstanding SRs"]  # the console stays: no SR opened


def test_a_snooze_reason_pasted_over_500_characters_is_kept_and_refused_and_holds_nothing(sqlite_demo_db, actor_for):
    leader = actor_for("teamleader")
    at = _detail(leader, _sr_with_a_deadline(leader))
    pasted = "Waiting for the CSA reply. " * 20  # 540 characters, 539 once trimmed
    _box(at, "Why can the reminders wait?").input(pasted)
    next(b for b in at.button if b.label == "Snooze").click().run()
    assert not at.exception
    assert _box(at, "Why can the reminders wait?").value == pasted
    assert ":red[**Error:** Keep this to 500 characters or fewer (it has 539).]" in [m.value for m in at.markdown]
    assert "Reminders held until" not in texts(at)
    with transaction() as session:
        assert session.scalar(select(func.count()).select_from(DeadlineSnooze)) == 0


def test_a_reference_values_note_pasted_over_500_characters_is_kept_and_refused_and_confirms_nothing(
    sqlite_demo_db, actor_for
):
    at = _reference_values(actor_for("policy"))
    chooser = at.selectbox(key="ref_chosen")
    chooser.select_index(next(i for i, o in enumerate(chooser.options) if o.startswith("Resolution Code: "))).run()
    pasted = "n" * 620
    at.text_input(key="ref_note").input(pasted)
    next(b for b in at.button if b.label.startswith("Confirm '")).click().run()
    assert not at.exception
    assert at.text_input(key="ref_note").value == pasted
    assert _errors_at_fields(at) == [":red[**Error:** Keep this to 500 characters or fewer (it has 620).]"]
    with transaction() as session:
        assert session.scalar(select(func.count()).select_from(ReferenceValue)) == 0


def test_a_search_pasted_over_60_characters_into_the_case_finder_is_kept_and_refused(sqlite_demo_db, actor_for):
    for username, page in (("caseworker", "pages/start.py"), ("teamleader", "pages/case.py")):
        at = app_as(actor_for(username)).run()
        at.switch_page(page).run()
        finder = _box(at, "Find a case")
        pasted = "Carly Smith, receiving parent, phoned about the payment due on Friday"  # 69 characters
        finder.input(pasted).run()
        assert not at.exception
        assert _box(at, "Find a case").value == pasted
        assert "Keep this to 60 characters or fewer (it has 69)." in texts(at)
        assert "Open service requests on this case" not in texts(at)  # no case is read
