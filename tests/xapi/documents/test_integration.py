"""The document, Activities and Agents resources together with the rest of the LRS: the
alternate request syntax (Communication 1.3) and statements stored through /xapi/statements."""

import json
import uuid
from urllib.parse import urlencode

import pytest

from tests.xapi.documents.support import Lrs, state_params


@pytest.fixture
def lrs(client, lrs_headers):
    return Lrs(client, lrs_headers)


def alternate(lrs, path, method, params, **form):
    """A POST with ?method= whose form fields carry headers, parameters and content."""
    fields = {
        name: json.dumps(value) if isinstance(value, dict) else value
        for name, value in params.items()
    }
    fields |= {
        "Authorization": lrs.headers["Authorization"],
        "X-Experience-API-Version": "1.0.3",
    } | form
    return lrs.client.post(
        f"/xapi{path}?method={method}",
        data=urlencode(fields),
        content_type="application/x-www-form-urlencoded",
    )


def test_state_through_the_alternate_request_syntax(lrs):
    params = state_params()
    put = alternate(
        lrs,
        "/activities/state",
        "PUT",
        params,
        content='{"a": 1}',
        **{"Content-Type": "application/json"},
    )
    assert put.status_code == 204
    got = alternate(lrs, "/activities/state", "GET", params)
    assert got.status_code == 200
    assert got.get_json() == {"a": 1}
    stale = alternate(
        lrs,
        "/activities/state",
        "PUT",
        params,
        content="{}",
        **{"If-Match": '"0000000000000000000000000000000000000000"'},
    )
    assert stale.status_code == 412
    good = alternate(
        lrs, "/activities/state", "PUT", params, content="{}", **{"If-Match": got.headers["ETag"]}
    )
    assert good.status_code == 204
    assert alternate(lrs, "/activities/state", "DELETE", params).status_code == 204
    assert lrs.get("/activities/state", params).status_code == 404


def test_a_profile_put_through_the_alternate_syntax_needs_a_precondition_too(lrs):
    params = {"activityId": "http://www.example.com/a", "profileId": str(uuid.uuid4())}
    response = alternate(lrs, "/activities/profile", "PUT", params, content='{"a": 1}')
    assert response.status_code == 400
    created = alternate(
        lrs, "/activities/profile", "PUT", params, content='{"a": 1}', **{"If-None-Match": "*"}
    )
    assert created.status_code == 204


def statement(activity: dict, actor: dict) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": actor,
        "verb": {"id": "http://adlnet.gov/expapi/verbs/attended", "display": {"en-US": "attended"}},
        "object": activity,
    }


def test_an_activity_defined_in_a_statement_comes_back_from_activities(lrs):
    activity = {
        "objectType": "Activity",
        "id": f"http://www.example.com/verify/complete/{uuid.uuid4()}",
        "definition": {
            "type": "http://adlnet.gov/expapi/activities/meeting",
            "name": {"en-US": "example meeting"},
            "description": {"en-US": "An example meeting."},
        },
    }
    posted = lrs.post("/statements", body=[statement(activity, {"mbox": "mailto:x@example.com"})])
    assert posted.status_code == 200, posted.get_data(as_text=True)
    response = lrs.get("/activities", {"activityId": activity["id"]})
    assert response.get_json() == activity


def test_the_actor_of_a_statement_comes_back_from_agents(lrs):
    actor = {"objectType": "Agent", "name": "Rick James", "mbox": "mailto:rick@example.com"}
    activity = {"id": "http://www.example.com/a"}
    assert lrs.post("/statements", body=[statement(activity, actor)]).status_code == 200
    person = lrs.get("/agents", {"agent": actor}).get_json()
    assert person == {
        "objectType": "Person",
        "name": ["Rick James"],
        "mbox": ["mailto:rick@example.com"],
    }


def test_documents_for_an_agent_never_seen_in_a_statement_are_accepted(lrs):
    """No prior knowledge of the agent or activity is needed (Communication 2.2.s4.b2)."""
    stranger = {"account": {"homePage": "http://elsewhere.example.com", "name": str(uuid.uuid4())}}
    params = state_params(agent=stranger, activityId=f"http://new.example.com/{uuid.uuid4()}")
    assert lrs.put("/activities/state", params, body={"a": 1}).status_code == 204
    assert lrs.get("/activities/state", params).get_json() == {"a": 1}
