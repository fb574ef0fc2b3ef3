"""Median server time of one wizard step (AppTest click + rerun, with its database write) against a bare
Streamlit page with the same widgets, measured in the same run. Goal: at most 1.5x.

    .venv/bin/python benchmarks/wizard_bench.py [--steps 60] [--postgres] [--srs 1000000]

Both sides keep one compiled-script cache for the whole run, as the real server does (Streamlit's runtime
compiles each page once and reuses the bytecode); AppTest on its own makes a new ScriptCache on every rerun,
which recompiles app.py and the page each click and would time the compiler instead of the step.
Likewise the server decides once per process whether to run Streamlit's old "pages/ folder" mode, and
st.navigation switches it off for good; AppTest switches it back on before every run (our page scripts live
in pages/), which would make each wizard rerun glob pages/ and build a page per file before app.py runs,
work the server never does and the bare page (no pages/ beside it) never pays.

Each side alternates Continue and Back on P1's "Search the legacy systems" step (the wizard's Continue submits
the answers and advances the run: a transaction with the run row, answers and audit event), interleaved so
all see the same load; only Continue is timed. The sides are the wizard, the bare page, and the bare page as it
was before 2 December 2026 (step 1's widgets kept under step 2's heading; see _wizard_setup.py), so today's
ratio can be compared with earlier rows. This is server time; what a caseworker waits for in the browser
is `wizard_browser.py`.

A Continue after Back saves the visit again, which adds nothing to the Insight summary (services/step_summary.py);
a visit's first save adds the step's time and the next step's first arrival. The service call is timed both ways
(the first save on a new run each time), so the printout shows what a first Continue costs beyond the one timed.
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _as_server import as_server  # noqa: E402
from _settle import settle  # noqa: E402
from _wizard_setup import NEXT_STEP, ROOT, demo_database, p1_run_at_search_legacy, write_bare_page  # noqa: E402

T = TypeVar("T")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument(
        "--postgres", action="store_true", help="the wizard on a throwaway PostgreSQL (tests/pg.py) instead of SQLite"
    )
    parser.add_argument(
        "--srs", type=int, default=0, help="SRs of 20 more teams added beside the demo data (the issue: 1000000)"
    )
    args = parser.parse_args()
    print("No app server or port: both pages run in this process through Streamlit's AppTest.")
    workdir = Path(tempfile.mkdtemp(prefix="wizard-bench-"))
    database = "SQLite"
    if args.postgres:
        from tests import pg

        server = pg.Server.start()
        atexit.register(server.stop)  # stopped however the run ends
        server.create_database("wizard")
        os.environ["DATABASE_URL"] = server.url("wizard")
        database = "PostgreSQL"
        print(f"Throwaway PostgreSQL on 127.0.0.1, free port {server.port}")

    from streamlit.testing.v1 import AppTest

    as_server()
    url = demo_database(workdir)  # SQLite in workdir, or the PostgreSQL above
    if args.srs:
        from casework import generate

        started = time.perf_counter()
        generate.generate(generate.Sizes(srs=args.srs, cases=max(args.srs // 5, 1)), url=url, progress=False)
        print(f"generated {args.srs:,} SRs of 20 more teams in {time.perf_counter() - started:.0f} s")
        settle(url)
    actor, run_id = p1_run_at_search_legacy()

    wizard = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    wizard.session_state["actor"] = actor
    wizard.run()
    wizard.query_params["run"] = run_id
    wizard.switch_page("pages/wizard.py").run()
    bare = AppTest.from_file(str(write_bare_page(workdir / "bare.py", actor, run_id)), default_timeout=60).run()
    kept_page = write_bare_page(workdir / "bare_kept.py", actor, run_id, kept_widgets=True)
    kept = AppTest.from_file(str(kept_page), default_timeout=60).run()
    # The wizard's Continue without Streamlit: the service call alone, on a run of its own, so the figures show
    # how a step's time divides between saving it and drawing the page.
    from services import run_context, runs

    _, service_run = p1_run_at_search_legacy()
    service_view = run_context.view_run(actor, service_run)

    def button(at: AppTest, label: str):  # noqa: ANN202
        return next(b for b in at.button if b.label == label)

    names = ("wizard", "bare", "kept", "rerun", "submit", "first")
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in names}

    def timed(name: str, action: Callable[[], T]) -> T:
        """Wall time (what the issue asks) and this process's CPU time (less moved by other load on the box)."""
        wall, cpu = time.perf_counter(), time.process_time()
        result = action()
        times[name].append((time.perf_counter() - wall, time.process_time() - cpu))
        return result

    def answer(at: AppTest) -> None:
        """The step's checklist and answer, as the browser benchmark gives them. Not the "done in CMS" ticks: the
        wizard stops drawing a saved step's lines once all are ticked, the bare page never does (until 5 December
        2026 ticking them all left the bare page eight elements more to draw than the wizard)."""
        for box in at.checkbox:
            if not str(box.key).startswith("cms:"):
                box.check()
        at.radio[0].set_value("No")

    for _ in range(args.steps):  # interleaved: the two sides see the same load on the shared machine
        answer(wizard)
        timed("wizard", lambda: button(wizard, "Continue").click().run())
        assert NEXT_STEP in [s.value for s in wizard.title], "wizard did not advance"
        button(wizard, "Back").click().run()
        timed("rerun", wizard.run)

        for name, page in (("bare", bare), ("kept", kept)):
            answer(page)
            timed(name, lambda page=page: button(page, "Continue").click().run())
            assert NEXT_STEP in [s.value for s in page.title]
            button(page, "Back").click().run()

        answers = {"information_found": False, "_checklist": list(service_view.step.checklist)}
        version = service_view.version
        saved = timed("submit", lambda: runs.submit_step(actor, service_run, answers, expected_version=version))  # noqa: B023
        assert saved.step.title == NEXT_STEP, "the service call did not advance"
        service_view = runs.go_back(actor, service_run, expected_version=saved.version)

        # The same call as a visit's first save (a new run at the step each time, made untimed): it also adds the
        # step's time and the next step's first arrival to the Insight summary, which a save again after Back
        # (all of the above) does not.
        _, first_run = p1_run_at_search_legacy()
        first_view = run_context.view_run(actor, first_run)
        first = timed(
            "first",
            lambda: runs.submit_step(actor, first_run, answers, expected_version=first_view.version),  # noqa: B023
        )
        assert first.step.title == NEXT_STEP, "the first save did not advance"

    def median_ms(name: str, which: int) -> float:
        return statistics.median(t[which] for t in times[name]) * 1000

    w, b, k, r, sv = (median_ms(n, 0) for n in ("wizard", "bare", "kept", "rerun", "submit"))
    wc, bc, kc, rc, svc = (median_ms(n, 1) for n in ("wizard", "bare", "kept", "rerun", "submit"))
    n = args.steps
    print(f"wizard step (submit + advance + rerun, {database} write): median {w:.1f} ms (CPU {wc:.1f} ms) over {n}")
    print(f"bare page, same widgets (click + rerun):              median {b:.1f} ms (CPU {bc:.1f} ms) over {n}")
    print(f"bare page as before 2 Dec (step 1's widgets kept):    median {k:.1f} ms (CPU {kc:.1f} ms) over {n}")
    print(f"wizard page redrawn with no click (reads the run):    median {r:.1f} ms (CPU {rc:.1f} ms) over {n}")
    print(f"the step's service call alone (runs.submit_step):  median {sv:.1f} ms (CPU {svc:.1f} ms) over {n}")
    fs, fsc = median_ms("first", 0), median_ms("first", 1)
    print(f"the same call as a visit's first save (new run):    median {fs:.1f} ms (CPU {fsc:.1f} ms) over {n}")
    print(f"ratio: {w / b:.2f}x (goal: at most 1.5x); by CPU time {wc / bc:.2f}x")
    print(f"the wizard step less its service call, to the bare page: {(w - sv) / b:.2f}x")
    print(f"ratio to the bare page as before 2 Dec: {w / k:.2f}x; by CPU time {wc / kc:.2f}x")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
