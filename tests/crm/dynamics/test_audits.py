"""Who did what from the audit log where the environment audits a table, the record streams'
fallback where it does not (or the audit log is not readable), and log-ins from user-access
auditing."""

from datetime import datetime

import pytest

from lms.crm.connectors.base import CONVERTED, CREATED, LOGGED_IN, UPDATED
from tests.crm.dynamics.conftest import (
    ACCOUNT1,
    API,
    AUDIT,
    CONTACT1,
    GHOST,
    LEAD,
    USR1,
    USR2,
    USR3,
    calls_to,
    environment,
    recorded,
    reply,
    requests_to,
    signed_in,
)

AUDITED = (
    "objecttypecode eq 'lead' or objecttypecode eq 'contact' or objecttypecode eq 'account' "
    "or objecttypecode eq 'opportunity'"
)


def summary(page) -> list[tuple]:
    return [(e.event_id, e.action, e.at, e.user_id, e.record_id) for e in page.events]


@pytest.fixture
def audited(connector, api):
    """Auditing on for the organization, user access and every table but task; users read."""
    signed_in(api)
    reply(api, "systemusers", "systemusers_page1.json")
    reply(api, "systemusers", "systemusers_page2.json")
    reply(api, "systemusers", "empty_systemusers.json")
    environment(api, "organization_audit_on.json")
    reply(api, "audits", "audits_probe.json")
    connector.users()
    return connector


def test_each_audited_change_is_an_event_by_its_user(audited, api):
    reply(api, "audits", "audits_changes.json")
    reply(api, "leads", "audit_current_leads.json")
    reply(api, "contacts", "audit_current_contacts.json")
    reply(api, "accounts", "audit_current_accounts_none.json")

    page = audited.pull("audits", None, since=datetime(2026, 12, 1))

    probe, read = requests_to(api, "audits")
    assert probe == {"$select": "auditid", "$top": "1"}
    assert read["$filter"] == (
        f"(operation eq 1 or operation eq 2) and ({AUDITED}) and createdon ge 2026-12-01T00:00:00Z"
    )
    assert read["$orderby"] == "createdon asc,auditid asc"
    assert read["$select"] == (
        "auditid,createdon,operation,action,objecttypecode,_objectid_value,_userid_value"
    )
    assert summary(page) == [
        (f"audits/{AUDIT[1]}", CREATED, datetime(2026, 12, 1, 8), USR1, LEAD[7]),
        (f"audits/{AUDIT[2]}", UPDATED, datetime(2026, 12, 1, 8, 20), USR2, LEAD[7]),
        (f"audits/{AUDIT[3]}", UPDATED, datetime(2026, 12, 1, 8, 45), USR1, LEAD[7]),
        (f"leads/{LEAD[8]}/converted", CONVERTED, datetime(2026, 12, 1, 9, 10), USR2, LEAD[8]),
        (f"audits/{AUDIT[6]}", CREATED, datetime(2026, 12, 1, 9, 30), USR3, CONTACT1),
        (f"audits/{AUDIT[7]}", UPDATED, datetime(2026, 12, 1, 9, 45), GHOST, ACCOUNT1),
    ]
    assert page.cursor == f"2026-12-01T09:45:00Z,{AUDIT[7]}"


def test_audit_events_carry_the_records_fields_as_they_are_now(audited, api):
    reply(api, "audits", "audits_changes.json")
    reply(api, "leads", "audit_current_leads.json")
    reply(api, "contacts", "audit_current_contacts.json")
    reply(api, "accounts", "audit_current_accounts_none.json")

    page = audited.pull("audits", None)

    (leads_by_id,) = requests_to(api, "leads")
    assert leads_by_id["$filter"] == f"leadid eq {LEAD[7]} or leadid eq {LEAD[8]}"
    created_lead = page.events[0]
    assert (created_lead.record_name, created_lead.native_type) == ("Nina Hahn", "leads")
    assert created_lead.fields["status"] == "Contacted"
    assert created_lead.fields["email"] == "nina.hahn@trave.example"
    contact = page.events[4]
    assert contact.fields["company"] == "Nordwind Logistik GmbH"
    assert contact.fields["phone"] == "+49 171 5550 987"  # no business phone: the mobile
    deleted_account = page.events[5]
    assert deleted_account.fields is None  # deleted since: its audit row still counts
    assert deleted_account.record_name == "Elbe Papier AG"


def test_the_users_an_audit_page_names_come_with_it_a_disabled_one_inactive(audited, api):
    reply(api, "audits", "audits_changes.json")
    reply(api, "leads", "audit_current_leads.json")
    reply(api, "contacts", "audit_current_contacts.json")
    reply(api, "accounts", "audit_current_accounts_none.json")

    page = audited.pull("audits", None)

    assert [(u.crm_id, u.name, u.active) for u in page.users] == [
        (USR1, "Lena Vogel", True),
        (USR2, "Jonas Berg", True),
        (USR3, "Petra Klein", False),
    ]
    lookups = requests_to(api, "systemusers")[2:]
    assert [q["$filter"] for q in lookups] == [f"systemuserid eq {GHOST}"]


def test_the_last_update_of_a_lead_now_qualified_is_its_conversion(audited, api):
    """Where the qualification was logged as a plain update (no Qualify row)."""
    rows = recorded("audits_changes.json")
    api.add("GET", f"{API}audits", json=rows | {"value": [rows["value"][4]]})  # action 2 only
    reply(api, "leads", "audit_current_leads.json")

    page = audited.pull("audits", f"2026-12-01T09:10:00Z,{AUDIT[4]}")

    assert summary(page) == [
        (f"leads/{LEAD[8]}/converted", CONVERTED, datetime(2026, 12, 1, 9, 10), USR2, LEAD[8])
    ]


