"""The server's warm-up thread imports the table and letter libraries (in a fresh interpreter, as a server)."""

import subprocess
import sys

from tests.app.helpers import ROOT

SCRIPT = """
import sys
import ui.warm_up as w
before = [m for m in w.MODULES if m in sys.modules]
first = w.start()
assert w.start() is first, "a second start makes a second thread"
first.join(120)
print(before, [m for m in w.MODULES if m not in sys.modules])
"""


def test_the_warm_up_imports_every_listed_module_once_per_process_in_the_background():
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, check=True, timeout=180
    ).stdout
    assert out.strip() == "[] []"  # none loaded before, none missing after
