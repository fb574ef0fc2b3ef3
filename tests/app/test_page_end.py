"""The sidebar is drawn once the page is (ui/page_end.py): the page's heading goes to the browser before it, every
page still has it, a page that stops early included, and Sign out still signs out before the page runs."""

from __future__ import annotations

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.forward_msg_queue import ForwardMsgQueue
from streamlit.testing.v1 import AppTest

from tests.app.helpers import app_as, texts

MAIN, SIDEBAR = 0, 1  # Streamlit's root containers, the first part of an element's delta path


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str]]:
    """Each element the script sends, in order: (root container, what kind of element)."""
    order: list[tuple[int, str]] = []
    enqueue = ForwardMsgQueue.enqueue

    def recording(self: ForwardMsgQueue, msg: ForwardMsg) -> None:
        if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element":
            order.append((msg.metadata.delta_path[0], msg.delta.new_element.WhichOneof("type")))
        enqueue(self, msg)

    monkeypatch.setattr(ForwardMsgQueue, "enqueue", recording)
    return order


def _sidebar_texts(at) -> str:
    return "\n".join(str(e.value) for e in at.sidebar.markdown)


def test_the_heading_goes_before_the_sidebar_and_the_sidebar_is_still_there(sqlite_demo_db, actor_for, sent):
    at = app_as(actor_for("caseworker")).run()
    sent.clear()
    at.switch_page("pages/my_work.py").run()
    assert not at.exception
    first_sidebar = next(i for i, (root, _) in enumerate(sent) if root == SIDEBAR)
    first_heading = next(i for i, (root, kind) in enumerate(sent) if root == MAIN and kind == "heading")
    assert first_heading < first_sidebar
    assert all(root == SIDEBAR or kind == "html" for root, kind in sent[first_sidebar:])  # nothing of the page after
    assert "Demo Caseworker" in _sidebar_texts(at)
    assert [b.label for b in at.sidebar.button] == ["Sign out"]


STOPS_EARLY = """
import streamlit as st
import ui.page_end

ui.page_end.after_page(lambda: st.sidebar.markdown("Signed in as someone"))
try:
    st.title("A page that stops early")
    ui.page_end.stop()
    st.write("never drawn")
finally:
    ui.page_end.finish()
"""


def test_a_page_that_stops_early_still_has_the_sidebar_once():
    """app.py's frame around a page that calls ui.stop: what app.py set aside is drawn before the stop, once."""
    at = AppTest.from_string(STOPS_EARLY).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["A page that stops early"]
    assert [m.value for m in at.sidebar.markdown] == ["Signed in as someone"]
    assert "never drawn" not in texts(at)


def test_sign_out_signs_out_and_forgets_the_user(sqlite_demo_db, actor_for):
    at = app_as(actor_for("caseworker")).run()
    at.switch_page("pages/my_work.py").run()
    at.sidebar.button[0].click().run()
    assert "You have signed out." in texts(at)
    assert "actor" not in at.session_state
    assert not at.sidebar.button  # the sign-in page: no sidebar of a signed-in user
