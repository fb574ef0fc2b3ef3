"""The render budget inside a letter worker: an upload check's one budget covers all its samples."""

from __future__ import annotations

import time

import pytest

from letters import worker


def _busy(seconds: float) -> None:
    """Python work (not a sleep), as a template render is: the alarm's handler runs between its bytecodes."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
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
