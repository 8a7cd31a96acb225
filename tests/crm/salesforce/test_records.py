"""Record streams: SOQL by SystemModstamp and Id, pages across nextRecordsUrl, a cursor that
resumes exactly, and created / updated / converted events with ids stable across re-reads."""

from datetime import datetime

import pytest

from lms.crm.connectors.base import CONVERTED, CREATED, UPDATED, ConnectorError
from tests.crm.salesforce.conftest import (
    API,
    GHOST,
    USR1,
    USR2,
    described,
    queried,
    recorded,
    reply,
    signed_in,
    soql_sent,
)

L1, L2, L3 = "00Q5g00000Ld001EAB", "00Q5g00000Ld002EAB", "00Q5g00000Ld003EAB"
SINCE = datetime(2026, 11, 30)
LEAD_FIELDS = (
    "Id, CreatedById, CreatedDate, LastModifiedById, LastModifiedDate, SystemModstamp, Name, "
    "IsConverted, ConvertedDate, FirstName, LastName, Title, Email, Phone, Street, City, "
    "PostalCode, CountryCode, Company, Website, Industry, Status, LeadSource, Description"
)


def leads_in_two_batches(api):
    signed_in(api)
    described(api, "Lead")
    queried(api, "leads_batch1.json")
    reply(api, f"{API}/query/01gRO0000016PIAYA2-2", "leads_batch2.json")


def summary(page):
    return [(e.action, e.record_id, e.user_id, e.at) for e in page.events]


def test_a_page_follows_next_records_url_and_says_what_happened_oldest_first(connector, api):
    leads_in_two_batches(api)

    page = connector.pull("lead", None, since=SINCE)

    assert soql_sent(api) == [
        f"SELECT {LEAD_FIELDS} FROM Lead WHERE SystemModstamp >= 2026-11-30T00:00:00Z "
        "ORDER BY SystemModstamp, Id LIMIT 2000"
    ]
    assert api.calls[-1].request.url == f"{API}/query/01gRO0000016PIAYA2-2"
    assert summary(page) == [
        (CREATED, L3, GHOST, datetime(2026, 11, 30, 9, 0)),
        (CREATED, L1, USR1, datetime(2026, 11, 30, 10, 15)),
        (UPDATED, L2, USR2, datetime(2026, 11, 30, 11, 0)),  # created on 2 Nov, before the window
        (CONVERTED, L3, USR1, datetime(2026, 11, 30, 12, 30)),  # not also an update
    ]
    assert page.cursor == f"2026-11-30T12:30:00Z,{L3}"
    assert page.more is False


def test_events_carry_the_record_its_address_and_its_canonical_fields(connector, api):
    leads_in_two_batches(api)

    created = connector.pull("lead", None, since=SINCE).events[1]

    assert created.event_id == f"Lead/{L1}/created"
    assert (created.object, created.native_type, created.record_name) == (
        "lead",
        "Lead",
        "Ada Quinn",
    )
    assert created.url == f"https://acme.my.salesforce.com/lightning/r/Lead/{L1}/view"
    assert created.fields == {
        "first_name": "Ada",
        "last_name": "Quinn",
        "name": "Ada Quinn",
        "title": "Head of Operations",
        "email": "ada@quinnfreight.co.uk",
        "phone": "+44 20 7946 0018",
        "street": "1 Canal Street",
        "city": "Manchester",
        "postcode": "M1 3HE",
        "country": "GB",
        "company": "Quinn Freight",
        "website": None,  # empty in Salesforce: given as None, not left out
        "industry": "Logistics",
        "status": "Working - Contacted",
        "source": "Web",
        "description": None,
    }  # no "rating": field-level security hides Lead.Rating from the API user


def test_event_ids_are_the_same_when_the_same_window_is_read_again(connector, api):
    leads_in_two_batches(api)
    first = connector.pull("lead", None, since=SINCE)
    queried(api, "leads_batch1.json")
    reply(api, f"{API}/query/01gRO0000016PIAYA2-2", "leads_batch2.json")

    again = connector.pull("lead", None, since=SINCE)

    assert (
        [e.event_id for e in again.events]
        == [e.event_id for e in first.events]
        == [
            f"Lead/{L3}/created",
            f"Lead/{L1}/created",
            f"Lead/{L2}/2026-11-30T11:00:00Z",
            f"Lead/{L3}/converted",
        ]
    )


