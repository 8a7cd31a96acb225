"""An admin connects a CRM that cannot be read by API, uploads its activity export, sees a
bad file refused row by row, matches the CRM user Uptake could not place; the rep then sees
on My CRM data quality what to fix. In a real Chromium, CSRF on."""

from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from lms.auth.models import User
from lms.auth.services import get_job_role, get_or_create_division
from lms.clock import today
from lms.database import db
from tests.conftest import FAST_HASH, PASSWORD, load_reference_data
from tests.live import live_uptake

pytestmark = pytest.mark.browser
HEADER = (
    "event_id,occurred_at,action,user_id,user_email,object,record_id,record_name,"
    "field.first_name,field.last_name,field.company,field.email,field.phone,field.title,"
    "field.country\n"
)
EXPORT = HEADER + (
    "c1,2026-11-30T09:00:00Z,created,U1,rep@example.com,contact,C1,Ann Okafor,"
    "Ann,Okafor,Harbour Cement,ann@harbour.example,,Buyer,GB\n"
    "c2,2026-11-30T09:05:00Z,created,U1,rep@example.com,contact,C2,Ben Lund,"
    "Ben,Lund,Harbour Cement,ben@harbour.example,020 7946 0000,Buyer,GB\n"
    "c3,2026-11-30T10:00:00Z,updated,U2,r.old@legacy.example,contact,C3,Cleo Martin,"
    "Cleo,Martin,Tern Medical,cleo@tern.example,+44 20 7946 0001,Nurse,GB\n"
)


def seed():
    load_reference_data()
    for email, name, roles in [
        ("admin@example.com", "Ada Admin", {"learner", "admin"}),
        ("rep@example.com", "Ray Rep", {"learner"}),
        ("rita@example.com", "Rita Old", {"learner"}),
    ]:
        user = User(
            email=email,
            name=name,
            job_role=get_job_role("sales_rep"),
            division=get_or_create_division("North"),
            hire_date=today(),
            password_hash=FAST_HASH,
        )
        user.set_roles(roles)
        db.session.add(user)
    db.session.flush()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with live_uptake(tmp_path_factory.mktemp("live"), seed=seed, WTF_CSRF_ENABLED=True) as live:
        yield SimpleNamespace(url=live.url)


def log_in(page, server, email):
    page.goto(server.url + "/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My plan")


def test_connect_import_match_and_see_what_to_fix(page, server, tmp_path):
    log_in(page, server, "admin@example.com")
    page.goto(server.url + "/crm")
    expect(page.get_by_text("No CRM is connected yet")).to_be_visible()
    page.get_by_label("Name").fill("Legacy CRM")
    page.get_by_label("CRM").select_option("generic")
    page.get_by_label("Address").fill("https://crm.legacy.example")
    page.get_by_role("button", name="Connect").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Legacy CRM")

    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "x1,last Tuesday,created,U1,rep@example.com,contact,C9,,,,,,,,\n")
    page.get_by_label("CSV export of CRM activity").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nothing was imported")
    expect(page.get_by_text("row 2, occurred_at:")).to_be_visible()
    page.go_back()

    export = tmp_path / "export.csv"
    export.write_text(EXPORT)
    page.get_by_label("CSV export of CRM activity").set_input_files(str(export))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("3 events read, 3 stored")).to_be_visible()
    expect(page.get_by_text("1 by CRM users not yet matched to a person")).to_be_visible()

    unmatched = page.get_by_role("row").filter(has_text="r.old@legacy.example")
    unmatched.get_by_placeholder("their e-mail in Uptake").fill("rita@example.com")
    unmatched.get_by_role("button", name="Match").click()
    expect(page.get_by_text("is Rita Old; 1 earlier events now count as theirs")).to_be_visible()
    expect(page.get_by_text("Every CRM user seen so far is matched to a person.")).to_be_visible()

    page.context.clear_cookies()
    log_in(page, server, "rep@example.com")
    page.goto(server.url + "/account")
    page.get_by_role("link", name="My CRM data quality").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My CRM data quality")
    expect(page.get_by_text("1 of your contacts has no phone number")).to_be_visible()
    expect(
        page.get_by_text("1 of your contacts has a phone number not in international form")
    ).to_be_visible()
    expect(page.get_by_role("cell", name="Ann Okafor")).to_be_visible()
