"""Whom each generated download was made for, so serve.py's /media/ guard hands it to that user only.

Case files, letters and .eml files are generated when their button is pressed (a callable passed as
st.download_button's `data`), after the service has checked the user may have them. `issued` notes the
bytes' sha256 against that user; the guard, which sees the file Streamlit is about to send, refuses it to
any other signed-in user. Held in this process's memory, as Streamlit holds the files themselves (a restart
loses both), and bounded: past LIMIT files the oldest are forgotten, and a forgotten file is then served to
any live session, as a prepared download is (README, "Downloads only to the signed-in browser").
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from services.actor import Actor

LIMIT = 2000
_owners: OrderedDict[str, frozenset[int]] = OrderedDict()
_lock = threading.Lock()


def issued(actor: Actor, data: bytes) -> bytes:
    """Note that `data` was generated for `actor`; return it unchanged (for the download callable)."""
    digest = hashlib.sha256(data).hexdigest()
    with _lock:
        _owners[digest] = _owners.pop(digest, frozenset()) | {actor.user_id}
        while len(_owners) > LIMIT:
            _owners.popitem(last=False)
    return data


def owners(data: bytes) -> frozenset[int] | None:
    """The users `data` was generated for, or None when it is not a generated download this process knows."""
    digest = hashlib.sha256(data).hexdigest()
    with _lock:
        return _owners.get(digest)
