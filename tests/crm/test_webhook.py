"""The webhook a CRM pushes events to: signed with the connection's secret, fresh, taken
once, every event checked before anything is stored."""

import calendar
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms.crm import rules
from lms.crm.models import CrmAccount, WebhookDelivery
from lms.database import db
from lms.xapi.models import Statement
from tests.conftest import T0

SECRET = "hook-secret-ľ"  # not ASCII: the secret is signed as UTF-8
NOW = T0 + timedelta(days=3)


@pytest.fixture
def hooked(connection, monkeypatch):
    connection.secret_env = "UPTAKE_TEST_HOOK_SECRET"
    monkeypatch.setenv("UPTAKE_TEST_HOOK_SECRET", SECRET)
    monkeypatch.setattr("lms.crm.views.utcnow", lambda: NOW)
    return connection


def event(n=1, **changes):
    values = {
        "event_id": f"evt-{n}",
        "occurred_at": (T0 + timedelta(hours=n)).isoformat() + "Z",
        "action": "created",
        "user_id": "U1",
        "user_email": "ann@acme.test",
        "object": "lead",
        "record_id": f"L{n}",
        "fields": {"first_name": "Ann", "last_name": "Lee", "company": "Harbour Cement"},
    }
    return values | changes


def send(client, connection, body, *, delivery="d-1", at=NOW, secret=SECRET, **headers):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    stamp = str(calendar.timegm(at.timetuple()))
    signed = {
        "X-Uptake-Timestamp": stamp,
        "X-Uptake-Delivery": delivery,
        "X-Uptake-Signature": rules.signature(secret, stamp, delivery, data),
        "Content-Type": "application/json",
    }
    signed.update(headers)
    return client.post(f"/crm/hooks/{connection.id}", data=data, headers=signed)


def stored_count():
    return db.session.scalar(select(func.count()).select_from(Statement))


def test_a_signed_delivery_stores_its_events_for_the_person_and_once_only(
    client, hooked, make_user
):
    ann = make_user(email="Ann@Acme.test")
    before = stored_count()
    reply = send(client, hooked, {"events": [event(1), event(2, action="updated")]})
    assert reply.status_code == 200, reply.get_json()
    assert reply.get_json() == {"read": 2, "stored": 2, "unmatched": 0}
    assert stored_count() == before + 2
    account = db.session.scalar(select(CrmAccount))
    assert account.person_id == ann.id and account.matched_by == "email"
    again = send(client, hooked, {"events": [event(1), event(2, action="updated")]}, delivery="d-2")
    assert again.get_json() == {"read": 2, "stored": 0, "unmatched": 0}


def test_a_replayed_delivery_is_refused(client, hooked):
    assert send(client, hooked, {"events": [event()]}).status_code == 200
    replay = send(client, hooked, {"events": [event()]})
    assert replay.status_code == 409
    assert "already received" in replay.get_json()["error"]


@pytest.mark.parametrize(
    ("changes", "status", "words"),
    [
        ({"X-Uptake-Signature": "sha256=" + "0" * 64}, 401, "does not match"),
        ({"X-Uptake-Delivery": ""}, 401, "X-Uptake-Delivery is missing"),
        ({"X-Uptake-Timestamp": "soon"}, 401, "Unix seconds"),
    ],
)
def test_unsigned_or_wrongly_signed_deliveries_are_refused(client, hooked, changes, status, words):
    before = stored_count()
    reply = send(client, hooked, {"events": [event()]}, **changes)
    assert reply.status_code == status
    assert words in reply.get_json()["error"]
    assert stored_count() == before


def test_a_delivery_signed_with_another_secret_or_too_old_is_refused(client, hooked):
    assert send(client, hooked, {"events": [event()]}, secret="guess").status_code == 401
    stale = send(client, hooked, {"events": [event()]}, at=NOW - timedelta(minutes=6))
    assert stale.status_code == 401 and "5 minutes" in stale.get_json()["error"]


def test_one_bad_event_refuses_the_whole_delivery_naming_it(client, hooked):
    before = stored_count()
    body = {"events": [event(1), event(2, occurred_at="yesterday", object="spaceship")]}
    reply = send(client, hooked, body)
    assert reply.status_code == 400
    problems = reply.get_json()["problems"]
    assert any(p.startswith("events[1], occurred_at:") for p in problems)
    assert any(p.startswith("events[1], object: must be one of") for p in problems)
    assert stored_count() == before
    # the refused delivery may be sent again, corrected, under the same id
    assert db.session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[]", b'{"events": []}', b'{"events": "lots"}', b'{"events": [1]}'],
)
def test_bodies_that_are_not_events_get_400(client, hooked, body):
    assert send(client, hooked, body).status_code == 400


def test_unknown_fields_are_named(client, hooked):
    reply = send(client, hooked, {"events": [event(fields={"shoe_size": "44"})]})
    assert reply.status_code == 400
    assert "events[0], field.shoe_size: is not a field Uptake knows" in reply.get_json()["error"]


def test_a_connection_without_a_secret_takes_no_webhook(client, connection):
    reply = client.post(f"/crm/hooks/{connection.id}", data=b"{}")
    assert reply.status_code == 403
    assert client.post("/crm/hooks/999999", data=b"{}").status_code == 404
