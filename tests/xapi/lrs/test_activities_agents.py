"""The Activities and Agents resources (xAPI 1.0.3, Communication 2.4, 2.5)."""

import hashlib
import json
import uuid

import pytest

from lms.database import db
from lms.xapi.clients import SCOPE_READ_MINE, SCOPE_WRITE
from lms.xapi.models import Activity, Statement, StatementAgent
from lms.xapi.store.identifiers import agent_key, mbox_sha1sum
from tests.conftest import T0
from tests.xapi.documents.support import Lrs, error_message

MEETING = {
    "type": "http://adlnet.gov/expapi/activities/meeting",
    "name": {"en-GB": "example meeting", "en-US": "example meeting"},
    "moreInfo": "http://virtualmeeting.example.com/345256",
    "extensions": {"http://example.com/profiles/meetings/extension/location": "X:\\meetings"},
}


@pytest.fixture
def lrs(client, lrs_headers):
    return Lrs(client, lrs_headers)


def known_activity(activity_id: str, definition: dict) -> None:
    db.session.add(
        Activity(activity_id=activity_id, definition=json.dumps(definition), updated_at=T0)
    )
    db.session.flush()


def statement_by(user, actor: dict) -> None:
    """A stored statement whose actor the store linked to `user`, with its actor's mention
    as the store writes it."""
    statement = Statement(
        statement_id=str(uuid.uuid4()),
        verb_id="http://adlnet.gov/expapi/verbs/experienced",
        actor_key=agent_key(actor),
        timestamp=T0,
        stored=T0,
        user_id=user.id,
        document=json.dumps({"actor": actor}),
    )
    db.session.add(statement)
    db.session.flush()
    db.session.add(StatementAgent(agent_key=agent_key(actor), statement_pk=statement.id, core=True))
    db.session.flush()


# Activities --------------------------------------------------------------------------------


def test_a_known_activity_comes_with_its_canonical_definition(lrs):
    activity_id = "http://www.example.com/verify/complete/34534"
    known_activity(activity_id, MEETING)
    response = lrs.get("/activities", {"activityId": activity_id})
    assert response.status_code == 200
    assert response.get_json() == {
        "objectType": "Activity",
        "id": activity_id,
        "definition": MEETING,
    }


def test_an_unknown_activity_is_still_an_activity_object(lrs):
    activity_id = f"http://www.example.com/never/{uuid.uuid4()}"
    response = lrs.get("/activities", {"activityId": activity_id})
    assert response.status_code == 200
    assert response.get_json() == {"objectType": "Activity", "id": activity_id}


def test_an_empty_definition_is_left_out(lrs):
    known_activity("http://www.example.com/bare", {})
    assert (
        "definition"
        not in lrs.get("/activities", {"activityId": "http://www.example.com/bare"}).get_json()
    )


def test_activities_has_an_etag_and_answers_head(lrs):
    params = {"activityId": "http://www.example.com/a"}
    get, head = lrs.get("/activities", params), lrs.send("HEAD", "/activities", params)
    assert get.headers["ETag"] == f'"{hashlib.sha1(get.data).hexdigest()}"'
    assert head.status_code == 200 and head.data == b""


def test_activities_without_activity_id_is_400(lrs):
    response = lrs.get("/activities")
    assert response.status_code == 400
    assert "activityId" in error_message(response)


@pytest.mark.parametrize("value", ["1", "true", '{"key": "value"}', "not an iri"])
def test_activities_with_an_activity_id_that_is_not_an_iri_is_400(lrs, value):
    response = lrs.get("/activities", {"activityId": value})
    assert response.status_code == 400
    assert "activityId" in error_message(response)


@pytest.mark.parametrize(
    "params",
    [{"activityId": "http://a.example.com", "foo": "1"}, {"ActivityId": "http://a.example.com"}],
)
def test_activities_with_an_unknown_parameter_is_400(lrs, params):
    response = lrs.get("/activities", params)
    assert response.status_code == 400
    assert next(iter(set(params) - {"activityId"})) in error_message(response)


# Agents ------------------------------------------------------------------------------------


def test_an_unknown_agent_is_a_person_with_only_what_was_asked(lrs):
    agent = {
        "objectType": "Agent",
        "name": "Rick James",
        "account": {"homePage": "http://www.example.com/agentId/1", "name": "Rick James"},
    }
    response = lrs.get("/agents", {"agent": agent})
    assert response.status_code == 200
    assert response.get_json() == {
        "objectType": "Person",
        "name": ["Rick James"],
        "account": [{"homePage": "http://www.example.com/agentId/1", "name": "Rick James"}],
    }


