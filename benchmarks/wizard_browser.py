"""What a caseworker waits for: a wizard step in Chromium, from the click on Continue until the next step's
heading shows, against a bare Streamlit page with the same widgets and no procedure map, in the same run.
Goal: median at most 1.2x the bare page.

    .venv/bin/python benchmarks/wizard_browser.py [--steps 20] [--port 8601]

Starts four real servers (`streamlit run`, all with the project's .streamlit/config.toml): the app on --port
(default: a free port) with a fresh demo SQLite database, the bare page on the next port (or a free one), and,
on free ports, the two as they were before 2 December 2026, measured beside them so one run shows both: the app
with Streamlit's full garbage collection after every script run (its default, off in our config) and nothing
frozen after the warm-up imports (benchmarks/_as_before/sitecustomize.py), and the bare page with step 1's
widgets kept under step 2's heading (see benchmarks/_wizard_setup.py). Drives Debian's Chromium
(/usr/bin/chromium, or CHROMIUM_PATH) with Playwright, launched as tests/browser does. Every side walks P1's
"Search the legacy systems": tick the checklist, answer No, Continue (timed), Back (not timed), one step on each
side in turn, so all see the same load on the shared machine. Each click waits for the script run it started
(see _COUNT_RUNS). At the end it prints the two app servers' CPU per round and their memory.

The time is taken in the page: from the click until the heading is in the document and two animation frames
have passed (the browser has laid it out and painted it), so Playwright's polling is not in the figure.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _wizard_setup import (  # noqa: E402
    CHECKLIST,
    NEXT_STEP,
    ROOT,
    STEP,
    demo_database,
    p1_run_at_search_legacy,
    write_bare_page,
)

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT = 60_000
# Resolves with the milliseconds from the click to the frame after the heading `name` appeared. The two
# console.timeStamp calls are markers in a Chromium trace only: wizard_trace.py finds each step's window by them.
_ARM = """name => {
  window.__step = new Promise(resolve => {
    const found = () => [...document.querySelectorAll('h1,h2,h3')].some(h => h.textContent.trim() === name);
    const painted = () => { console.timeStamp('step painted'); resolve(performance.now() - window.__t0); };
    const done = () => requestAnimationFrame(() => requestAnimationFrame(painted));
    const watch = new MutationObserver(() => { if (found()) { watch.disconnect(); done(); } });
    watch.observe(document.body, {childList: true, subtree: true, characterData: true});
  });
  document.addEventListener('click', () => { window.__t0 = performance.now(); console.timeStamp('step clicked'); },
                            {capture: true, once: true});
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


# The app as before 2 December 2026: Streamlit's default, which .streamlit/config.toml turns off (a full collection
# after every script run), and no gc.freeze() after the warm-up imports (AS_BEFORE's sitecustomize.py).
GC_AFTER_EVERY_RUN = ("--runner.postScriptGC", "true")
AS_BEFORE = Path(__file__).resolve().parent / "_as_before"


def serve(
    script: Path, port: int, env: dict[str, str], log: Path, options: tuple[str, ...] = (), cwd: Path = ROOT
) -> subprocess.Popen[bytes]:
    """`streamlit run` as `make run` does (with `options` after it, in `cwd`), and wait for its health check."""
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port), *options]
    command += ["--server.headless", "true", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{script.name} server exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit(f"{script.name} server did not start in 90 s")


# Counts the script runs the server reports over: its ForwardMsg `session_status_changed` with no script running
# (field 9, an empty message: the two bytes 0x4a 0x00 on the websocket), so a click can wait for the run it
# started. The app's `data-test-script-state` could not say it: React drew "running" and "notRunning" in one
# commit when a run was quick (one click in about 30), and waiting for "notRunning" alone let the next click land
# while the last run was still arriving (seen on the bare page: its radio's rerun arriving after Continue).
_COUNT_RUNS = """(() => {
  const Native = window.WebSocket;
  window.__runsFinished = 0;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', event => {
        const data = event.data;
        if (data instanceof ArrayBuffer && data.byteLength === 2) {
          const bytes = new Uint8Array(data);
          if (bytes[0] === 0x4a && bytes[1] === 0x00) window.__runsFinished += 1;
        }
      });
    }
  };
})();"""


def settled(page) -> None:  # noqa: ANN001
    """The page is idle (for the first load, where no click started the run)."""
    page.get_by_test_id("stApp").and_(page.locator("[data-test-script-state=notRunning]")).wait_for(timeout=TIMEOUT)


def click_and_settle(page, target) -> None:  # noqa: ANN001
    """Click `target` and wait until the script run it started has finished."""
    before = page.evaluate("window.__runsFinished")
    target.click()
    page.wait_for_function("n => window.__runsFinished > n", arg=before, timeout=TIMEOUT)


def answer_and_time(page) -> float:  # noqa: ANN001
    """Tick the checklist, answer No, then click Continue: milliseconds until the next step's heading shows."""
    for item in CHECKLIST:
        if not page.get_by_role("checkbox", name=item).is_checked():  # the first round, and after Back
            click_and_settle(page, page.get_by_text(item, exact=True))
    if not page.get_by_role("radio", name="No").is_checked():  # the wizard shows the answer again after Back
        click_and_settle(page, page.get_by_text("No", exact=True))
    page.evaluate(_ARM, NEXT_STEP)
    before = page.evaluate("window.__runsFinished")
    page.get_by_role("button", name="Continue").click()
    elapsed = float(page.evaluate("window.__step"))
    page.wait_for_function("n => window.__runsFinished > n", arg=before, timeout=TIMEOUT)
    click_and_settle(page, page.get_by_role("button", name="Back"))
    page.get_by_role("heading", name=STEP).wait_for(timeout=TIMEOUT)
    return elapsed


def open_wizard(browser, port: int, run_id: str):  # noqa: ANN001, ANN201
    """A signed-in tab on the run's wizard step."""
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.set_default_timeout(TIMEOUT)
    page.add_init_script(_COUNT_RUNS)
    page.goto(f"http://127.0.0.1:{port}/")  # the server's first session runs app.py
    page.get_by_label("Username").wait_for()
    page.goto(f"http://127.0.0.1:{port}/wizard?run={run_id}")
    page.get_by_label("Username").fill("caseworker")
    page.get_by_label("Password", exact=True).fill("demo-password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name=STEP).wait_for(timeout=TIMEOUT)
    settled(page)
    return page


def open_bare(browser, port: int):  # noqa: ANN001, ANN201
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.set_default_timeout(TIMEOUT)
    page.add_init_script(_COUNT_RUNS)
    page.goto(f"http://127.0.0.1:{port}/")
    page.get_by_role("heading", name=STEP).wait_for(timeout=TIMEOUT)
    settled(page)
    return page


def usage(process: subprocess.Popen[bytes]) -> tuple[float, float, float]:
    """The server's CPU seconds so far, and its resident memory now and at its peak in MB (Linux /proc)."""
    status = dict(line.split(":", 1) for line in Path(f"/proc/{process.pid}/status").read_text().splitlines())
    stat = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    rss, peak = (int(status[key].split()[0]) / 1024 for key in ("VmRSS", "VmHWM"))
    return cpu, rss, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--port", type=int, help="the app's port (default: a free one); the bare page uses the next")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)")
    from playwright.sync_api import sync_playwright

    app_port = args.port or free_port()
    bare_port = app_port + 1 if port_is_free(app_port + 1) else free_port()
    gc_port, kept_port = free_port(), free_port()
    print(
        f"App on http://127.0.0.1:{app_port}, bare page on :{bare_port}; as before 2 Dec: app on :{gc_port}, "
        f"bare page on :{kept_port}"
    )
    workdir = Path(tempfile.mkdtemp(prefix="wizard-browser-"))
    url = demo_database(workdir)
    actor, run_id = p1_run_at_search_legacy()
    _, gc_run_id = p1_run_at_search_legacy()  # its own run: the two app servers must not walk the same one
    env = {**os.environ, "DATABASE_URL": url}
    env_as_before = {**env, "PYTHONPATH": os.pathsep.join(filter(None, [str(AS_BEFORE), env.get("PYTHONPATH")]))}
    servers = {
        "wizard": serve(ROOT / "serve.py", app_port, env, workdir / "app.log"),
        "wizard_gc": serve(ROOT / "serve.py", gc_port, env_as_before, workdir / "app_gc.log", GC_AFTER_EVERY_RUN),
        "bare": serve(write_bare_page(workdir / "bare.py", actor, run_id), bare_port, env, workdir / "bare.log"),
        "kept": serve(
            write_bare_page(workdir / "bare_kept.py", actor, run_id, kept_widgets=True),
            kept_port,
            env,
            workdir / "bare_kept.log",
        ),
    }
    times: dict[str, list[float]] = {name: [] for name in servers}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            pages = {
                "wizard": open_wizard(browser, app_port, run_id),
                "wizard_gc": open_wizard(browser, gc_port, gc_run_id),
                "bare": open_bare(browser, bare_port),
                "kept": open_bare(browser, kept_port),
            }
            for page in pages.values():  # one untimed round each: first renders load code and fonts
                answer_and_time(page)
            before = {name: usage(servers[name])[0] for name in ("wizard", "wizard_gc")}
            for _ in range(args.steps):
                for name, page in pages.items():
                    times[name].append(answer_and_time(page))
            browser.close()
        after = {name: usage(servers[name]) for name in ("wizard", "wizard_gc")}
    finally:
        for server in servers.values():
            server.terminate()
            server.wait(10)
        shutil.rmtree(workdir, ignore_errors=True)
    w, g, b, k = (statistics.median(times[name]) for name in ("wizard", "wizard_gc", "bare", "kept"))
    n = args.steps
    print(f"wizard step in Chromium, click on Continue to the next step's heading: median {w:.0f} ms over {n}")
    print(f"bare page, same widgets, no map (same run, interleaved):            median {b:.0f} ms over {n}")
    print(f"ratio: {w / b:.2f}x (goal: at most 1.2x)")
    print("As before 2 Dec, in the same run:")
    print(f"  wizard, a full garbage collection after every run, none frozen:  median {g:.0f} ms over {n}")
    print(f"  bare page with step 1's widgets kept under step 2's heading:      median {k:.0f} ms over {n}")
    print(f"  ratio to that bare page: {w / k:.2f}x")
    for name, label in (("wizard", "app server"), ("wizard_gc", "app server with the collection after every run")):
        cpu, rss, peak = after[name]
        per_step = (cpu - before[name]) / n * 1000  # each timed round: its tick boxes, answer, Continue and Back
        print(f"{label}: {per_step:.0f} ms CPU a round; memory {rss:.0f} MB now, peak {peak:.0f} MB")


if __name__ == "__main__":
    main()
