"""Practice that is checked, coaching backed by evidence, in a real Chromium against a real
BottleCRM as the training CRM: the learner opens a practice task from My plan, does it in
BottleCRM, checks (and is told what is missing), checks again and passes, then converts the
lead for the second task; their manager sees the practice passed on the board, signs step 3,
and the step 4 form shows the learner's real use of the skill in the live CRM."""

import os
import time
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from lms.auth.models import User
from lms.auth.services import get_job_role, get_or_create_division
from lms.clock import utcnow
from lms.courses.curricula import assign_curricula
from lms.crm.connections import create_connection
from lms.crm.connectors.base import CREATED, CrmEvent, CrmUser
from lms.crm.ingest import ingest
from lms.database import db
from tests.browser.walk import log_in
from tests.coaching.conftest import make_proficient, sign
from tests.conftest import FAST_HASH
from tests.crm.bottlecrm.conftest import bottlecrm, open_crm_org  # noqa: F401
from tests.crm.bottlecrm.test_end_to_end import AFTER_CREATION

pytestmark = pytest.mark.browser
TOKEN_ENV = "UPTAKE_TEST_TRAINING_CRM_TOKEN"
SKILL = "handle-leads"


def add_person(email: str, name: str, job_role: str, manager=None) -> User:
    user = User(
        email=email,
        name=name,
        job_role=get_job_role(job_role),
        division=get_or_create_division("North"),
        manager=manager,
        hire_date=date(2026, 9, 1),
        password_hash=FAST_HASH,
    )
    user.set_roles({"learner"})
    db.session.add(user)
    db.session.flush()
    return user


def live_crm_use(learner: User) -> None:
    """Two leads the learner created in the live CRM this week (its CSV/webhook path)."""
    live = create_connection(
        name="Live CRM", kind="generic", base_url="https://crm.northwind.test", now=utcnow()
    )
    crm_user = CrmUser("N-7", learner.name, learner.email)
    when = utcnow() - timedelta(days=2)
    events = [
        CrmEvent(
            f"live-{n}",
            CREATED,
            when + timedelta(minutes=n),
            crm_user.crm_id,
            "lead",
            f"LIVE-{n}",
            f"Live lead {n}",
            fields={"first_name": "Ann", "last_name": f"Buyer {n}", "company": "Tern Medical"},
        )
        for n in range(2)
    ]
    ingest(live, events, [crm_user], now=utcnow())


@pytest.fixture(scope="module")
def world(live_server, open_crm_org, bottlecrm):  # noqa: F811
    """Lena (a sales rep in BottleCRM's org too) and her proficient manager, steps 1 and 2 of
    Handle leads signed; the training CRM connected; her live CRM use stored."""
    org = open_crm_org()
    lena_in_crm = org.join("lena")
    os.environ[TOKEN_ENV] = org.admin.token
    with live_server.app.app_context():
        manager = add_person("max.manager@example.com", "Max Manager", "sales_manager")
        lena = add_person(lena_in_crm.email, "Lena Learner", "sales_rep", manager)
        assign_curricula([manager, lena], now=utcnow())
        make_proficient(manager)
        sign(manager, lena, SKILL, steps=(1, 2), now=utcnow() - timedelta(days=3))
        create_connection(
            name="Training CRM",
            kind="bottlecrm",
            base_url=bottlecrm.base_url,
            purpose="training",
            secret_env=TOKEN_ENV,
            now=utcnow(),
        )
        live_crm_use(lena)
        people = SimpleNamespace(
            manager=SimpleNamespace(email=manager.email),
            lena=SimpleNamespace(id=lena.id, email=lena.email, name=lena.name, crm=lena_in_crm),
        )
        db.session.commit()
        db.session.remove()
    yield people
    os.environ.pop(TOKEN_ENV, None)


def open_task(page, title: str) -> None:
    page.get_by_role("link", name="My plan").click()
    page.locator("#practice ~ table").get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    page.get_by_role("button", name="Start the task").click()
    expect(page.get_by_role("button", name="Check my work")).to_be_visible()


def test_the_learner_does_both_practice_tasks_in_the_training_crm(page, live_server, world):
    lena = world.lena
    log_in(page, live_server.url, lena.email)
    open_task(page, "Qualify a new lead")
    lead = lena.crm.create(
        "leads",
        first_name="Elena",
        last_name="Novak",
        company_name="Harbour Cement",
        description="40 hydraulic couplings for kiln line 2",
        job_title="Plant manager",
        status="assigned",
    )
    page.get_by_role("button", name="Check my work").click()
    expect(page.locator(".flash-error")).to_contain_text(
        "Not yet: the lead has no approved budget of £18,000 (Opportunity amount); "
        "the lead has no timeline (Close date)."
    )
    expect(page.get_by_text("Still missing on Elena Novak:")).to_be_visible()
    time.sleep(AFTER_CREATION)
    lena.crm.update("leads", lead, opportunity_amount="18000", close_date="2027-02-15")
    page.get_by_role("button", name="Check my work").click()
    expect(page.locator(".flash-success")).to_contain_text("Passed: Elena Novak meets every check")

    open_task(page, "Convert a qualified lead")
    time.sleep(AFTER_CREATION)
    lena.crm.update("leads", lead, email="elena.novak@harbourcement.example")
    lena.crm.convert_lead(lead)
    page.get_by_role("button", name="Check my work").click()
    expect(page.locator(".flash-success")).to_contain_text("Passed")
    page.get_by_role("link", name="My plan").click()
    practice = page.locator("#practice ~ table").first
    expect(practice.locator("tr", has_text="Qualify a new lead")).to_contain_text("passed")
    expect(practice.locator("tr", has_text="Convert a qualified lead")).to_contain_text("passed")


def test_the_manager_signs_practice_then_sees_live_use_at_step_4(page, live_server, world):
    log_in(page, live_server.url, world.manager.email)
    page.get_by_role("link", name="Coaching", exact=True).click()
    cell = page.locator("tr", has_text=world.lena.name).locator(f'td[data-skill="{SKILL}"]')
    expect(cell.locator('[data-evidence="practice"]')).to_contain_text("✓ practice passed")
    cell.get_by_role("link", name="Sign step 3").click()
    expect(page.locator("#practice-evidence")).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Confirm sign-off").click()
    expect(page.locator(".flash-success")).to_contain_text("Step 3")

    page.get_by_role("link", name="Coaching", exact=True).click()
    cell = page.locator("tr", has_text=world.lena.name).locator(f'td[data-skill="{SKILL}"]')
    cell.get_by_role("link", name="Sign step 4").click()
    use = page.locator("#crm-use")
    expect(use).to_contain_text("Lena Learner's use of Handle leads in the CRM")
    expect(use).to_contain_text("2 created, 0 updated (2 records: lead)")
