"""POSTing JSON merges it into a stored JSON document; anything else is a 400 that changes
nothing (xAPI 1.0.3, Communication 2.2.s7, 2.2.s8)."""

import pytest

from tests.xapi.documents.support import (
    Lrs,
    activity_profile_params,
    agent_profile_params,
    error_message,
    state_params,
)

RESOURCES = [
    pytest.param("/activities/state", state_params, id="state"),
    pytest.param("/activities/profile", activity_profile_params, id="activity-profile"),
    pytest.param("/agents/profile", agent_profile_params, id="agent-profile"),
]


@pytest.fixture
def lrs(client, lrs_headers):
    return Lrs(client, lrs_headers)


@pytest.mark.parametrize(("path", "make_params"), RESOURCES)
def test_post_merges_top_level_properties(lrs, path, make_params):
    params = make_params()
    lrs.post(path, params, body={"x": "foo", "y": "bar"})
    assert lrs.post(path, params, body={"x": "bash", "z": "faz"}).status_code == 204
    assert lrs.get(path, params).get_json() == {"x": "bash", "y": "bar", "z": "faz"}


def test_merge_replaces_a_nested_object_whole(lrs):
    """Only top-level properties merge, even when a property is an object."""
    params = state_params()
    lrs.post("/activities/state", params, body={"car": {"make": "Ford", "model": "Escape"}})
    lrs.post("/activities/state", params, body={"car": {"make": "Dodge"}})
    assert lrs.get("/activities/state", params).get_json() == {"car": {"make": "Dodge"}}


def test_merge_changes_the_etag(lrs):
    params = state_params()
    lrs.post("/activities/state", params, body={"a": 1})
    before = lrs.get("/activities/state", params).headers["ETag"]
    lrs.post("/activities/state", params, body={"b": 2})
    assert lrs.get("/activities/state", params).headers["ETag"] != before


def test_merge_accepts_json_with_a_charset(lrs):
    params = state_params()
    lrs.put(
        "/activities/state",
        params,
        body=b'{"a": 1}',
        content_type="application/json; charset=utf-8",
    )
    response = lrs.post("/activities/state", params, body={"b": 2})
    assert response.status_code == 204
    assert lrs.get("/activities/state", params).get_json() == {"a": 1, "b": 2}


@pytest.mark.parametrize(("path", "make_params"), RESOURCES)
def test_posting_non_json_onto_json_is_refused_and_changes_nothing(lrs, path, make_params):
    params = make_params()
    lrs.post(path, params, body={"a": 1})
    response = lrs.post(path, params, body=b"abcdefg", content_type="application/octet-stream")
    assert response.status_code == 400
    assert "application/json" in error_message(response)
    assert lrs.get(path, params).get_json() == {"a": 1}


@pytest.mark.parametrize(("path", "make_params"), RESOURCES)
def test_posting_json_onto_non_json_is_refused_and_changes_nothing(lrs, path, make_params):
    params = make_params()
    headers = {"If-None-Match": "*"}
    lrs.put(
        path,
        params,
        body=b"/ asdf / undefined",
        content_type="application/octet-stream",
        headers=headers,
    )
    response = lrs.post(path, params, body={"a": 1})
    assert response.status_code == 400
    assert lrs.get(path, params).data == b"/ asdf / undefined"


def test_posting_form_encoded_text_onto_json_is_refused(lrs):
    params = state_params()
    lrs.post("/activities/state", params, body={"a": 1})
    response = lrs.post(
        "/activities/state", params, body="abc", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400


@pytest.mark.parametrize(("path", "make_params"), RESOURCES)
def test_posting_invalid_json_onto_json_is_refused_and_changes_nothing(lrs, path, make_params):
    params = make_params()
    lrs.post(path, params, body={"a": 1})
    response = lrs.post(path, params, body=b'{"b": 2}{', content_type="application/json")
    assert response.status_code == 400
    assert "not valid JSON" in error_message(response)
    assert lrs.get(path, params).get_json() == {"a": 1}


@pytest.mark.parametrize("body", [b"[1, 2]", b'"text"', b"3"])
def test_posting_json_that_is_not_an_object_is_refused(lrs, body):
    params = state_params()
    lrs.post("/activities/state", params, body={"a": 1})
    response = lrs.post("/activities/state", params, body=body, content_type="application/json")
    assert response.status_code == 400
    assert "JSON object" in error_message(response)


def test_merging_into_stored_json_that_is_not_an_object_is_refused(lrs):
    params = state_params()
    lrs.put("/activities/state", params, body=b"[1, 2]", content_type="application/json")
    response = lrs.post("/activities/state", params, body={"a": 1})
    assert response.status_code == 400
    assert "stored document" in error_message(response)
    assert lrs.get("/activities/state", params).get_json() == [1, 2]


@pytest.mark.parametrize(("path", "make_params"), RESOURCES)
def test_posting_invalid_json_as_a_new_document_is_refused(lrs, path, make_params):
    params = make_params()
    response = lrs.post(path, params, body=b'{"a": 1}[', content_type="application/json")
    assert response.status_code == 400
    assert lrs.get(path, params).status_code == 404


def test_putting_invalid_json_is_refused(lrs):
    params = state_params()
    response = lrs.put("/activities/state", params, body=b"{nope", content_type="application/json")
    assert response.status_code == 400
    assert lrs.get("/activities/state", params).status_code == 404


def test_putting_json_that_is_not_an_object_is_fine(lrs):
    """PUT stores any valid JSON; only merging needs objects."""
    params = state_params()
    assert lrs.put("/activities/state", params, body=[1, 2]).status_code == 204
    assert lrs.get("/activities/state", params).get_json() == [1, 2]


def test_json_that_is_not_utf8_is_refused(lrs):
    params = state_params()
    body = '{"name": "Zoë"}'.encode("latin-1")
    response = lrs.post("/activities/state", params, body=body, content_type="application/json")
    assert response.status_code == 400


def test_merge_keeps_non_ascii_text(lrs):
    params = state_params()
    lrs.post("/activities/state", params, body={"name": "Zoë"})
    lrs.post("/activities/state", params, body={"city": "Kraków"})
    assert lrs.get("/activities/state", params).get_json() == {"name": "Zoë", "city": "Kraków"}
