"""GET /xapi/statements: every filter, StatementRef matching, voided statements, order,
limits and `more` paging (xAPI 1.0.3, Communication 2.1.3, 2.1.4)."""

import json
import uuid

import pytest

from lms.database import db
from lms.xapi.lrs.query_params import parse_query
from lms.xapi.store.query import _scope, direct_statement
from tests.query_plans import plan_text
from tests.xapi.conftest import SCOPE_READ_MINE, SCOPE_WRITE
from tests.xapi.lrs.test_statements_write import voiding
from tests.xapi.statement_data import ACTIVITY, VERB, get, post, statement

ANN = {"objectType": "Agent", "mbox": "mailto:ann@example.com"}
BOB = {"objectType": "Agent", "mbox": "mailto:bob@example.com"}
REGISTRATION = "ec531277-b57b-4c15-8d91-d292c5b2b8f7"


def ids(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [s["id"] for s in response.json["statements"]]


def stored(client, headers, *statements) -> list[str]:
    assert post(client, headers, list(statements)).status_code == 200
    return [s["id"] for s in statements]


def agent_param(agent: dict) -> str:
    return json.dumps(agent)


def test_statements_come_newest_stored_first(client, lrs_headers):
    first, second = stored(client, lrs_headers, statement(), statement())
    assert ids(get(client, lrs_headers))[:2] == [second, first]


def test_ascending_returns_oldest_first(client, lrs_headers):
    first, second = stored(client, lrs_headers, statement(), statement())
    listed = ids(get(client, lrs_headers, ascending="true"))
    assert listed.index(first) < listed.index(second)


def test_no_match_is_an_empty_statement_result(client, lrs_headers):
    response = get(client, lrs_headers, verb="http://adlnet.gov/expapi/non/existent")
    assert response.json == {"statements": [], "more": ""}


def test_verb_filter(client, lrs_headers):
    other = "http://example.com/verbs/other"
    mine, _ = stored(client, lrs_headers, statement(verb={"id": other}), statement())
    assert ids(get(client, lrs_headers, verb=other)) == [mine]


def test_agent_filter_matches_actor_and_agent_object(client, lrs_headers):
    as_actor, as_object, _ = stored(
        client,
        lrs_headers,
        statement(actor=BOB),
        statement(object=BOB),
        statement(context={"instructor": BOB}),
    )
    assert sorted(ids(get(client, lrs_headers, agent=agent_param(BOB)))) == sorted(
        [as_actor, as_object]
    )


def test_agent_filter_matches_groups_with_the_agent_as_member(client, lrs_headers):
    group = {"objectType": "Group", "member": [BOB, ANN]}
    [team] = stored(client, lrs_headers, statement(actor=group))
    assert team in ids(get(client, lrs_headers, agent=agent_param(BOB)))


def test_agent_filter_matches_an_identified_group(client, lrs_headers):
    group = {
        "objectType": "Group",
        "account": {"homePage": "http://crm.example.com", "name": "sales"},
    }
    [team] = stored(client, lrs_headers, statement(actor=group))
    assert ids(get(client, lrs_headers, agent=agent_param(group))) == [team]


def test_related_agents_matches_authority_instructor_team_and_substatements(client, lrs_headers):
    team = {"objectType": "Group", "member": [BOB]}
    sub = {
        "objectType": "SubStatement",
        "actor": BOB,
        "verb": {"id": VERB},
        "object": {"id": ACTIVITY},
    }
    expected = stored(
        client,
        lrs_headers,
        statement(context={"instructor": BOB}),
        statement(context={"team": team}),
        statement(object=sub),
    )
    stored(client, lrs_headers, statement())
    assert ids(get(client, lrs_headers, agent=agent_param(BOB))) == []
    found = ids(get(client, lrs_headers, agent=agent_param(BOB), related_agents="true"))
    assert sorted(found) == sorted(expected)


def test_related_agents_matches_the_authority(client, make_client):
    client_row, headers = make_client(name="Authority Test")
    [s] = stored(client, headers, statement())
    authority = {"account": {"homePage": "http://lms.test", "name": client_row.key}}
    assert ids(get(client, headers, agent=agent_param(authority), related_agents="true")) == [s]


def test_activity_filter_matches_the_object_only(client, lrs_headers):
    other = "http://example.com/activities/other"
    context = {"contextActivities": {"parent": [{"id": other}]}}
    as_object, _ = stored(
        client, lrs_headers, statement(object={"id": other}), statement(context=context)
    )
    assert ids(get(client, lrs_headers, activity=other)) == [as_object]


def test_related_activities_matches_context_and_substatements(client, lrs_headers):
    other = "http://example.com/activities/related"
    sub = {
        "objectType": "SubStatement",
        "actor": BOB,
        "verb": {"id": VERB},
        "object": {"id": other},
    }
    expected = stored(
        client,
        lrs_headers,
        statement(object={"id": other}),
        statement(context={"contextActivities": {"grouping": {"id": other}}}),
        statement(object=sub),
    )
    found = ids(get(client, lrs_headers, activity=other, related_activities="true"))
    assert sorted(found) == sorted(expected)


def test_registration_filter(client, lrs_headers):
    [mine] = stored(client, lrs_headers, statement(context={"registration": REGISTRATION}))
    stored(client, lrs_headers, statement())
    assert ids(get(client, lrs_headers, registration=REGISTRATION)) == [mine]


def test_filters_combine(client, lrs_headers):
    other = "http://example.com/verbs/combined"
    [both] = stored(client, lrs_headers, statement(actor=BOB, verb={"id": other}))
    stored(client, lrs_headers, statement(actor=ANN, verb={"id": other}), statement(actor=BOB))
    assert ids(get(client, lrs_headers, verb=other, agent=agent_param(BOB))) == [both]


def test_since_is_exclusive_and_until_inclusive(client, lrs_headers):
    [first] = stored(client, lrs_headers, statement())
    stamp = get(client, lrs_headers, statementId=first).json["stored"]
    [second] = stored(client, lrs_headers, statement())
    assert first not in ids(get(client, lrs_headers, since=stamp))
    assert (
        second in ids(get(client, lrs_headers, since=stamp))
        or stamp == get(client, lrs_headers, statementId=second).json["stored"]
    )
    assert first in ids(get(client, lrs_headers, until=stamp))
    assert ids(get(client, lrs_headers, until="2012-06-01T19:09:13.245Z")) == []


def test_limit_and_more_page_through_everything_once(client, lrs_headers):
    verb = "http://example.com/verbs/paged"
    expected = stored(client, lrs_headers, *[statement(verb={"id": verb}) for _ in range(5)])
    seen, response = [], get(client, lrs_headers, verb=verb, limit=2)
    while True:
        seen += ids(response)
        more = response.json["more"]
        if not more:
            break
        assert more.startswith("/xapi/statements")
        stored(client, lrs_headers, statement(verb={"id": verb}))  # new ones don't shift pages
        response = client.get(more, headers=lrs_headers)
    assert seen == expected[::-1]


def test_more_pages_keep_ascending_order(client, lrs_headers):
    verb = "http://example.com/verbs/ascending"
    expected = stored(client, lrs_headers, *[statement(verb={"id": verb}) for _ in range(3)])
    first = get(client, lrs_headers, verb=verb, limit=2, ascending="true")
    second = client.get(first.json["more"], headers=lrs_headers)
    assert ids(first) + ids(second) == expected
    assert second.json["more"] == ""


def test_a_forged_more_link_is_refused(client, lrs_headers):
    assert client.get("/xapi/statements/more/forged", headers=lrs_headers).status_code == 400


def test_limit_zero_means_the_server_maximum(client, lrs_headers):
    verb = "http://example.com/verbs/zero"
    expected = stored(client, lrs_headers, *[statement(verb={"id": verb}) for _ in range(3)])
    assert len(ids(get(client, lrs_headers, verb=verb, limit=0))) == len(expected)


def test_statements_targeting_a_match_match_too(client, lrs_headers):
    verb = "http://example.com/verbs/passed"
    original = statement(actor=BOB, verb={"id": verb})
    comment = statement(
        actor=ANN,
        verb={"id": "http://example.com/commented"},
        object={"objectType": "StatementRef", "id": original["id"]},
    )
    reply = statement(
        actor=ANN,
        verb={"id": "http://example.com/replied"},
        object={"objectType": "StatementRef", "id": comment["id"]},
    )
    stored(client, lrs_headers, original, comment, reply)
    expected = [reply["id"], comment["id"], original["id"]]
    assert ids(get(client, lrs_headers, verb=verb)) == expected
    assert ids(get(client, lrs_headers, agent=agent_param(BOB))) == expected


def test_time_filters_apply_to_the_referring_statement(client, lrs_headers):
    verb = "http://example.com/verbs/referenced"
    original = statement(verb={"id": verb})
    stored(client, lrs_headers, original)
    cut = get(client, lrs_headers, statementId=original["id"]).json["stored"]
    ref = statement(object={"objectType": "StatementRef", "id": original["id"]})
    stored(client, lrs_headers, ref)
    assert ids(get(client, lrs_headers, verb=verb, since=cut)) in ([ref["id"]], [])
    assert ids(get(client, lrs_headers, verb=verb, limit=1)) == [ref["id"]]


def test_a_voided_statement_is_never_listed_but_statements_targeting_it_are(client, lrs_headers):
    verb = "http://adlnet.gov/expapi/test/voided/target/" + str(uuid.uuid4())
    target = statement(verb={"id": verb})
    void = voiding(target["id"])
    ref = statement(verb={"id": verb}, object={"objectType": "StatementRef", "id": target["id"]})
    stored(client, lrs_headers, target)
    stored(client, lrs_headers, void)
    stored(client, lrs_headers, ref)
    assert ids(get(client, lrs_headers, verb=verb)) == [ref["id"], void["id"]]
    assert ids(get(client, lrs_headers, verb=verb, limit=1)) == [ref["id"]]


def test_statement_id_finds_nothing_unknown(client, lrs_headers):
    response = get(client, lrs_headers, statementId=str(uuid.uuid4()))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"Verb": VERB}, "Verb: is not a parameter"),
        ({"foo": "bar"}, "foo: is not a parameter"),
        ({"statementId": str(uuid.uuid4()), "voidedStatementId": str(uuid.uuid4())}, "together"),
        ({"statementId": str(uuid.uuid4()), "verb": VERB}, "verb: cannot be used with statementId"),
        ({"voidedStatementId": str(uuid.uuid4()), "limit": "1"}, "limit: cannot be used"),
        ({"statementId": "nope"}, "statementId: must be a UUID"),
        ({"verb": "not an iri"}, "verb: must be an IRI"),
        ({"activity": "x"}, "activity: must be an IRI"),
        ({"registration": "x"}, "registration: must be a UUID"),
        ({"agent": "not json"}, "agent: must be an Agent"),
        ({"agent": '{"mbox": "ann@example.com"}'}, "agent.mbox: must be a mailto IRI"),
        ({"agent": '{"objectType": "Group", "member": [{"mbox": "mailto:a@b.c"}]}'}, "anonymous"),
        ({"related_agents": "yes"}, "related_agents: must be true or false"),
        ({"ascending": "True"}, "ascending: must be true or false"),
        ({"since": "yesterday"}, "since: must be an ISO 8601 timestamp"),
        ({"limit": "-1"}, "limit: must be a non-negative integer"),
        ({"format": "full"}, "format: must be ids, exact or canonical"),
        ({"attachments": "1"}, "attachments: must be true or false"),
    ],
)
def test_bad_parameters_are_refused_naming_them(client, lrs_headers, params, message):
    response = get(client, lrs_headers, **params)
    assert response.status_code == 400
    assert message in response.json["error"]["message"]


