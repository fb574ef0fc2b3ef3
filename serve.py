"""The web server: Streamlit running app.py, with /media/ (downloads and images) for signed-in browsers only.

Streamlit serves a download's bytes at `/media/<id>` to any client that has the URL, cookie or not, until it
drops the file. `MediaGuard` answers such a request only when it carries the session cookie of a live
session (services.sessions.live_user), and a file generated for one user (ui.download_owners) only to that
user: a URL copied out of the browser, read from a proxy log, fetched by another user or after sign-out gets
404 and nothing of the file. Run with `streamlit run serve.py` (make run); `streamlit run app.py` would serve
the app without the guard.
"""

from __future__ import annotations

from http.cookies import SimpleCookie

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Receive, Scope, Send
from streamlit import config, runtime
from streamlit.runtime.pages_manager import PagesManager

from services.sessions import COOKIE, live_user
from ui.browser_replies import keep_replies_across_runs
from ui.download_owners import owners

MEDIA = "/media/"


def is_media(path: str) -> bool:
    """Is `path` Streamlit's media route (`/media/<id>`, under the server's base URL path when one is set)?

    Only that route: Streamlit's own files under `/static/media/` (the page's text font and the Material icon
    font) are public like the rest of /static/. When the guard matched "/media/" anywhere in a path, the sign-in
    page's fonts were refused (404): icons showed as their names ("keyboard_double_arrow_left") and the text fell
    back to the browser's default font, for every user, on every page loaded before signing in.
    """
    base = str(config.get_option("server.baseUrlPath") or "").strip("/")
    return path.startswith(f"/{base}{MEDIA}" if base else MEDIA)


def _token(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            morsel = SimpleCookie(value.decode("latin-1")).get(COOKIE)
            if morsel is not None:
                return morsel.value
    return None


def allowed(path: str, token: str | None) -> bool:
    """May the holder of `token` have the media file at `path`? A live session, and the file's own user when
    it was generated for one."""
    user = live_user(token)
    if user is None:
        return False
    media = runtime.get_instance().media_file_mgr if runtime.exists() else None
    file = media.read_file(path.rsplit(MEDIA, 1)[1]) if media is not None and media.can_read_files else None
    made_for = owners(file.content) if file is not None else None
    return made_for is None or user in made_for


class MediaGuard:
    """ASGI middleware: a /media/ request that `allowed` refuses is answered 404, the file not sent."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and is_media(path) and not await run_in_threadpool(allowed, path, _token(scope)):
            await send({"type": "http.response.start", "status": 404, "headers": [(b"content-length", b"0")]})
            await send({"type": "http.response.body", "body": b""})
            return
        await self.app(scope, receive, send)


# app.py routes every page with st.navigation. Streamlit decides once per process, at the first session, whether
# the folder beside the main script named `pages/` is an old-style (v1) multipage app, and until st.navigation
# has run once it was: a fresh server's first visitor got the folder's files as the sidebar and "Page not
# found" for a bookmarked /sr?sr=... . Deciding it here, before any session, gives every visitor app.py's
# navigation. (A class attribute Streamlit sets itself in st.navigation; tests/browser/test_first_load.py
# shows it holds.)
PagesManager.uses_pages_directory = False
keep_replies_across_runs()  # a file chosen as a run starts is uploaded, not silently dropped

app = st.App("app.py", middleware=[Middleware(MediaGuard)])
