"""In Chromium against the real server (serve.py): a download's /media/ URL gives the file to the signed-in
browser only (issue 14, item 8).

Streamlit serves a download at `/media/<id>` to anyone holding the URL while it keeps the file; a copied URL
or a proxy log was enough to fetch a case file with no cookie. Here the team leader downloads an SR's
outcome PDF from SR detail; the same URL fetched with no cookie (urllib, and a second browser) or with
another user's live session gets a 404 and none of the file's bytes, the signed-in browser can fetch it
again, and after sign-out the old cookie gets nothing either. The console's CSV export likewise.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from db.models import ServiceRequest, User
from services import attachments, auth
from services.actor import Actor
from services.sessions import COOKIE
from services.transaction import transaction
from tests.browser.helpers import settled
from tests.browser.test_sign_in import sign_in
from tests.pdfs import a_pdf

pytestmark = pytest.mark.browser


def _fetch(url: str, cookie: str | None = None) -> tuple[int, bytes]:
    """GET `url` outside any browser: (status, body)."""
    request = urllib.request.Request(url, headers={"Cookie": f"{COOKIE}={cookie}"} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _leader() -> Actor:
    with transaction() as session:
        return Actor.of(session.scalars(select(User).where(User.username == "teamleader")).one())


def _team_sr_with_outcome(pdf: bytes) -> tuple[int, str]:
    """(id, number) of an SR of the team leader's team, with `pdf` stored on it as its outcome."""
    leader = _leader()
    with transaction() as session:
        sr = session.scalars(
            select(ServiceRequest).where(ServiceRequest.team_id == leader.team_id).order_by(ServiceRequest.id)
        ).first()
        assert sr is not None
        sr_id, number = sr.id, sr.number
    attachments.upload_outcome_pdf(leader, sr_id, file_name="Outcome.pdf", data=pdf)
    return sr_id, number


def test_a_download_url_gives_nothing_outside_the_signed_in_session(live_server, page: Page, browser: Browser):
    pdf = a_pdf(pages=3)
    leader, (sr_id, number) = _leader(), _team_sr_with_outcome(pdf)

    sign_in(page, live_server.url, "teamleader")
    settled(page, page.get_by_role("link", name="Outstanding SRs"))
    page.goto(f"{live_server.url}/sr?sr={sr_id}")  # a typed URL: the session cookie resumes it
    settled(page, page.get_by_role("heading", name=f"SR {number}"))
    page.get_by_role("tab", name="Attachments").click()
    button = settled(page, page.get_by_role("button", name="Download", exact=True))
    expect(button).to_have_count(1)
    with page.expect_download() as download_info:
        button.click()
    download = download_info.value
    with open(download.path(), "rb") as downloaded:
        assert downloaded.read() == pdf  # the signed-in user's download works
    url = download.url
    assert "/media/" in url

    # The same URL, no cookie: nothing of the file, from a script or from another browser.
    status, body = _fetch(url)
    assert (status, body) == (404, b"")
    stranger = browser.new_context()
    try:
        response = stranger.request.get(url)
        assert response.status == 404
        assert pdf[:200] not in response.body()
    finally:
        stranger.close()

    # The file is still held by the server: the signed-in browser's cookie fetches it again.
    again = page.context.request.get(url)
    assert (again.status, again.body()) == (200, pdf)

    # Another user's live session (a caseworker of the same team, a team leader of another) gets nothing:
    # the file was generated for the team leader.
    others = [auth.start_session(username, "demo-password").token for username in ("caseworker", "ssst.teamleader")]
    assert [_fetch(url, token) for token in others] == [(404, b""), (404, b"")]

    # The console's CSV of the team's outstanding SRs likewise. (Opening the page lets Streamlit drop the PDF:
    # a pressed download is kept only until two more script runs end.)
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Outstanding SRs").click()
    settled(page, page.get_by_role("button", name="Prepare CSV of the filtered list")).click()
    csv_button = settled(page, page.get_by_role("button", name=re.compile(r"^Download CSV \(\d+ rows\)$")))
    with page.expect_download() as csv_info:
        csv_button.click()
    csv = csv_info.value
    with open(csv.path(), "rb") as downloaded:
        assert downloaded.read().startswith(b"SR,SCIN,")
    assert [_fetch(csv.url)[0], *(_fetch(csv.url, token)[0] for token in others)] == [404, 404, 404]
    assert page.context.request.get(csv.url).body().startswith(b"SR,SCIN,")

    # Signed out (here on the server, as from another tab, so no script run drops the file meanwhile), the
    # old cookie copied before opens nothing, while a new session of the same user still gets the file.
    token = next(c["value"] for c in page.context.cookies() if c["name"] == COOKIE)
    assert _fetch(csv.url, token)[0] == 200
    auth.sign_out(leader, token=token)
    assert _fetch(csv.url, token) == (404, b"")
    fresh = auth.start_session("teamleader", "demo-password").token
    assert _fetch(csv.url, fresh)[1].startswith(b"SR,SCIN,")
