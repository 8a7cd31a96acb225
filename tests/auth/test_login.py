"""Logging in and out, lock-out, passwords and password links, over HTTP; and the settings
that make the session cookie safe."""

import time
from datetime import timedelta

import pytest
from itsdangerous import TimestampSigner

from lms.auth.models import LoginThrottle
from lms.auth.services import password_link_token
from lms.clock import utcnow
from lms.config import ConfigError, from_environment
from lms.database import db
from tests.conftest import PASSWORD

NEW_PASSWORD = "a brand new passphrase"
LOCKED = "Too many failed log-ins. Try again in 15 minutes."
WRONG = "Wrong e-mail or password."


@pytest.fixture
def ann(make_user):
    return make_user(email="ann@example.com", name="Ann Lee")


def log_in(client, email, password, **query):
    return client.post("/login", data={"email": email, "password": password}, query_string=query)


def is_logged_in(client) -> bool:
    return client.get("/").status_code == 200


def fail_to_log_in(client, user, times):
    for _ in range(times):
        assert WRONG in log_in(client, user.email, "not my password").get_data(as_text=True)


# Logging in --------------------------------------------------------------------------------


def test_the_right_password_leads_to_the_home_page(client, ann):
    response = log_in(client, "ann@example.com", PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_the_home_page_is_the_persons_plan_under_their_name(client, ann):
    response = log_in(client, "ann@example.com", PASSWORD)
    home = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<h1>My plan</h1>" in home
    assert '<span class="who">Ann Lee</span>' in home


def test_the_email_is_matched_whatever_its_case(client, ann):
    assert log_in(client, " Ann@Example.COM ", PASSWORD).status_code == 302


def test_a_wrong_password_is_refused(client, ann):
    response = log_in(client, "ann@example.com", "not my password")
    assert response.status_code == 200
    assert WRONG in response.get_data(as_text=True)
    assert not is_logged_in(client)


def test_an_unknown_email_gets_the_same_message_as_a_wrong_password(client, ann):
    response = log_in(client, "nobody@example.com", PASSWORD)
    assert WRONG in response.get_data(as_text=True)


def test_a_person_without_a_password_cannot_log_in(client, make_user):
    newcomer = make_user(password=False)
    assert WRONG in log_in(client, newcomer.email, "any password at all").get_data(as_text=True)
    assert not is_logged_in(client)


def test_four_wrong_passwords_do_not_lock_the_account(client, ann):
    fail_to_log_in(client, ann, 4)
    assert log_in(client, ann.email, PASSWORD).status_code == 302


def test_a_successful_log_in_clears_the_failure_count(client, ann):
    fail_to_log_in(client, ann, 4)
    log_in(client, ann.email, PASSWORD)
    client.post("/logout")
    fail_to_log_in(client, ann, 4)  # four more, and still not locked
    assert log_in(client, ann.email, PASSWORD).status_code == 302


def test_five_wrong_passwords_lock_out_even_the_right_one(client, ann):
    fail_to_log_in(client, ann, 5)
    response = log_in(client, ann.email, PASSWORD)
    assert LOCKED in response.get_data(as_text=True)
    assert not is_logged_in(client)


def test_the_lock_lasts_fifteen_minutes(client, ann):
    fail_to_log_in(client, ann, 5)
    locks = db.session.scalars(db.select(LoginThrottle.locked_until)).all()
    soon, later = utcnow() + timedelta(minutes=14), utcnow() + timedelta(minutes=15)
    assert any(lock and soon < lock <= later for lock in locks)


def test_the_right_password_works_again_once_the_lock_has_passed(client, ann):
    fail_to_log_in(client, ann, 5)
    for throttle in db.session.scalars(db.select(LoginThrottle)):
        throttle.locked_until = utcnow() - timedelta(seconds=1) if throttle.locked_until else None
    db.session.commit()
    assert log_in(client, ann.email, PASSWORD).headers["Location"] == "/"


def test_an_unknown_address_gets_the_same_answers_as_a_real_one(client, ann):
    """Nobody can tell from the answers whether an account exists: not from the wrong-password
    message, nor from the lock-out message, which strangers' addresses get too."""
    for email in (ann.email, "nobody@example.com"):
        for _ in range(5):
            assert WRONG in log_in(client, email, "not my password").get_data(as_text=True)
        assert LOCKED in log_in(client, email, "not my password").get_data(as_text=True)


def test_a_stranger_guessing_locks_only_their_own_address_out(client, app, ann):
    """Five wrong guesses from one address block that address for this person; the person,
    from their own address, still gets in."""
    stranger = {"REMOTE_ADDR": "203.0.113.9"}
    for _ in range(5):
        client.post("/login", data={"email": ann.email, "password": "x"}, environ_base=stranger)
    response = client.post(
        "/login", data={"email": ann.email, "password": PASSWORD}, environ_base=stranger
    )
    assert LOCKED in response.get_data(as_text=True)
    own = {"REMOTE_ADDR": "198.51.100.7"}
    response = client.post(
        "/login", data={"email": ann.email, "password": PASSWORD}, environ_base=own
    )
    assert response.status_code == 302


def test_one_address_guessing_at_many_accounts_is_blocked(client, make_user):
    people = [make_user() for _ in range(5)]
    for person in people:
        fail_to_log_in(client, person, 4)  # under each account's own limit
    response = log_in(client, people[0].email, PASSWORD)
    assert LOCKED in response.get_data(as_text=True)  # the address's 20 are used up


def test_a_deactivated_person_cannot_log_in(client, make_user):
    gone = make_user(active=False)
    response = log_in(client, gone.email, PASSWORD)
    assert "This account has been deactivated." in response.get_data(as_text=True)
    assert not is_logged_in(client)


def test_a_deactivated_person_is_logged_out_at_their_next_request(client, login, ann):
    login(ann)
    ann.active = False
    db.session.commit()
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_a_logged_in_person_visiting_log_in_goes_home(client, login, ann):
    login(ann)
    assert client.get("/login").headers["Location"] == "/"


# Where log-in leads ------------------------------------------------------------------------


def test_log_in_follows_next_to_a_page_on_this_site(client, ann):
    response = log_in(client, ann.email, PASSWORD, next="/people?q=ann")
    assert response.headers["Location"] == "/people?q=ann"


def test_a_page_that_needs_log_in_sends_people_back_there_afterwards(client, ann):
    to_login = client.get("/account").headers["Location"]
    response = client.post(to_login, data={"email": ann.email, "password": PASSWORD})
    assert response.headers["Location"] == "/account"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "evil.example",
    ],
)
def test_log_in_never_follows_next_off_the_site(client, ann, target):
    response = log_in(client, ann.email, PASSWORD, next=target)
    assert response.headers["Location"] == "/"


