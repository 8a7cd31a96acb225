"""The HubSpot connector against recorded replies in HubSpot's documented formats (CRM v3
search and owners, account activity, OAuth token, errors): paging, a cursor that resumes
exactly, the 10,000-results search window, token refresh, rate limits, an archived owner, a
user no owner lists, and the login history a tier lacks."""

import json
from datetime import datetime

import pytest
import responses
from responses import matchers

from lms.crm.connectors.base import ConnectionSettings, ConnectorError, NotAuthorised, RateLimited
from lms.crm.connectors.hubspot import HubSpot

API = "https://api.hubapi.com"
SEARCH = f"{API}/crm/v3/objects/contacts/search"
OWNERS = f"{API}/crm/v3/owners"
LOGINS = f"{API}/account-info/v3/activity/login"


def contact(record_id, modified, *, created=None, creator="101", updater="101", **props):
    return {
        "id": str(record_id),
        "properties": {
            "firstname": "Ann",
            "lastname": "Lee",
            "email": "ann@harbour.example",
            "phone": "+44 20 7946 0000",
            "hs_object_id": str(record_id),
            "hs_createdate": created or "2026-11-01T09:00:00.000Z",
            "hs_lastmodifieddate": modified,
            "hs_created_by_user_id": creator,
            "hs_updated_by_user_id": updater,
            **props,
        },
        "createdAt": created or "2026-11-01T09:00:00.000Z",
        "updatedAt": modified,
        "archived": False,
    }


def search_reply(results, after=None, total=None):
    reply = {"total": total if total is not None else len(results), "results": results}
    if after:
        reply["paging"] = {"next": {"after": after, "link": "?after=" + after}}
    return reply


def connector(secret="pat-eu1-token", **options):
    return HubSpot(ConnectionSettings(API, options, secret))


def sent(call) -> dict:
    return json.loads(call.request.body)


@responses.activate
def test_a_pull_reads_changes_after_the_cursor_and_says_who_did_what():
    responses.post(
        SEARCH,
        json=search_reply(
            [
                contact(1, "2026-11-30T10:00:00.000Z", created="2026-11-30T09:59:30.000Z"),
                contact(2, "2026-11-30T11:00:00.000Z", updater="102", phone=""),
            ]
        ),
    )
    page = connector().pull("contact", None, since=datetime(2026, 11, 30))
    body = sent(responses.calls[0])
    assert body["filterGroups"][0]["filters"][0] == {
        "propertyName": "hs_lastmodifieddate",
        "operator": "GTE",
        "value": str(
            int(datetime(2026, 11, 30, tzinfo=__import__("datetime").UTC).timestamp() * 1000)
        ),
    }
    assert body["sorts"] == [{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}]
    assert responses.calls[0].request.headers["Authorization"] == "Bearer pat-eu1-token"
    created, updated = page.events
    assert (created.action, created.user_id, created.event_id) == (
        "created",
        "101",
        "contacts/1/created",
    )
    # a change within a minute of creation is part of creating it: no update for record 1
    assert (updated.action, updated.user_id, updated.record_id) == ("updated", "102", "2")
    assert updated.event_id == "contacts/2/1796036400000"
    assert updated.fields["phone"] == "" and updated.fields["email"] == "ann@harbour.example"
    assert updated.at == datetime(2026, 11, 30, 11, 0)
    assert page.cursor == "1796036400000,2" and page.more is False


@responses.activate
def test_the_cursor_resumes_exactly_within_one_millisecond():
    same = "2026-11-30T11:00:00.000Z"
    responses.post(
        SEARCH,
        json=search_reply([contact(2, same), contact(3, same), contact(10, same)]),
    )
    page = connector().pull("contact", "1796036400000,3")
    assert [e.record_id for e in page.events] == ["10"]  # 2 and 3 were read before
    assert page.cursor == "1796036400000,10"


@responses.activate
def test_a_full_page_asks_for_more_and_one_millisecond_of_many_records_pages_with_after():
    same = "2026-11-30T11:00:00.000Z"
    first = [contact(n, same) for n in range(1, 101)]
    responses.post(SEARCH, json=search_reply(first, after="100", total=250))
    responses.post(
        SEARCH,
        json=search_reply([contact(n, same) for n in range(101, 201)], after="200", total=250),
    )
    hub = connector()
    page = hub.pull("contact", "1796036300000,")
    assert page.more is True and page.cursor == "1796036400000,100"
    # every row of the next search is at the cursor's millisecond and already read: the
    # connector pages on with `after` inside that millisecond instead of stopping
    responses.replace(responses.POST, SEARCH, json=search_reply(first, after="100", total=250))
    responses.add(
        responses.POST,
        SEARCH,
        json=search_reply([contact(n, same) for n in range(101, 201)], total=250),
    )
    later = hub.pull("contact", page.cursor)
    assert [e.record_id for e in later.events][:2] == ["101", "102"]
    assert sent(responses.calls[-1])["after"] == "100"
    assert all(sent(c)["limit"] == 100 for c in responses.calls)  # never past the 10,000 window


