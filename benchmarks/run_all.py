"""Run every benchmark in benchmarks/ one after another and print their figures (`make bench`).

Each benchmark is its own script that measures a baseline in the same run; this only runs them in
turn, so one failing does not hide the others' figures. Pass names to run only some:

    .venv/bin/python benchmarks/run_all.py [wizard_bench audit_and_backup ...]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def scripts(names: list[str]) -> list[Path]:
    """The benchmark scripts to run: the named ones, or all of them."""
    found = sorted(p for p in HERE.glob("*.py") if p.name != "run_all.py" and not p.name.startswith("_"))
    if not names:
        return found
    wanted = {n.removesuffix(".py") for n in names}
    return [p for p in found if p.stem in wanted]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="benchmarks to run (file names, with or without .py); none: all")
    failed = []
    for script in scripts(parser.parse_args(argv).names):
        print(f"\n=== {script.stem}", flush=True)
        result = subprocess.run([sys.executable, str(script)], cwd=HERE.parent, check=False)  # noqa: S603
        if result.returncode:
            failed.append(script.stem)
    if failed:
        print(f"\nFailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
