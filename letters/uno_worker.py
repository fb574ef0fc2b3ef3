"""A LibreOffice kept running to convert letters to PDF, driven through UNO (run by letters/pdf_converter.py).

Not imported by the app: it runs under a Python that has LibreOffice's `uno` module (Debian's python3-uno, for
/usr/bin/python3), which the app's own environment lacks. Starting LibreOffice costs about 1.3 s; converting a
letter in one already running, about 0.1 s. So this process starts `soffice` once, with a profile of its own,
and converts one letter per request for as long as the app server lives.

The protocol is one JSON object per line. It starts by answering {"ready": true} (or {"error": ..., "fatal": true}
and exits). Each request {"source": docx path, "target": pdf path} is answered {"ok": true} or {"error": ...},
with "fatal": true when LibreOffice itself has gone (this process then exits, and the app starts another). When
its input closes (the app server stopped, however it stopped), it stops LibreOffice and exits. Told to stop itself
(SIGTERM, SIGHUP: a `kill` or `pkill` that matched this process alone), it takes LibreOffice with it: the app started
it as the leader of a process group of its own, LibreOffice included, and a LibreOffice left behind kept running
with no one to stop it (seen 7 December 2026 after a `pkill` of a test run).

    /usr/bin/python3 letters/uno_worker.py /usr/bin/soffice /tmp/casework-libreoffice-xyz

The profile folder (the second argument) is the app's: it removes it however this process ended, even killed.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from typing import Any

import uno  # LibreOffice's own module: only the Python running this has it

START_TIMEOUT_SECONDS = 60
PDF_FILTER = "writer_pdf_Export"


def _prop(name: str, value: Any) -> Any:
    prop = uno.createUnoStruct("com.sun.star.beans.PropertyValue")
    prop.Name, prop.Value = name, value
    return prop


def _say(reply: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()


def _start(soffice: str, profile: str) -> tuple[subprocess.Popen[bytes], Any]:
    """LibreOffice listening on a pipe of its own, and its desktop once it answers."""
    pipe = f"casework-{os.getpid()}-{uuid.uuid4().hex}"
    office = subprocess.Popen(  # noqa: S603 - the soffice the app found on PATH, fixed arguments, no shell
        [
            soffice,
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nodefault",
            "--nolockcheck",
            f"-env:UserInstallation={uno.systemPathToFileUrl(profile)}",
            f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "HOME": profile},  # LibreOffice needs a writable home of its own
    )
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except Exception:  # noqa: BLE001 - NoConnectException until LibreOffice listens; any other stops below
            if office.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("LibreOffice did not start") from None
            time.sleep(0.05)  # polling a process that is starting, not a fix for a race
    return office, context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)


def _convert(desktop: Any, source: str, target: str) -> None:
    document = desktop.loadComponentFromURL(
        uno.systemPathToFileUrl(source), "_blank", 0, (_prop("Hidden", True), _prop("ReadOnly", True))
    )
    if document is None:
        raise ValueError("LibreOffice could not open the letter")
    try:
        document.storeToURL(uno.systemPathToFileUrl(target), (_prop("FilterName", PDF_FILTER),))
    finally:
        document.close(True)


def _office_gone(office: subprocess.Popen[bytes], exc: BaseException) -> bool:
    """LibreOffice has exited, or the bridge to it is broken (UNO's DisposedException, RuntimeException)."""
    name = type(exc).__name__.rsplit(".", 1)[-1]  # pyuno names its classes in full: com.sun.star.lang.Disposed...
    return office.poll() is not None or name in ("DisposedException", "RuntimeException")


def _stop_the_group(signum: int, _frame: object) -> None:
    """On SIGTERM or SIGHUP: this process's group (this worker and its LibreOffice) goes, when it is ours alone."""
    if os.getpgrp() == os.getpid():
        os.killpg(os.getpid(), signal.SIGKILL)
    raise SystemExit(128 + signum)  # not a group of our own: the `finally` below stops LibreOffice


def main() -> int:
    for stop in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop, _stop_the_group)
    soffice, profile = sys.argv[1], sys.argv[2]
    office, stopped = None, False
    try:
        try:
            office, desktop = _start(soffice, profile)
        except Exception as exc:  # noqa: BLE001 - said to the app, which converts the old way instead
            _say({"error": str(exc), "fatal": True})
            return 1
        _say({"ready": True, "pid": office.pid})
        for line in sys.stdin:
            request = json.loads(line)
            try:
                _convert(desktop, request["source"], request["target"])
            except Exception as exc:  # noqa: BLE001 - one letter failed; the next may not
                gone = _office_gone(office, exc)
                _say({"error": f"{type(exc).__name__}: {exc}", "fatal": gone})
                if gone:
                    return 1
                continue
            _say({"ok": True})
        with contextlib.suppress(Exception):  # LibreOffice already gone: nothing left to stop politely
            desktop.terminate()
            stopped = True
        return 0
    finally:
        if office is not None:
            try:
                office.wait(timeout=10 if stopped else 0)
            except subprocess.TimeoutExpired:
                office.kill()
                office.wait()


if __name__ == "__main__":
    sys.exit(main())
