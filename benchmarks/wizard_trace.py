"""Where a wizard step's time goes in Chromium: the browser's main thread from the click on Continue until the next
step's heading is painted, on the wizard and on the bare page, from a Chromium trace (what `wizard_browser.py` times,
taken apart). A diagnostic to read beside that benchmark, not a goal of its own.

    .venv/bin/python benchmarks/wizard_trace.py [--steps 15] [--port 8601]

Starts the app (a fresh demo SQLite database) and the bare page as `wizard_browser.py` does, walks a few untimed
rounds on each, then traces `--steps` rounds of one page, then of the other, with Chromium's timeline and sampling
JavaScript profiler on (Playwright's `browser.start_tracing`). Each step's window runs from the click to the second
animation frame after the heading appeared (the `console.timeStamp` marks in wizard_browser's script). It prints,
per page: the median window, the main thread's busy time in it, the self time of the trace events that fill it
(FunctionCall is JavaScript; UpdateLayoutTree is style, then Layout, PrePaint and Paint: the browser drawing;
RunTask's own time is the task's work that no finer event names), and then the JavaScript
functions (minified names, with their file) that take more samples on the wizard than on the bare page.

Tracing slows the browser (steps take about 1.3x to 1.5x their untraced time): compare the two pages with each other
in one run, not with `wizard_browser.py`'s figures.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _wizard_setup import ROOT, demo_database, p1_run_at_search_legacy, write_bare_page  # noqa: E402
from wizard_browser import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    answer_and_time,
    free_port,
    open_bare,
    open_wizard,
    port_is_free,
    serve,
)

CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline", "disabled-by-default-v8.cpu_profiler"]
TASK = "RunTask"  # one task of the main thread's event loop: the thread is busy while one runs
Window = tuple[float, float]


def windows(events: list[dict[str, Any]]) -> tuple[list[Window], tuple[int, int]]:
    """Each step's (click, painted) timestamps in microseconds, and the (process, thread) that marked them."""
    marks = sorted(
        (e["ts"], e["args"]["data"]["message"], e["pid"], e["tid"]) for e in events if e["name"] == "TimeStamp"
    )
    found, clicked = [], None
    for ts, message, _, _ in marks:
        if message == "step clicked":
            clicked = ts
        elif message == "step painted" and clicked is not None:
            found.append((clicked, ts))
            clicked = None
    if not found:
        raise SystemExit("the trace has no step marks: is wizard_browser's _ARM script unchanged?")
    return found, (marks[0][2], marks[0][3])


def self_times(
    events: list[dict[str, Any]], thread: tuple[int, int], steps: list[Window]
) -> tuple[float, float, dict[str, float]]:
    """Median busy time of the main thread in a step's window, median window, and mean self time per event name."""
    spans = sorted(
        (e for e in events if (e["pid"], e["tid"]) == thread and e.get("ph") == "X" and "dur" in e),
        key=lambda e: (e["ts"], -e["dur"]),
    )
    own: list[list[Any]] = []  # [event, its time less its children's]
    stack: list[list[Any]] = []
    for e in spans:
        while stack and stack[-1][0]["ts"] + stack[-1][0]["dur"] <= e["ts"]:
            stack.pop()
        if stack:
            stack[-1][1] -= e["dur"]
        stack.append([e, e["dur"]])
        own.append(stack[-1])
    by_name: collections.Counter[str] = collections.Counter()
    busy = []
    for start, end in steps:
        inside = [(e, t) for e, t in own if start <= e["ts"] < end]
        busy.append(sum(e["dur"] for e, _ in inside if e["name"] == TASK) / 1000)
        for e, t in inside:
            by_name[e["name"]] += t / 1000 / len(steps)
    return statistics.median(busy), statistics.median((b - a) / 1000 for a, b in steps), dict(by_name)