@pytest.mark.parametrize(
    "extra", [{"format": "ids"}, {"attachments": "true"}, {"format": "canonical"}]
)
def test_statement_id_may_come_with_format_or_attachments(client, lrs_headers, extra):
    [s] = stored(client, lrs_headers, statement())
    assert get(client, lrs_headers, statementId=s, **extra).status_code == 200


def test_read_mine_sees_only_its_own_statements(client, lrs_headers, make_client):
    _, mine = make_client(SCOPE_WRITE, SCOPE_READ_MINE, name="Content")
    [own] = stored(client, mine, statement())
    [other] = stored(client, lrs_headers, statement())
    listed = ids(get(client, mine))
    assert own in listed and other not in listed
    assert get(client, mine, statementId=other).status_code == 404
    assert get(client, mine, statementId=own).status_code == 200


def test_reading_needs_a_read_scope(client, make_client):
    _, writer = make_client(SCOPE_WRITE)
    assert get(client, writer).status_code == 403


def query_plan(params: dict) -> str:
    """The database's plan for the direct-match query of these parameters: can an index
    serve it in order (bench/xapi.py measures it at a million rows)?"""
    query = parse_query(params)
    statement = direct_statement(query, _scope(query, None), None, query.limit + 1)
    return plan_text(statement, ordered=True)


