"""One LibreOffice per app server process, kept running to convert letters to PDF (letters/uno_worker.py).

Why: `soffice --convert-to pdf` starts LibreOffice for each letter, about 1.3 s (3.5 s seen on a loaded machine),
and a caseworker waits for it when they produce a letter sent as PDF (CMEL9180) or download one, and policy staff
when they make a sample's PDF in the letter studio. LibreOffice already running converts a letter in about 0.1 s
(benchmarks/pdf_bench.py). The first conversion in a process still pays the start; nothing starts LibreOffice
before someone asks for a PDF, so a server where nobody does never holds its memory (about 150 MB).

The worker runs under a Python that has LibreOffice's `uno` module (`CASEWORK_UNO_PYTHON`, else /usr/bin/python3
with Debian's python3-uno, else the Python bundled with LibreOffice). Without one, or when the worker cannot start,
`convert` answers False and letters/pdf.py converts the old way, one LibreOffice per letter: slower, never broken.
Decisions:
- One conversion at a time per process (a lock): LibreOffice converts one document at a time anyway.
- A worker that failed to start is not tried again for ten minutes; one that stopped (LibreOffice crashed) is
  started again at the next letter, and the letter it was converting is converted the old way.
- A letter LibreOffice cannot convert is refused in plain words, as before; one that takes over a minute stops
  the worker (the next letter starts another).
- After 500 letters it is stopped and the next letter starts a fresh one, so no memory LibreOffice gathers is held
  for the life of the server. Its profile folder is the app's, removed however the worker ended.
- `CASEWORK_PDF_CONVERTER=oneshot` turns the kept LibreOffice off (the old way only), for a server short of memory.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import json
import logging
import os
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import IO, Any

WORKER = Path(__file__).with_name("uno_worker.py")
UNO_PYTHONS = ("/usr/bin/python3", "/usr/lib/libreoffice/program/python")
START_TIMEOUT_SECONDS = 90
CONVERT_TIMEOUT_SECONDS = 60
RETRY_AFTER_SECONDS = 600
GROUP_EXIT_SECONDS = 10
LETTERS_PER_WORKER = 500

log = logging.getLogger("casework")


class ConverterDown(RuntimeError):
    """The kept LibreOffice cannot be used (not started, or stopped): convert the letter the old way."""


class LetterRefused(RuntimeError):
    """LibreOffice is running but did not convert this letter (it could not open it, or took too long)."""


class TookTooLong(LetterRefused):
    """No answer in time: the worker may be stuck, so it is stopped."""


@functools.cache
def uno_python() -> str | None:
    """The first Python that can import LibreOffice's `uno` module, or None (checked once per process)."""
    chosen = os.environ.get("CASEWORK_UNO_PYTHON")
    for candidate in (chosen,) if chosen else UNO_PYTHONS:
        if not candidate or not Path(candidate).exists():
            continue
        try:
            subprocess.run(  # noqa: S603 - a fixed interpreter path and arguments, no shell
                [candidate, "-c", "import uno"], check=True, capture_output=True, timeout=30
            )
        except (OSError, subprocess.SubprocessError):
            continue
        return candidate
    return None


