"""PUT and POST /xapi/statements (xAPI 1.0.3, Communication 2.1.1, 2.1.2; Data 2.3, 2.4)."""

import json
import uuid

import pytest

from lms.database import db
from lms.xapi.models import Statement
from tests.xapi.statement_data import VERB, get, post, put, statement

VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def voiding(target_id: str, **overrides) -> dict:
    return statement(
        verb={"id": VOIDED, "display": {"en-US": "voided"}},
        object={"objectType": "StatementRef", "id": target_id},
        **overrides,
    )


def fetch(client, headers, statement_id, **params):
    return get(client, headers, statementId=statement_id, **params)


def test_post_stores_a_statement_and_returns_its_id(client, lrs_headers):
    s = statement()
    response = post(client, lrs_headers, s)
    assert response.status_code == 200
    assert response.json == [s["id"]]
    assert fetch(client, lrs_headers, s["id"]).json["actor"] == s["actor"]


def test_post_stores_a_batch_and_returns_ids_in_order(client, lrs_headers):
    batch = [statement() for _ in range(3)]
    response = post(client, lrs_headers, batch)
    assert response.json == [s["id"] for s in batch]


def test_the_lrs_gives_an_id_to_a_statement_without_one(client, lrs_headers):
    s = statement()
    del s["id"]
    [new_id] = post(client, lrs_headers, s).json
    assert uuid.UUID(new_id)
    assert fetch(client, lrs_headers, new_id).json["id"] == new_id


def test_ids_are_stored_in_lower_case(client, lrs_headers):
    s = statement(id=str(uuid.uuid4()).upper())
    assert post(client, lrs_headers, s).json == [s["id"].lower()]


def test_put_stores_under_the_statement_id_parameter(client, lrs_headers):
    s = statement()
    assert put(client, lrs_headers, s).status_code == 204
    assert fetch(client, lrs_headers, s["id"]).status_code == 200


def test_put_without_an_id_in_the_statement_takes_the_parameter(client, lrs_headers):
    s = statement()
    statement_id = s.pop("id")
    assert put(client, lrs_headers, s, statement_id).status_code == 204
    assert fetch(client, lrs_headers, statement_id).json["id"] == statement_id


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/xapi/statements", "statementId: is required"),
        ("/xapi/statements?statementId=true", "statementId: must be a UUID"),
        ("/xapi/statements?statementId=x&limit=1", "limit: is not a parameter of PUT"),
    ],
)
def test_put_needs_a_valid_statement_id_parameter(client, lrs_headers, url, message):
    response = client.put(url, json=statement(), headers=lrs_headers)
    assert response.status_code == 400
    assert message in response.json["error"]["message"]


def test_put_refuses_an_id_that_differs_from_the_parameter(client, lrs_headers):
    response = put(client, lrs_headers, statement(), str(uuid.uuid4()))
    assert response.status_code == 400
    assert "does not match the statementId parameter" in response.json["error"]["message"]


def test_put_takes_a_single_statement(client, lrs_headers):
    s = statement()
    response = put(client, lrs_headers, [s], s["id"])
    assert response.status_code == 400


def test_post_takes_no_parameters(client, lrs_headers):
    response = client.post("/xapi/statements?statementId=x", json=statement(), headers=lrs_headers)
    assert response.status_code == 400
    assert "statementId: is not a parameter of POST" in response.json["error"]["message"]


def test_an_invalid_statement_is_refused_with_the_property_named(client, lrs_headers):
    bad = statement(actor={"mbox": "ann@example.com"})
    response = post(client, lrs_headers, [statement(), bad])
    assert response.status_code == 400
    assert response.json["error"]["message"].startswith("statements[1].actor.mbox:")


def test_a_batch_is_all_or_nothing(client, lrs_headers):
    good, bad = statement(), statement(verb={"id": "should fail"})
    assert post(client, lrs_headers, [good, bad]).status_code == 400
    assert fetch(client, lrs_headers, good["id"]).status_code == 404


def test_a_batch_naming_an_id_twice_is_refused(client, lrs_headers):
    s = statement()
    response = post(client, lrs_headers, [s, statement(id=s["id"])])
    assert response.status_code == 400
    assert "appears twice in the batch" in response.json["error"]["message"]


