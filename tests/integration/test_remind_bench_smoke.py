"""The reminders benchmark at a tiny size, so it cannot rot: on PostgreSQL, an SR given a new owner after its
deadline was escalated is in `_due` now and not in the baseline (the statement before 7 December's seventh
session), the next run tells each new owner once, and then a whole run tells nothing and both statements agree; a
reassignment of a caseworker's SRs tells the new owner in its transaction (`tell_moved`, rolled back)."""

import pytest

from benchmarks import remind_bench

pytestmark = pytest.mark.postgres


# Generated data alone (no demo rows): one deadline an SR and a dozen caseworkers a team, so each SR given a new owner
# is exactly one deadline more for `_due` and one reminder for the next run.
@pytest.mark.parametrize("empty_db", ["postgres"], indirect=True)
def test_the_reminders_benchmark_sees_the_reassigned_srs_once_and_then_a_steady_state(empty_db, monkeypatch):
    monkeypatch.setattr(remind_bench, "REPEAT", 1)

    result = remind_bench.build(3000, pick=0)

    assert result.reassigned > 0
    pending, steady = result.pending, result.steady
    assert pending.before_rows < pending.now_rows  # the baseline misses the new owners, and only that
    assert len(pending.now_rows - pending.before_rows) == result.reassigned == result.told_new_owners
    assert pending.escalated_ids >= result.reassigned
    assert pending.escalated_found >= result.reassigned
    assert steady.now_rows == steady.before_rows == pending.before_rows
    assert steady.escalated_ids == 0
    assert steady.remind_told == 0
    assert steady.remind_ms is not None
    few, every = result.tellings  # a leaver's SRs given to a colleague: 50 of them, then all (each rolled back)
    assert few.srs == min(50, every.srs) > 0
    assert 0 < few.told <= every.told  # some of their SRs have deadlines to tell
