"""The BottleCRM connector against a real BottleCRM: what two users do through its API comes
back as exactly these events, credited to them, with the records' fields, under ids that do
not change from one read to the next."""

import time

import pytest
import responses

from lms.clock import utcnow
from lms.crm.connectors import bottlecrm as bottlecrm_connector
from lms.crm.connectors.base import ConnectionSettings, NotAuthorised, RateLimited
from lms.crm.connectors.bottlecrm import BottleCrm

# BottleCRM saves some records twice while creating them; a save this long after creation is
# a change of its own (bottlecrm_connector.SAME_SAVE is 2 s).
AFTER_CREATION = 2.2
# What the README tells an admin to give Uptake's token (BottleCRM's scope names).
READ_SCOPES = [
    f"{resource}:read"
    for resource in (
        "leads",
        "contacts",
        "accounts",
        "opportunities",
        "cases",
        "tasks",
        "activities",
        "users",
        "profile",
        "org",
    )
]


def connector_for(server, token):
    return BottleCrm(ConnectionSettings(base_url=server.base_url, secret=token))


def pull_all(connector, stream, cursor=None):
    """Every event of `stream` after `cursor`, following `more`; and the last cursor."""
    events = []
    for _ in range(100):
        page = connector.pull(stream, cursor)
        events += page.events
        cursor = page.cursor
        if not page.more:
            return events, cursor
    raise AssertionError(f"{stream} never caught up")


def summary(events):
    return sorted((e.action, e.object, e.record_id, e.user_id) for e in events)


@pytest.fixture(scope="module")
def sales_team(open_crm_org):
    """Alice and Bob work in one org for a while; returns what they did and when. Shared by
    the tests of this module: what a test does after it (an update) leaves every event set
    asserted here the same."""
    crm_org = open_crm_org()
    alice, bob = crm_org.join("alice"), crm_org.join("bob")
    both = [alice.profile_id, bob.profile_id]  # a member opens only what is theirs
    made = {
        "lead": alice.create(
            "leads",
            first_name="Ann",
            last_name="Lee",
            email="ann@lee.example",
            phone="+441234567890",
            company_name="Lee Ltd",
            status="assigned",
            source="call",
            city="Leeds",
            country="GB",
            assigned_to=both,
        ),
        "contact": alice.create(
            "contacts",
            first_name="Bob",
            last_name="Stone",
            email="bob@globex.example",
            assigned_to=both,
        ),
        "account": alice.create(
            "accounts", name="Globex", city="Springfield", country="US", assigned_to=both
        ),
        "opportunity": alice.create(
            "opportunities",
            name="Globex renewal",
            amount="1200.00",
            stage="PROSPECTING",
            assigned_to=both,
        ),
        "case": alice.create(
            "cases", name="Printer broken", status="New", priority="High", assigned_to=both
        ),
        "task": alice.create(
            "tasks", title="Call Bob", status="New", priority="High", assigned_to=both
        ),
        "bobs_lead": bob.create(
            "leads",
            first_name="Cid",
            last_name="Moe",
            email="cid@moe.example",
            company_name="Moe Inc",
            status="assigned",
        ),
    }
    time.sleep(AFTER_CREATION)
    bob.update("leads", made["lead"], job_title="CTO")
    bob.update("accounts", made["account"], city="Shelbyville")
    bob.update("opportunities", made["opportunity"], stage="PROPOSAL")
    bob.update("cases", made["case"], status="Assigned")
    bob.update("tasks", made["task"], status="In Progress")
    alice.update("contacts", made["contact"], city="Paris")
    alice.update("contacts", made["contact"], phone="+33123456789")  # two changes count once
    converted = bob.convert_lead(made["bobs_lead"])
    made.update(
        converted_account=converted["account_id"],
        converted_contact=converted["contact_id"],
        converted_opportunity=converted["opportunity_id"],
    )
    return {
        "admin": crm_org.admin,
        "alice": alice,
        "bob": bob,
        "made": made,
        "started": crm_org.opened_at,
        "finished": utcnow(),
    }


