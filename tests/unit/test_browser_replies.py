"""A reply the browser waits on (where to upload a chosen file) is still sent when a new run starts before the
queue is flushed; the old run's drawing is not (ui/browser_replies.py)."""

from __future__ import annotations

from types import SimpleNamespace

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.app_session import AppSession
from streamlit.runtime.forward_msg_queue import ForwardMsgQueue

from ui.browser_replies import keep_replies_across_runs


def _queued() -> ForwardMsgQueue:
    """What a session's queue holds as a run is interrupted: the old run's drawing, then the upload reply."""
    queue = ForwardMsgQueue()
    drawn = ForwardMsg()
    drawn.metadata.delta_path[:] = [0, 0]
    drawn.delta.new_element.markdown.body = "the old run's text"
    queue.enqueue(drawn)
    reply = ForwardMsg()
    reply.file_urls_response.response_id = "request-7"
    reply.file_urls_response.file_urls.add(file_id="f1", upload_url="/_stcore/upload_file/s/f1")
    queue.enqueue(reply)
    return queue


def test_a_run_starting_keeps_the_upload_reply_and_drops_the_old_drawing():
    keep_replies_across_runs()
    keep_replies_across_runs()  # serve.py may be imported twice: applied once
    queue = _queued()
    AppSession._clear_queue(SimpleNamespace(_browser_queue=queue))  # what a session does as a run starts
    sent = queue.flush()
    assert [m.WhichOneof("type") for m in sent] == ["file_urls_response"]
    assert sent[0].file_urls_response.response_id == "request-7"
    assert sent[0].file_urls_response.file_urls[0].upload_url == "/_stcore/upload_file/s/f1"
    assert queue.flush() == []  # a flush sends it once
