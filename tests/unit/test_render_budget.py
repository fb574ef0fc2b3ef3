"""The render budget inside a letter worker: an upload check's one budget covers all its samples."""

from __future__ import annotations

import time

import pytest

from letters import worker


def _busy(seconds: float) -> None:
    """`seconds` of processor time spent on Python work (not a sleep), as a template render spends it: the budget's
    handler runs between its bytecodes. Timed by the processor, not the clock, as the budget is: on a busy machine
    a loop timed by the clock does less work than it says."""
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_samples_each_under_the_budget_are_stopped_when_together_they_pass_it(monkeypatch) -> None:
    monkeypatch.setenv("CASEWORK_RENDER_SECONDS", "0.5")
    done: list[int] = []
    with pytest.raises(worker.BudgetExceeded, match="took longer than 0.5 seconds"), worker.time_limit():
        for sample in range(5):  # five samples of 0.35 s: each under the budget, the check over it in the second
            with worker.time_limit():
                _busy(0.35)
            done.append(sample)
    assert done == [0]  # stopped inside the second sample, not after the fifth (with a budget per sample)


def test_a_render_on_its_own_has_the_whole_budget_and_the_budget_ends_with_it(monkeypatch) -> None:
    monkeypatch.setenv("CASEWORK_RENDER_SECONDS", "0.5")
    with worker.time_limit():
        _busy(0.35)
    with worker.time_limit():  # a fresh budget: the last one ended with its block
        _busy(0.35)
    _busy(0.7)  # no alarm left armed outside a budget


def test_the_budget_counts_the_work_a_render_does_not_the_time_a_busy_machine_takes(monkeypatch) -> None:
    """A normal upload check was refused "took longer than 2 seconds" while other work kept the machine busy (seen
    in the tests on 7 December 2026): the budget was wall-clock time. It is processor time: time the worker spends
    waiting for the processor (here, asleep) does not count; work does. A worker that waits for ever is stopped by
    the caller's wall-clock backstop instead."""
    monkeypatch.setenv("CASEWORK_RENDER_SECONDS", "0.3")
    with worker.time_limit():
        time.sleep(0.6)  # twice the budget on the clock, next to no processor time
    with pytest.raises(worker.BudgetExceeded, match="took longer than 0.3 seconds"), worker.time_limit():
        _busy(0.6)