@pytest.mark.parametrize(
    ("agent", "prop"),
    [
        ({"mbox": "mailto:ann@example.com"}, "mbox"),
        ({"mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"}, "mbox_sha1sum"),
        ({"openid": "http://toby.openid.example.org/"}, "openid"),
    ],
)
def test_each_identifier_comes_back_as_an_array(lrs, agent, prop):
    person = lrs.get("/agents", {"agent": agent}).get_json()
    assert person == {"objectType": "Person", prop: [agent[prop]]}


def test_a_person_in_uptake_is_shown_as_uptake_names_them(lrs, app, make_user):
    """With read-all credentials, the Person adds how Uptake's statements name the person
    (mbox mode by default): one array entry per distinct value."""
    ann = make_user(name="Ann Example", email="ann@example.com")
    sha = {"mbox_sha1sum": mbox_sha1sum("ann@example.com")}
    statement_by(ann, sha)
    person = lrs.get("/agents", {"agent": sha}).get_json()
    assert person == {
        "objectType": "Person",
        "name": ["Ann Example"],
        "mbox": ["mailto:ann@example.com"],
        "mbox_sha1sum": [sha["mbox_sha1sum"]],
    }


def test_a_person_found_by_e_mail_has_no_duplicate_values(lrs, make_user):
    make_user(name="Bob Example", email="bob@example.com")
    agent = {"name": "Bob Example", "mbox": "mailto:bob@example.com"}
    person = lrs.get("/agents", {"agent": agent}).get_json()
    assert person == {
        "objectType": "Person",
        "name": ["Bob Example"],
        "mbox": ["mailto:bob@example.com"],
    }


def test_a_person_is_found_by_their_uptake_account_without_any_statement(lrs, make_user):
    erin = make_user(name="Erin Example", email="erin@example.com")
    account = {"account": {"homePage": "http://lms.test", "name": f"uptake-{erin.id}"}}
    person = lrs.get("/agents", {"agent": account}).get_json()
    assert person["name"] == ["Erin Example"]
    assert person["mbox"] == ["mailto:erin@example.com"]
    assert person["account"] == [account["account"]]


def test_hashed_identifier_mode_reveals_no_e_mail(lrs, app, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "XAPI_ACTOR_IDENTIFIER", "mbox_sha1sum")
    carol = make_user(name="Carol Example", email="carol@example.com")
    account = {"account": {"homePage": "http://crm.example.com", "name": "c-17"}}
    statement_by(carol, account)
    person = lrs.get("/agents", {"agent": account}).get_json()
    assert "mbox" not in person and "name" not in person
    assert person["mbox_sha1sum"] == [mbox_sha1sum("carol@example.com")]


def test_read_mine_credentials_see_only_what_they_asked_for(client, make_client, make_user):
    """Returning several identifiers needs increased permissions (Communication 2.4.s3.b1)."""
    make_user(name="Dan Example", email="dan@example.com")
    _, headers = make_client(SCOPE_READ_MINE)
    person = (
        Lrs(client, headers)
        .get("/agents", {"agent": {"mbox": "mailto:dan@example.com"}})
        .get_json()
    )
    assert person == {"objectType": "Person", "mbox": ["mailto:dan@example.com"]}


def test_agents_without_agent_is_400(lrs):
    response = lrs.get("/agents")
    assert response.status_code == 400
    assert "agent" in error_message(response)


@pytest.mark.parametrize(
    "value",
    [
        "not JSON",
        "1",
        '{"objectType": "Group", "mbox": "mailto:g@example.com"}',
        '{"objectType": "Person", "mbox": ["mailto:a@example.com"]}',
        "{}",
    ],
)
def test_agents_with_something_that_is_not_an_agent_is_400(lrs, value):
    response = lrs.get("/agents", {"agent": value})
    assert response.status_code == 400
    assert "agent" in error_message(response)


def test_agents_has_an_etag(lrs):
    response = lrs.get("/agents", {"agent": {"mbox": "mailto:e@example.com"}})
    assert response.headers["ETag"] == f'"{hashlib.sha1(response.data).hexdigest()}"'


# Methods, scopes ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/activities", "/agents"])
@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE"])
def test_only_get_is_allowed(lrs, path, method):
    assert lrs.send(method, path, {"activityId": "http://a.example.com"}).status_code == 405


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/activities", {"activityId": "http://a.example.com"}),
        ("/agents", {"agent": {"mbox": "mailto:a@example.com"}}),
    ],
)
def test_reading_needs_a_read_scope(client, make_client, path, params):
    _, headers = make_client(SCOPE_WRITE)
    assert Lrs(client, headers).get(path, params).status_code == 403
