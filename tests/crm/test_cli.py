"""`lms crm`: connect, list, test, sync (once, or backfill) and import from the command line,
with errors that name what is wrong."""

import pytest
from sqlalchemy import func, select

from lms.crm.connections import get_connection
from lms.database import db
from lms.xapi.models import Statement


def run(app, *args):
    return app.test_cli_runner().invoke(args=["crm", *args])


def test_connect_then_list(app):
    result = run(
        app,
        "connect",
        "HubSpot",
        "--kind",
        "hubspot",
        "--url",
        "https://api.hubapi.com",
        "--secret-env",
        "UPTAKE_TEST_CRM_TOKEN",
        "--option",
        "portal=123",
    )
    assert result.exit_code == 0, result.output
    assert get_connection("HubSpot").options == {"portal": "123"}
    listed = run(app, "list")
    assert "HubSpot (hubspot, live) https://api.hubapi.com: never synced" in listed.output


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--url", "not a url"], "base_url: must be the CRM's http(s) address"),
        (["--url", "https://x.test", "--option", "novalue"], "'novalue' is not KEY=VALUE"),
        (["--url", "https://x.test", "--secret-env", "my secret"], "secret_env:"),
    ],
)
def test_bad_connection_settings_are_named(app, args, words):
    result = run(app, "connect", "Bad", "--kind", "salesforce", *args)
    assert result.exit_code != 0 and words in result.output
    assert get_connection("Bad") is None


def test_sync_once_reads_stores_and_a_second_pass_adds_nothing(app, make_user, scripted_kind):
    make_user(email="ann@acme.test")
    run(
        app,
        "connect",
        "CRM",
        "--kind",
        "hubspot",
        "--url",
        "https://api.hubapi.com",
        "--secret-env",
        "UPTAKE_TEST_CRM_TOKEN",
    )
    before = db.session.scalar(select(func.count()).select_from(Statement))
    first = run(app, "sync", "--once")
    assert first.exit_code == 0, first.output
    assert "CRM contact: 5 read, 5 stored" in first.output
    second = run(app, "sync", "--once", "--connection", "CRM")
    assert "CRM contact: 0 read, 0 stored" in second.output
    backfill = run(app, "sync", "--since", "2026-10-05T00:00:00Z")
    assert "CRM contact: 5 read, 0 stored" in backfill.output
    assert db.session.scalar(select(func.count()).select_from(Statement)) == before + 5


def test_sync_says_what_is_missing(app, monkeypatch):
    assert "No connection to read" in run(app, "sync", "--once").output
    assert "No connection called 'Nope'" in run(app, "sync", "--connection", "Nope").output
    assert "not an ISO 8601 date-time" in run(app, "sync", "--since", "last week").output
    run(
        app,
        "connect",
        "SF",
        "--kind",
        "salesforce",
        "--url",
        "https://acme.my.salesforce.com",
        "--secret-env",
        "UPTAKE_TEST_UNSET",
    )
    monkeypatch.delenv("UPTAKE_TEST_UNSET", raising=False)
    tested = run(app, "test", "SF")
    assert tested.exit_code != 0 and "UPTAKE_TEST_UNSET" in tested.output


def test_import_a_csv_export_all_or_nothing(app, tmp_path, make_user):
    make_user(email="ann@acme.test")
    run(app, "connect", "Old CRM", "--kind", "generic", "--url", "https://crm.old.test")
    good = tmp_path / "good.csv"
    good.write_text(
        "event_id,occurred_at,action,user_id,user_email,object,record_id\n"
        "a1,2026-10-05T10:00:00Z,created,U1,ann@acme.test,lead,L1\n"
        "a2,2026-10-05T11:00:00+02:00,viewed,U1,ann@acme.test,report,R1\n"
    )
    result = run(app, "import", "Old CRM", str(good))
    assert result.exit_code == 0, result.output
    assert "2 events read, 2 stored (0 already there)" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("event_id,occurred_at,action,user_id\nb1,2026-10-05T10:00:00Z,created,U1\n")
    refused = run(app, "import", "Old CRM", str(bad))
    assert refused.exit_code != 0
    assert "row 2, object: is required for created" in refused.output