def test_the_same_statement_again_is_accepted_and_changes_nothing(client, lrs_headers):
    s = statement()
    post(client, lrs_headers, s)
    before = fetch(client, lrs_headers, s["id"]).json
    assert post(client, lrs_headers, s).status_code == 200
    assert put(client, lrs_headers, s).status_code == 204
    assert fetch(client, lrs_headers, s["id"]).json == before
    assert db.session.query(Statement).filter_by(statement_id=s["id"]).count() == 1


def test_a_different_statement_under_a_stored_id_is_a_conflict(client, lrs_headers):
    s = statement()
    post(client, lrs_headers, s)
    changed = {**s, "verb": {"id": "http://example.com/different"}}
    assert post(client, lrs_headers, changed).status_code == 409
    assert put(client, lrs_headers, changed).status_code == 409
    assert fetch(client, lrs_headers, s["id"]).json["verb"]["id"] == VERB


def test_the_lrs_may_have_assigned_timestamp_version_and_authority(client, lrs_headers):
    s = statement(context={"contextActivities": {"parent": {"id": "http://example.com/p"}}})
    post(client, lrs_headers, s)
    again = {**s, "timestamp": fetch(client, lrs_headers, s["id"]).json["timestamp"]}
    again["version"] = "1.0.0"
    again["authority"] = {"mbox": "mailto:someone@example.com"}
    assert post(client, lrs_headers, again).status_code == 200


def test_the_lrs_sets_stored_authority_version_and_timestamp(client, lrs_headers, make_client):
    s = statement(stored="2001-01-01T00:00:00Z", authority={"mbox": "mailto:liar@example.com"})
    post(client, lrs_headers, s)
    stored = fetch(client, lrs_headers, s["id"]).json
    assert stored["stored"] != "2001-01-01T00:00:00Z" and stored["stored"].endswith("Z")
    assert stored["timestamp"] == stored["stored"]
    assert stored["authority"]["account"]["homePage"] == "http://lms.test"
    assert stored["version"] == "1.0.0"


def test_a_1_0_x_version_is_kept(client, lrs_headers):
    s = statement(version="1.0.3")
    post(client, lrs_headers, s)
    assert fetch(client, lrs_headers, s["id"]).json["version"] == "1.0.3"


def test_timestamps_are_returned_in_utc_at_the_same_instant(client, lrs_headers):
    s = statement(timestamp="2013-05-18T07:32:34.804+02:00")
    post(client, lrs_headers, s)
    assert fetch(client, lrs_headers, s["id"]).json["timestamp"] == "2013-05-18T05:32:34.804Z"


def test_single_context_activities_are_returned_as_arrays(client, lrs_headers):
    parent = {"id": "http://example.com/p", "objectType": "Activity"}
    s = statement(context={"contextActivities": {"parent": parent}})
    post(client, lrs_headers, s)
    assert fetch(client, lrs_headers, s["id"]).json["context"]["contextActivities"] == {
        "parent": [parent]
    }


def test_exact_format_returns_the_statement_as_it_was_sent(client, lrs_headers):
    s = statement(result={"score": {"scaled": 0.85}, "duration": "PT1H0M0S"})
    post(client, lrs_headers, s)
    returned = fetch(client, lrs_headers, s["id"], format="exact").json
    for key in ("actor", "verb", "object", "result"):
        assert returned[key] == s[key]


@pytest.mark.parametrize(
    ("content_type", "body"),
    [("text/plain", "{}"), ("application/x-www-form-urlencoded", "a=b"), ("application/json", "{")],
)
def test_a_body_that_is_not_json_statements_is_refused(client, lrs_headers, content_type, body):
    response = client.post(
        "/xapi/statements", data=body, content_type=content_type, headers=lrs_headers
    )
    assert response.status_code == 400


def test_voiding_hides_a_statement_except_by_voided_statement_id(client, lrs_headers):
    target = statement()
    post(client, lrs_headers, target)
    void = voiding(target["id"])
    assert post(client, lrs_headers, void).status_code == 200
    assert fetch(client, lrs_headers, target["id"]).status_code == 404
    assert get(client, lrs_headers, voidedStatementId=target["id"]).json["id"] == target["id"]
    assert fetch(client, lrs_headers, void["id"]).status_code == 200
    listed = [s["id"] for s in get(client, lrs_headers).json["statements"]]
    assert target["id"] not in listed and void["id"] in listed


