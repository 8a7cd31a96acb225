"""Practice that is checked, coaching backed by evidence, in a real Chromium against a real
BottleCRM as the training CRM: the learner opens a practice task from My plan, does it in
BottleCRM, checks (and is told what is missing), checks again and passes, then converts the
lead for the second task; their manager sees the practice passed on the board, signs step 3,
and the step 4 form shows the learner's real use of the skill in the live CRM, as the sync
read it from there."""

import os
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from lms.clock import utcnow
from lms.courses.curricula import assign_curricula
from lms.crm.connections import connector_for, create_connection, unmatched_accounts
from lms.crm.ingest import match_account, note_users
from lms.crm.sync import sync_connection
from lms.database import db
from tests.browser.test_coaching_journey import add_person
from tests.browser.walk import log_in
from tests.coaching.conftest import make_proficient, sign
from tests.crm.bottlecrm.test_end_to_end import AFTER_CREATION

pytestmark = pytest.mark.browser
LIVE_ENV, TRAINING_ENV = "UPTAKE_TEST_LIVE_CRM_TOKEN", "UPTAKE_TEST_TRAINING_CRM_TOKEN"
SKILL = "handle-leads"


@pytest.fixture(scope="module")
def world(live_server, open_crm_org, bottlecrm):  # noqa: F811  (one BottleCRM a session)
    """Lena, a sales rep, and her proficient manager, steps 1 and 2 of Handle leads signed.
    Two BottleCRM orgs: the live CRM, where Lena made two leads this week (read by one
    sync), and the training CRM, whose user for her an admin matched to her."""
    live_org, training_org = open_crm_org(), open_crm_org()
    lena_live, lena_training = live_org.join("lena"), training_org.join("lena")
    for n in range(2):
        lena_live.create("leads", first_name="Ann", last_name=f"Buyer {n}", company_name="Tern")
    os.environ[LIVE_ENV], os.environ[TRAINING_ENV] = live_org.admin.token, training_org.admin.token
    with live_server.app.app_context():
        manager = add_person("max.manager@example.com", "Max Manager", "sales_manager")
        lena = add_person(lena_live.email, "Lena Learner", "sales_rep", manager)
        assign_curricula([manager, lena], now=utcnow())
        make_proficient(manager)
        sign(manager, lena, SKILL, steps=(1, 2), now=utcnow() - timedelta(days=3))
        live = connect("Live CRM", bottlecrm.base_url, "live", LIVE_ENV)
        sync_connection(live, now=utcnow)
        training = connect("Training CRM", bottlecrm.base_url, "training", TRAINING_ENV)
        note_users(training, connector_for(training).users(), (), now=utcnow())
        [account] = [a for a in unmatched_accounts(training) if a.email == lena_training.email]
        match_account(account, lena, actor=None, now=utcnow())
        people = SimpleNamespace(
            manager=SimpleNamespace(email=manager.email),
            lena=SimpleNamespace(id=lena.id, email=lena.email, name=lena.name, crm=lena_training),
        )
        db.session.commit()
        db.session.remove()
    yield people
    os.environ.pop(LIVE_ENV, None)
    os.environ.pop(TRAINING_ENV, None)


def connect(name: str, url: str, purpose: str, secret_env: str):
    return create_connection(
        name=name,
        kind="bottlecrm",
        base_url=url,
        purpose=purpose,
        secret_env=secret_env,
        now=utcnow(),
    )


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
    expect(cell.locator('[data-evidence="crm-use"]')).to_contain_text("✓ 2 records in the CRM")
    cell.get_by_role("link", name="Sign step 4").click()
    use = page.locator("#crm-use")
    expect(use).to_contain_text("Lena Learner's use of Handle leads in the CRM")
    expect(use).to_contain_text("2 created, 0 updated (2 records: lead)")
    expect(use).to_contain_text("% on average, as they left their records")
