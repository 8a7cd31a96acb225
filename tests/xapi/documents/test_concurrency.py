"""ETags, If-Match, If-None-Match, 412 and 409 on the document resources (xAPI 1.0.3,
Communication 3.1), and Last-Modified (2.2.s6)."""

import hashlib
import json
import re
import uuid
from email.utils import parsedate_to_datetime

import pytest

from lms.clock import utcnow
from tests.xapi.documents.support import (
    ACTIVITY,
    AGENT,
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
PROFILES = RESOURCES[1:]
NO_SUCH_TAG = '"1111111111111111111111111111111111111111"'


@pytest.fixture
def lrs(client, lrs_headers):
    return Lrs(client, lrs_headers)


def stored(lrs, path, params, body) -> str:
    """Create a document; its quoted ETag."""
    assert lrs.post(path, params, body=body).status_code == 204
    return lrs.get(path, params).headers["ETag"]


# ETag and Last-Modified on GET ------------------------------------------------------------


@pytest.mark.parametrize(("path", "make_params"), RESOURCES)
def test_get_has_a_quoted_sha1_etag_of_the_content(lrs, path, make_params):
    params = make_params()
    lrs.post(path, params, body={"a": 1})
    response = lrs.get(path, params)
    assert re.fullmatch(r'"[0-9a-f]{40}"', response.headers["ETag"])
    assert response.headers["ETag"] == f'"{hashlib.sha1(response.data).hexdigest()}"'


def test_the_etag_of_binary_content_is_its_sha1(lrs):
    params = state_params()
    content = b"\x00\xffbinary"
    lrs.put("/activities/state", params, body=content, content_type="image/png")
    etag = lrs.get("/activities/state", params).headers["ETag"]
    assert etag == f'"{hashlib.sha1(content).hexdigest()}"'


def test_get_of_one_document_has_last_modified(lrs):
    params = state_params()
    before = utcnow().replace(microsecond=0)
    lrs.put("/activities/state", params, body={"a": 1})
    modified = parsedate_to_datetime(lrs.get("/activities/state", params).headers["Last-Modified"])
    assert before <= modified.replace(tzinfo=None) <= utcnow()


def test_a_list_of_ids_has_an_etag_and_the_latest_last_modified(lrs):
    activity = f"{ACTIVITY}/{uuid.uuid4()}"
    lrs.put("/activities/state", state_params(activityId=activity), body={"a": 1})
    lrs.put("/activities/state", state_params(activityId=activity), body={"b": 2})
    response = lrs.get("/activities/state", {"activityId": activity, "agent": AGENT})
    assert response.headers["ETag"] == f'"{hashlib.sha1(response.data).hexdigest()}"'
    assert "Last-Modified" in response.headers


def test_an_empty_list_of_ids_still_has_an_etag(lrs):
    response = lrs.get("/activities/state", {"activityId": f"{ACTIVITY}/none", "agent": AGENT})
    assert response.headers["ETag"]
    assert "Last-Modified" not in response.headers


# If-Match / If-None-Match on PUT (MUST, 3.1.s4.b5, b6, b9, b10) ----------------------------


@pytest.mark.parametrize(("path", "make_params"), RESOURCES)
def test_put_with_the_current_etag_replaces_the_document(lrs, path, make_params):
    params = make_params()
    etag = stored(lrs, path, params, {"a": 1})
    assert lrs.put(path, params, body={"b": 2}, headers={"If-Match": etag}).status_code == 204
    assert lrs.get(path, params).get_json() == {"b": 2}


@pytest.mark.parametrize(("path", "make_params"), RESOURCES)
def test_put_with_a_stale_etag_is_412_and_changes_nothing(lrs, path, make_params):
    params = make_params()
    stored(lrs, path, params, {"a": 1})
    response = lrs.put(path, params, body={"b": 2}, headers={"If-Match": NO_SUCH_TAG})
    assert response.status_code == 412
    assert lrs.get(path, params).get_json() == {"a": 1}


@pytest.mark.parametrize(("path", "make_params"), RESOURCES)
def test_put_with_if_match_for_a_missing_document_is_412(lrs, path, make_params):
    params = make_params()
    response = lrs.put(path, params, body={"b": 2}, headers={"If-Match": NO_SUCH_TAG})
    assert response.status_code == 412
    assert lrs.get(path, params).status_code == 404


@pytest.mark.parametrize(("path", "make_params"), RESOURCES)
def test_put_with_if_match_star_needs_an_existing_document(lrs, path, make_params):
    params = make_params()
    assert lrs.put(path, params, body={"a": 1}, headers={"If-Match": "*"}).status_code == 412
    stored(lrs, path, params, {"a": 1})
    assert lrs.put(path, params, body={"b": 2}, headers={"If-Match": "*"}).status_code == 204


@pytest.mark.parametrize(("path", "make_params"), RESOURCES)
def test_put_with_if_none_match_star_only_creates(lrs, path, make_params):
    params = make_params()
    headers = {"If-None-Match": "*"}
    assert lrs.put(path, params, body={"a": 1}, headers=headers).status_code == 204
    response = lrs.put(path, params, body={"b": 2}, headers=headers)
    assert response.status_code == 412
    assert lrs.get(path, params).get_json() == {"a": 1}


def test_if_match_takes_a_list_and_weak_tags(lrs):
    params = state_params()
    etag = stored(lrs, "/activities/state", params, {"a": 1})
    headers = {"If-Match": f"{NO_SUCH_TAG}, W/{etag}"}
    assert lrs.put("/activities/state", params, body={"b": 2}, headers=headers).status_code == 204


def test_if_none_match_with_the_current_etag_fails(lrs):
    params = state_params()
    etag = stored(lrs, "/activities/state", params, {"a": 1})
    headers = {"If-None-Match": etag}
    assert lrs.put("/activities/state", params, body={}, headers=headers).status_code == 412
    other = {"If-None-Match": NO_SUCH_TAG}
    assert lrs.put("/activities/state", params, body={}, headers=other).status_code == 204


# PUT to a profile without either header (3.1.s3.b1, 3.1.s4.b13-b15) -----------------------


@pytest.mark.parametrize(("path", "make_params"), PROFILES)
def test_put_to_an_existing_profile_without_headers_is_409_and_explains(lrs, path, make_params):
    params = make_params()
    stored(lrs, path, params, {"a": 1})
    response = lrs.put(path, params, body={"b": 2})
    assert response.status_code == 409
    message = error_message(response)
    assert "If-Match" in message and "current state" in message
    assert lrs.get(path, params).get_json() == {"a": 1}


@pytest.mark.parametrize(("path", "make_params"), PROFILES)
def test_put_to_a_new_profile_without_headers_is_400(lrs, path, make_params):
    """A client MUST send If-Match or If-None-Match with a PUT to a profile."""
    params = make_params()
    response = lrs.put(path, params, body={"a": 1})
    assert response.status_code == 400
    assert "If-None-Match" in error_message(response)
    assert lrs.get(path, params).status_code == 404


@pytest.mark.parametrize(("path", "make_params"), PROFILES)
def test_post_and_delete_of_an_existing_profile_need_no_headers(lrs, path, make_params):
    params = make_params()
    stored(lrs, path, params, {"a": 1})
    assert lrs.post(path, params, body={"b": 2}).status_code == 204
    assert lrs.delete(path, params).status_code == 204


# POST and DELETE preconditions (SHOULD*, 3.1.s4.b7, b8, b11, b12) --------------------------


@pytest.mark.parametrize(("path", "make_params"), RESOURCES)
def test_post_with_a_stale_etag_is_412_and_changes_nothing(lrs, path, make_params):
    params = make_params()
    stored(lrs, path, params, {"a": 1})
    response = lrs.post(path, params, body={"b": 2}, headers={"If-Match": NO_SUCH_TAG})
    assert response.status_code == 412
    assert lrs.get(path, params).get_json() == {"a": 1}


@pytest.mark.parametrize(("path", "make_params"), RESOURCES)
def test_post_with_the_current_etag_merges(lrs, path, make_params):
    params = make_params()
    etag = stored(lrs, path, params, {"a": 1})
    assert lrs.post(path, params, body={"b": 2}, headers={"If-Match": etag}).status_code == 204
    assert lrs.get(path, params).get_json() == {"a": 1, "b": 2}


@pytest.mark.parametrize(("path", "make_params"), RESOURCES)
def test_post_with_if_none_match_star_onto_an_existing_document_is_412(lrs, path, make_params):
    params = make_params()
    stored(lrs, path, params, {"a": 1})
    response = lrs.post(path, params, body={"b": 2}, headers={"If-None-Match": "*"})
    assert response.status_code == 412
    assert lrs.get(path, params).get_json() == {"a": 1}


@pytest.mark.parametrize(("path", "make_params"), RESOURCES)
def test_delete_with_a_stale_etag_is_412_and_keeps_the_document(lrs, path, make_params):
    params = make_params()
    stored(lrs, path, params, {"a": 1})
    assert lrs.delete(path, params, headers={"If-Match": NO_SUCH_TAG}).status_code == 412
    assert lrs.get(path, params).status_code == 200


@pytest.mark.parametrize(("path", "make_params"), RESOURCES)
def test_delete_with_the_current_etag_deletes(lrs, path, make_params):
    params = make_params()
    etag = stored(lrs, path, params, {"a": 1})
    assert lrs.delete(path, params, headers={"If-Match": etag}).status_code == 204
    assert lrs.get(path, params).status_code == 404


def test_delete_with_if_match_of_a_missing_document_is_412(lrs):
    response = lrs.delete("/activities/state", state_params(), headers={"If-Match": "*"})
    assert response.status_code == 412


def test_an_etag_read_before_a_merge_no_longer_matches(lrs):
    """The point of it all: two writers who read the same version cannot both write."""
    params = agent_profile_params()
    etag = stored(lrs, "/agents/profile", params, {"a": 1})
    first = lrs.put("/agents/profile", params, body={"first": 1}, headers={"If-Match": etag})
    second = lrs.put("/agents/profile", params, body={"second": 2}, headers={"If-Match": etag})
    assert (first.status_code, second.status_code) == (204, 412)
    assert json.loads(lrs.get("/agents/profile", params).data) == {"first": 1}