# Logging out -------------------------------------------------------------------------------


def test_log_out_is_refused_as_a_get(client, login, ann):
    login(ann)
    assert client.get("/logout").status_code == 405
    assert is_logged_in(client)


def test_log_out_returns_to_the_log_in_page(client, login, ann):
    login(ann)
    assert client.post("/logout").headers["Location"] == "/login"


def test_log_out_ends_the_session(client, login, ann):
    login(ann)
    client.post("/logout")
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


# Changing the password ---------------------------------------------------------------------


def change_password(client, current, new=NEW_PASSWORD):
    data = {"current_password": current, "password": new, "confirm": new}
    return client.post("/account", data=data)


def test_changing_password_needs_the_current_one(client, login, ann):
    login(ann)
    response = change_password(client, "not my password")
    assert "That is not your current password." in response.get_data(as_text=True)
    client.post("/logout")
    assert log_in(client, ann.email, PASSWORD).status_code == 302


def test_a_new_password_must_follow_the_password_rules(client, login, ann):
    login(ann)
    response = change_password(client, PASSWORD, new="short")
    assert "Use at least 10 characters." in response.get_data(as_text=True)


def test_a_changed_password_is_the_one_that_logs_in(client, login, ann):
    login(ann)
    change_password(client, PASSWORD)
    client.post("/logout")
    assert WRONG in log_in(client, ann.email, PASSWORD).get_data(as_text=True)
    assert log_in(client, ann.email, NEW_PASSWORD).status_code == 302


def test_changing_password_keeps_this_session(client, login, ann):
    login(ann)
    assert change_password(client, PASSWORD).headers["Location"] == "/account"
    assert is_logged_in(client)


def test_changing_password_ends_every_other_session(app, client, login, ann):
    other_device = app.test_client()
    log_in(other_device, ann.email, PASSWORD)
    assert is_logged_in(other_device)
    login(ann)
    change_password(client, PASSWORD)
    assert not is_logged_in(other_device)


# One-time password links -------------------------------------------------------------------


def link_for(app, user) -> str:
    return "/password/" + password_link_token(user, app.config["SECRET_KEY"])


def use_link(client, link, password=NEW_PASSWORD):
    return client.post(link, data={"password": password, "confirm": password})


def test_a_password_link_sets_the_password_and_logs_in(app, client, make_user):
    newcomer = make_user(password=False)
    response = use_link(client, link_for(app, newcomer))
    assert response.headers["Location"] == "/"
    assert is_logged_in(client)


def test_a_password_set_through_a_link_logs_in_afterwards(app, client, make_user):
    newcomer = make_user(password=False)
    use_link(client, link_for(app, newcomer))
    client.post("/logout")
    assert log_in(client, newcomer.email, NEW_PASSWORD).status_code == 302