def test_a_cursor_resumes_exactly_after_the_last_row_read(connector, api):
    signed_in(api)
    described(api, "Lead")
    queried(api, "leads_after_cursor.json", "empty_query.json")

    page = connector.pull("lead", f"2026-11-30T12:30:00Z,{L3}")
    caught_up = connector.pull("lead", page.cursor)

    assert soql_sent(api) == [
        f"SELECT {LEAD_FIELDS} FROM Lead WHERE (SystemModstamp > 2026-11-30T12:30:00Z OR "
        f"(SystemModstamp = 2026-11-30T12:30:00Z AND Id > '{L3}')) "
        "ORDER BY SystemModstamp, Id LIMIT 2000",
        f"SELECT {LEAD_FIELDS} FROM Lead WHERE (SystemModstamp > 2026-11-30T13:00:00Z OR "
        f"(SystemModstamp = 2026-11-30T13:00:00Z AND Id > '{L2}')) "
        "ORDER BY SystemModstamp, Id LIMIT 2000",
    ]
    assert summary(page) == [(UPDATED, L2, USR1, datetime(2026, 11, 30, 13, 0))]
    assert page.events[0].fields["status"] == "Nurturing"
    assert page.cursor == f"2026-11-30T13:00:00Z,{L2}"
    assert (caught_up.events, caught_up.cursor, caught_up.more) == ([], page.cursor, False)


def test_a_full_page_says_more_is_waiting(connector, api):
    leads_in_two_batches(api)
    connector.page_size = 3

    page = connector.pull("lead", None, since=SINCE)

    assert soql_sent(api)[0].endswith("ORDER BY SystemModstamp, Id LIMIT 3")
    assert page.more is True
    assert page.cursor == f"2026-11-30T12:30:00Z,{L3}"


def test_a_backfill_that_finds_nothing_keeps_its_starting_point(connector, api):
    signed_in(api)
    described(api, "Lead")
    queried(api, "empty_query.json")

    page = connector.pull("lead", None, since=SINCE)

    assert (page.events, page.cursor, page.more) == ([], "2026-11-30T00:00:00Z,", False)


def test_only_fields_the_api_user_can_read_are_asked_for(connector, api):
    signed_in(api)
    described(api, "Contact")
    queried(api, "contacts.json")

    (created,) = connector.pull("contact", None, since=SINCE).events

    assert soql_sent(api) == [
        "SELECT Id, CreatedById, CreatedDate, LastModifiedById, LastModifiedDate, SystemModstamp, "
        "Name, FirstName, LastName, Title, Email, MailingStreet, MailingCity, MailingPostalCode, "
        "MailingCountry, Account.Name, LeadSource, Description FROM Contact "
        "WHERE SystemModstamp >= 2026-11-30T00:00:00Z ORDER BY SystemModstamp, Id LIMIT 2000"
    ]
    assert (created.action, created.user_id, created.record_name) == (CREATED, USR2, "Dev Patel")
    assert created.fields["company"] == "Quinn Freight"
    assert created.fields["country"] == "United Kingdom"  # no CountryCode on this org's contacts
    assert "phone" not in created.fields  # hidden by field-level security


def test_the_describe_is_read_once_per_connector(connector, api):
    signed_in(api)
    described(api, "Lead")
    queried(api, "leads_after_cursor.json", "empty_query.json")

    connector.pull("lead", f"2026-11-30T12:30:00Z,{L3}")
    connector.pull("lead", f"2026-11-30T13:00:00Z,{L2}")

    describes = [c for c in api.calls if c.request.url.endswith("/sobjects/Lead/describe")]
    assert len(describes) == 1


@pytest.mark.parametrize(
    "cursor", ["yesterday,00Q5g00000Ld003EAB", "2026-11-30T12:30:00Z,x' OR Id != '"]
)
def test_a_cursor_not_written_by_this_connector_is_refused(connector, cursor):
    with pytest.raises(ConnectorError) as refused:
        connector.pull("lead", cursor)

    assert "is not a Salesforce one" in refused.value.message


def test_an_unknown_stream_is_refused(connector):
    with pytest.raises(ConnectorError, match="no stream 'notes'"):
        connector.pull("notes", None)


def test_the_streams_are_the_six_objects_logins_and_reports(connector):
    assert connector.streams() == (
        "lead",
        "contact",
        "account",
        "opportunity",
        "case",
        "task",
        "logins",
        "reports",
    )


def test_recorded_batches_are_in_salesforces_query_format():
    batch = recorded("leads_batch1.json")
    assert set(batch) == {"totalSize", "done", "nextRecordsUrl", "records"}
    assert batch["records"][0]["attributes"]["type"] == "Lead"
