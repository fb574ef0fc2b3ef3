"""The server's warm-up thread imports the table, letter and bank-holiday libraries, then takes what is loaded
out of the garbage collector's sight (in a fresh interpreter, as a server)."""

import subprocess
import sys

from tests.app.helpers import ROOT

SCRIPT = """
import gc
import sys
import ui.warm_up as w
before = [m for m in w.MODULES if m in sys.modules]
first = w.start()
assert w.start() is first, "a second start makes a second thread"
first.join(120)
import pandas
frozen = gc.get_freeze_count()
assert frozen > 10 * len(gc.get_objects()), (frozen, len(gc.get_objects()))  # the libraries frozen, few left
assert not any(o is pandas.DataFrame for o in gc.get_objects()), "a library class is still walked by the collector"
from datetime import date
from domain.clock import bank_holiday
loaded = set(sys.modules)
assert bank_holiday(date(2026, 12, 25), "England") == "Christmas Day"
late = sorted(m for m in set(sys.modules) - loaded if m.startswith("holidays"))
assert not late, f"the first working-day sum imported {late[:3]} (a user's first step waits for it)"
print(before, [m for m in w.MODULES if m not in sys.modules])
"""


def test_the_warm_up_imports_every_listed_module_once_per_process_in_the_background_then_freezes_them():
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, check=True, timeout=180
    ).stdout
    assert out.strip() == "[] []"  # none loaded before, none missing after
