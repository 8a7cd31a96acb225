"""Adoption, end to end: the CRM has posted five weeks of a sales rep's activity (steady
updates, but low data-quality scores); the weekly signal run records the signal and assigns
the refresher content/adoption.yaml names for it. HR opens the adoption dashboard and sees
its charts; the rep's manager sees the signal on their team's adoption page, and the
refresher with the signal's reason on the rep's plan."""

import uuid
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from lms import events
from lms.adoption import actions, signals
from lms.adoption import rules as adoption_rules
from lms.adoption.content import current_adoption
from lms.auth.models import User
from lms.auth.services import get_job_role, get_or_create_division
from lms.clock import utcnow
from lms.courses.curricula import assign_curricula
from lms.crm.profile import PROFILE, activity_type
from lms.database import db
from lms.xapi.clients import SCOPE_WRITE, create_client
from lms.xapi.settings import lrs_settings
from lms.xapi.store.write import store_batch
from tests.browser.walk import log_in
from tests.conftest import FAST_HASH

pytestmark = pytest.mark.browser
CRM = "https://crm.northwind.example"
REFRESHER = "Refresher: complete customer profiles"


def add_person(email, name, job_role, *, roles=(), manager=None) -> User:
    person = User(
        email=email,
        name=name,
        job_role=get_job_role(job_role),
        division=get_or_create_division("North"),
        manager=manager,
        hire_date=date(2026, 6, 1),
        password_hash=FAST_HASH,
    )
    person.set_roles({"learner", *roles})
    db.session.add(person)
    db.session.flush()
    return person


def crm_statement(person, verb: str, path: str, at, score=None) -> dict:
    statement = {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "mbox": f"mailto:{person.email}"},
        "verb": {"id": verb},
        "object": {"id": f"{CRM}/{path}"},
        "timestamp": at.isoformat(timespec="seconds") + "Z",
    }
    if score is not None:
        statement["object"]["definition"] = {"type": activity_type("contact")}
        statement["result"] = {"score": {"scaled": score}}
    return statement


def five_weeks_of(person, now) -> list[dict]:
    """Ten contact updates and three pipeline-report views a week; data quality at 40%."""
    found = []
    for day in range(3, 38):
        at = now - timedelta(days=day, hours=2)
        if at.weekday() < 5:
            found += [
                crm_statement(
                    person, "http://activitystrea.ms/schema/1.0/update", f"contacts/{day}-{n}", at
                )
                for n in range(2)
            ]
        if at.weekday() in (1, 3):
            found.append(
                crm_statement(person, f"{PROFILE}/verbs/viewed-report", "report/pipeline", at)
            )
        if at.weekday() == 4:
            found.append(
                crm_statement(
                    person, "http://adlnet.gov/expapi/verbs/scored", "data-quality/weekly", at, 0.4
                )
            )
    return found


@pytest.fixture(scope="module")
def organisation(live_server):
    """HR, a manager and their report, the CRM's five weeks, and this week's signal run."""
    with live_server.app.app_context():
        now = utcnow()
        hr = add_person("hugo.hr@example.com", "Hugo HR", "hr_partner", roles=("hr",))
        manager = add_person("mona.manager@example.com", "Mona Manager", "sales_manager")
        rep = add_person("remy.rep@example.com", "Remy Rep", "sales_rep", manager=manager)
        assign_curricula([hr, manager, rep], now=now)
        client, _secret = create_client("Northwind CRM", {SCOPE_WRITE}, now=now)
        batch = store_batch(
            five_weeks_of(rep, now),
            authority=None,
            client_id=client.id,
            now=now,
            settings=lrs_settings(),
        )
        events.publish(events.StatementsReceived(fresh=tuple(batch.fresh), now=now))
        content = current_adoption()
        signals.record_signals(now, content)
        actions.take_actions(
            actions.pending(adoption_rules.last_complete_week(now)), content, now=now
        )
        people = {p.email: p.id for p in (hr, manager, rep)}
        db.session.commit()
        db.session.remove()
    return people


def test_hr_sees_the_adoption_dashboard_with_its_charts(page, live_server, organisation):
    log_in(page, live_server.url, "hugo.hr@example.com")
    page.get_by_role("link", name="Adoption", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Adoption")
    charts = page.locator("main svg")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 3, "adoption by week, onboarding funnel, coaching funnel"
    expect(page.locator("main")).to_contain_text("Remy Rep")


def test_a_manager_sees_the_signal_and_the_refresher_it_assigned(page, live_server, organisation):
    log_in(page, live_server.url, "mona.manager@example.com")
    page.get_by_role("link", name="My team").click()
    page.get_by_role("link", name="CRM adoption in my team").click()
    signal_row = page.locator("tr", has_text="Remy Rep").filter(has_text="quality")
    expect(signal_row.first).to_be_visible()
    expect(signal_row.first).to_contain_text(REFRESHER)

    page.goto(f"{live_server.url}/people/{organisation['remy.rep@example.com']}/plan")
    refreshers = page.locator("h3", has_text="Refreshers").locator(
        "xpath=following-sibling::table[1]"
    )
    expect(refreshers).to_contain_text(REFRESHER)
    expect(refreshers).to_contain_text("scored")
