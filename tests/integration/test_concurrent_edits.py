"""Two people saving the same SR: the second gets a clear conflict with a reload, never a silent overwrite."""

import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from db.models import AuditEvent, ServiceRequest, Team, User
from services.audit import verify_chain
from services.errors import ConflictError
from services.service_requests import open_sr, update_sr_fields
from services.transaction import transaction


def _own_sr() -> str:
    with transaction() as session:
        team_id = session.scalar(select(Team.id).where(Team.name == "CSA Rules Reassessment Team"))
        return session.scalars(
            select(ServiceRequest.number)
            .where(ServiceRequest.team_id == team_id, ServiceRequest.status == "Open")
            .order_by(ServiceRequest.id)
        ).first()


def test_a_stale_screen_gets_a_conflict_with_a_reload_and_the_first_save_stays(demo_db, actor_for):
    number = _own_sr()
    first, second = actor_for("caseworker"), actor_for("teamleader")
    seen_by_first, seen_by_second = open_sr(first, number), open_sr(second, number)
    assert seen_by_first.version == seen_by_second.version

    saved = update_sr_fields(first, number, expected_version=seen_by_first.version, reason="Hearing booked")
    assert saved.version == seen_by_first.version + 1

    with pytest.raises(ConflictError, match="Reload to see the change") as info:
        update_sr_fields(second, number, expected_version=seen_by_second.version, reason="Not proceeding")
    assert (info.value.seen, info.value.saved) == (seen_by_second.version, saved.version)
    assert "version" not in info.value.message  # a row version means nothing to a user
    assert open_sr(second, number).reason == "Hearing booked"

    reloaded = open_sr(second, number)  # the reload option: the second user sees the first's change, then saves
    assert update_sr_fields(second, number, expected_version=reloaded.version, reason="Not proceeding").reason == (
        "Not proceeding"
    )
    with transaction() as session:
        sr_id = session.scalar(select(ServiceRequest.id).where(ServiceRequest.number == number))
        updates = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.sr_id == sr_id, AuditEvent.action == "sr.updated")
            .order_by(AuditEvent.id)
        ).all()
    assert [(e.actor_name, e.after["reason"]) for e in updates[-2:]] == [
        ("caseworker", "Hearing booked"),
        ("teamleader", "Not proceeding"),
    ]


def test_bad_input_on_an_sr_edit_is_refused_at_the_field_and_nothing_changes(demo_db, actor_for):
    from services.errors import ValidationFailed

    number, actor = _own_sr(), actor_for("caseworker")
    seen = open_sr(actor, number)
    with pytest.raises(ValidationFailed) as info:
        update_sr_fields(
            actor, number, expected_version=seen.version, reason="x" * 201, court_fee="-5", status="Closed"
        )
    assert set(info.value.errors) == {"reason", "court_fee", "status"}
    assert open_sr(actor, number) == seen


def _race(threads: int, target) -> list[BaseException | object]:
    """Start `threads` workers together (a barrier), return what each returned or raised."""
    barrier = threading.Barrier(threads)
    results: list[BaseException | object] = [None] * threads

    def work(i: int) -> None:
        barrier.wait()
        try:
            results[i] = target(i)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted on below
            results[i] = exc

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    return results


@pytest.mark.postgres
def test_threads_saving_the_same_version_on_postgresql_exactly_one_wins(pg_demo_db, actor_for):
    number, actor = _own_sr(), actor_for("caseworker")
    version = open_sr(actor, number).version
    results = _race(8, lambda i: update_sr_fields(actor, number, expected_version=version, reason=f"thread {i}"))
    winners = [r for r in results if not isinstance(r, BaseException)]
    losers = [r for r in results if isinstance(r, BaseException)]
    assert len(winners) == 1, results
    assert all(isinstance(r, ConflictError) for r in losers), losers
    final = open_sr(actor, number)
    assert final.version == version + 1
    assert final.reason == winners[0].reason


