"""The server's warm-up thread imports the table and letter libraries, then takes what is loaded out of the
garbage collector's sight (in a fresh interpreter, as a server)."""

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
print(before, [m for m in w.MODULES if m not in sys.modules])
"""


def test_the_warm_up_imports_every_listed_module_once_per_process_in_the_background_then_freezes_them():
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, check=True, timeout=180
    ).stdout
    assert out.strip() == "[] []"  # none loaded before, none missing after
