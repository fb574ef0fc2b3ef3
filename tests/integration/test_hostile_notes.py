"""Notes typed with hostile text go through the service layer and are stored exactly as cleaned, on both databases."""

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from db.models import AuditEvent, Note, ServiceRequest, Team
from domain.values import FieldError, clean_text
from services.errors import ValidationFailed
from services.service_requests import add_sr_note
from services.transaction import transaction
from tests.unit.test_hostile_input import HOSTILE


def _own_sr() -> str:
    with transaction() as session:
        team_id = session.scalar(select(Team.id).where(Team.name == "CSA Rules Reassessment Team"))
        return session.scalars(select(ServiceRequest.number).where(ServiceRequest.team_id == team_id)).first()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(raw=st.one_of(HOSTILE, st.text(min_size=1, max_size=50).map(lambda t: f"{{{{ {t} }}}} <w:t>{t}</w:t> \x00")))
@example(raw="Paid £65.00 & <ok> {{ letter.body }} {% include '/etc/passwd' %}\r\n\tend\x00")
def test_any_note_text_is_stored_exactly_as_cleaned_or_refused_with_nothing_saved(demo_db, actor_for, raw):
    actor, number = actor_for("caseworker"), _own_sr()
    with transaction() as session:
        last_note = session.scalar(select(Note.id).order_by(Note.id.desc()).limit(1)) or 0
    try:
        expected, refusal = clean_text(raw, field="note"), None
    except FieldError as exc:
        expected, refusal = "", exc.message
    if refusal is not None:
        with pytest.raises(ValidationFailed) as info:
            add_sr_note(actor, number, raw)
        assert info.value.errors == {"note": refusal}
        with transaction() as session:
            assert (session.scalar(select(Note.id).order_by(Note.id.desc()).limit(1)) or 0) == last_note
        return
    detail = add_sr_note(actor, number, raw)
    assert detail.notes[-1] == expected
    with transaction() as session:
        note = session.scalars(select(Note).where(Note.id > last_note)).one()
        assert note.text == expected
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.entity_type == "note", AuditEvent.entity_id == str(note.id))
        ).one()
        assert event.after == {"text": expected}
