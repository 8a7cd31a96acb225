"""Records by modifiedon where the environment does not audit: created by createdby, updated
and converted by modifiedby, read page by page across @odata.nextLink, after a cursor that
resumes exactly."""

from datetime import datetime

import pytest

from lms.crm.connectors.base import CONVERTED, CREATED, UPDATED, ConnectorError
from tests.crm.dynamics.conftest import (
    ACCOUNT1,
    GHOST,
    LEAD,
    ORG,
    USR1,
    USR2,
    calls_to,
    environment,
    recorded,
    reply,
    requests_to,
    signed_in,
)


def summary(page) -> list[tuple]:
    return [(e.event_id, e.action, e.at, e.user_id) for e in page.events]


@pytest.fixture
def paged(connector, api):
    """Auditing off; leads in two responses of two rows each."""
    signed_in(api)
    environment(api)
    reply(api, "leads", "leads_page1.json")
    reply(api, "leads", "leads_page2.json")
    reply(api, "systemusers", "systemusers_by_id.json")
    connector.page_size = 2
    return connector


def test_a_pull_follows_the_next_link_and_reads_records_oldest_first(paged, api):
    page = paged.pull("lead", None, since=datetime(2026, 11, 30))

    first, second = calls_to(api, "leads")
    assert second.request.url == recorded("leads_page1.json")["@odata.nextLink"]
    assert first.request.headers["Prefer"].endswith(",odata.maxpagesize=2")
    (query, _) = requests_to(api, "leads")
    assert query["$filter"] == "modifiedon ge 2026-11-30T00:00:00Z"
    assert query["$orderby"] == "modifiedon asc,leadid asc"
    assert query["$select"].split(",")[:7] == [
        "leadid",
        "fullname",
        "createdon",
        "modifiedon",
        "_createdby_value",
        "_modifiedby_value",
        "statecode",
    ]
    assert summary(page) == [
        (f"leads/{LEAD[1]}/created", CREATED, datetime(2026, 11, 30, 9), USR1),
        (f"leads/{LEAD[2]}/2026-11-30T10:15:00Z", UPDATED, datetime(2026, 11, 30, 10, 15), USR2),
        (f"leads/{LEAD[3]}/created", CREATED, datetime(2026, 11, 30, 11), USR2),
        (f"leads/{LEAD[3]}/converted", CONVERTED, datetime(2026, 11, 30, 12, 30), USR1),
        (f"leads/{LEAD[4]}/created", CREATED, datetime(2026, 11, 30, 12, 30), GHOST),
    ]
    assert page.cursor == f"2026-11-30T12:30:00Z,{LEAD[4]}"
    assert page.more is False


def test_a_record_carries_its_canonical_fields_labels_and_address(paged):
    page = paged.pull("lead", None, since=datetime(2026, 11, 30))

    created = page.events[0]
    assert (created.object, created.record_id, created.native_type) == ("lead", LEAD[1], "leads")
    assert created.record_name == "Mara Schulz"
    assert created.url == f"{ORG}/main.aspx?pagetype=entityrecord&etn=lead&id={LEAD[1]}"
    assert created.fields == {
        "first_name": "Mara",
        "last_name": "Schulz",
        "name": "Mara Schulz",
        "title": "Head of Purchasing",
        "email": "mara.schulz@nordwind.example",
        "phone": "+49 40 5550 1234",
        "street": "Hafenstraße 12",
        "city": "Hamburg",
        "postcode": "20457",
        "country": "Germany",
        "company": "Nordwind Logistik GmbH",
        "website": "https://nordwind.example",
        "industry": "Transportation",
        "status": "New",
        "source": "Web",
        "rating": "Warm",
        "description": None,
    }
    unsourced = page.events[-1]
    assert unsourced.fields["source"] is None and unsourced.fields["email"] == "not-an-email"


def test_the_users_a_page_names_come_with_it_and_an_unknown_id_stays_unnamed(paged, api):
    page = paged.pull("lead", None, since=datetime(2026, 11, 30))

    assert [(u.crm_id, u.name, u.email, u.hr_id) for u in page.users] == [
        (USR1, "Lena Vogel", "lena.vogel@acme.example", "E1001"),
        (USR2, "Jonas Berg", "jonas.berg@acme.example", "E1002"),
    ]
    (lookup,) = requests_to(api, "systemusers")
    assert lookup["$filter"] == (
        f"systemuserid eq {USR1} or systemuserid eq {USR2} or systemuserid eq {GHOST}"
    )
    assert page.events[-1].user_id == GHOST  # the event stands; the sync names the account


def test_an_id_systemusers_does_not_know_is_asked_about_once(connector, api):
    signed_in(api)
    environment(api)
    reply(api, "systemusers", "systemusers_page1.json")
    reply(api, "systemusers", "systemusers_page2.json")
    reply(api, "systemusers", "empty_systemusers.json")
    reply(api, "leads", "leads_page2.json")
    connector.users()

    first = connector.pull("lead", f"2026-11-30T10:15:00Z,{LEAD[2]}")
    second = connector.pull("lead", f"2026-11-30T10:15:00Z,{LEAD[2]}")

    lookups = requests_to(api, "systemusers")[2:]
    assert [q["$filter"] for q in lookups] == [f"systemuserid eq {GHOST}"]
    assert [u.crm_id for u in first.users] == [USR1, USR2] == [u.crm_id for u in second.users]


