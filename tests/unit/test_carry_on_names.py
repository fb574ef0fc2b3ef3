"""Each Carry on link in a list of runs has a name of its own (services/work.RunRow.carry_on, `_told_apart`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from services.views import BegunFrom
from services.work import RunRow, _told_apart

NOON = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)  # 12:00 in London (GMT)


def _run(run_id: str, started: datetime, *, sr: str | None = None, scin: str = "100000197975") -> RunRow:
    return RunRow(run_id, "P1", "search_legacy", "Search the legacy systems", scin, sr, started, None, started)


def test_a_run_on_an_sr_is_named_by_its_sr_alone():
    assert _run("a", NOON, sr="1-00000042").carry_on == "Carry on P1 on SR 1-00000042"
    assert _run("a", NOON, sr="1-00000042").started == ""


def test_two_runs_on_one_case_started_at_different_minutes_are_named_by_when_they_were_started():
    rows = _told_apart([_run("b", NOON + timedelta(minutes=5)), _run("a", NOON)])
    assert [r.carry_on for r in rows] == [
        "Carry on P1 on case 100000197975, started 7 December 2026, 12:05",
        "Carry on P1 on case 100000197975, started 7 December 2026, 12:00",
    ]


def test_two_runs_on_one_case_started_the_same_minute_are_numbered_by_which_came_first_in_the_lists_order():
    later, earlier = _run("a", NOON + timedelta(seconds=40)), _run("z", NOON + timedelta(seconds=5))
    other_case = _run("c", NOON, scin="100000000001")
    rows = _told_apart([later, other_case, earlier])
    assert [r.carry_on for r in rows] == [
        "Carry on P1 on case 100000197975, started 7 December 2026, 12:00 (2 of 2 started then)",
        "Carry on P1 on case 100000000001, started 7 December 2026, 12:00",
        "Carry on P1 on case 100000197975, started 7 December 2026, 12:00 (1 of 2 started then)",
    ]
    assert rows[0].started == "started 7 December 2026, 12:00 (2 of 2 started then)"  # the row's words too


def test_a_run_begun_from_an_sr_is_named_by_that_sr_and_when_it_was_started():
    begun = BegunFrom(7, "1-00000007", "Escalated Enquiries / Complaints / Resolution")
    row = replace(_run("a", NOON), begun_from=begun)
    assert row.carry_on == "Carry on P1 begun from SR 1-00000007, started 7 December 2026, 12:00"
