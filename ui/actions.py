"""A button callback's service call, shared by the wizard and the practice run: its result or its problem is
kept in the session for the rerun that follows, and a fault never reaches the user as a traceback."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

import ui
from services.access import VERIFIED
from services.errors import DomainError, SessionEnded, StaleView, ValidationFailed

T = TypeVar("T")


def run_action(
    call: Callable[[], T], *, fresh_key: str | None, errors_key: str, doing: str, stale_key: str | None = None
) -> T | None:
    """Call the service; keep its result under `fresh_key` (unless None), or the field errors / problem under
    `errors_key` (and under `stale_key` whether the screen was out of date, so the page offers Reload).
    Returns the result, or None when the call was refused or failed.

    The service checks the signed-in user and this browser's session itself, before the page runs (a callback
    runs first); when it did, the page's run that follows skips its own check (ui.checked_by_service).
    """
    verifying = VERIFIED.set(None)
    try:
        result = call()
    except ValidationFailed as exc:
        st.session_state[errors_key] = exc.errors
    except SessionEnded as exc:
        ui.ended(exc)
    except DomainError as exc:
        st.session_state[errors_key] = {"_problem": exc.message}
        if stale_key is not None:
            st.session_state[stale_key] = isinstance(exc, StaleView)
    except Exception:  # a database fault: the step rolled back; plain words and a log reference, no traceback
        st.session_state[errors_key] = {"_problem": ui.fault_message(doing)}
    else:
        if fresh_key is not None:
            st.session_state[fresh_key] = result
        return result
    finally:
        ui.checked_by_service(VERIFIED.get())
        VERIFIED.reset(verifying)
    return None
