"""Replies to the browser survive the start of a new run (a fix to Streamlit 1.67, applied by serve.py).

Why: Streamlit queues every message for the browser and sends the queue every few milliseconds. When a run
starts it clears what is still queued for the run before it, keeping only lifecycle messages. A reply to a
request the browser is waiting on is not one of them, so a reply queued in those milliseconds was lost:

- `file_urls_response`: the browser asks where to upload a chosen file and shows the file only once told. A
  PDF chosen just as a tick or a typed answer started a run was silently dropped: no file shown, no error, the
  upload never made (the P5e practice test in Chromium saw it once in a CI run of the whole suite).
- `backend_operation_response` and `heartbeat_ack` answer the browser's other requests the same way.

Nothing of the old run is kept by this: a reply belongs to no run. Checked by tests/unit/test_browser_replies.py
against the installed Streamlit.
"""

from __future__ import annotations

from functools import wraps

from streamlit.runtime.forward_msg_queue import ForwardMsgQueue

REPLIES = frozenset({"file_urls_response", "backend_operation_response", "heartbeat_ack"})


def keep_replies_across_runs() -> None:
    """Make a queue cleared at a run's start keep the replies still waiting in it (idempotent)."""
    clear = ForwardMsgQueue.clear
    if getattr(clear, "keeps_replies", False):
        return

    @wraps(clear)
    def clear_keeping_replies(
        self: ForwardMsgQueue, retain_lifecycle_msgs: bool = False, fragment_ids_this_run: list[str] | None = None
    ) -> None:
        replies = [m for m in self._queue if m.WhichOneof("type") in REPLIES] if retain_lifecycle_msgs else []
        clear(self, retain_lifecycle_msgs, fragment_ids_this_run)
        kept = {id(m) for m in self._queue}  # a Streamlit that keeps them itself: each is still sent once
        self._queue.extend(m for m in replies if id(m) not in kept)

    clear_keeping_replies.keeps_replies = True  # type: ignore[attr-defined]
    ForwardMsgQueue.clear = clear_keeping_replies  # type: ignore[method-assign]
