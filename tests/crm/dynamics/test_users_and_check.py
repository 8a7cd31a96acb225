"""users(): every systemuser across pages, a disabled one inactive; check(): WhoAmI and what
the environment lets the connector see, in words."""

from tests.crm.dynamics.conftest import (
    API_USER,
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


def test_users_are_read_across_pages_and_a_disabled_user_is_inactive(connector, api):
    signed_in(api)
    reply(api, "systemusers", "systemusers_page1.json")
    reply(api, "systemusers", "systemusers_page2.json")

    users = connector.users()

    first, second = calls_to(api, "systemusers")
    assert second.request.url == recorded("systemusers_page1.json")["@odata.nextLink"]
    assert requests_to(api, "systemusers")[0] == {
        "$select": "systemuserid,fullname,internalemailaddress,employeeid,isdisabled",
        "$orderby": "systemuserid asc",
    }
    assert [(u.crm_id, u.name, u.email, u.hr_id, u.active) for u in users] == [
        (USR1, "Lena Vogel", "lena.vogel@acme.example", "E1001", True),
        (USR2, "Jonas Berg", "jonas.berg@acme.example", "E1002", True),
        (USR3, "Petra Klein", "petra.klein@acme.example", "E0987", False),
        (API_USER, "# Uptake Integration", None, None, True),
    ]


def checked(connector, api, organization: str) -> str:
    signed_in(api)
    reply(api, "WhoAmI", "whoami.json")
    reply(api, f"systemusers({API_USER})", "api_user.json")
    reply(api, "systemusers", "enabled_user_count.json")
    environment(api, organization)
    reply(api, "audits", "audits_probe.json")
    return connector.check()


def test_check_signs_in_names_the_application_user_and_what_is_audited(connector, api):
    words = checked(connector, api, "organization_audit_on.json")

    assert words == (
        "Signed in to acme.crm4.dynamics.com as # Uptake Integration; 214 enabled users; "
        "each change with its user from the audit log for lead, contact, account, opportunity; "
        "only who created and last modified each task; log-ins from user-access auditing; "
        "not in this environment: case"
    )
    (count,) = requests_to(api, "systemusers")
    assert count == {
        "$select": "systemuserid",
        "$filter": "isdisabled eq false",
        "$count": "true",
    }


def test_check_says_what_is_not_seen_when_auditing_is_off(connector, api):
    words = checked(connector, api, "organization_audit_off.json")

    assert words.endswith(
        "214 enabled users; auditing is off; only who created and last modified each lead, "
        "contact, account, opportunity, task; no log-ins (user-access auditing is off); "
        "not in this environment: case"
    )
    assert calls_to(api, "audits") == []


def test_check_names_the_missing_audit_privilege(connector, api):
    signed_in(api)
    reply(api, "WhoAmI", "whoami.json")
    reply(api, f"systemusers({API_USER})", "api_user.json")
    reply(api, "systemusers", "enabled_user_count.json")
    environment(api, "organization_audit_on.json")
    reply(api, "audits", "error_missing_audit_privilege.json", status=403)

    words = connector.check()

    assert (
        "the audit log is not readable (HTTP 403 0x80040220): give the application user's "
        "security role View Audit Summary; only who created and last modified each lead, "
        "contact, account, opportunity, task; no log-ins (the audit log is not readable)"
    ) in words
