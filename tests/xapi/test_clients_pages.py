"""The LRS client admin pages: admins only, the secret shown once, revoking with a
confirmation, and a revoked client refused by the LRS (401)."""

import base64
import re

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from lms.database import db
from lms.xapi.clients import SCOPE_READ_ALL, SCOPE_WRITE, create_client
from lms.xapi.models import LrsClient
from tests.conftest import T0
from tests.xapi.documents.support import Lrs, state_params


@pytest.fixture
def admin(make_user, login):
    admin = make_user(name="Admin", roles={"admin"})
    login(admin)
    return admin


@pytest.fixture
def crm():
    client, _secret = create_client("CRM", {SCOPE_WRITE}, now=T0)
    db.session.commit()
    return client


def basic(key: str, secret: str) -> dict:
    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}


def shown_secret(page: str) -> str:
    return re.search(r'value="([^"]+)" aria-label="Secret"', page).group(1)


# Who may --------------------------------------------------------------------------------------


@pytest.mark.parametrize("roles", [set(), {"hr"}])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/lrs/clients"),
        ("GET", "/lrs/clients/new"),
        ("POST", "/lrs/clients/new"),
        ("GET", "/lrs/clients/{id}/revoke"),
        ("POST", "/lrs/clients/{id}/revoke"),
    ],
)
def test_only_admins_may(client, make_user, login, crm, roles, method, path):
    login(make_user(roles=roles))
    response = client.open(
        path.format(id=crm.id), method=method, data={"name": "X", "scopes": SCOPE_WRITE}
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert crm.revoked_at is None
    assert db.session.scalar(select(LrsClient).where(LrsClient.name == "X")) is None


@pytest.mark.parametrize("path", ["/lrs/clients", "/lrs/clients/new"])
def test_anonymous_people_are_sent_to_log_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_admins_see_the_page_in_their_menu(client, admin):
    page = client.get("/people").get_data(as_text=True)
    assert '<a href="/lrs/clients"' in page and ">LRS clients</a>" in page


def test_other_people_do_not_see_it_in_their_menu(client, make_user, login):
    login(make_user(roles={"hr"}))
    assert "LRS clients" not in client.get("/people").get_data(as_text=True)


# Listing and creating -----------------------------------------------------------------------------


def test_the_list_shows_name_key_scopes_created_and_status(client, admin, crm):
    create_client("Old content", {SCOPE_READ_ALL}, now=T0)[0].revoked_at = T0
    db.session.commit()
    page = client.get("/lrs/clients").get_data(as_text=True)
    assert "CRM" in page and crm.key in page and SCOPE_WRITE in page
    assert '<time datetime="2026-10-05T09:00:00Z">Oct 5, 2026, 9:00\u202fAM</time>' in page
    assert "active" in page and "revoked" in page


def test_creating_a_client_shows_its_secret_once_and_stores_only_a_hash(client, admin):
    form = client.get("/lrs/clients/new").get_data(as_text=True)
    assert SCOPE_WRITE in form and 'type="checkbox"' in form
    response = client.post(
        "/lrs/clients/new", data={"name": "CRM", "scopes": [SCOPE_WRITE, SCOPE_READ_ALL]}
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    secret = shown_secret(page)
    assert "shown only this once" in page
    stored = db.session.scalar(select(LrsClient).where(LrsClient.name == "CRM"))
    assert stored.key in page
    assert stored.scopes == f"{SCOPE_READ_ALL} {SCOPE_WRITE}"
    assert secret not in stored.secret_hash and check_password_hash(stored.secret_hash, secret)
    assert secret not in client.get("/lrs/clients").get_data(as_text=True)


def test_the_new_credentials_work_at_the_lrs(client, admin):
    page = client.post(
        "/lrs/clients/new", data={"name": "Course", "scopes": [SCOPE_WRITE, SCOPE_READ_ALL]}
    ).get_data(as_text=True)
    key = re.search(r'value="([^"]+)" aria-label="Key"', page).group(1)
    lrs = Lrs(client, basic(key, shown_secret(page)))
    params = state_params()
    assert lrs.put("/activities/state", params, body={"a": 1}).status_code == 204
    assert lrs.get("/activities/state", params).status_code == 200


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "scopes": [SCOPE_WRITE]}, "Give the client a name."),
        ({"name": "   ", "scopes": [SCOPE_WRITE]}, "Give the client a name."),
        ({"name": "CRM"}, "Choose at least one scope."),
        ({"name": "CRM", "scopes": ["all"]}, "not a valid choice"),
    ],
)
def test_a_bad_form_says_what_is_wrong_and_creates_nothing(client, admin, data, message):
    response = client.post("/lrs/clients/new", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(LrsClient)) is None


# Revoking ----------------------------------------------------------------------------------------


def test_revoking_asks_for_confirmation_first(client, admin, crm):
    page = client.get(f"/lrs/clients/{crm.id}/revoke").get_data(as_text=True)
    assert f"Revoke {crm.name}?" in page and crm.key in page and "401" in page
    db.session.expire_all()
    assert crm.revoked_at is None


def test_a_revoked_client_gets_401_from_the_lrs(client, admin):
    live, secret = create_client("Content", {SCOPE_WRITE, SCOPE_READ_ALL}, now=T0)
    db.session.commit()
    lrs = Lrs(client, basic(live.key, secret))
    params = state_params()
    assert lrs.put("/activities/state", params, body={"a": 1}).status_code == 204

    response = client.post(f"/lrs/clients/{live.id}/revoke", follow_redirects=True)
    assert "is revoked" in response.get_data(as_text=True)

    for method in ("GET", "PUT", "POST", "DELETE"):
        assert lrs.send(method, "/activities/state", params, body={"b": 2}).status_code == 401
    assert lrs.get("/activities", {"activityId": "http://a.example.com"}).status_code == 401
    assert lrs.get("/agents", {"agent": {"mbox": "mailto:a@example.com"}}).status_code == 401


def test_revoking_twice_keeps_the_first_date(client, admin, crm):
    client.post(f"/lrs/clients/{crm.id}/revoke")
    db.session.expire_all()
    first = crm.revoked_at
    client.post(f"/lrs/clients/{crm.id}/revoke")
    db.session.expire_all()
    assert crm.revoked_at == first
    assert "was revoked on" in client.get(f"/lrs/clients/{crm.id}/revoke").get_data(as_text=True)


def test_an_unknown_client_is_404(client, admin):
    assert client.get("/lrs/clients/999999/revoke").status_code == 404
    assert client.post("/lrs/clients/999999/revoke").status_code == 404


# CSRF ------------------------------------------------------------------------------------------


@pytest.fixture
def csrf_enabled(app):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        yield
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def test_forms_without_the_csrf_token_are_refused(client, admin, crm, csrf_enabled):
    assert (
        client.post("/lrs/clients/new", data={"name": "X", "scopes": [SCOPE_WRITE]}).status_code
        == 400
    )
    assert client.post(f"/lrs/clients/{crm.id}/revoke").status_code == 400
    db.session.expire_all()
    assert crm.revoked_at is None


def test_forms_with_the_csrf_token_work(client, admin, crm, csrf_enabled):
    token = TOKEN.search(client.get(f"/lrs/clients/{crm.id}/revoke").get_data(as_text=True)).group(
        1
    )
    assert (
        client.post(f"/lrs/clients/{crm.id}/revoke", data={"csrf_token": token}).status_code == 302
    )
    db.session.expire_all()
    assert crm.revoked_at is not None