def test_a_password_link_works_only_once(app, client, make_user):
    newcomer = make_user(password=False)
    link = link_for(app, newcomer)
    use_link(client, link)
    client.post("/logout")
    response = use_link(client, link, password="yet another passphrase")
    assert "This link has already been used." in response.get_data(as_text=True)
    assert log_in(client, newcomer.email, NEW_PASSWORD).status_code == 302


def test_an_expired_password_link_is_refused(app, client, make_user, monkeypatch):
    newcomer = make_user(password=False)
    issued = int(time.time()) - app.config["PASSWORD_LINK_MAX_AGE"] - 60
    with monkeypatch.context() as past:
        past.setattr(TimestampSigner, "get_timestamp", lambda _signer: issued)
        link = link_for(app, newcomer)
    response = use_link(client, link)
    assert "This link has expired." in response.get_data(as_text=True)
    assert newcomer.password_hash is None


def test_a_tampered_password_link_is_refused(app, client, make_user):
    newcomer = make_user(password=False)
    link = link_for(app, newcomer)
    tampered = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    response = use_link(client, tampered)
    assert "This link is not valid." in response.get_data(as_text=True)
    assert newcomer.password_hash is None


def test_a_password_link_signed_with_another_key_is_refused(client, make_user):
    newcomer = make_user(password=False)
    forged = "/password/" + password_link_token(newcomer, "someone else's key")
    assert "This link is not valid." in use_link(client, forged).get_data(as_text=True)


def test_a_password_link_for_a_deactivated_person_is_refused(app, client, make_user):
    gone = make_user(password=False, active=False)
    response = use_link(client, link_for(app, gone))
    assert "This account has been deactivated." in response.get_data(as_text=True)
    assert not is_logged_in(client)


# Cookies and settings ----------------------------------------------------------------------


def session_cookie(response) -> str:
    return next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))


def test_the_session_cookie_is_out_of_reach_of_scripts(client, ann):
    assert "HttpOnly" in session_cookie(log_in(client, ann.email, PASSWORD))


def test_the_session_cookie_is_not_sent_with_cross_site_posts(client, ann):
    assert "SameSite=Lax" in session_cookie(log_in(client, ann.email, PASSWORD))


PRODUCTION = {"LMS_ENV": "production", "DATABASE_URL": "postgresql://db/uptake", "SECRET_KEY": "s"}


def test_cookies_are_secure_in_production(tmp_path):
    settings = from_environment(tmp_path, PRODUCTION)
    assert settings["SESSION_COOKIE_SECURE"] and settings["REMEMBER_COOKIE_SECURE"]


def test_cookies_are_secure_when_served_over_https(tmp_path):
    settings = from_environment(tmp_path, {"BASE_URL": "https://lms.example.com"})
    assert settings["SESSION_COOKIE_SECURE"] and settings["REMEMBER_COOKIE_SECURE"]


def test_cookies_are_not_secure_for_the_local_http_demo(tmp_path):
    settings = from_environment(tmp_path, {})
    assert not settings["SESSION_COOKIE_SECURE"]


def test_production_without_a_secret_key_is_refused(tmp_path):
    environ = PRODUCTION | {"SECRET_KEY": ""}
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        from_environment(tmp_path, environ)


def test_production_without_a_database_url_is_refused(tmp_path):
    environ = {key: value for key, value in PRODUCTION.items() if key != "DATABASE_URL"}
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        from_environment(tmp_path, environ)


def test_a_local_secret_key_is_generated_once_and_reused(tmp_path):
    instance = tmp_path / "instance"
    first = from_environment(instance, {})["SECRET_KEY"]
    assert len(first) == 64
    assert from_environment(instance, {})["SECRET_KEY"] == first
    assert (instance / "secret_key").read_text().strip() == first


def test_the_generated_secret_key_file_is_private(tmp_path):
    from_environment(tmp_path, {})
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_a_secret_key_from_the_environment_wins(tmp_path):
    assert from_environment(tmp_path, {"SECRET_KEY": "from-env"})["SECRET_KEY"] == "from-env"
    assert not (tmp_path / "secret_key").exists()


# Logging out ends the session on the server -------------------------------------------------


def test_a_copied_session_cookie_is_dead_after_log_out(app, client, login, ann):
    login(ann)
    copied = client.get_cookie("session").value
    client.post("/logout")
    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_a_copied_remember_cookie_is_dead_after_log_out(app, client, ann):
    client.post("/login", data={"email": ann.email, "password": PASSWORD, "remember": "y"})
    remembered = client.get_cookie("remember_token")
    assert remembered is not None and remembered.http_only and remembered.same_site == "Lax"
    client.post("/logout")
    thief = app.test_client()
    thief.set_cookie("remember_token", remembered.value)
    assert thief.get("/").status_code == 302


def test_logging_in_again_after_log_out_works(client, login, ann):
    login(ann)
    client.post("/logout")
    login(ann)
    assert client.get("/").status_code == 200