def samples(events: list[dict[str, Any]], pid: int, steps: list[Window]) -> collections.Counter[str]:
    """JavaScript profiler samples taken in the steps' windows, per function, per step."""
    nodes: dict[int, str] = {}
    clock: dict[str, float] = {
        e["id"]: e["args"]["data"]["startTime"] for e in events if e["name"] == "Profile" and e["pid"] == pid
    }
    counted: collections.Counter[str] = collections.Counter()
    for e in events:
        if e["name"] != "ProfileChunk" or e["pid"] != pid:
            continue
        data = e["args"]["data"]
        profile = data.get("cpuProfile", {})
        for node in profile.get("nodes", []):
            frame = node["callFrame"]
            where = frame.get("url", "").rsplit("/", 1)[-1]
            nodes[node["id"]] = f"{frame.get('functionName') or '(anonymous)'} {where}".strip()
        at = clock.get(e["id"], 0.0)
        for node_id, delta in zip(profile.get("samples", []), data.get("timeDeltas", []), strict=False):
            at += delta
            if any(start <= at < end for start, end in steps):
                counted[nodes.get(node_id, "?")] += 1
        clock[e["id"]] = at
    return collections.Counter({name: n / len(steps) for name, n in counted.items()})


def trace(browser: Any, page: Any, steps: int) -> tuple[list[float], list[dict[str, Any]]]:
    browser.start_tracing(page=page, categories=CATEGORIES)
    times = [answer_and_time(page) for _ in range(steps)]
    data = json.loads(browser.stop_tracing())
    return times, data["traceEvents"] if isinstance(data, dict) else data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=15)
    parser.add_argument("--port", type=int, help="the app's port (default: a free one); the bare page uses the next")
    parser.add_argument(
        "--app", type=Path, default=ROOT, help="a copy of the project to trace (a git worktree with a change)"
    )
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)")
    from playwright.sync_api import sync_playwright

    app_port = args.port or free_port()
    bare_port = app_port + 1 if port_is_free(app_port + 1) else free_port()
    print(f"App ({args.app}) on http://127.0.0.1:{app_port}, bare page on :{bare_port}")
    workdir = Path(tempfile.mkdtemp(prefix="wizard-trace-"))
    url = demo_database(workdir)
    actor, run_id = p1_run_at_search_legacy()
    env = {**os.environ, "DATABASE_URL": url}
    servers = [
        serve(args.app / "serve.py", app_port, env, workdir / "app.log", cwd=args.app),
        serve(write_bare_page(workdir / "bare.py", actor, run_id), bare_port, env, workdir / "bare.log"),
    ]
    found: dict[str, tuple[list[float], list[dict[str, Any]]]] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            pages = {"wizard": open_wizard(browser, app_port, run_id), "bare page": open_bare(browser, bare_port)}
            for page in pages.values():  # untimed rounds: first renders load code and fonts
                for _ in range(3):
                    answer_and_time(page)
            for name, page in pages.items():
                found[name] = trace(browser, page, args.steps)
            browser.close()
    finally:
        for server in servers:
            server.terminate()
            server.wait(10)
        shutil.rmtree(workdir, ignore_errors=True)
    profiled: dict[str, collections.Counter[str]] = {}
    for name, (times, events) in found.items():
        steps, (pid, tid) = windows(events)
        busy, window, by_name = self_times(events, (pid, tid), steps)
        profiled[name] = samples(events, pid, steps)
        print(
            f"\n{name}: step (traced) median {statistics.median(times):.0f} ms; window {window:.0f} ms, "
            f"main thread busy {busy:.0f} ms of it"
        )
        for event, ms in sorted(by_name.items(), key=lambda item: -item[1])[:10]:
            print(f"  {ms:6.1f} ms  {event}")
    wizard, bare = profiled["wizard"], profiled["bare page"]
    print("\nJavaScript samples a step, wizard against bare page, largest differences first:")
    for function in sorted(set(wizard) | set(bare), key=lambda f: bare[f] - wizard[f])[:15]:
        print(f"  {wizard[function]:6.1f} {bare[function]:6.1f}  {function}")


if __name__ == "__main__":
    main()
