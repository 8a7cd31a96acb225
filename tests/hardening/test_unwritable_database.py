"""A database that will not take a write — here a real read-only one: a SQLite file opened
with `mode=ro`, a PostgreSQL session whose transactions are read-only — answers 503 with a
plain message (JSON under /xapi/), logs the cause for the admin at ERROR, and still serves
what only reads."""

import base64
import html
import io
import logging
import sqlite3

import psycopg
import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError

from lms import create_app
from lms.auth.models import User
from lms.database import db
from lms.pages import UNWRITABLE_CHECKS, is_unwritable
from lms.xapi.clients import SCOPE_READ_ALL, SCOPE_WRITE, create_client
from tests.conftest import PASSWORD, T0, load_reference_data, test_settings
from tests.databases import BACKEND, fresh_database

STATEMENT = {
    "actor": {"mbox": "mailto:ro@example.com"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
    "object": {"id": "http://example.com/activities/read-only"},
}


def read_only(settings: dict) -> dict:
    """The same database, opened so that every write is refused by the database itself."""
    url = settings["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        return {**settings, "SQLALCHEMY_DATABASE_URI": f"sqlite:///file:{path}?mode=ro&uri=true"}
    options = {"connect_args": {"options": "-c default_transaction_read_only=on"}}
    return {**settings, "SQLALCHEMY_ENGINE_OPTIONS": options}


@pytest.fixture(scope="module")
def apps(tmp_path_factory):
    """(writable app, read-only app, LRS headers) over one database holding an admin."""
    with fresh_database(tmp_path_factory.mktemp("ro")) as url:
        settings = test_settings(url)
        writable = create_app(settings)
        with writable.app_context():
            db.create_all()
            load_reference_data()
            _make_admin()
            client, secret = create_client("CRM", {SCOPE_WRITE, SCOPE_READ_ALL}, now=T0)
            token = base64.b64encode(f"{client.key}:{secret}".encode()).decode()
            db.session.commit()
        headers = {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}
        unwritable = create_app(read_only(settings))
        yield writable, unwritable, headers
        for app in (writable, unwritable):
            with app.app_context():
                db.engine.dispose()


def _make_admin():
    from lms.auth.services import get_job_role
    from tests.conftest import FAST_HASH

    admin = User(
        email="ro-admin@example.com",
        name="Read Only",
        job_role=get_job_role("crm_administrator"),
        hire_date=T0.date(),
        password_hash=FAST_HASH,
    )
    admin.set_roles({"learner", "admin"})
    db.session.add(admin)


def signed_in(app, apps):
    """A browser signed in as the admin on the writable app, then sent to `app`."""
    browser = apps[0].test_client()
    response = browser.post("/login", data={"email": "ro-admin@example.com", "password": PASSWORD})
    assert response.status_code == 302
    sent = app.test_client()
    for cookie in browser._cookies.values():
        sent.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    return sent


@pytest.fixture
def admin(apps):
    return signed_in(apps[1], apps)


def test_a_page_that_only_reads_still_works(admin):
    assert admin.get("/people").status_code == 200


def test_a_form_that_writes_is_a_503_with_a_plain_message_and_the_admin_is_told(admin, caplog):
    caplog.set_level(logging.ERROR, logger="lms.pages")
    response = admin.post(
        "/people/new",
        data={
            "email": "new@example.com",
            "name": "New Person",
            "job_role": "sales_rep",
            "hire_date": "2026-10-01",
        },
    )
    assert response.status_code == 503
    page = html.unescape(response.get_data(as_text=True))
    assert "The database cannot be written just now" in page
    assert UNWRITABLE_CHECKS in page
    assert "Traceback" not in page and "sqlalchemy" not in page.lower()
    assert response.headers["Retry-After"]
    logged = [r for r in caplog.records if r.levelno == logging.ERROR and r.name == "lms.pages"]
    assert logged and "refused a write" in logged[0].getMessage()
    assert "read" in logged[0].getMessage().lower()  # the cause: read-only database/transaction


def test_a_statement_posted_to_the_lrs_is_a_json_503(apps):
    _, unwritable, headers = apps
    response = unwritable.test_client().post("/xapi/statements", json=STATEMENT, headers=headers)
    assert response.status_code == 503
    assert response.is_json
    assert response.json["error"]["code"] == 503
    assert "cannot be written" in response.json["error"]["message"]
    assert response.headers["X-Experience-API-Version"] == "1.0.3"


@pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite's page limit stands in for a full disk")
def test_a_full_database_is_a_503_and_the_import_writes_nothing(apps, caplog):
    writable, _, _ = apps
    full = create_app(writable.config)  # the same file, with no room left to grow
    with full.app_context():

        @event.listens_for(db.engine, "connect")
        def _no_room_to_grow(connection, _record):
            pages = connection.execute("PRAGMA page_count").fetchone()[0]
            connection.execute(f"PRAGMA max_page_count = {pages}")

    rows = [f"p{n}@example.com,Person {n},sales_rep,North,,2026-10-01," for n in range(2000)]
    export = "email,name,job_role,division,manager_email,hire_date,roles\n" + "\n".join(rows)
    upload = {"file": (io.BytesIO(export.encode()), "people.csv")}
    response = signed_in(full, apps).post("/people/import", data=upload)
    assert response.status_code == 503
    assert "cannot be written" in response.get_data(as_text=True)
    assert "database or disk is full" in caplog.text
    with writable.app_context():
        assert not db.session.scalar(select(User.id).where(User.email == "p0@example.com"))


@pytest.mark.parametrize(
    "error",
    [
        psycopg.errors.DiskFull("could not extend file"),
        psycopg.errors.ReadOnlySqlTransaction("cannot execute INSERT in a read-only transaction"),
        psycopg.errors.AdminShutdown("terminating connection due to administrator command"),
        sqlite3.OperationalError("database or disk is full"),
        sqlite3.OperationalError("attempt to write a readonly database"),
    ],
)
def test_what_counts_as_a_database_that_will_not_take_a_write(error):
    assert is_unwritable(OperationalError("INSERT ...", {}, error))


def test_other_database_errors_are_not_mistaken_for_it():
    error = psycopg.errors.UndefinedColumn('column "x" does not exist')
    assert not is_unwritable(OperationalError("SELECT x", {}, error))