def test_a_cursor_resumes_after_its_row_among_rows_of_the_same_second(connector, api):
    signed_in(api)
    environment(api)
    reply(api, "leads", "leads_after_cursor.json")
    reply(api, "systemusers", "systemusers_by_id.json")

    page = connector.pull("lead", f"2026-11-30T12:30:00Z,{LEAD[4]}")

    (query,) = requests_to(api, "leads")
    assert query["$filter"] == "modifiedon ge 2026-11-30T12:30:00Z"
    assert summary(page) == [
        (f"leads/{LEAD[5]}/created", CREATED, datetime(2026, 11, 30, 12, 30), USR2),
        (f"leads/{LEAD[6]}/2026-11-30T13:05:00Z", UPDATED, datetime(2026, 11, 30, 13, 5), USR1),
    ]
    assert page.cursor == f"2026-11-30T13:05:00Z,{LEAD[6]}"


def test_rows_of_the_cursors_second_are_read_again_when_its_row_moved_on(connector, api):
    """The cursor's row was changed since: nothing of its second is skipped, and what was
    read before comes back with the same event ids (stored once)."""
    signed_in(api)
    environment(api)
    reply(api, "leads", "leads_after_cursor.json")
    reply(api, "systemusers", "systemusers_by_id.json")

    page = connector.pull("lead", f"2026-11-30T12:30:00Z,{LEAD[9]}")

    assert [e.event_id for e in page.events] == [
        f"leads/{LEAD[3]}/converted",
        f"leads/{LEAD[4]}/created",
        f"leads/{LEAD[5]}/created",
        f"leads/{LEAD[6]}/2026-11-30T13:05:00Z",
    ]


def test_a_pull_stops_at_its_row_budget_and_says_more_is_waiting(paged, api):
    paged.rows_per_pull = 2

    page = paged.pull("lead", None)

    assert len(calls_to(api, "leads")) == 1
    assert "$filter" not in requests_to(api, "leads")[0]  # from the start of what is kept
    assert page.more is True
    assert page.cursor == f"2026-11-30T10:15:00Z,{LEAD[2]}"
    created_before = [e for e in page.events if e.record_id == LEAD[2]]
    assert [e.action for e in created_before] == [CREATED, UPDATED]  # no window: all counted


def test_nothing_new_keeps_the_cursor(connector, api):
    signed_in(api)
    environment(api)
    reply(api, "leads", "empty_leads.json")

    page = connector.pull("lead", f"2026-11-30T13:05:00Z,{LEAD[6]}")

    assert (page.events, page.cursor, page.more, page.users) == (
        [],
        f"2026-11-30T13:05:00Z,{LEAD[6]}",
        False,
        [],
    )


def test_a_table_the_environment_lacks_is_an_empty_stream(connector, api):
    signed_in(api)
    environment(api)

    page = connector.pull("case", None, since=datetime(2026, 11, 30))

    assert (page.events, page.cursor) == ([], None)
    assert calls_to(api, "incidents") == []


def test_fields_come_from_the_columns_the_environment_has(connector, api):
    """This environment's opportunity has no salesstage: the stage is read from stepname."""
    signed_in(api)
    environment(api)
    reply(api, "opportunities", "opportunities.json")
    reply(api, "systemusers", "systemusers_by_id.json")

    page = connector.pull("opportunity", None)

    (query,) = requests_to(api, "opportunities")
    assert "salesstage" not in query["$select"]
    assert "_parentaccountid_value" in query["$select"].split(",")
    (created,) = page.events
    assert created.fields == {
        "name": "Nordwind fleet telematics",
        "company": "Nordwind Logistik GmbH",
        "stage": "2-Develop",
        "amount": 48500.0,
        "close_date": "2027-01-15",
        "probability": 40,
        "rating": "Hot",
        "description": None,
    }
    assert created.native_type == "opportunities" and created.object == "opportunity"
    assert ACCOUNT1 not in created.fields.values()


def test_a_cursor_that_is_not_a_dynamics_one_is_refused(connector):
    with pytest.raises(ConnectorError) as refused:
        connector.pull("lead", "2026-11-30T12:30:00.000+0000,00Q5g00000Ld003EAB")

    assert "is not a Dynamics 365 one" in refused.value.message


def test_an_unknown_stream_is_refused(connector):
    with pytest.raises(ConnectorError) as refused:
        connector.pull("reports", None)

    assert refused.value.message == "Dynamics 365 has no stream 'reports'"


def test_the_streams_are_the_six_tables_the_audit_log_and_log_ins(connector):
    assert connector.streams() == (
        "lead",
        "contact",
        "account",
        "opportunity",
        "case",
        "task",
        "audits",
        "logins",
    )
