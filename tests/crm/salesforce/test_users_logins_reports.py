"""Users (a deactivated one too, and ids nobody lists), log-ins, report views from either
source or neither, and the connection check."""

from datetime import datetime

import pytest
import requests

from lms.crm.connectors.base import (
    LOGGED_IN,
    VIEWED,
    ConnectionSettings,
    ConnectorError,
    CrmUser,
    NotAuthorised,
    RateLimited,
)
from lms.crm.connectors.salesforce import Salesforce, id18
from tests.crm.salesforce.conftest import (
    API,
    API_USER,
    GHOST,
    MY_DOMAIN,
    QUERY_URL,
    USR1,
    USR2,
    USR3,
    described,
    queried,
    recorded,
    reply,
    signed_in,
    soql_sent,
)

RPT1, RPT2 = "00O5g000004Rpt1EAC", "00O5g000004Rpt2EAC"


def test_users_are_every_internal_user_a_deactivated_one_too(connector, api):
    signed_in(api)
    queried(api, "users_batch1.json")
    reply(api, f"{API}/query/01gRO0000016USERS-2", "users_batch2.json")

    users = connector.users()

    assert soql_sent(api) == [
        "SELECT Id, Name, Email, EmployeeNumber, IsActive FROM User "
        "WHERE UserType = 'Standard' ORDER BY Id"
    ]
    assert users == [
        CrmUser(USR1, "Priya Shah", "priya.shah@acme.com", "E1042", True),
        CrmUser(USR2, "Tom Becker", "tom.becker@acme.com", "E1077", True),
        CrmUser(USR3, "Lena Vogel", "lena.vogel@acme.com", "E0931", active=False),
        CrmUser(API_USER, "Uptake Integration", "uptake-api@acme.com", None, True),
    ]


def test_an_event_by_a_user_nobody_lists_still_comes_through(connector, api):
    signed_in(api)
    queried(api, "users_batch2.json")
    described(api, "Lead")
    queried(api, "leads_batch2.json")

    listed = {user.crm_id for user in connector.users()}
    page = connector.pull("lead", None, since=datetime(2026, 11, 30))

    created = page.events[0]
    assert (created.action, created.user_id) == ("created", GHOST)
    assert GHOST not in listed


def test_logins_are_the_successful_ones_without_the_connectors_own(connector, api):
    signed_in(api)
    queried(api, "login_history.json")

    page = connector.pull("logins", None, since=datetime(2026, 11, 30))

    assert soql_sent(api) == [
        "SELECT Id, UserId, LoginTime, LoginType FROM LoginHistory WHERE Status = 'Success' "
        "AND LoginTime >= 2026-11-30T00:00:00Z ORDER BY LoginTime, Id LIMIT 2000"
    ]
    assert [(e.event_id, e.action, e.user_id, e.at, e.object) for e in page.events] == [
        (
            "LoginHistory/0Ya5g00000Lh001CAB",
            LOGGED_IN,
            USR1,
            datetime(2026, 11, 30, 8, 1, 12),
            None,
        ),
        (
            "LoginHistory/0Ya5g00000Lh003CAB",
            LOGGED_IN,
            USR3,
            datetime(2026, 11, 30, 8, 40, 55),
            None,
        ),
    ]
    assert page.cursor == "2026-11-30T08:40:55Z,0Ya5g00000Lh003CAB"  # past the skipped row too


def test_report_views_come_from_report_event_log_where_the_org_has_it(connector, api):
    signed_in(api)
    queried(api, "report_event_log_probe.json", "report_event_log.json")

    page = connector.pull("reports", None, since=datetime(2026, 11, 30))

    assert soql_sent(api) == [
        "SELECT Id FROM ReportEventLog LIMIT 1",
        "SELECT Id, Timestamp, UserIdentifier, ReportIdentifier, RequestIdentifier "
        "FROM ReportEventLog WHERE Timestamp >= 2026-11-30T00:00:00Z "
        "ORDER BY Timestamp, Id LIMIT 2000",
    ]
    first, second = page.events
    assert (first.event_id, first.action, first.user_id, first.object, first.record_id) == (
        f"Report/4mJgWJzVxvsLuq0Vvd5SV-/{RPT1}",
        VIEWED,
        USR2,
        "report",
        RPT1,
    )
    assert first.at == datetime(2026, 11, 30, 15, 20, 1, 250000)
    assert first.url == f"{MY_DOMAIN}/lightning/r/Report/{RPT1}/view"
    assert second.user_id == GHOST
    assert page.cursor == "ReportEventLog@2026-11-30T15:47:09.004Z,0003a00000Rel02AAB"


def test_a_report_cursor_resumes_with_milliseconds_and_no_second_probe(connector, api):
    signed_in(api)
    queried(api, "empty_query.json")

    page = connector.pull("reports", "ReportEventLog@2026-11-30T15:47:09.004Z,0003a00000Rel02AAB")

    assert soql_sent(api) == [
        "SELECT Id, Timestamp, UserIdentifier, ReportIdentifier, RequestIdentifier "
        "FROM ReportEventLog WHERE (Timestamp > 2026-11-30T15:47:09.004Z OR "
        "(Timestamp = 2026-11-30T15:47:09.004Z AND Id > '0003a00000Rel02AAB')) "
        "ORDER BY Timestamp, Id LIMIT 2000"
    ]
    assert page.cursor == "ReportEventLog@2026-11-30T15:47:09.004Z,0003a00000Rel02AAB"


