"""PASSWORD_SIGN_IN=off: passwords for the break-glass account alone, over HTTP and the
command line; and the default, where everyone keeps their password."""

import pytest
from sqlalchemy import select

from lms.auth.audit import services as audit
from lms.auth.models import AuditEntry
from lms.auth.services import password_link_token
from lms.config import ConfigError, from_environment
from lms.database import db
from tests.conftest import FAST_HASH, PASSWORD

SWITCHED_OFF = "Password sign-in is switched off"


@pytest.fixture
def passwords_off(app, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_SIGN_IN", False)
    monkeypatch.setitem(app.config, "BREAK_GLASS_EMAIL", "root@example.com")


@pytest.fixture
def root(make_user):
    return make_user(email="root@example.com", name="Root Admin", roles=["admin"])


def log_in(client, email, path="/login"):
    return client.post(path, data={"email": email, "password": PASSWORD})


def test_by_default_everyone_signs_in_with_a_password(client, make_user):
    ann = make_user()
    assert 'name="password"' in client.get("/login").get_data(as_text=True)
    assert log_in(client, ann.email).status_code == 302


def test_when_off_the_log_in_page_offers_no_password_form(client, passwords_off):
    page = client.get("/login").get_data(as_text=True)
    assert 'name="password"' not in page
    assert SWITCHED_OFF in page


def test_when_off_a_password_is_refused_before_it_is_checked(client, passwords_off, make_user):
    ann = make_user()
    response = log_in(client, ann.email)
    assert response.status_code == 200
    assert SWITCHED_OFF in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_the_break_glass_account_still_signs_in(client, passwords_off, root):
    assert 'name="password"' in client.get("/login?break-glass").get_data(as_text=True)
    assert log_in(client, "ROOT@example.com", "/login?break-glass").status_code == 302
    assert client.get("/account").status_code == 200


def test_when_off_password_links_are_refused_but_the_break_glass_ones(
    client, app, passwords_off, make_user, root
):
    secret = app.config["SECRET_KEY"]
    response = client.get(f"/password/{password_link_token(make_user(), secret)}")
    assert response.status_code == 403
    assert SWITCHED_OFF in response.get_data(as_text=True)
    assert client.get(f"/password/{password_link_token(root, secret)}").status_code == 200


def test_when_off_no_password_link_is_issued_from_the_people_page(
    client, passwords_off, make_user, root
):
    ann = make_user()
    log_in(client, root.email)
    response = client.post(f"/people/{ann.id}/password-link", follow_redirects=True)
    assert SWITCHED_OFF in response.get_data(as_text=True)
    issued = select(AuditEntry).where(AuditEntry.action == audit.PASSWORD_LINK_ISSUED)
    assert db.session.scalar(issued) is None


def test_when_off_the_command_line_says_why_it_gives_no_link(
    runner, passwords_off, make_user, root
):
    ann = make_user()
    result = runner.invoke(args=["users", "password-link", ann.email])
    assert result.exit_code == 1
    assert SWITCHED_OFF in result.output
    result = runner.invoke(args=["users", "password-link", root.email])
    assert result.exit_code == 0
    assert "/password/" in result.output


def test_switching_passwords_off_needs_a_break_glass_account(tmp_path):
    with pytest.raises(ConfigError, match="BREAK_GLASS_EMAIL"):
        from_environment(tmp_path, {"SECRET_KEY": "x", "PASSWORD_SIGN_IN": "off"})
    settings = from_environment(
        tmp_path, {"SECRET_KEY": "x", "PASSWORD_SIGN_IN": "off", "BREAK_GLASS_EMAIL": "Root@X.com"}
    )
    assert (settings["PASSWORD_SIGN_IN"], settings["BREAK_GLASS_EMAIL"]) == (False, "root@x.com")


def test_the_person_page_offers_a_password_link_only_while_passwords_are_on(
    client, app, monkeypatch, make_user, root
):
    ann = make_user()
    log_in(client, root.email)
    assert "Password link" in client.get(f"/people/{ann.id}").get_data(as_text=True)
    monkeypatch.setitem(app.config, "PASSWORD_SIGN_IN", False)
    monkeypatch.setitem(app.config, "BREAK_GLASS_EMAIL", root.email)
    assert "Password link" not in client.get(f"/people/{ann.id}").get_data(as_text=True)
    assert "Password link" in client.get(f"/people/{root.id}").get_data(as_text=True)


def test_when_off_the_account_page_offers_no_password_change(client, app, make_user, monkeypatch):
    ann = make_user()
    log_in(client, ann.email)
    assert "Change password" in client.get("/account").get_data(as_text=True)
    monkeypatch.setitem(app.config, "PASSWORD_SIGN_IN", False)
    monkeypatch.setitem(app.config, "BREAK_GLASS_EMAIL", "root@example.com")
    assert "Change password" not in client.get("/account").get_data(as_text=True)
    form = {
        "current_password": PASSWORD,
        "password": "a new long passphrase",
        "confirm": "a new long passphrase",
    }
    response = client.post("/account", data=form)
    assert SWITCHED_OFF in response.get_data(as_text=True)
    assert ann.password_hash == FAST_HASH
