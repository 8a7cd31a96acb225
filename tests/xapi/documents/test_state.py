"""The State resource (xAPI 1.0.3, Communication 2.3): single and multiple documents,
registration, since, and the document rules shared with the profiles (2.2)."""

import json
import uuid
from datetime import timedelta

import pytest

from lms.clock import utcnow
from tests.xapi.documents.support import ACTIVITY, AGENT, Lrs, error_message, state_params

STATE = "/activities/state"


@pytest.fixture
def lrs(client, lrs_headers):
    return Lrs(client, lrs_headers)


def test_put_then_get_returns_the_document_with_its_type(lrs):
    params = state_params()
    assert lrs.put(STATE, params, body={"x": "foo"}).status_code == 204
    response = lrs.get(STATE, params)
    assert response.status_code == 200
    assert response.get_json() == {"x": "foo"}
    assert response.mimetype == "application/json"


def test_any_content_type_is_kept_byte_for_byte(lrs):
    params = state_params()
    content = bytes(range(256))
    lrs.put(STATE, params, body=content, content_type="application/octet-stream")
    response = lrs.get(STATE, params)
    assert response.data == content
    assert response.mimetype == "application/octet-stream"


def test_a_document_sent_without_content_type_is_stored_as_binary(lrs):
    params = state_params()
    assert lrs.put(STATE, params, body=b"raw").status_code == 204
    assert lrs.get(STATE, params).mimetype == "application/octet-stream"


def test_put_replaces_the_document_without_concurrency_headers(lrs):
    """State conflicts are unlikely: PUT needs no If-Match (Communication 3.1.s3)."""
    params = state_params()
    lrs.put(STATE, params, body={"x": 1})
    assert lrs.put(STATE, params, body={"y": 2}).status_code == 204
    assert lrs.get(STATE, params).get_json() == {"y": 2}


@pytest.mark.parametrize("document", [{"name": "x"}, "1", "true"])
def test_post_of_a_new_document_stores_it(lrs, document):
    """The contents of a document are never a reason to refuse it (2.2.s4.b2)."""
    params = state_params()
    content_type = None if isinstance(document, dict) else "application/x-www-form-urlencoded"
    response = lrs.post(STATE, params, body=document, content_type=content_type)
    assert response.status_code == 204
    stored = lrs.get(STATE, params)
    assert stored.status_code == 200
    assert stored.get_data(as_text=True) == (
        json.dumps(document) if content_type is None else document
    )


def test_get_of_a_missing_document_is_404(lrs):
    response = lrs.get(STATE, state_params())
    assert response.status_code == 404
    assert "stateId" in error_message(response)


def test_registration_keeps_documents_apart(lrs):
    registration = str(uuid.uuid4())
    params = state_params()
    lrs.put(STATE, params, body={"where": "none"})
    lrs.put(STATE, params | {"registration": registration}, body={"where": "registered"})
    assert lrs.get(STATE, params).get_json() == {"where": "none"}
    registered = lrs.get(STATE, params | {"registration": registration.upper()})
    assert registered.get_json() == {"where": "registered"}


def test_documents_are_per_agent_and_per_activity(lrs):
    params = state_params()
    lrs.put(STATE, params, body={"a": 1})
    other_agent = {"mbox": "mailto:someone.else@example.com"}
    assert lrs.get(STATE, params | {"agent": other_agent}).status_code == 404
    other_activity = "http://www.example.com/activityId/other"
    assert lrs.get(STATE, params | {"activityId": other_activity}).status_code == 404


def test_agents_with_the_same_identifier_share_documents(lrs):
    """The agent is identified by its IFI: name and objectType do not matter."""
    params = state_params(agent={"mbox": "mailto:ann@example.com"})
    lrs.put(STATE, params, body={"a": 1})
    same = {"objectType": "Agent", "name": "Ann", "mbox": "mailto:ann@example.com"}
    assert lrs.get(STATE, params | {"agent": same}).get_json() == {"a": 1}


def test_get_without_state_id_lists_the_ids_of_the_context(lrs):
    activity = f"{ACTIVITY}/{uuid.uuid4()}"
    first, second = state_params(activityId=activity), state_params(activityId=activity)
    lrs.put(STATE, first, body={"a": 1})
    lrs.put(STATE, second | {"registration": str(uuid.uuid4())}, body={"b": 2})
    lrs.put(STATE, state_params(), body={"elsewhere": True})
    response = lrs.get(STATE, {"activityId": activity, "agent": AGENT})
    assert response.status_code == 200
    assert sorted(response.get_json()) == sorted([first["stateId"], second["stateId"]])


