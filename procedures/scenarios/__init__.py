"""Practice scenarios as data: one JSON file per procedure, a list of scenarios (issue 18).

A scenario is a fictional case's facts (`facts`, over services.practice_case.FICTIONAL_CASE: fictional names,
towns, courts and people only), the SR the caseworker is allocated when the procedure works on one
(`allocated_sr`), and the expected path as `walk`: each step with the answers the published procedure expects
there and, in `event`, what the caseworker learns at that step, in the words a colleague would use ("The court
presenting team replies: ..."). A step may let time pass first: `days_later` moves the practice calendar on,
and `working_day` then on to the next working day of the case's region. Values may say "today+7" or
"today+7 10:30" (dates relative to the practice calendar) and "pdf:<name>" (a blank PDF upload).
tests/practice/test_scenarios.py checks every scenario walks to the end of its procedure on any start day,
that together they take every branch, that a procedure's scenarios tell different stories, and that titles,
summaries, events and typed answers read as prose (no internal names or placeholders).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent


@cache
def builtin() -> dict[str, dict[str, Any]]:
    """Every committed scenario by key, in file then list order."""
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(HERE.glob("*.json")):
        for scenario in json.loads(path.read_text(encoding="utf-8")):
            out[scenario["key"]] = scenario
    return out
