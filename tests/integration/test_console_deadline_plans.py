"""The team's deadline list is read one of two ways (from the team's SRs for a small team, along the due-date
index for a large one); both give the same rows, and the choice follows the team's share of all SRs.

The expected rows are worked out from the ORM in Python (an independent oracle)."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import import_module
from math import isqrt

import pytest
from sqlalchemy import select

from db.engine import engine_for
from db.models import Case, Deadline, ServiceRequest
from domain.clock import utcnow
from services import records
from services.console import ConsoleFilter, deadlines, filter_params, overview
from services.console.filters import shape_of
from services.console.queries import counts_and_ageing_in
from services.transaction import transaction
from tests.sent_statements import sent_statements

# The module itself: `services.console.deadlines` as an attribute is the package's function of that name.
plans = import_module("services.console.deadlines")

FILTERS = [
    ConsoleFilter(),
    ConsoleFilter(potentially_violent=True),
    ConsoleFilter(potentially_violent=False),
    ConsoleFilter(sensitive=True),
    ConsoleFilter(due="overdue"),
    ConsoleFilter(due="due_soon"),
    ConsoleFilter(procedure="P5a"),
    ConsoleFilter(statuses=("Open", "In Progress", "Closed")),
]


def _rows(statement, team_id: int, filters: ConsoleFilter, limit: int) -> list[tuple]:
    with transaction(read_only=True) as session:
        params = filter_params(team_id, filters, utcnow()) | {"limit": limit}
        return [tuple(r) for r in session.connection().execute(statement(shape_of(filters)), params)]


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: repr(f)[14:60])
@pytest.mark.parametrize("limit", [3, 1000])
def test_both_ways_of_reading_the_deadlines_give_the_same_rows(demo_db, actor_for, filters, limit):
    team_id = actor_for("teamleader").team_id
    team_first = _rows(plans._team_deadline_rows_statement, team_id, filters, limit)
    along_due = _rows(plans._deadline_rows_statement, team_id, filters, limit)
    assert team_first == along_due
    if filters == ConsoleFilter():
        assert len(team_first) == min(limit, len(_oracle(team_id)))
        assert [(r[0], r[3], r[4]) for r in team_first] == _oracle(team_id)[:limit]


def _oracle(team_id: int) -> list[tuple[int, str, datetime]]:
    """The team's open SRs' open deadlines, soonest first, ties by deadline id."""
    with transaction(read_only=True) as session:
        found = session.execute(
            select(Deadline.sr_id, Deadline.kind, Deadline.due_at, Deadline.id)
            .join(ServiceRequest, ServiceRequest.id == Deadline.sr_id)
            .where(ServiceRequest.team_id == team_id, ServiceRequest.status != "Closed", ~Deadline.done)
        ).all()
    return [(s, k, d) for s, k, d, _ in sorted(found, key=lambda r: (r[2], r[3]))]


def test_the_demo_team_is_read_from_its_own_srs_and_a_team_with_a_large_share_along_the_index(demo_db, actor_for):
    leader = actor_for("teamleader")
    with transaction(read_only=True) as session:
        all_srs = session.scalar(select(ServiceRequest.id).order_by(ServiceRequest.id.desc()).limit(1))
        open_srs = len(
            session.scalars(
                select(ServiceRequest.id).where(
                    ServiceRequest.team_id == leader.team_id, ServiceRequest.status != "Closed"
                )
            ).all()
        )
        # sqrt(limit x all SRs) is the threshold: the demo team is below it at 100 rows ...
        assert open_srs**2 < 100 * all_srs
        assert plans._small_team(session, leader.team_id, ConsoleFilter(), 100)
        # ... and above it when only one row is wanted (walking the index finds one of its own at once).
        assert open_srs**2 > 1 * all_srs
        assert not plans._small_team(session, leader.team_id, ConsoleFilter(), 1)


def test_the_list_is_the_same_whichever_way_it_is_read(demo_db, actor_for, monkeypatch):
    """The whole service answer (Deadline rows merged with the dates held on SRs) does not depend on the plan."""
    leader = actor_for("teamleader")
    with transaction() as session:  # a hearing held only on its SR: it joins the Deadline rows in the list
        case = session.scalars(select(Case).where(Case.team_id == leader.team_id).order_by(Case.id)).first()
        records.create_sr(
            session, leader, case=case, process="Enforcement", area="Court Presentation",
            sub_area="County Court", hearing_at=datetime(2026, 12, 3, 10, tzinfo=UTC),
        )  # fmt: skip
    now = datetime(2026, 12, 1, 9, tzinfo=UTC)
    answers = []
    for small in (True, False):
        monkeypatch.setattr(plans, "_small_team", lambda *a, small=small, **_: small)
        answers.append([deadlines(leader, f, limit=1000, now=now) for f in FILTERS])
    assert answers[0] == answers[1]
    assert any(d.source == "deadline" for d in answers[0][0])
    assert any(d.source == "sr" for answer in answers[0] for d in answer)


def test_a_pv_filter_joins_the_cases_in_the_team_first_reading(demo_db, actor_for):
    team_id = actor_for("teamleader").team_id
    flagged = _rows(plans._team_deadline_rows_statement, team_id, ConsoleFilter(potentially_violent=True), 1000)
    with transaction(read_only=True) as session:
        pv = set(session.scalars(select(Case.scin).where(Case.potentially_violent)).all())
    assert {r[2] for r in flagged} <= pv


def _team_counts(sent: list[str]) -> list[str]:
    """The statements counting the team's matching SRs up to the cap (`_matching_statement`)."""
    return [s for s in sent if s.lower().startswith("select count(*)") and " limit " in s.lower()]