def test_pulls_return_what_the_two_users_did_credited_to_them(sales_team, bottlecrm):
    alice, bob, made = sales_team["alice"], sales_team["bob"], sales_team["made"]
    a, b = alice.user_id, bob.user_id
    connector = connector_for(bottlecrm, sales_team["admin"].token)

    pulled = {stream: pull_all(connector, stream) for stream in connector.streams()}

    expected = {
        "lead": [
            ("created", "lead", made["lead"], a),
            ("updated", "lead", made["lead"], b),
            ("created", "lead", made["bobs_lead"], b),
            ("converted", "lead", made["bobs_lead"], b),
        ],
        "contact": [
            ("created", "contact", made["contact"], a),
            ("updated", "contact", made["contact"], a),
            ("created", "contact", made["converted_contact"], b),
        ],
        "account": [
            ("created", "account", made["account"], a),
            ("updated", "account", made["account"], b),
            ("created", "account", made["converted_account"], b),
        ],
        "opportunity": [
            ("created", "opportunity", made["opportunity"], a),
            ("updated", "opportunity", made["opportunity"], b),
            ("created", "opportunity", made["converted_opportunity"], b),
        ],
        "case": [("created", "case", made["case"], a), ("updated", "case", made["case"], b)],
        "task": [("created", "task", made["task"], a), ("updated", "task", made["task"], b)],
    }
    for stream, events in expected.items():
        assert summary(pulled[stream][0]) == sorted(events), stream
    logins = pulled["logins"][0]
    assert sorted(e.user_id for e in logins) == sorted([sales_team["admin"].user_id, a, b])
    assert {e.action for e in logins} == {"logged_in"}
    for events, _ in pulled.values():
        assert all(sales_team["started"] <= e.at <= sales_team["finished"] for e in events)
        assert [e.at for e in events] == sorted(e.at for e in events)


def test_events_carry_the_records_fields_now(sales_team, bottlecrm):
    made = sales_team["made"]
    connector = connector_for(bottlecrm, sales_team["admin"].token)

    leads = {(e.action, e.record_id): e for e in pull_all(connector, "lead")[0]}
    contacts = {(e.action, e.record_id): e for e in pull_all(connector, "contact")[0]}

    update = leads[("updated", made["lead"])]
    assert update.record_name == "Ann Lee"
    assert update.native_type == "Lead"
    assert update.event_id == f"lead/{made['lead']}/{bottlecrm_connector.iso(update.at)}"
    assert {
        key: update.fields[key]
        for key in ("first_name", "last_name", "title", "company", "email", "phone", "status")
    } == {
        "first_name": "Ann",
        "last_name": "Lee",
        "title": "CTO",
        "company": "Lee Ltd",
        "email": "ann@lee.example",
        "phone": "+441234567890",
        "status": "Assigned",
    }
    assert (update.fields["city"], update.fields["country"], update.fields["source"]) == (
        "Leeds",
        "GB",
        "Call",
    )
    conversion = leads[("converted", made["bobs_lead"])]
    assert conversion.event_id == f"lead/{made['bobs_lead']}/converted"
    assert conversion.fields["status"] == "Converted"
    assert conversion.fields["company"] == "Moe Inc"
    contact = contacts[("updated", made["contact"])]
    assert (contact.fields["city"], contact.fields["phone"]) == ("Paris", "+33123456789")
    assert contacts[("created", made["contact"])].event_id == f"contact/{made['contact']}/created"


def test_event_ids_are_the_same_on_every_read_and_a_cursor_resumes_with_nothing_new(
    sales_team, bottlecrm
):
    connector = connector_for(bottlecrm, sales_team["admin"].token)
    for stream in connector.streams():
        first, cursor = pull_all(connector, stream)
        again, _ = pull_all(connector_for(bottlecrm, sales_team["admin"].token), stream)

        assert [e.event_id for e in again] == [e.event_id for e in first], stream
        assert len({e.event_id for e in first}) == len(first), stream
        resumed = connector.pull(stream, cursor)
        assert (resumed.events, resumed.cursor, resumed.more) == ([], cursor, False), stream


