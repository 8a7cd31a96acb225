"""Bearer tokens: admins make them (shown once, kept hashed) and revoke them; SCIM refuses
a request without a live one."""

import re

from sqlalchemy import select

from lms.auth.scim.models import ScimToken
from lms.auth.scim.tokens import authenticate_token, create_token, revoke_token
from lms.database import db
from tests.conftest import T0


def test_no_token_a_wrong_one_and_a_revoked_one_get_401(client, scim, scim_token):
    bare = client.get("/scim/v2/Users")
    assert bare.status_code == 401 and bare.mimetype == "application/scim+json"
    assert bare.get_json()["status"] == "401"
    assert bare.headers["WWW-Authenticate"].startswith("Bearer")
    key = scim_token.partition(".")[0]
    assert scim("GET", "/Users", token=f"{key}.wrong-secret").status_code == 401
    assert scim("GET", "/Users", token="nonsense").status_code == 401
    assert scim("GET", "/Users").status_code == 200
    revoke_token(authenticate_token(scim_token), now=T0, actor=None)
    assert scim("GET", "/Users").status_code == 401


def test_basic_credentials_are_not_a_token(client, scim_token):
    response = client.get("/scim/v2/Users", headers={"Authorization": f"Basic {scim_token}"})
    assert response.status_code == 401


def test_only_a_hash_is_kept(app):
    token, text = create_token("Okta", now=T0, actor=None)
    assert text.split(".")[1] not in (token.secret_sha256, token.key)
    assert len(token.secret_sha256) == 64


def test_an_admin_creates_a_token_shown_once_and_revokes_it(client, admin):
    page = client.post("/provisioning/tokens/new", data={"name": "Entra ID"})
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    assert "http://lms.test/scim/v2" in html and "data-copy" in html
    token = db.session.scalar(select(ScimToken).where(ScimToken.name == "Entra ID"))
    shown = re.search(rf'value="({token.key}\.[^"]+)"', html).group(1)
    assert authenticate_token(shown) == token
    listing = client.get("/provisioning/tokens").get_data(as_text=True)
    assert token.key in listing and shown not in listing
    client.post(f"/provisioning/tokens/{token.id}/revoke")
    assert token.revoked_at is not None and authenticate_token(shown) is None


def test_a_token_needs_a_name(client, admin):
    page = client.post("/provisioning/tokens/new", data={"name": ""})
    assert "Give the token a name" in page.get_data(as_text=True)


def test_only_admins_see_the_token_pages(client, make_user, login):
    login(make_user(roles={"hr"}))
    assert client.get("/provisioning/tokens").status_code == 403
    assert client.post("/provisioning/tokens/new", data={"name": "x"}).status_code == 403


def test_the_admin_menu_links_the_token_page(client, admin):
    assert 'href="/provisioning/tokens"' in client.get("/audit").get_data(as_text=True)


def test_a_body_larger_than_the_limit_is_refused(app, scim):
    limit = app.config["SCIM_MAX_REQUEST_BYTES"]
    response = scim("POST", "/Users", {"userName": "x" * limit})
    assert response.status_code == 413
    assert response.get_json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]


def test_scim_needs_no_csrf_token(app, scim):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert scim("GET", "/Groups").status_code == 200
        assert scim("POST", "/Groups", {"displayName": "Uptake HR"}).status_code == 201
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_an_unknown_scim_address_is_a_scim_404(scim):
    response = scim("GET", "/Nothing")
    assert response.status_code == 404 and response.get_json()["status"] == "404"


def test_token_changes_are_in_the_audit_log(client, admin):
    client.post("/provisioning/tokens/new", data={"name": "Okta"})
    log = client.get("/audit").get_data(as_text=True)
    assert "Created SCIM token Okta" in log
