"""Every 400 of the document resources' parameters, each naming the parameter; and the
credentials, scopes and version header every request needs (401, 403, 400)."""

import pytest

from lms.xapi.clients import SCOPE_READ_ALL, SCOPE_READ_MINE, SCOPE_WRITE
from tests.xapi.documents.support import (
    Lrs,
    activity_profile_params,
    agent_profile_params,
    error_message,
    state_params,
)

STATE, ACTIVITY_PROFILE, AGENT_PROFILE = (
    "/activities/state",
    "/activities/profile",
    "/agents/profile",
)
CREATE = {"If-None-Match": "*"}
METHODS = ["GET", "PUT", "POST", "DELETE"]
ALL = [
    (STATE, state_params),
    (ACTIVITY_PROFILE, activity_profile_params),
    (AGENT_PROFILE, agent_profile_params),
]
BAD_IRIS = ["1", "true", '{"key": "value"}', "undefined", "no scheme", "http://a b", ""]
BAD_AGENTS = [
    ("1", "Agent object"),
    ("true", "Agent object"),
    ("not JSON", "Agent object"),
    ('{"not_actor": "yup"}', "not_actor"),
    ('{"key": "value"}', "key"),
    ("{}", "agent"),
    ('{"objectType": "Group", "mbox": "mailto:team@example.com"}', "objectType"),
    ('{"mbox": "mailto:a@example.com", "openid": "http://a.example.com"}', "exactly one"),
    ('{"mbox": "a@example.com"}', "agent.mbox"),
    ('{"mbox": "mailto:nobody"}', "agent.mbox"),
    ('{"mbox": null}', "agent.mbox"),
    ('{"mbox_sha1sum": "xyz"}', "agent.mbox_sha1sum"),
    ('{"openid": "not a uri"}', "agent.openid"),
    ('{"account": {"homePage": "http://example.com"}}', "agent.account"),
    ('{"account": {"homePage": "example.com", "name": "ann"}}', "agent.account.homePage"),
    ('{"account": {"homePage": "http://example.com", "name": 7}}', "agent.account.name"),
    ('{"account": {"homePage": "http://a.com", "name": "x", "id": 1}}', "agent.account"),
    ('{"name": null, "mbox": "mailto:a@example.com"}', "name"),
    ('{"objectType": "agent", "mbox": "mailto:a@example.com"}', "objectType"),
]


@pytest.fixture
def lrs(client, lrs_headers):
    return Lrs(client, lrs_headers)


def send(lrs, method, path, params):
    """A request that would succeed but for its parameters."""
    body = {"a": 1} if method in ("PUT", "POST") else None
    return lrs.send(method, path, params, body=body, headers=CREATE if method == "PUT" else None)


def assert_400_naming(response, name: str):
    assert response.status_code == 400, response.get_data(as_text=True)
    assert name in error_message(response)


# Missing parameters ------------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    ("path", "make_params", "missing"),
    [
        (STATE, state_params, "activityId"),
        (STATE, state_params, "agent"),
        (ACTIVITY_PROFILE, activity_profile_params, "activityId"),
        (AGENT_PROFILE, agent_profile_params, "agent"),
    ],
)
def test_a_missing_context_parameter_is_400(lrs, method, path, make_params, missing):
    params = make_params()
    del params[missing]
    assert_400_naming(send(lrs, method, path, params), missing)


@pytest.mark.parametrize("method", ["PUT", "POST"])
@pytest.mark.parametrize(
    ("path", "make_params", "id_param"),
    [
        (STATE, state_params, "stateId"),
        (ACTIVITY_PROFILE, activity_profile_params, "profileId"),
        (AGENT_PROFILE, agent_profile_params, "profileId"),
    ],
)
def test_writing_without_a_document_id_is_400(lrs, method, path, make_params, id_param):
    params = make_params()
    del params[id_param]
    assert_400_naming(send(lrs, method, path, params), id_param)


@pytest.mark.parametrize(
    ("path", "make_params"),
    [(ACTIVITY_PROFILE, activity_profile_params), (AGENT_PROFILE, agent_profile_params)],
)
def test_deleting_a_profile_without_its_id_is_400(lrs, path, make_params):
    """Only State deletes a whole context."""
    params = make_params()
    del params["profileId"]
    assert_400_naming(lrs.delete(path, params), "profileId")


@pytest.mark.parametrize(("path", "make_params"), ALL)
def test_an_empty_document_id_is_400(lrs, path, make_params):
    params = make_params()
    id_param = "stateId" if path == STATE else "profileId"
    assert_400_naming(send(lrs, "PUT", path, params | {id_param: ""}), id_param)


# Malformed parameters ----------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("value", BAD_IRIS)
@pytest.mark.parametrize(
    ("path", "make_params"), [(STATE, state_params), (ACTIVITY_PROFILE, activity_profile_params)]
)
def test_an_activity_id_that_is_not_an_iri_is_400(lrs, method, value, path, make_params):
    assert_400_naming(send(lrs, method, path, make_params(activityId=value)), "activityId")


def test_an_activity_id_too_long_to_store_is_400(lrs):
    params = state_params(activityId="http://example.com/" + "a" * 2100)
    assert_400_naming(send(lrs, "PUT", STATE, params), "activityId")


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(("value", "named"), BAD_AGENTS)
@pytest.mark.parametrize(
    ("path", "make_params"), [(STATE, state_params), (AGENT_PROFILE, agent_profile_params)]
)
def test_an_agent_that_is_not_a_valid_agent_is_400(lrs, method, value, named, path, make_params):
    response = send(lrs, method, path, make_params(agent=value))
    assert_400_naming(response, "agent")
    assert named in error_message(response)


