"""OpenID Connect sign-in over HTTP, against a real provider (tests/sso/provider.py): the
provider's login and consent pages are walked with `requests`, Uptake's with the test client."""

import re
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
import requests
from sqlalchemy import select

from lms.auth.audit import services as audit
from lms.auth.models import AuditEntry, User
from lms.auth.sso.models import SignInLink
from lms.database import db
from tests.sso.provider import provider_settings, running_provider

BASE = "http://lms.test"
CALLBACK = f"{BASE}/auth/oidc/callback"
ACCOUNTS = {
    "ann": {"email": "Ann@Example.com", "name": "Ann Lee", "groups": ["Sales"]},
    "hana": {"email": "hana@example.com", "name": "Hana Hr", "groups": ["Uptake HR"]},
    "stranger": {"email": "stranger@example.com", "name": "Sam Stranger"},
}


@pytest.fixture(scope="module")
def issuer():
    with running_provider(
        redirect_uris=[CALLBACK], accounts=ACCOUNTS, post_logout_redirect_uris=[f"{BASE}/login"]
    ) as url:
        yield url


@pytest.fixture
def oidc(app, issuer, monkeypatch):
    """The app pointed at the provider; `oidc(**settings)` changes more settings."""
    for name, value in provider_settings(issuer).items():
        monkeypatch.setitem(app.config, name, value)

    def configure(**settings):
        for name, value in settings.items():
            monkeypatch.setitem(app.config, name, value)

    return configure


def sign_in_at_provider(client, login: str) -> str:
    """Start at Uptake, sign in and consent on the provider's own pages; return the URL the
    provider sends the browser back to (Uptake's callback, with its query)."""
    location = client.get("/auth/oidc/sign-in").headers["Location"]
    browser = requests.Session()
    while not location.startswith(BASE):
        response = browser.get(location, allow_redirects=False, timeout=10)
        if response.status_code == 200:
            response = _submit_form(browser, response, login)
        location = urljoin(response.url, response.headers["Location"])
    return location


def _submit_form(browser, page, login: str):
    action = re.search(r'<form[^>]*action="([^"]+)"', page.text).group(1)
    prompt = re.search(r'name="prompt" value="(\w+)"', page.text).group(1)
    data = {"prompt": prompt, "login": login, "password": "any"} if prompt == "login" else {}
    data["prompt"] = prompt
    return browser.post(urljoin(page.url, action), data=data, allow_redirects=False, timeout=10)


def callback(client, url: str):
    parts = urlsplit(url)
    return client.get(parts.path, query_string=dict(parse_qsl(parts.query)))


def entries(action):
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_the_log_in_page_offers_the_provider(client, oidc):
    page = client.get("/login?next=/courses").get_data(as_text=True)
    assert "Sign in with Test Provider" in page
    assert "/auth/oidc/sign-in?next=/courses" in page


def test_the_authorization_request_uses_pkce_state_and_nonce(client, oidc):
    query = dict(parse_qsl(urlsplit(client.get("/auth/oidc/sign-in").headers["Location"]).query))
    assert query["code_challenge_method"] == "S256"
    assert query["response_type"] == "code"
    assert len(query["state"]) >= 32 and len(query["nonce"]) >= 32
    assert query["redirect_uri"] == CALLBACK


def test_a_person_signs_in_through_the_provider(client, oidc, make_user):
    ann = make_user(email="ann@example.com", name="Ann Lee")
    response = callback(client, sign_in_at_provider(client, "ann"))
    assert response.status_code == 302
    assert response.headers["Location"] == "/"  # My plan
    assert client.get("/account").status_code == 200
    link = db.session.scalar(select(SignInLink).where(SignInLink.user_id == ann.id))
    assert (link.provider, link.subject) == ("oidc", "ann")