def test_voided_statement_id_does_not_return_a_statement_that_is_not_voided(client, lrs_headers):
    s = statement()
    post(client, lrs_headers, s)
    assert get(client, lrs_headers, voidedStatementId=s["id"]).status_code == 404


def test_a_voiding_statement_may_name_a_statement_not_yet_stored(client, lrs_headers):
    later = statement()
    assert post(client, lrs_headers, voiding(later["id"])).status_code == 200
    post(client, lrs_headers, later)
    assert fetch(client, lrs_headers, later["id"]).status_code == 404
    assert get(client, lrs_headers, voidedStatementId=later["id"]).status_code == 200


def test_voiding_and_voided_in_one_batch(client, lrs_headers):
    target = statement()
    post(client, lrs_headers, [target, voiding(target["id"])])
    assert fetch(client, lrs_headers, target["id"]).status_code == 404


def test_a_voiding_statement_cannot_be_voided(client, lrs_headers):
    target = statement()
    first = voiding(target["id"])
    post(client, lrs_headers, [target, first])
    response = post(client, lrs_headers, voiding(first["id"]))
    assert response.status_code == 400
    assert "voiding statements cannot be voided" in response.json["error"]["message"]
    assert fetch(client, lrs_headers, first["id"]).status_code == 200


def test_a_voiding_statement_needs_a_statement_ref(client, lrs_headers):
    s = statement(verb={"id": VOIDED})
    response = post(client, lrs_headers, s)
    assert response.status_code == 400
    assert "must be a StatementRef" in response.json["error"]["message"]


def test_requests_without_credentials_are_refused_with_a_challenge(client, lrs_headers):
    response = client.post(
        "/xapi/statements", json=statement(), headers={"X-Experience-API-Version": "1.0.3"}
    )
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")


def test_wrong_credentials_are_refused(client, lrs_headers):
    headers = {**lrs_headers, "Authorization": "Basic bm90OnJpZ2h0"}
    assert post(client, headers, statement()).status_code == 401


def test_writing_needs_the_write_scope(client, make_client):
    from tests.xapi.conftest import SCOPE_READ_ALL

    _, headers = make_client(SCOPE_READ_ALL)
    assert post(client, headers, statement()).status_code == 403
    assert put(client, headers, statement()).status_code == 403


def test_a_race_on_the_same_id_ends_as_if_the_requests_were_in_turn(
    client, lrs_headers, monkeypatch
):
    from sqlalchemy.exc import IntegrityError

    from lms.xapi.lrs import statements as statements_views

    s = statement()
    post(client, lrs_headers, s)
    real, calls = statements_views.store_batch, []

    def lose_the_race_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise IntegrityError("INSERT", {}, Exception("duplicate key"))
        return real(*args, **kwargs)

    monkeypatch.setattr(statements_views, "store_batch", lose_the_race_once)
    assert post(client, lrs_headers, s).json == [s["id"]]
    changed = {**s, "verb": {"id": "http://example.com/other"}}
    calls.clear()
    assert post(client, lrs_headers, changed).status_code == 409


def test_identifiers_too_long_to_index_are_refused(client, lrs_headers):
    long_name = {"account": {"homePage": "http://crm.example.com", "name": "x" * 800}}
    response = post(client, lrs_headers, statement(actor=long_name))
    assert response.status_code == 400
    message = response.json["error"]["message"]
    assert "statement: the agent identifier agent|account|http://crm.example.com|xxx" in message
    assert "is longer than the 700 characters this LRS can store" in message
    activity = "http://example.com/" + "a" * 3000
    response = post(client, lrs_headers, statement(object={"id": activity}))
    assert "the IRI identifier http://example.com/aaa" in response.json["error"]["message"]


def test_a_property_given_twice_is_refused(client, lrs_headers):
    s = statement()
    body = json.dumps(s)[:-1] + ', "verb": {"id": "http://example.com/other"}}'
    response = client.post(
        "/xapi/statements", data=body, content_type="application/json", headers=lrs_headers
    )
    assert response.status_code == 400
    assert "verb: is given more than once" in response.json["error"]["message"]
