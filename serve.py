"""The web server: Streamlit running app.py, with /media/ (downloads and images) for signed-in browsers only.

Streamlit serves a download's bytes at `/media/<id>` to any client that has the URL, cookie or not, until it
drops the file. `MediaGuard` answers such a request only when it carries the session cookie of a live
session (services.sessions.is_live): a URL copied out of the browser, read from a proxy log or fetched after
sign-out gets 404 and nothing of the file. Run with `streamlit run serve.py` (make run); `streamlit run app.py`
would serve the app without the guard.
"""

from __future__ import annotations

from http.cookies import SimpleCookie

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Receive, Scope, Send

from services.sessions import COOKIE, is_live

MEDIA = "/media/"


def _token(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            morsel = SimpleCookie(value.decode("latin-1")).get(COOKIE)
            if morsel is not None:
                return morsel.value
    return None


class MediaGuard:
    """ASGI middleware: a /media/ request without a live session cookie is answered 404, the file unread."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and MEDIA in scope.get("path", "")
            and not await run_in_threadpool(is_live, _token(scope))
        ):
            await send({"type": "http.response.start", "status": 404, "headers": [(b"content-length", b"0")]})
            await send({"type": "http.response.body", "body": b""})
            return
        await self.app(scope, receive, send)


app = st.App("app.py", middleware=[Middleware(MediaGuard)])