def test_listing_with_a_registration_lists_only_that_registration(lrs):
    activity = f"{ACTIVITY}/{uuid.uuid4()}"
    registration = str(uuid.uuid4())
    lrs.put(STATE, state_params(activityId=activity), body={"a": 1})
    registered = state_params(activityId=activity, registration=registration)
    lrs.put(STATE, registered, body={"b": 2})
    context = {"activityId": activity, "agent": AGENT, "registration": registration}
    assert lrs.get(STATE, context).get_json() == [registered["stateId"]]


def test_listing_an_empty_context_is_an_empty_array(lrs):
    response = lrs.get(STATE, {"activityId": f"{ACTIVITY}/{uuid.uuid4()}", "agent": AGENT})
    assert response.status_code == 200
    assert response.get_json() == []


def test_since_lists_only_documents_stored_or_updated_after_it(lrs, monkeypatch):
    """`since` is exclusive (Communication 2.3.s4)."""
    activity = f"{ACTIVITY}/{uuid.uuid4()}"
    old, new = state_params(activityId=activity), state_params(activityId=activity)
    lrs.put(STATE, old, body={"a": 1})
    cutoff = utcnow()
    lrs.put(STATE, new, body={"b": 2})
    context = {"activityId": activity, "agent": AGENT}
    assert lrs.get(STATE, context | {"since": cutoff.isoformat() + "Z"}).get_json() == [
        new["stateId"]
    ]
    lrs.put(STATE, old, body={"a": 2})  # updating counts as storing
    assert len(lrs.get(STATE, context | {"since": cutoff.isoformat() + "Z"}).get_json()) == 2
    later = (utcnow() + timedelta(seconds=1)).isoformat() + "+00:00"
    assert lrs.get(STATE, context | {"since": later}).get_json() == []


def test_since_with_a_time_zone_is_compared_in_utc(lrs):
    activity = f"{ACTIVITY}/{uuid.uuid4()}"
    params = state_params(activityId=activity)
    lrs.put(STATE, params, body={"a": 1})
    half_an_hour_ago_at_plus_two = (
        utcnow() - timedelta(minutes=30) + timedelta(hours=2)
    ).isoformat()
    response = lrs.get(
        STATE,
        {"activityId": activity, "agent": AGENT, "since": half_an_hour_ago_at_plus_two + "+02:00"},
    )
    assert response.get_json() == [params["stateId"]]


def test_get_of_one_document_accepts_and_ignores_since(lrs):
    params = state_params()
    lrs.put(STATE, params, body={"a": 1})
    future = (utcnow() + timedelta(days=1)).isoformat() + "Z"
    assert lrs.get(STATE, params | {"since": future}).get_json() == {"a": 1}


def test_delete_of_one_document(lrs):
    params = state_params()
    lrs.put(STATE, params, body={"a": 1})
    assert lrs.delete(STATE, params).status_code == 204
    assert lrs.get(STATE, params).status_code == 404


def test_delete_of_a_missing_document_is_204(lrs):
    assert lrs.delete(STATE, state_params()).status_code == 204


def test_delete_without_state_id_deletes_the_whole_context(lrs):
    activity = f"{ACTIVITY}/{uuid.uuid4()}"
    lrs.put(STATE, state_params(activityId=activity), body={"a": 1})
    lrs.put(STATE, state_params(activityId=activity, registration=str(uuid.uuid4())), body={})
    kept = state_params()
    lrs.put(STATE, kept, body={"kept": True})
    context = {"activityId": activity, "agent": AGENT}
    assert lrs.delete(STATE, context).status_code == 204
    assert lrs.get(STATE, context).get_json() == []
    assert lrs.get(STATE, kept).status_code == 200


def test_delete_of_a_context_with_a_registration_keeps_other_registrations(lrs):
    activity = f"{ACTIVITY}/{uuid.uuid4()}"
    registration = str(uuid.uuid4())
    lrs.put(STATE, state_params(activityId=activity, registration=registration), body={})
    unregistered = state_params(activityId=activity)
    lrs.put(STATE, unregistered, body={})
    context = {"activityId": activity, "agent": AGENT}
    assert lrs.delete(STATE, context | {"registration": registration}).status_code == 204
    assert lrs.get(STATE, context).get_json() == [unregistered["stateId"]]


def test_head_returns_the_headers_of_get_without_a_body(lrs):
    """HEAD answers as GET would, without the body (Communication 1.1)."""
    params = state_params()
    lrs.put(STATE, params, body={"a": 1})
    get, head = lrs.get(STATE, params), lrs.send("HEAD", STATE, params)
    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["ETag"] == get.headers["ETag"]
    assert head.headers["Last-Modified"] == get.headers["Last-Modified"]
    assert lrs.send("HEAD", STATE, state_params()).status_code == 404


def test_responses_name_the_xapi_version(lrs):
    params = state_params()
    for response in (lrs.put(STATE, params, body={}), lrs.get(STATE, params)):
        assert response.headers["X-Experience-API-Version"] == "1.0.3"
