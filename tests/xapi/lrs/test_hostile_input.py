"""Input an outside tester threw at the LRS that once gave a 500: each is now a 400 naming
what is wrong, and nothing is stored."""

import json

import pytest

from lms.database import db
from lms.xapi.models import Document, Statement
from lms.xapi.validation.json_text import MAX_DEPTH, TooDeep, depth, loads
from tests.xapi.statement_data import ACTIVITY, get, statement

DEEP = "[" * 100_000 + "]" * 100_000


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


@pytest.mark.parametrize("limit", ["²", "٣", "1" * 5000, "-1", "1e3", " 5"])
def test_a_limit_that_is_not_ascii_digits_is_refused(client, lrs_headers, limit):
    response = get(client, lrs_headers, limit=limit)
    if limit == "1" * 5000:  # digits after all: anything over the maximum means the maximum
        assert response.status_code == 200
        return
    assert response.status_code == 400
    assert response.json["error"]["message"].startswith("limit:")


def test_a_body_of_deeply_nested_brackets_is_a_400(client, lrs_headers):
    before = count(Statement)
    response = client.post(
        "/xapi/statements", data=DEEP, content_type="application/json", headers=lrs_headers
    )
    assert response.status_code == 400
    assert f"nested more than {MAX_DEPTH} levels" in response.json["error"]["message"]
    assert count(Statement) == before


def test_nesting_inside_the_limit_is_accepted_and_one_more_level_is_not(client, lrs_headers):
    def nested(levels: int):
        value = 1
        for _ in range(levels):
            value = [value]
        return value

    within = statement(result={"extensions": {"http://example.com/x": nested(MAX_DEPTH - 3)}})
    beyond = statement(result={"extensions": {"http://example.com/x": nested(MAX_DEPTH - 2)}})
    assert client.post("/xapi/statements", json=within, headers=lrs_headers).status_code == 200
    assert client.post("/xapi/statements", json=beyond, headers=lrs_headers).status_code == 400


def test_a_deep_state_document_and_agent_parameter_are_400s(client, lrs_headers):
    agent = json.dumps({"mbox": "mailto:ann@example.com"})
    params = {"activityId": ACTIVITY, "agent": agent, "stateId": "s"}
    before = count(Document)
    response = client.post(
        "/xapi/activities/state",
        query_string=params,
        data=DEEP,
        content_type="application/json",
        headers=lrs_headers,
    )
    assert response.status_code == 400
    response = client.get(
        "/xapi/activities/state", query_string={**params, "agent": DEEP}, headers=lrs_headers
    )
    assert response.status_code == 400
    assert get(client, lrs_headers, agent=DEEP).status_code == 400
    assert count(Document) == before


def test_depth_is_counted_without_recursion():
    assert depth(1) == 0 and depth([]) == 1 and depth({"a": [{"b": 1}]}) == 3
    with pytest.raises(TooDeep):
        loads(DEEP)
    with pytest.raises(ValueError):  # what every caller already answers with a 400
        loads("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))


@pytest.mark.parametrize("since", ["2026-10-05T09:00:00+25:00", "0001-01-01T00:00:00+01:00"])
def test_timestamps_past_the_calendar_or_the_offsets_are_400s(client, lrs_headers, since):
    response = get(client, lrs_headers, since=since)
    assert response.status_code == 400
    assert response.json["error"]["message"].startswith("since:")


@pytest.mark.parametrize("offset", ["+25:00", "-24:00", "+23:60", "+2500", "+99"])
def test_a_stored_timestamp_with_an_impossible_offset_is_refused(client, lrs_headers, offset):
    document = statement(timestamp=f"2026-10-05T09:00:00{offset}")
    response = client.post("/xapi/statements", json=document, headers=lrs_headers)
    assert response.status_code == 400
    assert "timestamp" in response.json["error"]["message"]


@pytest.mark.parametrize("kind", [{"choice": 1}, ["choice"]])
def test_an_interaction_type_that_is_not_a_string_is_a_400(client, lrs_headers, kind):
    definition = {"interactionType": kind, "correctResponsesPattern": ["a"]}
    document = statement(object={"id": ACTIVITY, "definition": definition})
    response = client.post("/xapi/statements", json=document, headers=lrs_headers)
    assert response.status_code == 400
    assert "interactionType: must be a string" in response.json["error"]["message"]


@pytest.mark.parametrize(
    "moment",
    [
        "0001-01-01T00:00:00Z",  # a data-quality score then broke the badge streak arithmetic
        "9999-12-31T23:59:59Z",
        "1899-12-31T23:59:59Z",
        "1900-01-01T00:30:00+01:00",  # 1899 once in UTC
        "2201-01-01T00:00:00Z",
    ],
)
def test_timestamps_outside_1900_to_2200_are_refused_everywhere(client, lrs_headers, moment):
    quality = "https://crm.northwind.example/activity-types/data-quality"
    document = statement(
        verb={"id": "http://adlnet.gov/expapi/verbs/scored"},
        object={"id": "https://crm.northwind.example/dq/1", "definition": {"type": quality}},
        result={"score": {"scaled": 0.95}},
        timestamp=moment,
    )
    before = count(Statement)
    response = client.post("/xapi/statements", json=document, headers=lrs_headers)
    assert response.status_code == 400
    assert (
        "timestamp: must be an ISO 8601 timestamp from 1900 to 2200"
        in (response.json["error"]["message"])
    )
    assert count(Statement) == before
    assert get(client, lrs_headers, until=moment).status_code == 400
    params = {"activityId": ACTIVITY, "since": moment}
    response = client.get("/xapi/activities/profile", query_string=params, headers=lrs_headers)
    assert response.status_code == 400


@pytest.mark.parametrize("moment", ["1900-01-01T00:00:00Z", "2201-01-01T00:30:00+01:00"])
def test_timestamps_at_the_edges_of_the_range_are_accepted(client, lrs_headers, moment):
    response = client.post(
        "/xapi/statements", json=statement(timestamp=moment), headers=lrs_headers
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "name", ["uptake-²", "uptake-" + "9" * 600, "uptake-99999999999", "uptake-2147483648"]
)
def test_an_account_name_like_uptakes_own_but_impossible_is_stored_as_a_stranger(
    client, lrs_headers, name
):
    actor = {"account": {"homePage": "http://lms.test", "name": name}}
    document = statement(actor=actor)
    response = client.post("/xapi/statements", json=document, headers=lrs_headers)
    assert response.status_code == 200
    stored = db.session.scalar(db.select(Statement).filter_by(statement_id=document["id"]))
    assert stored.user_id is None


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(client, lrs_headers, constant):
    document = json.dumps(statement(result={"score": {"raw": 1}}))
    body = document.replace('"raw": 1', f'"raw": {constant}')
    before = count(Statement)
    response = client.post(
        "/xapi/statements", data=body, content_type="application/json", headers=lrs_headers
    )
    assert response.status_code == 400
    assert "not valid UTF-8 JSON" in response.json["error"]["message"]
    assert count(Statement) == before


def test_a_version_header_of_non_ascii_digits_is_refused(client, lrs_headers):
    response = get(client, {**lrs_headers, "X-Experience-API-Version": "1.0.²"})
    assert response.status_code == 400
    assert "X-Experience-API-Version" in response.json["error"]["message"]
