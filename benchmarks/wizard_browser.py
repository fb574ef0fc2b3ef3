"""What a caseworker waits for: a wizard step in Chromium, from the click on Continue until the next step's
heading shows, against a bare Streamlit page with the same widgets and no procedure map, in the same run.
Goal: median at most 1.2x the bare page.

    .venv/bin/python benchmarks/wizard_browser.py [--steps 20] [--port 8601]

Starts two real servers (`streamlit run`): the app on --port (default: a free port) with a fresh demo SQLite
database, and the bare page on the next port (or a free one); it prints both. Drives Debian's Chromium
(/usr/bin/chromium, or CHROMIUM_PATH) with Playwright, launched as tests/browser does. Both sides walk P1's
"Search the legacy systems": tick the checklist, answer No, Continue (timed), Back (not timed), one wizard step
then one bare step in turn, so both see the same load on the shared machine.

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
# Resolves with the milliseconds from the click to the frame after the heading `name` appeared.
_ARM = """name => {
  window.__step = new Promise(resolve => {
    const found = () => [...document.querySelectorAll('h1,h2,h3')].some(h => h.textContent.trim() === name);
    const painted = () => resolve(performance.now() - window.__t0);
    const done = () => requestAnimationFrame(() => requestAnimationFrame(painted));
    const watch = new MutationObserver(() => { if (found()) { watch.disconnect(); done(); } });
    watch.observe(document.body, {childList: true, subtree: true, characterData: true});
  });
  document.addEventListener('click', () => { window.__t0 = performance.now(); }, {capture: true, once: true});
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


def serve(script: Path, port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """`streamlit run` as `make run` does, and wait for its health check."""
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port)]
    command += ["--server.headless", "true", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
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


def settled(page) -> None:  # noqa: ANN001
    page.get_by_test_id("stApp").and_(page.locator("[data-test-script-state=notRunning]")).wait_for(timeout=TIMEOUT)


def answer_and_time(page) -> float:  # noqa: ANN001
    """Tick the checklist, answer No, then click Continue: milliseconds until the next step's heading shows."""
    for item in CHECKLIST:
        if not page.get_by_role("checkbox", name=item).is_checked():  # Back keeps the ticks
            page.get_by_text(item, exact=True).click()
            settled(page)
    page.get_by_text("No", exact=True).click()
    settled(page)
    page.evaluate(_ARM, NEXT_STEP)
    page.get_by_role("button", name="Continue").click()
    elapsed = float(page.evaluate("window.__step"))
    settled(page)
    page.get_by_role("button", name="Back").click()
    page.get_by_role("heading", name=STEP).wait_for(timeout=TIMEOUT)
    settled(page)
    return elapsed


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
    print(f"App on http://127.0.0.1:{app_port}, bare page on http://127.0.0.1:{bare_port}")
    workdir = Path(tempfile.mkdtemp(prefix="wizard-browser-"))
    url = demo_database(workdir)
    actor, run_id = p1_run_at_search_legacy()
    env = {**os.environ, "DATABASE_URL": url}
    servers = [
        serve(ROOT / "serve.py", app_port, env, workdir / "app.log"),
        serve(write_bare_page(workdir / "bare.py", actor, run_id), bare_port, env, workdir / "bare.log"),
    ]
    times: dict[str, list[float]] = {"wizard": [], "bare": []}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            wizard = browser.new_page(viewport={"width": 1366, "height": 900})
            wizard.set_default_timeout(TIMEOUT)
            wizard.goto(f"http://127.0.0.1:{app_port}/")  # the server's first session runs app.py
            wizard.get_by_label("Username").wait_for()
            wizard.goto(f"http://127.0.0.1:{app_port}/wizard?run={run_id}")
            wizard.get_by_label("Username").fill("caseworker")
            wizard.get_by_label("Password", exact=True).fill("demo-password")
            wizard.get_by_role("button", name="Sign in").click()
            wizard.get_by_role("heading", name=STEP).wait_for(timeout=TIMEOUT)
            settled(wizard)
            bare = browser.new_page(viewport={"width": 1366, "height": 900})
            bare.set_default_timeout(TIMEOUT)
            bare.goto(f"http://127.0.0.1:{bare_port}/")
            bare.get_by_role("heading", name=STEP).wait_for(timeout=TIMEOUT)
            settled(bare)
            answer_and_time(wizard)  # one untimed round each: first renders load code and fonts
            answer_and_time(bare)
            for _ in range(args.steps):
                times["wizard"].append(answer_and_time(wizard))
                times["bare"].append(answer_and_time(bare))
            browser.close()
    finally:
        for server in servers:
            server.terminate()
            server.wait(10)
        shutil.rmtree(workdir, ignore_errors=True)
    w, b = statistics.median(times["wizard"]), statistics.median(times["bare"])
    n = args.steps
    print(f"wizard step in Chromium, click on Continue to the next step's heading: median {w:.0f} ms over {n}")
    print(f"bare page, same widgets, no map (same run, interleaved):            median {b:.0f} ms over {n}")
    print(f"ratio: {w / b:.2f}x (goal: at most 1.2x)")


if __name__ == "__main__":
    main()
