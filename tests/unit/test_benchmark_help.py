"""Issue 16: every script in benchmarks/ answers `--help` with its usage and exits 0 (until 5 December 2026
run_all.py had no argument parser: it read `--help` as the name of a benchmark)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import run_all

SCRIPTS = [*run_all.scripts([]), Path(run_all.__file__)]  # what `make bench` runs, and the runner itself


def test_the_scripts_are_found() -> None:
    assert {"wizard_bench.py", "wizard_browser.py", "save_floor.py", "audit_and_backup.py"} <= {p.name for p in SCRIPTS}


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_each_benchmark_answers_help(script: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(script), "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage:"), done.stdout[:200]