@responses.activate
def test_users_are_owners_by_user_id_with_archived_ones_inactive():
    responses.get(
        OWNERS,
        match=[matchers.query_param_matcher({"archived": "false", "limit": "100"})],
        json={
            "results": [
                {
                    "id": "9001",
                    "userId": 101,
                    "email": "ann@acme.test",
                    "firstName": "Ann",
                    "lastName": "Lee",
                    "archived": False,
                },
                {"id": "9003", "userId": None, "email": "team@acme.test", "archived": False},
            ],
            "paging": {"next": {"after": "2"}},
        },
    )
    responses.get(
        OWNERS,
        match=[matchers.query_param_matcher({"archived": "false", "limit": "100", "after": "2"})],
        json={
            "results": [
                {
                    "id": "9004",
                    "userId": 104,
                    "email": "dev@acme.test",
                    "firstName": "Dev",
                    "archived": False,
                }
            ]
        },
    )
    responses.get(
        OWNERS,
        match=[matchers.query_param_matcher({"archived": "true", "limit": "100"})],
        json={
            "results": [
                {
                    "id": "9002",
                    "userId": 102,
                    "email": "gone@acme.test",
                    "firstName": "Gone",
                    "lastName": "Person",
                    "archived": True,
                }
            ]
        },
    )
    users = {u.crm_id: u for u in connector().users()}
    assert set(users) == {"101", "102", "104"}  # the team owner is nobody
    assert users["101"].name == "Ann Lee" and users["101"].active
    assert users["102"].active is False and users["102"].email == "gone@acme.test"


@responses.activate
def test_an_event_by_a_user_no_owner_lists_still_comes_through():
    responses.post(
        SEARCH, json=search_reply([contact(5, "2026-11-30T12:00:00.000Z", updater="999")])
    )
    (event,) = connector().pull("contact", "1795996800000,").events
    assert event.user_id == "999"


@responses.activate
def test_an_expired_oauth_token_is_refreshed_once_and_the_rotated_refresh_token_kept():
    token = responses.post(
        f"{API}/oauth/v1/token",
        json={
            "token_type": "bearer",
            "refresh_token": "rt-2",
            "access_token": "at-1",
            "expires_in": 1800,
        },
    )
    responses.post(
        SEARCH,
        status=401,
        json={
            "status": "error",
            "message": "The OAuth token used to make this call expired 1 minute(s) ago.",
            "category": "EXPIRED_AUTHENTICATION",
            "correlationId": "4b5c",
        },
    )
    responses.post(SEARCH, json=search_reply([]))
    hub = connector("client-secret:rt-1", client_id="c0ffee")
    hub.pull("contact", "1795996800000,")
    assert token.call_count == 2  # the first token, then one refresh after the 401
    first_refresh = dict(p.split("=") for p in responses.calls[0].request.body.split("&"))
    assert first_refresh["refresh_token"] == "rt-1" and first_refresh["client_id"] == "c0ffee"
    second_refresh = dict(p.split("=") for p in responses.calls[2].request.body.split("&"))
    assert second_refresh["refresh_token"] == "rt-2"
    assert responses.calls[-1].request.headers["Authorization"] == "Bearer at-1"


@responses.activate
def test_a_refused_refresh_and_a_refused_private_token_are_not_authorised():
    responses.post(
        f"{API}/oauth/v1/token",
        status=400,
        json={
            "status": "BAD_REFRESH_TOKEN",
            "message": "missing or unknown refresh token",
            "correlationId": "x",
        },
    )
    with pytest.raises(NotAuthorised, match="missing or unknown refresh token"):
        connector("client-secret:rt-1", client_id="c0ffee").pull("contact", None)
    responses.post(
        SEARCH,
        status=401,
        json={
            "status": "error",
            "message": "Authentication credentials not found.",
            "category": "INVALID_AUTHENTICATION",
        },
    )
    with pytest.raises(NotAuthorised) as refused:
        connector("pat-secret-value").pull("contact", None)
    assert "pat-secret-value" not in refused.value.message
    with pytest.raises(NotAuthorised, match="<client secret>:<refresh token>"):
        connector("no-colon", client_id="c0ffee")