@pytest.mark.parametrize(
    ("params", "index"),
    [
        ({"verb": VERB, "limit": "100"}, "ix_statements_verb_id_id"),
        ({"verb": VERB, "since": "2026-01-01T00:00:00Z"}, "ix_statements_verb_id_id"),
        ({"registration": REGISTRATION}, "ix_statements_registration_id"),
        # The mention tables are keyed by their lookup (WITHOUT ROWID on SQLite); the plain
        # agent and activity filters walk them too, keeping the core mentions.
        ({"agent": json.dumps(BOB)}, "pk_statement_agents"),
        ({"activity": ACTIVITY}, "pk_statement_activities"),
        ({"activity": ACTIVITY, "related_activities": "true"}, "pk_statement_activities"),
    ],
)
def test_filters_walk_an_index_in_order(app, params, index):
    plan = query_plan(params)
    if db.session.get_bind().dialect.name == "sqlite":
        index = index.replace("pk_statement_agents", "PRIMARY KEY (agent_key=?)").replace(
            "pk_statement_activities", "PRIMARY KEY (activity_id=?)"
        )
    assert index in plan
    assert "TEMP B-TREE" not in plan.upper() and "Sort" not in plan  # the index gives the order


def test_format_ids_keeps_only_identifiers(client, lrs_headers):
    group = {"objectType": "Group", "name": "Team", "member": [{**BOB, "name": "Bob"}]}
    s = statement(
        actor={**ANN, "name": "Ann"},
        object={"objectType": "Activity", "id": ACTIVITY, "definition": {"name": {"en": "x"}}},
        context={"team": group},
    )
    stored(client, lrs_headers, s)
    returned = get(client, lrs_headers, statementId=s["id"], format="ids").json
    assert returned["actor"] == ANN
    assert returned["verb"] == {"id": VERB}
    assert returned["object"] == {"id": ACTIVITY}  # an Activity's id alone
    assert returned["context"]["team"] == {"objectType": "Group", "member": [BOB]}
    assert "name" not in returned["authority"]