def test_an_audited_tables_stream_keeps_its_cursor_at_the_newest_record(audited, api):
    reply(api, "leads", "leads_newest.json")

    page = audited.pull("lead", None)

    assert (page.events, page.cursor) == ([], f"2026-12-01T09:10:00Z,{LEAD[8]}")
    (query,) = requests_to(api, "leads")
    assert query == {
        "$select": "modifiedon,leadid",
        "$orderby": "modifiedon desc,leadid desc",
        "$top": "1",
    }


def test_a_table_not_audited_is_read_from_its_records(audited, api):
    api.add("GET", f"{API}tasks", json={"@odata.context": f"{API}$metadata#tasks", "value": []})

    page = audited.pull("task", f"2026-11-30T13:05:00Z,{LEAD[6]}")

    (query,) = requests_to(api, "tasks")
    assert query["$filter"] == "modifiedon ge 2026-11-30T13:05:00Z"
    assert query["$select"].startswith("activityid,subject,createdon,modifiedon,")
    assert page.cursor == f"2026-11-30T13:05:00Z,{LEAD[6]}"


def test_log_ins_come_from_user_access_auditing(audited, api):
    reply(api, "audits", "audits_logins.json")

    page = audited.pull("logins", f"2026-12-01T07:00:00Z,{AUDIT[9]}")

    read = requests_to(api, "audits")[1]
    assert read["$filter"] == "action eq 64 and createdon ge 2026-12-01T07:00:00Z"
    assert [(e.event_id, e.action, e.at, e.user_id, e.object) for e in page.events] == [
        (f"audits/{AUDIT[20]}", LOGGED_IN, datetime(2026, 12, 1, 7, 55), USR1, None),
        (f"audits/{AUDIT[21]}", LOGGED_IN, datetime(2026, 12, 1, 8, 2), USR2, None),
        (f"audits/{AUDIT[22]}", LOGGED_IN, datetime(2026, 12, 1, 12, 2), USR1, None),
    ]
    assert page.cursor == f"2026-12-01T12:02:00Z,{AUDIT[22]}"
    assert [u.crm_id for u in page.users] == [USR1, USR2]


def test_with_auditing_off_the_audit_log_is_not_read_and_records_are(connector, api):
    signed_in(api)
    environment(api, "organization_audit_off.json")
    reply(api, "leads", "leads_page2.json")
    reply(api, "systemusers", "systemusers_by_id.json")

    audits = connector.pull("audits", f"2026-11-01T00:00:00Z,{AUDIT[1]}")
    logins = connector.pull("logins", None, since=datetime(2026, 11, 30))
    leads = connector.pull("lead", None, since=datetime(2026, 11, 30))

    assert (audits.events, audits.cursor) == ([], f"2026-11-01T00:00:00Z,{AUDIT[1]}")
    assert (logins.events, logins.cursor) == ([], None)
    assert calls_to(api, "audits") == []
    assert [e.action for e in leads.events] == [CREATED, CONVERTED, CREATED]
    assert len(calls_to(api, "organizations")) == 1  # the environment is read once


def test_an_audit_log_the_application_user_may_not_read_counts_as_auditing_off(connector, api):
    signed_in(api)
    environment(api, "organization_audit_on.json")
    reply(api, "audits", "error_missing_audit_privilege.json", status=403)
    reply(api, "leads", "leads_page2.json")
    reply(api, "systemusers", "systemusers_by_id.json")

    leads = connector.pull("lead", None, since=datetime(2026, 11, 30))
    audits = connector.pull("audits", None)

    assert [e.event_id for e in leads.events] == [
        f"leads/{LEAD[3]}/created",
        f"leads/{LEAD[3]}/converted",
        f"leads/{LEAD[4]}/created",
    ]
    assert audits.events == []
    assert len(calls_to(api, "audits")) == 1  # the probe only


def test_user_access_auditing_off_reads_no_log_ins(connector, api):
    signed_in(api)
    organization = recorded("organization_audit_on.json")
    organization["value"][0]["isuseraccessauditenabled"] = False
    api.add("GET", f"{API}organizations", json=organization)
    reply(api, "EntityDefinitions", "entity_definitions.json")
    reply(api, "audits", "audits_probe.json")

    page = connector.pull("logins", None)

    assert page.events == []
    assert [q.get("$filter") for q in requests_to(api, "audits")] == [None]  # the probe


def test_a_table_the_role_may_not_read_still_counts_its_audit_rows(audited, api):
    reply(api, "audits", "audits_changes.json")
    reply(api, "leads", "error_missing_lead_privilege.json", status=403)
    reply(api, "contacts", "audit_current_contacts.json")
    reply(api, "accounts", "audit_current_accounts_none.json")

    page = audited.pull("audits", None)

    assert [(e.action, e.fields is None) for e in page.events] == [
        (CREATED, True),
        (UPDATED, True),
        (UPDATED, True),
        (UPDATED, True),  # without the lead, the Qualify row's twin update is not known
        (CONVERTED, True),  # the Qualify row
        (CREATED, False),
        (UPDATED, True),
    ]
    assert page.events[0].record_name == "Nina Hahn"  # the audit row's name of the record
    assert page.events[5].fields["last_name"] == "Maier"