@pytest.mark.postgres
def test_threads_that_reload_and_retry_lose_no_update_on_postgresql(pg_demo_db, actor_for):
    """Each thread adds £1.00 to the court fee several times, reloading on conflict: every pound arrives."""
    number, actor = _own_sr(), actor_for("caseworker")
    threads, rounds = 6, 5
    conflicts = [0] * threads
    with transaction() as session:
        sr_id = session.scalar(select(ServiceRequest.id).where(ServiceRequest.number == number))
        writes_before = session.scalar(
            select(func.count()).where(AuditEvent.sr_id == sr_id, AuditEvent.action == "sr.updated")
        )

    # Every thread reads the SR before any saves its first pound, so the first round always overlaps (one wins,
    # the rest conflict and reload); the rounds after race freely. Without it, a machine that happened to run the
    # threads one after another would see no conflict and fail the check below that this run proved something.
    all_read = threading.Barrier(threads)

    def add_pounds(i: int) -> None:
        for round_ in range(rounds):
            first_try = round_ == 0
            while True:
                seen = open_sr(actor, number)
                if first_try:
                    all_read.wait(timeout=60)
                    first_try = False
                try:
                    update_sr_fields(
                        actor,
                        number,
                        expected_version=seen.version,
                        court_fee=(seen.court_fee or Decimal("0")) + Decimal("1.00"),
                    )
                    break
                except ConflictError:
                    conflicts[i] += 1

    base = open_sr(actor, number)
    results = _race(threads, add_pounds)
    assert not [r for r in results if isinstance(r, BaseException)], results
    final = open_sr(actor, number)
    assert final.court_fee == (base.court_fee or Decimal("0")) + threads * rounds
    assert final.version == base.version + threads * rounds
    assert sum(conflicts) >= threads - 1, "the first round's overlap did not conflict"
    with transaction() as session:
        writes = session.scalar(
            select(func.count()).where(AuditEvent.sr_id == sr_id, AuditEvent.action == "sr.updated")
        )
        assert writes == writes_before + threads * rounds
        assert verify_chain(session).ok


def test_an_sr_date_outside_a_sensible_range_or_without_a_time_zone_is_refused(demo_db, actor_for):
    from datetime import date, datetime

    from services.errors import ValidationFailed

    number, actor = _own_sr(), actor_for("caseworker")
    seen = open_sr(actor, number)
    with pytest.raises(ValidationFailed) as info:
        update_sr_fields(
            actor,
            number,
            expected_version=seen.version,
            review_date=date(1066, 10, 14),
            hearing_at=datetime(2027, 3, 1, 10, 0),  # naive: which time zone?
        )
    assert info.value.errors["review_date"].startswith("Enter a date between 5 April 1993")
    assert "time zone" in info.value.errors["hearing_at"]
    assert open_sr(actor, number) == seen


# --- A team leader reassigning an SR while its caseworker edits it --------------------------------


def _unowned_by(*worker_ids: int) -> tuple[int, str, int | None]:
    """(id, number, owner) of an open SR of the CSA team owned by none of `worker_ids` (each is given it in a test: an
    SR already theirs would move nothing)."""
    with transaction() as session:
        team_id = session.scalar(select(Team.id).where(Team.name == "CSA Rules Reassessment Team"))
        sr = session.scalars(
            select(ServiceRequest)
            .where(
                ServiceRequest.team_id == team_id,
                ServiceRequest.status == "Open",
                ServiceRequest.owner_id.not_in(worker_ids) | ServiceRequest.owner_id.is_(None),
            )
            .order_by(ServiceRequest.id)
        ).first()
        return sr.id, sr.number, sr.owner_id


def _owner(sr_id: int) -> int | None:
    with transaction() as session:
        return session.get_one(ServiceRequest, sr_id).owner_id


def test_reassigning_from_the_console_after_the_caseworker_saved_is_a_conflict_and_nothing_moves(demo_db, actor_for):
    from services import console

    leader, worker = actor_for("teamleader"), actor_for("caseworker")
    sr_id, number, owner = _unowned_by(worker.user_id)
    row = next(r for r in console.outstanding_page(leader, page_size=500).rows if r.id == sr_id)  # the console screen
    update_sr_fields(leader, number, expected_version=row.version, reason="Edited meanwhile")  # the other session
    with pytest.raises(ConflictError, match="Reload"):
        console.reassign(leader, [sr_id], worker.user_id, "Covering leave", expected_versions={sr_id: row.version})
    assert (_owner(sr_id), open_sr(leader, number).reason) == (owner, "Edited meanwhile")


