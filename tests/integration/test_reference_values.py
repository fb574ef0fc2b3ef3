"""Reference values kept by policy staff: the panel follows them, a run keeps the values of the day each step
was saved, every change is audited, and a CSV import with bad rows loads nothing and names each bad row."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from db.models import AuditEvent, ReferenceValue
from domain.reference import BUILT_IN_REFERENCE
from services import reference, run_cms, run_context, users
from services.errors import PermissionDenied, ValidationFailed
from services.transaction import transaction
from tests.procedures.ssst_walks import sr_row
from tests.procedures.test_p5e import refer, start


@pytest.fixture
def ssst(actor_for):
    return actor_for("ssst.caseworker")


@pytest.fixture
def policy(actor_for):
    return actor_for("policy")


def _texts(lines) -> list[str]:
    return [line.text for line in lines]


def test_started_from_an_allocated_sr_the_panel_says_update_it_and_never_create(demo_db, ssst):
    walk, _case_id, sr_id = start(ssst)
    number = sr_row(sr_id)["number"]
    walk.answer(confirm=False, client_role="Paying parent", pv_marker=False, pv_details="Checked step 4.")
    assert walk.view.awaiting_confirmation
    texts = _texts(walk.view.cms)
    assert f"Update the SR you were allocated ({number}): do not create another SR" in texts
    assert not any("Create a new SR" in t for t in texts)
    walk.confirm()
    saved = walk.view.cms_saved[-1]
    assert _texts(saved.lines)[0].startswith(f"Update the SR you were allocated ({number})")


def test_a_confirmed_value_is_an_instruction_at_the_next_step_saved_and_a_run_keeps_the_values_of_its_day(
    demo_db, ssst, policy
):
    walk, _case_id, _sr_id = start(ssst)
    refer(walk)
    walk.answer(vsat_accepted=False, rejection_reason="No visiting officer covers the area.")
    walk.answer(confirm=False)
    before = {line.suggestion: line.text for line in walk.view.cms if line.suggestion}
    assert "Referral Rejected" in before  # unconfirmed: only a suggestion, the line says what to choose
    assert "Resolution Code: choose" in before["Referral Rejected"]

    reference.confirm(policy, "resolution_code.referral_rejected", note="As our CMS shows it")
    walk.view = run_context.view_run(ssst, walk.view.run_id)
    assert walk.view.awaiting_confirmation
    assert any(t.endswith("Resolution Code = Referral Rejected") for t in _texts(walk.view.cms))
    walk.confirm()
    saved_text = _texts(walk.view.cms_saved[-1].lines)
    assert any(t.endswith("Resolution Code = Referral Rejected") for t in saved_text)
    version = walk.view.cms_saved[-1].reference_version
    assert version > 0

    reference.correct(policy, "resolution_code.referral_rejected", "Rejected By VSAT")
    again = run_context.view_run(ssst, walk.view.run_id)
    assert _texts(again.cms_saved[-1].lines) == saved_text  # the values in force when the step was saved
    with transaction() as session:
        actions = session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.entity_id == "resolution_code.referral_rejected")
            .order_by(AuditEvent.id)
        ).all()
    assert actions == ["reference.confirmed", "reference.corrected"]


def test_ticking_a_saved_line_done_in_cms_keeps_it_on_the_run_and_hides_the_step_once_all_are_ticked(demo_db, ssst):
    walk, _case_id, _sr_id = start(ssst)
    walk.answer(client_role="Paying parent", pv_marker=False, pv_details="Checked step 4.")
    saved = walk.view.cms_saved[-1]
    view = walk.view
    for number in range(len(saved.lines)):
        view = run_cms.tick_cms(ssst, view.run_id, saved.index, number, True, expected_version=view.version)
        if number < len(saved.lines) - 1:
            assert view.cms_saved[-1].done == tuple(range(number + 1))
    assert all(item.index != saved.index for item in view.cms_saved)
    assert all(item.index != saved.index for item in run_context.view_run(ssst, view.run_id).cms_saved)


def test_a_published_value_cannot_be_corrected_and_a_caseworker_cannot_confirm(demo_db, policy, ssst):
    with pytest.raises(ValidationFailed, match="published procedure"):
        reference.correct(policy, "process.transition", "Transitions")
    with pytest.raises(PermissionDenied):
        reference.confirm(ssst, "resolution_code.completed")


def test_a_correction_to_the_value_already_listed_is_refused_at_the_value_and_records_nothing(demo_db, policy):
    """QA (policy, Chromium): "Completed" corrected to "Completed" was saved and audited as a correction."""
    for typed in ("Completed", "  Completed "):
        with pytest.raises(ValidationFailed) as info:
            reference.correct(policy, "resolution_code.completed", typed)
        assert info.value.errors == {
            "value": "'Completed' is the value already listed. If our CMS shows it, confirm it above instead."
        }
    with transaction() as session:
        assert session.scalar(select(func.count()).select_from(ReferenceValue)) == 0
        assert session.scalar(select(func.count()).where(AuditEvent.action.like("reference.%"))) == 0
    reference.correct(policy, "resolution_code.completed", "completed")  # another capitalisation is another value
    with transaction() as session:
        assert reference.current(session)["resolution_code.completed"].value == "completed"


def _csv(rows: list[tuple[str, str, str]]) -> str:
    return "key,kind,value\n" + "".join(f"{k},{kind},{v}\n" for k, kind, v in rows)


def test_a_csv_of_200_rows_with_3_bad_rows_is_refused_with_their_numbers_and_loads_nothing(demo_db, policy):
    rows = [(f"resolution_code.local_{n}", "Resolution Code", f"Local Code {n}") for n in range(200)]
    rows[9] = ("resolution_code.bad", "Colour", "Blue")  # not a kind: spreadsheet row 11
    rows[99] = ("process.transition", "Process", "Transitions")  # a published value changed: row 101
    rows[150] = ("resolution_code.blank", "Resolution Code", " ")  # no value: row 152
    with pytest.raises(ValidationFailed) as refused:
        reference.import_csv(policy, _csv(rows))
    assert sorted(refused.value.errors) == ["row 101", "row 11", "row 152"]
    assert "Row 11: Kind must be one of" in refused.value.errors["row 11"]
    with transaction() as session:
        assert session.scalar(select(func.count()).select_from(ReferenceValue)) == 0

    rows[9], rows[99], rows[150] = (
        ("resolution_code.completed", "Resolution Code", "Completed"),
        ("process.transition", "Process", "Transition"),
        ("resolution_code.blank", "Resolution Code", "Blank"),
    )
    result = reference.import_csv(policy, _csv(rows))
    assert (result.added, result.confirmed, result.unchanged) == (198, 1, 1)
    listed = {e.key: e for e in reference.list_entries(policy)}
    assert listed["resolution_code.completed"].source == "local"
    assert listed["process.transition"].source == "published"
    assert "resolution_code.local_0" in reference.export_csv(policy)


def test_the_demo_data_confirms_no_value_the_seeds_do_not_give(demo_db, policy):
    with transaction() as session:
        assert session.scalar(select(func.count()).select_from(ReferenceValue)) == 0
    sources = {e.key: e.source for e in reference.list_entries(policy)}
    assert "local" not in sources.values()
    assert sources["resolution_code.completed"] == "unconfirmed"


def _exported(actor) -> dict[str, dict[str, str]]:
    return {row["key"]: row for row in csv.DictReader(io.StringIO(reference.export_csv(actor)))}


def test_the_csv_export_cites_every_seed_that_names_a_value_one_row_per_value(demo_db, policy):
    """A value two seeds name (In Progress: seeds 002 and 004) is exported in both seeds' words, as the Reference
    values page shows it, still on one row (the import takes a key once)."""
    rows = _exported(policy)
    in_progress = rows["status.in_progress"]
    assert (in_progress["seed"], in_progress["quote"]) == (
        "002_cfac8eeaf8c31dc1.txt",
        "update the SR Status to In Progress",
    )
    assert in_progress["other_citations"] == "004_a8ae07a86098a507.txt: update the **Status** to **In Progress**"
    assert rows["process.transition"]["other_citations"] == ""
    for e in BUILT_IN_REFERENCE.entries():  # every citation, each readable back from its cell
        cited = [(rows[e.key]["seed"], rows[e.key]["quote"])] if e.citations() else []
        others = rows[e.key]["other_citations"]
        cited += [tuple(c.split(": ", 1)) for c in others.split(reference.CITATION_SEPARATOR)] if others else []
        assert tuple(cited) == e.citations(), e.key
    assert len(rows) == len(BUILT_IN_REFERENCE.entries())


def test_an_export_imports_back_without_changing_a_value(demo_db, policy):
    before = {e.key: e.value for e in reference.list_entries(policy)}
    result = reference.import_csv(policy, reference.export_csv(policy))
    assert (result.corrected, result.added) == (0, 0)
    assert {e.key: e.value for e in reference.list_entries(policy)} == before
    assert reference.import_csv(policy, reference.export_csv(policy)).unchanged == len(before)


def test_a_value_with_the_longest_wording_is_added_and_confirmed_and_audited_under_its_whole_key(demo_db, policy):
    """PostgreSQL refused a key over 40 characters ("value too long"): its audit event names the key (audit2). The
    key made from a 200-character wording is the longest a key may be."""
    key = reference.add(policy, "Reason", "A reason of our own " * 10, note="local value")
    assert len(key) == 80
    assert key.startswith("reason.a_reason_of_our_own_a_reason")
    reference.confirm(policy, "reason.face_to_face.enforcement_paying_parent", note="checked with the team")
    with transaction() as session:
        audited = set(session.scalars(select(AuditEvent.entity_id).where(AuditEvent.entity_type == "reference_value")))
    assert {key, "reason.face_to_face.enforcement_paying_parent"} <= audited


def test_policy_staff_add_a_value_by_its_cms_list_and_wording_and_the_csv_round_trips_it(demo_db, policy):
    """QA: the page asked policy staff for a key ("resolution_code.visit_completed"). They give the list and the
    words; the key is made for them, and the CSV export carries it so an import reads the value back unchanged."""
    key = reference.add(policy, "Resolution Code", "  Visit   Completed ")
    assert key == "resolution_code.visit_completed"
    added = next(e for e in reference.list_entries(policy) if e.key == key)
    assert (added.kind, added.value, added.source) == ("Resolution Code", "Visit Completed", "local")
    # A wording that reads alike as a key is another value: it gets a key of its own.
    assert reference.add(policy, "Resolution Code", "Visit-Completed!") == "resolution_code.visit_completed_2"
    assert _exported(policy)[key]["value"] == "Visit Completed"
    result = reference.import_csv(policy, reference.export_csv(policy))
    assert (result.corrected, result.added) == (0, 0)


def test_a_value_the_list_already_has_in_any_capitals_is_refused_at_the_value_and_adds_nothing(demo_db, policy):
    with pytest.raises(ValidationFailed) as refused:
        reference.add(policy, "Resolution Code", "completed")
    assert refused.value.errors == {
        "value": "The Resolution Code list already has 'Completed': choose it under 'Confirm or correct a value' to "
        "confirm or correct it."
    }
    with pytest.raises(ValidationFailed) as published:
        reference.add(policy, "Process", "TRANSITION")
    assert published.value.errors == {
        "value": "The Process list already has 'Transition', quoted from the published procedures: there is "
        "nothing to add."
    }
    with pytest.raises(ValidationFailed) as blank:
        reference.add(policy, "Colour", "  ")
    assert blank.value.errors == {
        "kind": "Choose the CMS list the value belongs to.",
        "value": "Enter the value exactly as CMS shows it.",
    }
    # Another list may hold the same words: "Completed" as a Reason is a value of its own.
    assert reference.add(policy, "Reason", "Completed") == "reason.completed"
    with transaction() as session:
        assert session.scalar(select(func.count()).select_from(ReferenceValue)) == 1


def test_policy_staff_with_the_longest_display_name_a_user_may_have_confirm_and_correct_values(demo_db, actor_for):
    """A value confirmed or corrected keeps who set it by their display name, which may be 200 characters
    (services/users.py): PostgreSQL refused one over 100 ("value too long"), so the change was lost (refvalues2)."""
    name = "Dr " + "Long-Name " * 19 + "Pollock"  # 200 characters, the most the Users page accepts
    assert len(name) == users.DISPLAY_NAME_MAX
    users.add_user(None, username="policy.long", display_name=name, role="policy", password=None)
    long_named = actor_for("policy.long")
    reference.confirm(long_named, "resolution_code.completed", note="As our CMS shows it")
    reference.correct(long_named, "resolution_code.referral_rejected", "Rejected By VSAT")
    rows = _exported(long_named)
    assert rows["resolution_code.completed"]["confirmed_by"] == name
    corrected = rows["resolution_code.referral_rejected"]
    assert (corrected["value"], corrected["confirmed_by"]) == ("Rejected By VSAT", name)


def test_a_note_longer_than_the_limit_is_refused_at_the_note_and_records_nothing(demo_db, policy):
    """QA (policy, Chromium): the optional note had no length limit."""
    with pytest.raises(ValidationFailed) as info:
        reference.confirm(policy, "resolution_code.completed", note="x" * (reference.MAX_NOTE + 1))
    assert info.value.errors == {"note": "Keep this to 500 characters or fewer (it has 501)."}
    with transaction() as session:
        assert session.scalar(select(func.count()).select_from(ReferenceValue)) == 0
    reference.confirm(policy, "resolution_code.completed", note="  " + "x" * reference.MAX_NOTE + "  ")
    with transaction() as session:
        assert session.scalars(select(ReferenceValue.note)).one() == "x" * reference.MAX_NOTE  # trimmed, kept whole
