"""The forwarding page: admins only; it shows how the queue stands and lets an admin inspect
dead letters and put them back in the queue, with CSRF-protected forms."""

import re
from datetime import timedelta

import pytest

from lms.database import db
from lms.xapi.forwarding import views as outbox_views
from lms.xapi.models import OutboxItem
from tests.conftest import T0
from tests.xapi.statement_rows import add_statements

NOW = T0 + timedelta(hours=3, minutes=5)
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(outbox_views, "utcnow", lambda: NOW)


@pytest.fixture
def admin(login, make_user):
    return login(make_user(roles=("admin",)))


def dead_letter(item: OutboxItem, error: str = "HTTP 400: statement refused") -> OutboxItem:
    item.dead_at, item.last_error, item.last_attempt_at, item.attempts = NOW, error, NOW, 1
    db.session.flush()
    return item


def outbox_items() -> list[OutboxItem]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(OutboxItem).order_by(OutboxItem.id)))


@pytest.mark.parametrize("roles", [(), ("hr",)])
def test_only_admins_see_the_page_or_retry(client, login, make_user, roles):
    add_statements(1)
    item = dead_letter(outbox_items()[0])
    login(make_user(roles=roles))
    assert client.get("/lrs/outbox").status_code == 403
    assert client.post(f"/lrs/outbox/{item.id}/retry").status_code == 403
    assert client.post("/lrs/outbox/retry-all").status_code == 403
    assert outbox_items()[0].dead_at is not None
    assert "/lrs/outbox" not in client.get("/").get_data(as_text=True)


def test_people_not_logged_in_are_sent_to_log_in(client):
    assert "/login" in client.get("/lrs/outbox").headers["Location"]


def test_the_page_shows_depth_oldest_age_last_error_and_dead_letters(client, admin):
    statements = add_statements(4)
    items = outbox_items()
    items[1].last_error, items[1].last_attempt_at = "no answer within 20 s", NOW
    items[1].attempts = 2
    items[2].delivered_at = NOW
    dead_letter(items[3])
    page = client.get("/lrs/outbox").get_data(as_text=True)
    assert 'href="/lrs/outbox"' in page  # in the navigation
    assert "2 waiting" in page and "1 retrying after a failure" in page
    assert "3 h 5 min old" in page
    assert "HTTP 400: statement refused" in page  # the newest error of all
    assert statements[3].statement_id in page and statements[0].statement_id not in page
    assert "Retry all 1" in page


def test_the_page_says_when_forwarding_is_off(client, admin, app, monkeypatch):
    monkeypatch.setitem(app.config, "LRS_FORWARD_ENDPOINT", None)
    assert "Forwarding is off" in client.get("/lrs/outbox").get_data(as_text=True)
    monkeypatch.setitem(app.config, "LRS_FORWARD_ENDPOINT", "https://lrs.example.com/xapi/")
    assert "https://lrs.example.com/xapi/" in client.get("/lrs/outbox").get_data(as_text=True)


def test_retrying_a_dead_letter_requeues_it_due_now(client, admin):
    add_statements(2)
    item = dead_letter(outbox_items()[0])
    response = client.post(f"/lrs/outbox/{item.id}/retry", follow_redirects=True)
    assert "back in the queue" in response.get_data(as_text=True)
    item = outbox_items()[0]
    assert (item.dead_at, item.attempts, item.next_attempt_at) == (None, 0, NOW)


def test_retrying_what_is_not_a_dead_letter_changes_nothing(client, admin):
    add_statements(1)
    item = outbox_items()[0]
    item.delivered_at = NOW
    db.session.flush()
    page = client.post(f"/lrs/outbox/{item.id}/retry", follow_redirects=True).get_data(as_text=True)
    assert "not in the dead-letter list" in page
    assert outbox_items()[0].delivered_at == NOW
    assert client.post("/lrs/outbox/999999/retry").status_code == 404


def test_retry_all_requeues_every_dead_letter(client, admin):
    add_statements(3)
    for item in outbox_items()[:2]:
        dead_letter(item)
    page = client.post("/lrs/outbox/retry-all", follow_redirects=True).get_data(as_text=True)
    assert "2 statement(s) are back in the queue" in page
    assert [item.dead_at for item in outbox_items()] == [None, None, None]


def test_dead_letters_are_paged(client, admin):
    add_statements(outbox_views.PAGE_SIZE + 3)
    for item in outbox_items():
        dead_letter(item)
    assert "Page 1 of 2" in client.get("/lrs/outbox").get_data(as_text=True)
    second = client.get("/lrs/outbox?page=2").get_data(as_text=True)
    assert second.count(">Retry</button>") == 3


def test_forms_without_the_csrf_token_are_refused(client, login, make_user, app, monkeypatch):
    add_statements(1)
    item = dead_letter(outbox_items()[0])
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    admin = make_user(roles=("admin",))
    login_page = client.get("/login").get_data(as_text=True)
    data = {"email": admin.email, "password": "correct horse battery"}
    client.post("/login", data=data | {"csrf_token": TOKEN.search(login_page).group(1)})
    assert client.post(f"/lrs/outbox/{item.id}/retry").status_code == 400
    assert client.post("/lrs/outbox/retry-all").status_code == 400
    assert outbox_items()[0].dead_at is not None
    token = TOKEN.search(client.get("/lrs/outbox").get_data(as_text=True)).group(1)
    client.post(f"/lrs/outbox/{item.id}/retry", data={"csrf_token": token})
    assert outbox_items()[0].dead_at is None
