"""Sending emails already committed to the outbox in the background, so the page that saved them answers at once.

A wizard step's emails and a reassignment's or hand-over's deadline digests are committed as 'queued' with the
step or the move; the page then hands their ids to this process's sender (`send_after_commit`) and answers without
waiting for the mail server (up to `CASEWORK_SMTP_TIMEOUT`, 20 s by default, an email, when it is slow). One daemon
thread a process, started at the first email, sends them in order through `email_delivery`'s claim, so an email
another server or `outbox send` (cron) is sending is never sent twice. Nothing is lost when this process stops: an
email not yet taken stays queued for `outbox send` or the next sender, and one stopped mid-send shows in the Outbox
as interrupted, for a person to decide (services/email_delivery.py).

Why one thread and not a pool: a slow mail server is slow for every email, and cron's `outbox send` takes over
what waits here meanwhile (the claim decides who sends each). At the process's exit the thread is given
`EXIT_WAIT` to finish what it holds, so a command that saved steps (the demo's `demo load`) sends their emails
before it ends. `remind` and `outbox send` do not use it: a cron job has nobody waiting on it, and reports what it
sent. Send again and Address it in the Outbox send at once too: the person pressed them to see the outcome.
"""

from __future__ import annotations

import atexit
import logging
import queue
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from services import email_delivery
from services.actor import Actor

log = logging.getLogger("casework")

EXIT_WAIT = 30.0  # seconds the process's exit waits for emails in hand; the rest stay queued for `outbox send`


@dataclass(frozen=True, slots=True)
class _Job:
    email_id: int
    on_behalf_of: Actor | None  # whose saved step queued it (named in the audit trail), or None: the system


class BackgroundSender:
    """One process's sender: a queue of committed email ids and one daemon thread, started by the first of them."""

    def __init__(self, *, name: str = "casework-email") -> None:
        self._name = name
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._unfinished = 0
        self._thread: threading.Thread | None = None

    def send(self, email_ids: Sequence[int], *, on_behalf_of: Actor | None = None) -> None:
        """Take committed emails to send after the caller has answered; returns at once."""
        if not email_ids:
            return
        with self._lock:
            self._unfinished += len(email_ids)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, name=self._name, daemon=True)
                self._thread.start()
        for email_id in email_ids:
            self._jobs.put(_Job(email_id, on_behalf_of))

    def wait_until_idle(self, timeout: float) -> bool:
        """Wait until every email taken so far has been sent or has failed; False if `timeout` seconds passed first.

        For tests (never a sleep) and the process's exit; a page never waits on it."""
        with self._idle:
            return self._idle.wait_for(lambda: self._unfinished == 0, timeout=timeout)

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            try:
                email_delivery.deliver_committed(job.email_id, on_behalf_of=job.on_behalf_of)
            except Exception:  # the email stays queued or failed in the outbox, for Send again or `outbox send`
                log.exception("sending email %s in the background failed", job.email_id)
            finally:
                with self._idle:
                    self._unfinished -= 1
                    if self._unfinished == 0:
                        self._idle.notify_all()


_sender = BackgroundSender()


def send_after_commit(email_ids: Sequence[int], *, on_behalf_of: Actor | None = None) -> None:
    """Send these committed emails from this process's background sender; the caller does not wait for them.

    Without SMTP set up nothing is handed over: the emails wait in the Outbox to be downloaded, and no thread is
    started nor write lock taken for them."""
    if email_delivery.sending_enabled():
        _sender.send(email_ids, on_behalf_of=on_behalf_of)


def wait_until_idle(timeout: float) -> bool:
    """Wait until this process's background sender has nothing left in hand (tests; the process's exit)."""
    return _sender.wait_until_idle(timeout)


def _finish_at_exit() -> None:
    if not wait_until_idle(EXIT_WAIT):
        log.warning("emails were still being sent at exit: they wait in the outbox for `outbox send`")


atexit.register(_finish_at_exit)
