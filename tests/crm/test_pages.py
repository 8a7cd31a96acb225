"""The CRM pages: only admins connect CRMs, see their status, test them, match CRM users and
upload CSV exports; bad input is named and changes nothing."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms.crm.connections import get_connection
from lms.crm.models import CrmAccount, CrmConnection, CrmCursor
from lms.database import db
from lms.xapi.models import LrsClient, Statement
from tests.conftest import T0

CSV_HEADER = "event_id,occurred_at,action,user_id,user_email,object,record_id,field.email\n"


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_only_admins_see_the_crm_pages(client, make_user, login, connection):
    login(make_user(roles={"hr"}))
    assert client.get("/crm").status_code == 403
    assert client.get(f"/crm/{connection.id}").status_code == 403
    assert client.post("/crm", data={"name": "X"}).status_code == 403
    assert client.post(f"/crm/{connection.id}/import").status_code == 403


def test_an_admin_connects_a_crm_and_its_secret_is_only_named(client, admin):
    reply = client.post(
        "/crm",
        data={
            "name": "Salesforce",
            "kind": "salesforce",
            "purpose": "live",
            "base_url": "https://acme.my.salesforce.com/",
            "secret_env": "UPTAKE_SF_KEY",
            "options": "consumer_key=3MVG9\nusername=api@acme.test",
        },
    )
    assert reply.status_code == 302
    connection = get_connection("Salesforce")
    assert connection.base_url == "https://acme.my.salesforce.com"
    assert connection.options == {"consumer_key": "3MVG9", "username": "api@acme.test"}
    assert connection.secret_env == "UPTAKE_SF_KEY"
    assert connection.client.name == "CRM: Salesforce"
    page = client.get(f"/crm/{connection.id}").get_data(as_text=True)
    assert "UPTAKE_SF_KEY" in page and "never" in page


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("base_url", "ftp://acme", "base_url: must be the CRM&#39;s http(s) address"),
        ("secret_env", "s3cr3t value!", "secret_env: the name of an environment variable"),
        ("options", "just words", "options, line 1: write KEY=VALUE."),
    ],
)
def test_bad_connection_settings_are_named_and_nothing_is_added(client, admin, field, value, words):
    data = {"name": "Bad", "kind": "hubspot", "purpose": "live", "base_url": "https://x.test"}
    reply = client.post("/crm", data=data | {field: value})
    assert reply.status_code == 400
    assert words in reply.get_data(as_text=True)
    assert count(CrmConnection) == 0 and count(LrsClient) == 0


def test_testing_a_connection_whose_secret_is_missing_says_which_variable(
    client, admin, monkeypatch
):
    monkeypatch.delenv("UPTAKE_HS_TOKEN", raising=False)
    client.post(
        "/crm",
        data={
            "name": "HubSpot",
            "kind": "hubspot",
            "purpose": "live",
            "base_url": "https://api.hubapi.com",
            "secret_env": "UPTAKE_HS_TOKEN",
        },
    )
    connection = get_connection("HubSpot")
    reply = client.post(f"/crm/{connection.id}/test", follow_redirects=True)
    assert "UPTAKE_HS_TOKEN" in reply.get_data(as_text=True)
    assert "is not set" in reply.get_data(as_text=True)


def test_the_list_shows_lag_last_error_and_unmatched_users(client, admin, connection):
    connection.last_success_at = T0
    connection.last_error, connection.last_error_at = "contact: HTTP 503", T0
    db.session.add(
        CrmAccount(connection_id=connection.id, crm_id="U9", name="Ghost", first_seen_at=T0)
    )
    db.session.add(CrmCursor(connection_id=connection.id, stream="contact", events_read=7))
    db.session.flush()
    page = client.get("/crm").get_data(as_text=True)
    assert "contact: HTTP 503" in page
    assert "days" in page  # behind by, since T0
    detail = client.get(f"/crm/{connection.id}").get_data(as_text=True)
    assert "Ghost" in detail and "U9" in detail and ">7<" in detail


def upload(client, connection, text: str):
    data = {"file": (io.BytesIO(text.encode()), "activity.csv")}
    return client.post(
        f"/crm/{connection.id}/import", data=data, content_type="multipart/form-data"
    )


def test_a_csv_export_is_imported_and_matched_people_earn(client, admin, connection, make_user):
    ben = make_user(email="ben@acme.test")
    at = (T0 + timedelta(hours=2)).isoformat() + "Z"
    text = CSV_HEADER + (
        f"e1,{at},created,U1,ben@acme.test,lead,L1,x@harbour.test\n"
        f"e2,{at},logged_in,U1,ben@acme.test,,,\n"
        f"e3,{at},updated,U2,nobody@else.test,contact,C1,\n"
    )
    before = count(Statement)
    reply = upload(client, connection, text)
    assert reply.status_code == 302
    assert count(Statement) == before + 3
    rows = (
        db.session.execute(
            select(Statement.user_id).where(Statement.client_id == connection.client_id)
        )
        .scalars()
        .all()
    )
    assert sorted(rows, key=str) == sorted([ben.id, ben.id, None], key=str)
    page = client.get(f"/crm/{connection.id}").get_data(as_text=True)
    assert "nobody@else.test" in page  # unmatched, listed for an admin to match
    assert upload(client, connection, text).status_code == 302
    assert count(Statement) == before + 3  # the same export again adds nothing


def test_a_bad_csv_row_is_named_and_nothing_is_imported(client, admin, connection):
    at = T0.isoformat() + "Z"
    text = CSV_HEADER + (
        f"e1,{at},created,U1,a@acme.test,lead,L1,\n"
        f"e2,not-a-time,created,U1,a@acme.test,lead,L2,\n"
        f"e3,{at},teleported,U1,a@acme.test,lead,L3,\n"
    )
    before = count(Statement)
    reply = upload(client, connection, text)
    assert reply.status_code == 400
    page = reply.get_data(as_text=True)
    assert "row 3, occurred_at:" in page
    assert "row 4, action: must be one of" in page
    assert count(Statement) == before and count(CrmAccount) == 0


def test_a_csv_without_the_required_columns_is_refused(client, admin, connection):
    reply = upload(client, connection, "when,who\n2026-10-05,ann\n")
    assert reply.status_code == 400
    assert "missing column(s)" in reply.get_data(as_text=True)


def test_matching_a_crm_user_makes_their_earlier_events_count_as_the_persons(
    client, admin, connection, make_user
):
    at = (T0 + timedelta(hours=2)).isoformat() + "Z"
    upload(
        client, connection, CSV_HEADER + f"e1,{at},updated,U7,cara@old-domain.test,contact,C1,\n"
    )
    cara = make_user(email="cara@acme.test")
    account = db.session.scalar(select(CrmAccount).where(CrmAccount.crm_id == "U7"))
    assert account.person_id is None and account.events_unmatched == 1
    url = f"/crm/{connection.id}/accounts/{account.id}/match"
    wrong = client.post(url, data={"person_email": "who@acme.test"}, follow_redirects=True)
    assert "nobody in Uptake has the e-mail who@acme.test" in wrong.get_data(as_text=True)
    reply = client.post(url, data={"person_email": "CARA@acme.test"}, follow_redirects=True)
    assert "1 earlier events now count as theirs" in reply.get_data(as_text=True)
    assert account.person_id == cara.id and account.matched_by == "admin"
    theirs = select(func.count()).select_from(Statement).where(Statement.user_id == cara.id)
    assert db.session.scalar(theirs) == 1
    assert client.post(f"/crm/{connection.id + 1}/accounts/{account.id}/match").status_code == 404
