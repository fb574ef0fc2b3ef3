"""Hostile input to the team leader console: any filter values are either refused at their field or give
a page of the team's own SRs; any reassignment reason is refused at the field (nothing moves) or kept
exactly as cleaned in the audit trail. On SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from db.models import AuditEvent, ServiceRequest
from domain.values import FieldError, clean_text
from services import console
from services.console import ConsoleFilter
from services.errors import ValidationFailed
from services.transaction import transaction
from tests.unit.test_hostile_input import HOSTILE

DB_SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
FILTER_FIELDS = {f.name for f in dataclasses.fields(ConsoleFilter)}
AGES = st.one_of(st.none(), st.integers(min_value=-(10**12), max_value=10**12))
TEXT_OR_NONE = st.one_of(st.none(), st.text(max_size=40), st.sampled_from(["P5a", "P1", "overdue", "due_soon"]))
FILTERS = st.builds(
    ConsoleFilter,
    owner_id=st.one_of(st.none(), st.integers(min_value=-(2**31), max_value=2**31)),
    procedure=TEXT_OR_NONE,
    catalogue_label=st.one_of(TEXT_OR_NONE, st.sampled_from(console.catalogue_labels())),
    statuses=st.lists(
        st.one_of(st.text(max_size=12), st.sampled_from(["Open", "In Progress", "Closed"])), max_size=4
    ).map(tuple),
    min_age_days=AGES,
    max_age_days=AGES,
    potentially_violent=st.one_of(st.none(), st.booleans()),
    sensitive=st.one_of(st.none(), st.booleans()),
    due=TEXT_OR_NONE,
)


@DB_SETTINGS
@given(filters=FILTERS)
@example(filters=ConsoleFilter(min_age_days=10**12, statuses=("Closed'; --",), procedure="{{ 7*7 }}"))
@example(filters=ConsoleFilter(owner_id=2**31))  # beyond PostgreSQL's INTEGER: was a DataError, not a field error
def test_any_console_filter_is_refused_at_its_fields_or_lists_only_the_teams_srs(demo_db, actor_for, filters):
    leader = actor_for("teamleader")
    if filters.problems():
        with pytest.raises(ValidationFailed) as info:
            console.outstanding_page(leader, filters)
        assert set(info.value.errors) <= FILTER_FIELDS
        assert all(message.strip() for message in info.value.errors.values())
        return
    page = console.outstanding_page(leader, filters)
    total = console.counts(leader, filters).total
    assert len(page.rows) <= total
    with transaction() as session:
        teams = {session.get_one(ServiceRequest, r.id).team_id for r in page.rows}
    assert teams <= {leader.team_id}


def _movable(leader, worker) -> console.ConsoleRow:
    rows = console.outstanding_page(leader, ConsoleFilter(), page_size=500).rows
    return next(r for r in rows if r.owner_id != worker.user_id)


@DB_SETTINGS
@given(reason=st.one_of(HOSTILE, st.text(min_size=190, max_size=210)))
@example(reason="Covering leave {{ 7*7 }} <w:t>&amp;</w:t> \x00\x1b[31m")
@example(reason="   \t\n ")
def test_any_reassignment_reason_is_refused_at_the_field_or_audited_exactly_as_cleaned(demo_db, actor_for, reason):
    leader, worker = actor_for("teamleader"), actor_for("caseworker")
    row = _movable(leader, worker)
    try:
        expected = clean_text(reason, field="reason", max_chars=200)
    except FieldError:
        with pytest.raises(ValidationFailed) as info:
            console.reassign(leader, [row.id], worker.user_id, reason, expected_versions={row.id: row.version})
        assert set(info.value.errors) == {"reason"}
        with transaction() as session:
            assert session.get_one(ServiceRequest, row.id).owner_id == row.owner_id
        return
    console.reassign(leader, [row.id], worker.user_id, reason, expected_versions={row.id: row.version})
    with transaction() as session:
        assert session.get_one(ServiceRequest, row.id).owner_id == worker.user_id
        event = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "sr.reassigned", AuditEvent.sr_id == row.id)
            .order_by(AuditEvent.id.desc())
        ).first()
        assert event.after["reason"] == expected
        session.get_one(ServiceRequest, row.id).owner_id = row.owner_id  # put it back for the next example


def test_an_owner_id_no_database_integer_holds_is_refused_at_the_owner_field():
    assert ConsoleFilter(owner_id=2**31).problems() == {"owner_id": "Choose an owner from the list."}
    assert ConsoleFilter(owner_id=-1).problems() == {"owner_id": "Choose an owner from the list."}
    assert ConsoleFilter(owner_id=2**31 - 1).problems() == {}
