"""A seeded person signs in through a real OpenID provider (oidc-provider, on 127.0.0.1) in
Chromium: Uptake's log-in page, the provider's login and consent pages, then My plan; and
logging out of Uptake logs out at the provider too."""

import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import browser, page, seed_people  # noqa: F401  (Chromium)
from tests.browser.walk import log_out
from tests.conftest import load_reference_data
from tests.live import live_uptake
from tests.sso.provider import provider_settings, running_provider

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def oidc_live(tmp_path_factory):
    """Uptake served with OpenID Connect on, and the provider in a node process of its own
    that knows Ann (`ann` on its login page) and Uptake's callback."""

    def seed():
        load_reference_data()
        return seed_people()

    with live_uptake(tmp_path_factory.mktemp("oidc"), seed=seed, WTF_CSRF_ENABLED=True) as live:
        ann = live.seeded["ann"]
        accounts = {"ann": {"email": ann.email, "name": ann.name}}
        with running_provider(
            redirect_uris=[live.url + "/auth/oidc/callback"],
            post_logout_redirect_uris=[live.url + "/login"],
            accounts=accounts,
        ) as issuer:
            live.app.config.update(BASE_URL=live.url, **provider_settings(issuer))
            yield SimpleNamespace(url=live.url, issuer=issuer, ann=ann)


def test_a_person_signs_in_through_the_provider_and_lands_on_my_plan(page, oidc_live):  # noqa: F811
    page.goto(oidc_live.url + "/")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_role("link", name="Sign in with Test Provider").click()

    expect(page).to_have_url(re.compile(re.escape(oidc_live.issuer) + r"/interaction/"))
    page.locator('input[name="login"]').fill("ann")
    page.locator('input[name="password"]').fill("the provider's own password")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()  # the provider's consent page

    expect(page).to_have_url(oidc_live.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My plan")
    expect(page.locator(".topbar .who")).to_have_text(oidc_live.ann.name)

    log_out(page)
    expect(page).to_have_url(re.compile(re.escape(oidc_live.issuer) + r"/session/end"))
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page).to_have_url(oidc_live.url + "/login")
