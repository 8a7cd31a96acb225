"""The Activity Profile and Agent Profile resources (xAPI 1.0.3, Communication 2.6, 2.7)."""

import uuid
from datetime import timedelta

import pytest

from lms.clock import utcnow
from tests.xapi.documents.support import (
    ACTIVITY,
    AGENT,
    Lrs,
    activity_profile_params,
    agent_profile_params,
    error_message,
)

CREATE = {"If-None-Match": "*"}
PROFILES = [
    pytest.param("/activities/profile", activity_profile_params, "activityId", id="activity"),
    pytest.param("/agents/profile", agent_profile_params, "agent", id="agent"),
]


@pytest.fixture
def lrs(client, lrs_headers):
    return Lrs(client, lrs_headers)


@pytest.mark.parametrize(("path", "make_params", "context"), PROFILES)
def test_put_with_if_none_match_then_get(lrs, path, make_params, context):
    params = make_params()
    assert lrs.put(path, params, body={"a": 1}, headers=CREATE).status_code == 204
    response = lrs.get(path, params)
    assert response.status_code == 200
    assert response.get_json() == {"a": 1}


@pytest.mark.parametrize(("path", "make_params", "context"), PROFILES)
def test_post_of_a_new_profile_stores_it(lrs, path, make_params, context):
    params = make_params()
    assert lrs.post(path, params, body={"a": 1}).status_code == 204
    assert lrs.get(path, params).get_json() == {"a": 1}


@pytest.mark.parametrize(("path", "make_params", "context"), PROFILES)
def test_get_of_a_missing_profile_is_404(lrs, path, make_params, context):
    response = lrs.get(path, make_params())
    assert response.status_code == 404
    assert "profileId" in error_message(response)


@pytest.mark.parametrize(("path", "make_params", "context"), PROFILES)
def test_delete_of_a_profile(lrs, path, make_params, context):
    params = make_params()
    lrs.post(path, params, body={"a": 1})
    assert lrs.delete(path, params).status_code == 204
    assert lrs.get(path, params).status_code == 404
    assert lrs.delete(path, params).status_code == 204  # already gone: still no error


@pytest.mark.parametrize(("path", "make_params", "context"), PROFILES)
def test_get_without_profile_id_lists_the_ids(lrs, path, make_params, context):
    context_value = (
        f"{ACTIVITY}/{uuid.uuid4()}"
        if context == "activityId"
        else {"mbox": f"mailto:{uuid.uuid4()}@example.com"}
    )
    first, second = make_params(**{context: context_value}), make_params(**{context: context_value})
    lrs.post(path, first, body={"a": 1})
    lrs.post(path, second, body={"b": 2})
    lrs.post(path, make_params(), body={"elsewhere": True})
    response = lrs.get(path, {context: context_value})
    assert response.status_code == 200
    assert sorted(response.get_json()) == sorted([first["profileId"], second["profileId"]])


@pytest.mark.parametrize(("path", "make_params", "context"), PROFILES)
def test_since_lists_only_profiles_stored_after_it(lrs, path, make_params, context):
    context_value = (
        f"{ACTIVITY}/{uuid.uuid4()}"
        if context == "activityId"
        else {"mbox": f"mailto:{uuid.uuid4()}@example.com"}
    )
    lrs.post(path, make_params(**{context: context_value}), body={"old": 1})
    cutoff = utcnow().isoformat() + "Z"
    new = make_params(**{context: context_value})
    lrs.post(path, new, body={"new": 1})
    assert lrs.get(path, {context: context_value, "since": cutoff}).get_json() == [new["profileId"]]
    a_minute_ago = (utcnow() - timedelta(minutes=1)).isoformat() + "Z"
    assert len(lrs.get(path, {context: context_value, "since": a_minute_ago}).get_json()) == 2


def test_activity_and_agent_profiles_with_the_same_id_are_different_documents(lrs):
    profile_id = str(uuid.uuid4())
    lrs.post(
        "/activities/profile", {"activityId": ACTIVITY, "profileId": profile_id}, body={"a": 1}
    )
    response = lrs.get("/agents/profile", {"agent": AGENT, "profileId": profile_id})
    assert response.status_code == 404


def test_a_state_and_a_profile_never_collide(lrs):
    shared_id = str(uuid.uuid4())
    state = {"activityId": ACTIVITY, "agent": AGENT, "stateId": shared_id}
    lrs.put("/activities/state", state, body={"state": True})
    profile = {"activityId": ACTIVITY, "profileId": shared_id}
    lrs.put("/activities/profile", profile, body={"profile": True}, headers=CREATE)
    assert lrs.get("/activities/state", state).get_json() == {"state": True}
    assert lrs.get("/activities/profile", profile).get_json() == {"profile": True}


def test_agent_profile_for_an_identified_group_uses_its_identifier_as_an_agent(lrs):
    """The agent parameter is an Agent; a group's documents go under its identifier in an
    Agent object (Communication 2.6.s3 note)."""
    params = agent_profile_params(agent={"mbox": "mailto:team@example.com"})
    assert lrs.post("/agents/profile", params, body={"team": True}).status_code == 204
    assert lrs.get("/agents/profile", params).get_json() == {"team": True}