@pytest.mark.postgres
def test_threads_reassigning_and_editing_the_same_sr_on_postgresql_exactly_one_wins(pg_demo_db, actor_for):
    from services import console

    leader, worker = actor_for("teamleader"), actor_for("caseworker")
    sr_id, number, owner = _unowned_by(worker.user_id)
    seen = open_sr(leader, number)
    version = seen.version

    def act(i: int):
        if i % 2:
            return console.reassign(leader, [sr_id], worker.user_id, f"thread {i}", expected_versions={sr_id: version})
        return update_sr_fields(leader, number, expected_version=version, reason=f"thread {i}")

    with transaction() as session:  # the demo may have changed the SR already (its worked runs): only the race counts
        before = session.scalar(select(func.max(AuditEvent.id))) or 0
    results = _race(8, act)
    winners = [r for r in results if not isinstance(r, BaseException)]
    assert len(winners) == 1, results
    assert all(isinstance(r, ConflictError) for r in results if isinstance(r, BaseException)), results
    final = open_sr(leader, number)
    assert final.version == version + 1
    if isinstance(winners[0], console.Reassigned):
        assert (_owner(sr_id), final.reason) == (worker.user_id, seen.reason)  # moved; no edit slipped in
    else:
        assert (_owner(sr_id), final.reason) == (owner, winners[0].reason)  # edited; nothing moved
    with transaction() as session:
        moved = session.scalar(
            select(func.count()).where(
                AuditEvent.id > before, AuditEvent.sr_id == sr_id, AuditEvent.action == "sr.reassigned"
            )
        )
        edited = session.scalar(
            select(func.count()).where(
                AuditEvent.id > before, AuditEvent.sr_id == sr_id, AuditEvent.action == "sr.updated"
            )
        )
        assert moved + edited == 1
        assert verify_chain(session).ok


def _second_caseworker(team_id: int, besides: int) -> int:
    with transaction() as session:
        found = session.scalar(
            select(User.id).where(
                User.team_id == team_id, User.role == "caseworker", User.is_active.is_(True), User.id != besides
            )
        )
        assert found is not None, "the demo team should have two caseworkers"
        return found


@pytest.mark.postgres
def test_two_team_leaders_reassigning_one_sr_at_once_on_postgresql_the_second_is_told_to_reload(pg_demo_db, actor_for):
    """Two team leaders have the same list open and give the same SR to different caseworkers at once: one
    move lands, the other is refused with a plain reload message, and the SR is where the first put it."""
    from services import console

    leader, worker = actor_for("teamleader"), actor_for("caseworker")
    other_worker = _second_caseworker(leader.team_id, worker.user_id)
    sr_id, _number, _first_owner = _unowned_by(worker.user_id, other_worker)
    shown = next(r for r in console.outstanding_page(leader, page_size=500).rows if r.id == sr_id)  # both screens
    targets = (worker.user_id, other_worker)

    def act(i: int):
        reason = f"team leader {i + 1}"
        return console.reassign(leader, [sr_id], targets[i], reason, expected_versions={sr_id: shown.version})

    results = _race(2, act)
    winners = [r for r in results if isinstance(r, console.Reassigned)]
    refused = [r for r in results if isinstance(r, ConflictError)]
    assert (len(winners), len(refused)) == (1, 1), results
    message = str(refused[0])
    assert "Reload" in message
    assert "version" not in message.lower()
    winner = targets[results.index(winners[0])]
    assert _owner(sr_id) == winner
    with transaction() as session:
        moved = session.scalars(
            select(AuditEvent).where(AuditEvent.sr_id == sr_id, AuditEvent.action == "sr.reassigned")
        ).all()
        assert [e.after["owner_id"] for e in moved] == [winner]
    # A third try from the same (now stale) screen is refused before anything is written.
    with pytest.raises(ConflictError, match="Reload the page"):
        console.reassign(leader, [sr_id], targets[0], "again", expected_versions={sr_id: shown.version})
