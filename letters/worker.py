"""Uploaded templates run in a separate process with a time and a memory limit (the render budget).

The sandbox (letters.sandbox) stops code and obvious blow-ups, not every loop: nested loops of a few
thousand, or a large literal template, kept a server busy for minutes. So anything that runs an
uploaded template (the upload check, a preview, a letter from a template version policy staff
uploaded) runs in a worker process that limits its own address space (RLIMIT_AS) and is killed when
it takes longer than its wall-clock budget; the next call starts a fresh worker. The committed
templates (version 1, reviewed with the code) render in-process, so normal letters stay as fast as
bare docxtpl.

Workers are kept and reused (starting one costs about half a second of imports), at most
CASEWORK_RENDER_WORKERS (default 2) at a time per server process. They speak one JSON object per
line on stdin/stdout; bytes travel as base64.

    CASEWORK_RENDER_SECONDS   budget of one render, and of a whole upload check with all its samples, timed
                              inside the worker as the processor time it spends (default 2; a committed
                              template's check takes about 0.1 s). Processor time, not the clock: on a busy
                              machine a normal check took over 2 s of wall time and was refused (seen in the
                              tests, 7 December 2026); a template that loops still spends its 2 s and is stopped
    CASEWORK_CHECK_SECONDS    wall-clock backstop of a whole upload check, every sample (default 10); the
                              worker is killed past it (or past a single render's budget plus 2 s)
    CASEWORK_RENDER_MEMORY_MB address space of a worker (default 768)
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import resource
import selectors
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

IN_WORKER = False  # True inside a worker process: render there, never start another
ROOT = Path(__file__).resolve().parents[1]


def _setting(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    try:
        return float(raw) if raw else default
    except ValueError:
        return default


def render_seconds() -> float:
    return _setting("CASEWORK_RENDER_SECONDS", 2.0)


def check_seconds() -> float:
    return _setting("CASEWORK_CHECK_SECONDS", 10.0)


def memory_bytes() -> int:
    return int(_setting("CASEWORK_RENDER_MEMORY_MB", 768) * 1024 * 1024)


class BudgetExceeded(RuntimeError):
    """The template needed more time or memory than a letter may take; the message says which."""


class TemplateFault(RuntimeError):
    """The template failed inside the worker; the message is the reason, without Python internals."""


def _over_time(seconds: float) -> BudgetExceeded:
    return BudgetExceeded(
        f"it took longer than {seconds:g} seconds to produce one letter, which no letter needs (loops inside "
        "loops, or a very large template)"
    )


@contextlib.contextmanager
def time_limit() -> Iterator[None]:
    """Inside a worker: raise BudgetExceeded when the block spends more than the render budget of processor time
    (ITIMER_PROF, SIGPROF). A worker that waits instead of working is stopped by the caller's wall-clock backstop.

    Nested in another (a sample's render inside an upload check) it adds no budget of its own: the check's one
    budget covers every sample. When each sample had its own, a template whose render took just under the budget
    passed every sample and was only stopped by the 10-second backstop, twelve samples later; whether it was
    refused in 2 s or in 10 depended on the machine's speed that minute.
    """
    if signal.getitimer(signal.ITIMER_PROF)[0] > 0:  # a budget is already running: the check's
        yield
        return
    seconds = render_seconds()

    def expired(signum: int, frame: object) -> None:
        raise _over_time(seconds)

    previous = signal.signal(signal.SIGPROF, expired)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class _Worker:
    def __init__(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module, no shell
            [sys.executable, "-m", "letters.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
            env={**os.environ, "CASEWORK_RENDER_MEMORY_BYTES": str(memory_bytes())},
        )
        self.buffer = b""
        if self._line(time.monotonic() + 60) != {"ready": True}:
            self.kill()
            raise TemplateFault("the letter worker did not start")

    def _line(self, deadline: float) -> dict[str, Any] | None:
        """The next reply, or None when the deadline passes or the worker dies."""
        if self.process.stdout is None:
            raise TemplateFault("the letter worker has no output")
        fd = self.process.stdout.fileno()
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while b"\n" not in self.buffer:
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(left):
                    return None
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    return None
                self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        reply: dict[str, Any] = json.loads(line)
        return reply

    def ask(self, request: dict[str, Any], seconds: float) -> dict[str, Any] | None:
        if self.process.stdin is None:
            raise TemplateFault("the letter worker has no input")
        self.process.stdin.write(json.dumps(request).encode() + b"\n")
        self.process.stdin.flush()
        return self._line(time.monotonic() + seconds)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()


_idle: list[_Worker] = []
_lock = threading.Lock()
_slots = threading.BoundedSemaphore(max(int(_setting("CASEWORK_RENDER_WORKERS", 2)), 1))


def _call(request: dict[str, Any], seconds: float) -> dict[str, Any]:
    with _slots:
        with _lock:
            worker = _idle.pop() if _idle else None
        if worker is None or worker.process.poll() is not None:
            worker = _Worker()
        try:
            reply = worker.ask(request, seconds)
        except (OSError, ValueError):
            reply = None
        if reply is None or reply.get("error") == "memory":
            exhausted = worker.process.poll() is None  # still running: over time, not dead of memory
            worker.kill()
            if reply is None and exhausted:
                raise _over_time(seconds)
            raise BudgetExceeded(
                f"it needed more than {memory_bytes() // (1024 * 1024)} MB of memory, which no letter needs"
            )
        with _lock:
            _idle.append(worker)
    if "fault" in reply:
        raise TemplateFault(str(reply["fault"]))
    return reply


def render_values(template: bytes, values: dict[str, Any]) -> bytes:
    """letters.render.render_values in a worker, within the render budget."""
    reply = _call({"task": "render", "template": _b64(template), "values": values}, render_seconds() + 2)
    return base64.b64decode(reply["content"])


def check_template(code: str, content: bytes) -> list[str]:
    """letters.checks.check_template in a worker: every sample rendered within one budget."""
    reply = _call({"task": "check", "code": code, "content": _b64(content)}, check_seconds())
    return [str(p) for p in reply["problems"]]


def _serve() -> None:
    """The worker's loop: limit our own memory, then answer one request per line."""
    global IN_WORKER

    IN_WORKER = True
    from letters import catalogue, checks, render  # here: in the worker process, after its limits are set

    limit = int(os.environ.get("CASEWORK_RENDER_MEMORY_BYTES", str(memory_bytes())))
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    out = sys.stdout.buffer
    out.write(b'{"ready": true}\n')
    out.flush()
    for line in sys.stdin.buffer:
        request = json.loads(line)
        reply: dict[str, Any]
        try:
            if request["task"] == "render":
                with time_limit():
                    content = render.render_values(base64.b64decode(request["template"]), request["values"])
                reply = {"content": _b64(content)}
            else:
                spec = catalogue.get(request["code"])
                with time_limit():  # one budget for the whole check, every sample in it
                    problems = checks.check_template_here(spec, base64.b64decode(request["content"]))
                reply = {"problems": problems}
        except MemoryError:
            out.write(b'{"error": "memory"}\n')
            out.flush()
            return  # a process that ran out of memory is not trusted with the next letter
        except BudgetExceeded as exc:
            reply = {"fault": str(exc)}
        except Exception as exc:  # the template's fault, reported in words; the worker carries on
            reply = {"fault": checks.plain_reason(exc)}
        out.write(json.dumps(reply).encode() + b"\n")
        out.flush()


if __name__ == "__main__":
    sys.modules["letters.worker"] = sys.modules["__main__"]  # one module, so IN_WORKER is seen by letters.render
    _serve()