def test_logging_out_also_logs_out_at_the_provider(client, oidc, make_user):
    make_user(email="ann@example.com")
    callback(client, sign_in_at_provider(client, "ann"))
    page = client.post("/logout").get_data(as_text=True)
    location = re.search(r'content="0;url=([^"]+)"', page).group(1).replace("&amp;", "&")
    assert location.startswith(oidc_issuer(client)) and "/session/end" in location
    assert "post_logout_redirect_uri=http%3A%2F%2Flms.test%2Flogin" in location
    assert client.get("/account").status_code == 302


def oidc_issuer(client) -> str:
    return client.application.config["OIDC_ISSUER"]


def test_a_callback_whose_state_differs_is_refused_and_changes_nothing(client, oidc, make_user):
    make_user(email="ann@example.com")
    url = sign_in_at_provider(client, "ann").replace("state=", "state=x")
    response = callback(client, url)
    assert response.status_code == 403
    assert "did not start here" in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302
    assert db.session.scalar(select(SignInLink)) is None
    assert len(entries(audit.SIGN_IN_REFUSED)) == 1


def test_a_callback_with_no_sign_in_started_is_refused(client, oidc):
    response = client.get("/auth/oidc/callback", query_string={"code": "x", "state": "y"})
    assert response.status_code == 403


def test_the_providers_own_refusal_is_shown(client, oidc):
    client.get("/auth/oidc/sign-in")
    with client.session_transaction() as session:
        state = session["oidc_pending"]["state"]
    query = {"error": "access_denied", "error_description": "End-User aborted", "state": state}
    response = client.get("/auth/oidc/callback", query_string=query)
    assert response.status_code == 403
    assert "did not sign you in: End-User aborted" in response.get_data(as_text=True)


def test_a_code_used_twice_is_refused(client, oidc, make_user):
    make_user(email="ann@example.com")
    url = sign_in_at_provider(client, "ann")
    with client.session_transaction() as session:
        pending = dict(session["oidc_pending"])
    callback(client, url)
    client.post("/logout")
    with client.session_transaction() as session:
        session["oidc_pending"] = pending
    response = callback(client, url)
    assert response.status_code == 403
    assert "would not exchange the sign-in code" in response.get_data(as_text=True)


def test_someone_uptake_does_not_know_is_refused(client, oidc):
    response = callback(client, sign_in_at_provider(client, "stranger"))
    assert response.status_code == 403
    assert "nobody matching stranger@example.com" in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "stranger@example.com")) is None
    [entry] = entries(audit.SIGN_IN_REFUSED)
    assert entry.details["who"] == "stranger@example.com"


def test_a_deactivated_person_is_refused(client, oidc, make_user):
    make_user(email="ann@example.com", active=False)
    response = callback(client, sign_in_at_provider(client, "ann"))
    assert response.status_code == 403
    assert "deactivated" in response.get_data(as_text=True)
    assert db.session.scalar(select(SignInLink)) is None


def test_just_in_time_creation_adds_a_stranger_when_switched_on(client, oidc):
    oidc(SSO_CREATE_UNKNOWN_PEOPLE=True, SSO_DEFAULT_JOB_ROLE="sales_rep")
    assert callback(client, sign_in_at_provider(client, "stranger")).status_code == 302
    person = db.session.scalar(select(User).where(User.email == "stranger@example.com"))
    assert (person.name, person.job_role.slug) == ("Sam Stranger", "sales_rep")


def test_the_providers_groups_grant_roles(client, oidc, make_user):
    oidc(SSO_HR_GROUPS=frozenset({"Uptake HR"}))
    hana = make_user(email="hana@example.com")
    assert callback(client, sign_in_at_provider(client, "hana")).status_code == 302
    assert hana.roles == {"learner", "hr"}
    [entry] = entries(audit.ROLES_CHANGED)
    assert entry.details == {"granted": ["hr"], "removed": [], "via": "oidc sign-in"}


def test_without_a_provider_the_pages_are_not_there(client):
    assert client.get("/auth/oidc/sign-in").status_code == 404
    assert "Sign in with" not in client.get("/login").get_data(as_text=True)