class _Worker:
    """The worker process and its LibreOffice, one process group: stopping the group stops both."""

    def __init__(self, python: str, soffice: str) -> None:
        # LibreOffice's profile, ours to remove: a worker killed (stuck, or LibreOffice crashed) cannot clean up
        self.profile = tempfile.mkdtemp(prefix="casework-libreoffice-")
        self.converted = 0
        self.process = subprocess.Popen(  # noqa: S603 - our own script, fixed arguments, no shell
            [python, str(WORKER), soffice, self.profile],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            bufsize=0,
            start_new_session=True,
        )
        self._buffer = b""
        try:
            reply = self._reply(START_TIMEOUT_SECONDS)
        except (LetterRefused, ConverterDown) as exc:
            self.kill()
            raise ConverterDown(str(exc)) from None
        if not reply.get("ready"):
            self.kill()
            raise ConverterDown(f"LibreOffice did not start: {reply.get('error')}")

    def convert(self, source: Path, target: Path) -> None:
        request = json.dumps({"source": str(source), "target": str(target)}).encode() + b"\n"
        try:
            self._pipe("stdin").write(request)
        except OSError:  # BrokenPipeError among them
            raise ConverterDown("the LibreOffice converter has stopped") from None
        reply = self._reply(CONVERT_TIMEOUT_SECONDS)
        self.converted += 1
        if reply.get("fatal"):
            raise ConverterDown(f"LibreOffice stopped: {reply.get('error')}")
        if not reply.get("ok"):
            raise LetterRefused(str(reply.get("error")))

    def _reply(self, timeout: float) -> dict[str, Any]:
        """The worker's next line, read without blocking past `timeout` (LetterRefused when it is passed)."""
        fd = self._pipe("stdout").fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TookTooLong(f"LibreOffice took more than {timeout:.0f} s")
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    raise ConverterDown("the LibreOffice converter has stopped")
                self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        try:
            reply: dict[str, Any] = json.loads(line)
        except ValueError:
            raise ConverterDown(f"the LibreOffice converter said something unexpected: {line[:200]!r}") from None
        return reply

    def _pipe(self, name: str) -> IO[bytes]:
        pipe: IO[bytes] | None = getattr(self.process, name)
        if pipe is None:  # never: made with PIPE above
            raise ConverterDown(f"the converter has no {name}")
        return pipe

    def stop(self) -> None:
        """Ask politely (its input closed: it stops LibreOffice and exits), then make sure."""
        with contextlib.suppress(OSError):
            if self.process.stdin is not None:
                self.process.stdin.close()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
        self.kill()

    def kill(self) -> None:
        """Stop the worker and its LibreOffice, and return only once none of the group runs: a LibreOffice still
        dying would hold its memory, and its profile, after the app moved on."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)  # the worker and its LibreOffice
        self.process.wait()
        deadline = time.monotonic() + GROUP_EXIT_SECONDS
        while _group_running(self.process.pid) and time.monotonic() < deadline:
            time.sleep(0.01)  # SIGKILLed processes exiting: the kernel gives no notice to wait on
        shutil.rmtree(self.profile, ignore_errors=True)


def _group_running(group: int) -> bool:
    """Does any process of `group` still run (zombies aside)? Read from /proc; False where there is none."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            # "pid (command) state ppid pgrp ...": the command may hold spaces, so split after its ")"
            fields = stat.read_text().rpartition(")")[2].split()
            if int(fields[2]) == group and fields[0] not in ("Z", "X"):
                return True
    return False


_lock = threading.Lock()
_worker: _Worker | None = None
_down_until = 0.0


def convert(source: Path, target: Path, soffice: str) -> bool:
    """Convert the .docx at `source` to the PDF at `target` with the kept LibreOffice (started on first use).
    False when it cannot be used (the caller converts the old way); LetterRefused when it refused this letter."""
    global _worker, _down_until
    if os.environ.get("CASEWORK_PDF_CONVERTER", "").strip().lower() == "oneshot":
        return False
    with _lock:
        if time.monotonic() < _down_until:
            return False
        python = uno_python()
        if python is None:
            return False
        if _worker is None:
            try:
                _worker = _Worker(python, shutil.which(soffice) or soffice)
            except (ConverterDown, OSError) as exc:
                log.warning("PDF letters: LibreOffice could not be kept running (%s); converting one at a time", exc)
                _down_until = time.monotonic() + RETRY_AFTER_SECONDS
                return False
        worker = _worker
        try:
            worker.convert(source, target)
        except ConverterDown as exc:
            log.warning("PDF letters: the kept LibreOffice stopped (%s); this letter is converted on its own", exc)
            worker.kill()
            _worker = None
            return False
        except TookTooLong:
            worker.kill()  # stuck on this letter: the next one starts another
            _worker = None
            raise
        if worker.converted >= LETTERS_PER_WORKER:  # a fresh LibreOffice now and then: no memory held for ever
            worker.stop()
            _worker = None
        return True


def worker_pid() -> int | None:
    """The running worker's process id (the tests check that one worker serves many letters), or None."""
    with _lock:
        return _worker.process.pid if _worker is not None and _worker.process.poll() is None else None


def stop() -> None:
    """Stop the kept LibreOffice (at exit, and in tests)."""
    global _worker
    with _lock:
        if _worker is not None:
            _worker.stop()
            _worker = None


atexit.register(stop)