def test_an_agent_parameter_broken_in_its_encoding_is_400(lrs):
    """XAPI-00284: the JSON of the agent is damaged in the query string."""
    agent = "%7B%22objectType%22%22%22Agent%22%7D"
    response = lrs.client.post(
        f"/xapi/agents/profile?profileId=p1&agent={agent}",
        data=b'{"a": 1}',
        content_type="application/json",
        headers=lrs.headers,
    )
    assert_400_naming(response, "agent")


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("value", ["1", "true", "not UUID", "4f1d2c4e0c4b4b8e9c3a1a2b3c4d5e6f", ""])
def test_a_registration_that_is_not_a_uuid_is_400(lrs, method, value):
    assert_400_naming(send(lrs, method, STATE, state_params(registration=value)), "registration")


@pytest.mark.parametrize(("path", "make_params"), ALL)
@pytest.mark.parametrize("value", ["not a timestamp", "true", "1", "2026-10-05", "{}"])
def test_a_since_that_is_not_a_timestamp_is_400(lrs, path, make_params, value):
    params = make_params(since=value)
    params.pop("stateId", None)
    params.pop("profileId", None)
    assert_400_naming(lrs.get(path, params), "since")


# Parameters that do not belong -------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(("path", "make_params"), ALL)
def test_an_unknown_parameter_is_400(lrs, method, path, make_params):
    assert_400_naming(send(lrs, method, path, make_params(foo="bar")), "foo")


@pytest.mark.parametrize(
    ("path", "make_params", "wrong_case"),
    [
        (STATE, state_params, "StateId"),
        (STATE, state_params, "ActivityId"),
        (ACTIVITY_PROFILE, activity_profile_params, "ProfileId"),
        (AGENT_PROFILE, agent_profile_params, "Agent"),
    ],
)
def test_a_parameter_in_the_wrong_case_is_400(lrs, path, make_params, wrong_case):
    params = make_params()
    params[wrong_case] = params.pop(wrong_case[0].lower() + wrong_case[1:])
    assert_400_naming(send(lrs, "GET", path, params), wrong_case)


@pytest.mark.parametrize(
    ("path", "make_params", "stranger"),
    [
        (ACTIVITY_PROFILE, activity_profile_params, {"agent": {"mbox": "mailto:a@example.com"}}),
        (
            ACTIVITY_PROFILE,
            activity_profile_params,
            {"registration": "4f1d2c4e-0c4b-4b8e-9c3a-1a2b3c4d5e6f"},
        ),
        (AGENT_PROFILE, agent_profile_params, {"activityId": "http://example.com/a"}),
        (STATE, state_params, {"profileId": "p"}),
    ],
)
def test_a_parameter_of_another_resource_is_400(lrs, path, make_params, stranger):
    (name,) = stranger
    assert_400_naming(send(lrs, "GET", path, make_params(**stranger)), name)


@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE"])
def test_since_is_only_for_get(lrs, method):
    params = state_params(since="2026-10-05T09:00:00Z")
    assert_400_naming(send(lrs, method, STATE, params), "since")


def test_a_repeated_parameter_is_400(lrs):
    response = lrs.client.get(
        "/xapi/activities/profile?activityId=http://a.example.com&activityId=http://b.example.com",
        headers=lrs.headers,
    )
    assert_400_naming(response, "activityId")


# Credentials, scopes and version -----------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
def test_without_credentials_is_401(client, method):
    response = Lrs(client, {"X-Experience-API-Version": "1.0.3"}).send(
        method, STATE, state_params()
    )
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")


def test_with_a_wrong_secret_is_401(client, make_client):
    _, headers = make_client()
    bad = headers | {"Authorization": "Basic " + "Zm9vOmJhcg=="}
    assert Lrs(client, bad).get(STATE, state_params()).status_code == 401


@pytest.mark.parametrize("method", METHODS)
def test_without_the_version_header_is_400(client, lrs_headers, method):
    headers = {"Authorization": lrs_headers["Authorization"]}
    response = send(Lrs(client, headers), method, STATE, state_params())
    assert_400_naming(response, "X-Experience-API-Version")


@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE"])
@pytest.mark.parametrize("scope", [SCOPE_READ_ALL, SCOPE_READ_MINE])
def test_writing_needs_the_write_scope(client, make_client, method, scope):
    _, headers = make_client(scope)
    assert (
        send(Lrs(client, headers), method, AGENT_PROFILE, agent_profile_params()).status_code == 403
    )


@pytest.mark.parametrize(("path", "make_params"), ALL)
def test_reading_needs_a_read_scope(client, make_client, path, make_params):
    _, headers = make_client(SCOPE_WRITE)
    assert Lrs(client, headers).get(path, make_params()).status_code == 403


def test_a_read_mine_client_reads_documents_written_by_another_client(client, make_client):
    """Documents belong to no one client: statements/read/mine may read them."""
    _, writer = make_client(SCOPE_WRITE, name="Course")
    _, reader = make_client(SCOPE_READ_MINE, name="Dashboard")
    params = state_params()
    Lrs(client, writer).put(STATE, params, body={"a": 1})
    assert Lrs(client, reader).get(STATE, params).get_json() == {"a": 1}


def test_cors_preflight_is_answered_without_credentials(client):
    response = client.options(
        "/xapi/activities/state", headers={"Origin": "http://content.example"}
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "If-Match" in response.headers["Access-Control-Allow-Headers"]