def test_a_count_the_caller_already_has_chooses_the_plan_without_counting_again(demo_db, actor_for):
    leader = actor_for("teamleader")
    engine = engine_for(demo_db.url)
    with transaction(read_only=True) as session:
        with sent_statements(engine) as sent:
            counted = plans._small_team(session, leader.team_id, ConsoleFilter(), 100)
        assert counted  # the demo team is small (the test above)
        assert len(_team_counts(sent)) == 1
        for matching, small in ((0, True), (10**9, False)):
            with sent_statements(engine) as sent:
                chosen = plans._small_team(session, leader.team_id, ConsoleFilter(), 100, matching)
            assert chosen is small
            assert not _team_counts(sent)


def test_the_page_chooses_its_deadline_plan_from_its_own_counts(demo_db, actor_for):
    """console.overview counts the team's SRs matching the filter for the page anyway, which is the number the
    deadline list's choice needs, so under no filter does the list send a count of its own. The page lists what
    the deadline list alone does."""
    leader = actor_for("teamleader")
    now = utcnow()
    engine = engine_for(demo_db.url)
    for filters in FILTERS:
        with sent_statements(engine) as sent:
            seen = overview(leader, filters, now=now)
        assert not _team_counts(sent), filters
        assert seen.deadlines == deadlines(leader, filters, now=now)
    with sent_statements(engine) as alone:
        deadlines(leader, ConsoleFilter(), now=now)
    assert len(_team_counts(alone)) == 1  # the list alone still counts (the marker above matches it)


def test_the_choice_counts_the_srs_the_whole_filter_keeps_not_the_team_by_status(demo_db, actor_for):
    """A team too large to read from its own SRs, filtered to its potentially violent ones, is few enough: the
    walk along the due-date index would pass every other SR's deadlines to find theirs."""
    leader = actor_for("teamleader")
    pv = ConsoleFilter(potentially_violent=True)
    with transaction(read_only=True) as session:
        highest = session.scalar(select(ServiceRequest.id).order_by(ServiceRequest.id.desc()).limit(1))
        team_open = select(ServiceRequest.id).where(
            ServiceRequest.team_id == leader.team_id, ServiceRequest.status != "Closed"
        )
        n_team = len(session.scalars(team_open).all())
        n_pv = len(
            session.scalars(
                team_open.join(Case, Case.id == ServiceRequest.case_id).where(Case.potentially_violent)
            ).all()
        )
        limit = (n_pv + 1) ** 2 // highest + 1  # the smallest limit whose threshold is above the flagged SRs
        assert n_pv < isqrt(limit * highest) <= n_team, "the demo data no longer puts the threshold between them"
        assert plans._small_team(session, leader.team_id, pv, limit)
        assert not plans._small_team(session, leader.team_id, ConsoleFilter(), limit)
        assert not plans._small_team(session, leader.team_id, pv, limit, n_pv + 10**6)  # a given count decides


@pytest.mark.parametrize("limit", [1, 100])
def test_the_count_the_page_passes_makes_the_same_choice_as_counting(demo_db, actor_for, limit):
    """For every filter, the plan chosen with the page's count is the plan chosen by counting (both sides of the
    threshold: the demo team is small at 100 rows and large at 1)."""
    leader = actor_for("teamleader")
    now = utcnow()
    with transaction(read_only=True) as session:
        for filters in FILTERS:
            counted, _ = counts_and_ageing_in(session, leader.team_id, filters, now=now)
            given = plans._small_team(session, leader.team_id, filters, limit, counted.total)
            assert given == plans._small_team(session, leader.team_id, filters, limit, now=now), filters