@pytest.mark.parametrize(
    ("headers", "policy", "wait"),
    [
        ({}, "SECONDLY", 1.0),
        ({}, "DAILY", 3600.0),
        ({"Retry-After": "7"}, "TEN_SECONDLY_ROLLING", 7.0),
    ],
)
@responses.activate
def test_rate_limits_say_how_long_to_wait(headers, policy, wait):
    responses.post(
        SEARCH,
        status=429,
        headers=headers,
        json={
            "status": "error",
            "message": "You have reached your secondly limit.",
            "errorType": "RATE_LIMIT",
            "correlationId": "c",
            "policyName": policy,
        },
    )
    with pytest.raises(RateLimited) as limited:
        connector().pull("contact", None)
    assert limited.value.retry_after == wait


@responses.activate
def test_login_history_newest_first_read_back_to_the_cursor():
    responses.get(
        LOGINS,
        json={
            "results": [
                {
                    "id": "l3",
                    "loginAt": "2026-11-30T09:00:00Z",
                    "userId": 101,
                    "email": "ann@acme.test",
                    "loginSucceeded": True,
                },
                {
                    "id": "l2",
                    "loginAt": "2026-11-29T09:00:00Z",
                    "userId": 102,
                    "email": "gone@acme.test",
                    "loginSucceeded": False,
                },
                {
                    "id": "l1",
                    "loginAt": "2026-11-28T09:00:00Z",
                    "userId": 101,
                    "email": "ann@acme.test",
                    "loginSucceeded": True,
                },
            ],
            "paging": {"next": {"after": "3"}},
        },
    )
    page = connector().pull("logins", "1795856400000,l1")  # 2026-11-28T09:00Z, l1 read before
    assert [(e.event_id, e.user_id, e.action) for e in page.events] == [
        ("login/l3", "101", "logged_in")
    ]
    assert page.cursor == "1796029200000,l3"
    assert len(responses.calls) == 1  # the page reached back past the cursor: no more asked


@responses.activate
def test_an_account_without_login_history_is_told_which_scope_or_tier():
    responses.get(
        LOGINS,
        status=403,
        json={
            "status": "error",
            "message": "This app hasn't been granted all required scopes to make this call.",
            "category": "MISSING_SCOPES",
            "errors": [
                {
                    "message": "One or more of the following scopes are required.",
                    "context": {"requiredGranularScopes": ["account-info.security.read"]},
                }
            ],
        },
    )
    with pytest.raises(
        ConnectorError, match="Enterprise account and the app's account-info.security.read"
    ):
        connector().pull("logins", None)


@responses.activate
def test_check_names_the_account():
    responses.get(
        f"{API}/account-info/v3/details",
        json={
            "portalId": 4242,
            "accountType": "STANDARD",
            "timeZone": "Europe/London",
            "companyCurrency": "GBP",
            "uiDomain": "app-eu1.hubspot.com",
            "dataHostingLocation": "eu1",
        },
    )
    responses.get(OWNERS, json={"results": []})
    assert connector().check().startswith("Signed in to HubSpot account 4242 (STANDARD)")


@responses.activate
def test_through_the_shared_sync_people_earn_once(app, make_user):
    from sqlalchemy import func, select

    from lms.crm.connections import create_connection
    from lms.crm.sync import sync_connection
    from lms.database import db
    from lms.xapi.models import Statement
    from tests.conftest import T0

    ann = make_user(email="ann@acme.test")
    responses.get(
        OWNERS,
        json={
            "results": [
                {
                    "id": "9001",
                    "userId": 101,
                    "email": "ANN@acme.test",
                    "firstName": "Ann",
                    "archived": False,
                }
            ]
        },
    )
    responses.post(
        SEARCH,
        json=search_reply(
            [contact(1, "2026-11-30T10:00:00.000Z", created="2026-11-30T09:00:00.000Z")]
        ),
    )
    for path in ("companies", "deals", "tickets", "tasks"):
        responses.post(f"{API}/crm/v3/objects/{path}/search", json=search_reply([]))
    responses.get(LOGINS, json={"results": []})
    connection = create_connection(name="HubSpot", kind="hubspot", base_url=API, now=T0)
    hub = connector()
    outcomes = {o.stream: o for o in sync_connection(connection, now=T0, connector=hub)}
    assert (outcomes["contact"].read, outcomes["contact"].stored) == (2, 2)  # created, updated
    mine = select(func.count()).select_from(Statement).where(Statement.user_id == ann.id)
    assert db.session.scalar(mine) == 2
    again = sync_connection(connection, now=T0, connector=hub)
    assert sum(o.stored for o in again) == 0
    assert db.session.scalar(mine) == 2
