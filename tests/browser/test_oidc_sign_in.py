"""In Chromium: organisation sign-in through st.login against a local OIDC provider, and signing out of it."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from db.models import AuditEvent
from services.transaction import transaction
from tests.browser.helpers import FIRST_PAGE_TIMEOUT, SLOW_TIMEOUT, settled
from tests.browser.test_sign_in import sign_out
from tests.conftest import LiveServer, free_port, start_server
from tests.oidc_mock import Provider

pytestmark = pytest.mark.browser


def _identity_cookies(page: Page) -> list[str]:
    """Streamlit's identity cookies (_streamlit_user, _streamlit_user_tokens) in this browser."""
    return [c["name"] for c in page.context.cookies() if c["name"].startswith("_streamlit_user")]


@pytest.fixture
def oidc_server(sqlite_demo_db, tmp_path) -> Iterator[tuple[LiveServer, Provider]]:
    provider = Provider().start()
    port = free_port()
    home = tmp_path / "home"  # Streamlit reads ~/.streamlit/secrets.toml; the repository's stays untouched
    (home / ".streamlit").mkdir(parents=True)
    (home / ".streamlit" / "secrets.toml").write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "a-test-cookie-secret-of-decent-length"\n'
        'client_id = "casework-guide"\n'
        'client_secret = "test-client-secret"\n'
        f'server_metadata_url = "{provider.url}/.well-known/openid-configuration"\n'
    )
    server = start_server(sqlite_demo_db.url, tmp_path / "server.log", port=port, env={"HOME": str(home)})
    try:
        yield server, provider
    finally:
        server.stop()
        provider.stop()


def test_an_organisation_account_signs_in_as_the_matching_user_and_signs_out_of_both(oidc_server, page: Page):
    server, provider = oidc_server
    provider.email = "caseworker@demo.casework.invalid"
    page.goto(server.url)
    settled(
        page, page.get_by_role("button", name="Sign in with your organisation account"), timeout=FIRST_PAGE_TIMEOUT
    ).click()
    settled(page, "Welcome, Demo Caseworker", timeout=SLOW_TIMEOUT)
    with transaction() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "sign_in").order_by(AuditEvent.id)).all()
        event = events[-1]
    assert (event.actor_name, event.after) == ("caseworker", {"via": "oidc"})

    assert _identity_cookies(page) != []
    sign_out(page, page.get_by_role("button", name="Sign in with your organisation account"), timeout=SLOW_TIMEOUT)
    # st.logout sends the browser to /auth/logout, which deletes the identity cookie; the sign-in button can
    # show before that request is over, so wait for the cookie to go before reloading.
    for _ in range(300):
        if not _identity_cookies(page):
            break
        page.wait_for_timeout(100)
    assert _identity_cookies(page) == []
    page.reload()  # the identity cookie is gone: nobody is signed straight back in
    settled(page, page.get_by_role("button", name="Sign in with your organisation account"), timeout=SLOW_TIMEOUT)
    expect(page.get_by_text("Welcome, Demo Caseworker")).to_have_count(0)
    assert "test-client-secret" not in server.log.read_text()


def test_an_organisation_account_with_no_casework_guide_user_is_refused(oidc_server, page: Page):
    server, provider = oidc_server
    provider.email = "stranger@example.org"
    page.goto(server.url)
    settled(
        page, page.get_by_role("button", name="Sign in with your organisation account"), timeout=FIRST_PAGE_TIMEOUT
    ).click()
    refused = page.get_by_text("There is no active Casework Guide account for stranger@example.org")
    settled(page, refused, timeout=SLOW_TIMEOUT)
    expect(page.get_by_text("Welcome")).to_have_count(0)