def test_format_canonical_uses_the_lrs_definition_in_one_language(client, lrs_headers):
    activity = "http://example.com/activities/canonical"
    first = statement(
        verb={"id": VERB, "display": {"en-US": "experienced", "en-GB": "experienced (GB)"}},
        object={"id": activity, "definition": {"name": {"en-US": "Color", "en-GB": "Colour"}}},
    )
    later = statement(object={"id": activity, "definition": {"description": {"de": "Farbe"}}})
    stored(client, lrs_headers, first, later)
    headers = {**lrs_headers, "Accept-Language": "en-GB"}
    returned = client.get(
        "/xapi/statements",
        query_string={"statementId": first["id"], "format": "canonical"},
        headers=headers,
    ).json
    assert returned["verb"]["display"] == {"en-GB": "experienced (GB)"}
    assert returned["object"]["definition"] == {
        "name": {"en-GB": "Colour"},
        "description": {"de": "Farbe"},
    }
    assert returned["actor"] == first["actor"]  # agents are returned exactly


def test_exact_format_ignores_accept_language(client, lrs_headers):
    s = statement(verb={"id": VERB, "display": {"en-US": "a", "en-GB": "b"}})
    stored(client, lrs_headers, s)
    headers = {**lrs_headers, "Accept-Language": "en-GB"}
    returned = client.get(
        "/xapi/statements", query_string={"statementId": s["id"]}, headers=headers
    ).json
    assert returned["verb"]["display"] == {"en-US": "a", "en-GB": "b"}
