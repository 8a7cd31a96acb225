"""With CSRF protection on (as in production), a POST without the form's token is refused
and changes nothing; with the token scraped from the page it works."""

import re

import pytest
from sqlalchemy import select

from lms.auth.models import User
from lms.database import db
from tests.conftest import PASSWORD

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture(autouse=True)
def csrf_enabled(app):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        yield
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def token_from(client, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, path
    return TOKEN.search(page.get_data(as_text=True)).group(1)


@pytest.fixture
def log_in_with_token(client):
    def log_in(user):
        data = {
            "email": user.email,
            "password": PASSWORD,
            "csrf_token": token_from(client, "/login"),
        }
        assert client.post("/login", data=data).status_code == 302

    return log_in


@pytest.fixture
def admin(make_user, log_in_with_token):
    admin = make_user(roles={"admin"})
    log_in_with_token(admin)
    return admin


def person_details(**extra) -> dict:
    return {
        "email": "new.hire@example.com",
        "name": "New Hire",
        "job_role": "sales_rep",
        "division": "North",
        "hire_date": "2026-10-01",
    } | extra


def new_hire() -> User | None:
    return db.session.scalar(select(User).where(User.email == "new.hire@example.com"))


def is_logged_in(client) -> bool:
    return client.get("/").status_code == 200


def test_log_in_without_a_token_is_refused(client, make_user):
    ann = make_user()
    response = client.post("/login", data={"email": ann.email, "password": PASSWORD})
    assert response.status_code == 400
    assert not is_logged_in(client)


def test_log_in_with_the_forms_token_works(client, make_user, log_in_with_token):
    log_in_with_token(make_user())
    assert is_logged_in(client)


def test_adding_a_person_without_a_token_is_refused(client, admin):
    response = client.post("/people/new", data=person_details())
    assert response.status_code == 400
    assert new_hire() is None


def test_adding_a_person_with_the_forms_token_works(client, admin):
    token = token_from(client, "/people/new")
    response = client.post("/people/new", data=person_details(csrf_token=token))
    assert response.status_code == 302
    assert new_hire() is not None


def test_deactivating_without_a_token_is_refused(client, admin, make_user):
    ann = make_user()
    db.session.commit()
    assert client.post(f"/people/{ann.id}/deactivate").status_code == 400
    assert db.session.get(User, ann.id).active


def test_deactivating_with_the_pages_token_works(client, admin, make_user):
    ann = make_user()
    db.session.commit()
    token = token_from(client, f"/people/{ann.id}")
    response = client.post(f"/people/{ann.id}/deactivate", data={"csrf_token": token})
    assert response.status_code == 302
    assert not db.session.get(User, ann.id).active


def test_log_out_without_a_token_is_refused(client, admin):
    assert client.post("/logout").status_code == 400
    assert is_logged_in(client)


def test_log_out_with_the_pages_token_works(client, admin):
    token = token_from(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert not is_logged_in(client)


def test_a_token_from_another_session_is_refused(app, client, admin):
    stranger = app.test_client()
    token = token_from(stranger, "/login")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 400
    assert is_logged_in(client)