def test_a_cursor_resumes_after_what_happened_since(sales_team, bottlecrm):
    bob, made = sales_team["bob"], sales_team["made"]
    connector = connector_for(bottlecrm, sales_team["admin"].token)
    _, lead_cursor = pull_all(connector, "lead")
    _, account_cursor = pull_all(connector, "account")

    bob.update("leads", made["lead"], rating="HOT")
    bob.update("accounts", made["account"], website="https://globex.example")

    leads, _ = pull_all(connector, "lead", lead_cursor)
    accounts, _ = pull_all(connector, "account", account_cursor)
    assert summary(leads) == [("updated", "lead", made["lead"], bob.user_id)]
    assert leads[0].fields["rating"] == "HOT"
    assert summary(accounts) == [("updated", "account", made["account"], bob.user_id)]
    assert accounts[0].fields["website"] == "https://globex.example"


def test_a_long_stream_comes_in_pages_that_add_up(sales_team, bottlecrm, monkeypatch):
    connector = connector_for(bottlecrm, sales_team["admin"].token)
    whole, _ = pull_all(connector, "lead")
    monkeypatch.setattr(bottlecrm_connector, "PAGE_EVENTS", 1)

    pages = [connector.pull("lead", None)]
    while pages[-1].more and len(pages) < 10:
        pages.append(connector.pull("lead", pages[-1].cursor))

    assert [len(page.events) for page in pages] == [1, 1, 1, 1]
    assert [e.event_id for page in pages for e in page.events] == [e.event_id for e in whole]
    assert pages[-1].more is False


def test_users_lists_the_whole_org_and_check_signs_in(sales_team, bottlecrm):
    admin, alice, bob = sales_team["admin"], sales_team["alice"], sales_team["bob"]
    connector = connector_for(bottlecrm, admin.token)

    users = {user.crm_id: user for user in connector.users()}

    assert {uid: (u.email, u.active) for uid, u in users.items()} == {
        admin.user_id: (admin.email, True),
        alice.user_id: (alice.email, True),
        bob.user_id: (bob.email, True),
    }
    assert users[alice.user_id].name == alice.email.split("@")[0]
    assert connector.check() == (
        f"Signed in to {bottlecrm.base_url.removeprefix('http://')} "
        f"(org {admin.org_name}) as {admin.email}; 3 users"
    )


def test_a_read_only_token_with_the_readme_s_scopes_reads_everything(sales_team, bottlecrm):
    admin = sales_team["admin"]
    everything = connector_for(bottlecrm, admin.token)
    read_only = connector_for(bottlecrm, admin.new_token("uptake read-only", READ_SCOPES))
    admin.token = everything.token  # the other tests act with the unrestricted token

    assert read_only.check().endswith("; 3 users")
    for stream in read_only.streams():
        assert summary(pull_all(read_only, stream)[0]) == summary(
            pull_all(everything, stream)[0]
        ), stream


def test_a_wrong_token_or_a_members_token_is_not_authorised(sales_team, bottlecrm):
    wrong = connector_for(bottlecrm, "bcrm_pat_" + "x" * 40)
    with pytest.raises(NotAuthorised, match="HTTP 403"):
        wrong.pull("lead", None)
    with pytest.raises(NotAuthorised):
        wrong.check()
    member = connector_for(bottlecrm, sales_team["alice"].token)
    with pytest.raises(NotAuthorised, match="not an admin"):
        member.check()


@responses.activate
def test_rate_limits_and_expired_sessions_are_told_apart():
    connector = BottleCrm(ConnectionSettings("https://crm.acme.test", secret="bcrm_pat_t"))
    users = "https://crm.acme.test/api/users/"
    responses.get(users, status=429, headers={"Retry-After": "30"})
    with pytest.raises(RateLimited) as limited:
        connector.users()
    assert limited.value.retry_after == 30.0
    responses.replace(responses.GET, users, status=503, body="down for maintenance")
    with pytest.raises(RateLimited):
        connector.users()
    responses.replace(responses.GET, users, status=401, json={"detail": "expired"})
    with pytest.raises(NotAuthorised, match="HTTP 401"):
        connector.users()
    assert [c.response.status_code for c in responses.calls][-2:] == [401, 401]  # tried twice