def test_without_event_log_objects_report_views_come_from_the_daily_log_files(connector, api):
    signed_in(api)
    reply(api, QUERY_URL, "error_reporteventlog_not_supported.json", status=400)
    queried(api, "empty_query.json", "event_log_files.json")
    files = f"{API}/sobjects/EventLogFile"
    api.add("GET", f"{files}/0AT5g00000Elf01GAB/LogFile", body=recorded("report_log.csv"))
    api.add("GET", f"{files}/0AT5g00000Elf02GAB/LogFile", body=recorded("report_export_log.csv"))

    page = connector.pull("reports", None)

    assert soql_sent(api)[-1] == (
        "SELECT Id, EventType, LogDate, CreatedDate FROM EventLogFile "
        "WHERE EventType IN ('Report', 'ReportExport') AND Interval = 'Daily' "
        "ORDER BY CreatedDate, Id LIMIT 5"
    )
    assert [(e.user_id, e.record_id, e.at, e.native_type) for e in page.events] == [
        (USR1, RPT1, datetime(2026, 11, 29, 9, 15, 2, 118000), "EventLogFile/Report"),
        (USR2, RPT2, datetime(2026, 11, 29, 16, 30, 44, 907000), "EventLogFile/Report"),
        # An export's log gives 15-character ids and the report only in its URI.
        (USR3, RPT1, datetime(2026, 11, 29, 17, 22, 10, 540000), "EventLogFile/ReportExport"),
    ]
    assert page.events[0].event_id == f"Report/4mIu0ZQKpTQ7mK-4Fb0kS-/{RPT1}"
    assert page.cursor == "EventLogFile@2026-11-30T03:12:45Z,0AT5g00000Elf02GAB"


def test_without_either_source_the_reports_stream_says_which_permission_is_missing(connector, api):
    signed_in(api)
    reply(api, QUERY_URL, "error_reporteventlog_not_supported.json", status=400)
    reply(api, QUERY_URL, "error_eventlogfile_not_supported.json", status=400)

    with pytest.raises(ConnectorError) as unavailable:
        connector.pull("reports", None)

    message = unavailable.value.message
    assert not isinstance(unavailable.value, (RateLimited, NotAuthorised))
    assert message.startswith("report views cannot be read: the API user can read neither")
    assert "ReportEventLog needs the View Event Log Object Data permission" in message
    assert (
        "EventLogFile needs the View Event Log Files permission and the Event Monitoring licence"
        in message
    )
    assert message.count("INVALID_TYPE") == 2
    queries = len(soql_sent(api))
    with pytest.raises(ConnectorError) as again:
        connector.pull("reports", None)
    assert again.value.message == message
    assert len(soql_sent(api)) == queries  # told once: not asked of Salesforce again

    described(api, "Lead")
    queried(api, "leads_after_cursor.json")
    other_stream = connector.pull("lead", "2026-11-30T12:30:00Z,00Q5g00000Ld003EAB")
    assert [e.action for e in other_stream.events] == ["updated"]


def test_check_signs_in_and_counts_users_and_api_requests_left(connector, api):
    signed_in(api)
    queried(api, "user_count.json")
    reply(api, f"{API}/limits/", "limits.json")

    words = connector.check()

    assert words == (
        "Signed in to acme.my.salesforce.com as uptake-api@acme.com; 214 active users; "
        "API requests left today: 14,880 of 15,000"
    )
    assert soql_sent(api) == [
        "SELECT COUNT() FROM User WHERE IsActive = true AND UserType = 'Standard'"
    ]


def test_check_without_view_setup_still_signs_in_and_counts_users(connector, api):
    signed_in(api)
    queried(api, "user_count.json")
    api.add(
        "GET",
        f"{API}/limits/",
        json=[{"message": "Insufficient privileges", "errorCode": "INSUFFICIENT_ACCESS"}],
        status=403,
    )

    words = connector.check()

    assert words == (
        "Signed in to acme.my.salesforce.com as uptake-api@acme.com; 214 active users; "
        "the org's API limits are not readable (INSUFFICIENT_ACCESS)"
    )


def test_check_names_the_run_as_user_of_client_credentials(api):
    settings = ConnectionSettings(
        MY_DOMAIN, {"consumer_key": "3MVG9key", "flow": "client_credentials"}, "s3cret"
    )
    signed_in(api)
    queried(api, "user_count.json", "run_as_user.json")
    reply(api, f"{API}/limits/", "limits.json")

    words = Salesforce(settings, session=requests.Session()).check()

    assert words.startswith("Signed in to acme.my.salesforce.com as uptake-integration@acme.com;")
    assert soql_sent(api)[-1] == f"SELECT Username FROM User WHERE Id = '{API_USER}'"


@pytest.mark.parametrize(
    ("short", "full"),
    [("001A0000006Vm9r", "001A0000006Vm9rIAC"), ("0055g00000Usr01", USR1), (USR1, USR1)],
)
def test_fifteen_character_ids_are_given_their_case_safe_suffix(short, full):
    assert id18(short) == full
