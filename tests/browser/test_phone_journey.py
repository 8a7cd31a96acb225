"""On a phone (390 × 844) and on a laptop, in the demo organisation (its real people, plans,
boards and three weeks of CRM use): the menu folds behind its button on a phone and opens on a
tap; no page a learner, a manager or HR uses scrolls sideways on a phone — tables reflow into
one card a row, each cell labelled with its column; and axe-core finds no WCAG 2.1 A or AA
violation on any of them, at either size."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from lms.auth.models import User
from lms.clock import utcnow
from lms.database import db
from lms.demo.command import run_weekly_jobs, seed_demo
from lms.demo.crm import seed_crm_activity
from lms.demo.incentives import seed_incentives
from lms.demo.people import DEMO_PASSWORD, PEOPLE
from tests.browser.walk import AXE, accessibility_violations, log_in
from tests.conftest import load_reference_data
from tests.live import live_uptake

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
NO_SIDEWAYS = "document.documentElement.scrollWidth <= window.innerWidth"
LEARNER = "sofia.rossi@northwind.example"
MANAGER = "maria.lopez@northwind.example"
HR = "hr@northwind.example"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    def seed():
        load_reference_data()
        seed_demo(now=utcnow())
        seed_crm_activity(PEOPLE, now=utcnow())
        seed_incentives(now=utcnow())
        db.session.commit()
        run_weekly_jobs(now=utcnow())
        return {p.email: p for p in db.session.scalars(select(User))}

    with live_uptake(tmp_path_factory.mktemp("demo"), seed=seed) as live:
        yield live


def new_page(browser, **options):
    if not AXE.exists():
        pytest.skip(f"no axe-core at {AXE}: run `make browser-deps` (npm)")
    context = browser.new_context(bypass_csp=True, **options)  # for axe's injected script
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def phone(browser):
    context = new_page(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def laptop(browser):
    context = new_page(browser, viewport=LAPTOP)
    yield context.new_page()
    context.close()


def person_id(demo, email: str) -> int:
    with demo.app.app_context():
        found = db.session.scalar(select(User.id).where(User.email == email))
        db.session.remove()
    return found


def assert_fits(page, url: str) -> None:
    page.goto(url)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert page.evaluate(NO_SIDEWAYS), f"{url} is {width}px wide on a 390px phone"
    assert accessibility_violations(page) == [], url


def test_the_menu_folds_and_opens(phone, demo):
    log_in(phone, demo.url, LEARNER, DEMO_PASSWORD)
    menu = phone.get_by_role("navigation", name="Main")
    expect(menu).to_be_hidden()
    phone.get_by_role("button", name="Menu").click()
    expect(menu).to_be_visible()
    expect(phone.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "true")
    menu.get_by_role("link", name="Badges").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Badges")


PAGES = [
    (
        LEARNER,
        ["/", "/courses", "/courses/crm-handle-leads", "/notifications", "/me/points",
         "/badges", "/leaderboards", "/people/{me}/activity", "/coaching/people/{me}"],
    ),
    (MANAGER, ["/", "/team", "/coaching", "/leaderboards", "/adoption/team"]),
    (HR, ["/", "/adoption", "/incentives", "/leaderboards", "/people"]),
]  # fmt: skip


@pytest.mark.parametrize(("who", "paths"), PAGES)
def test_pages_fit_a_phone(phone, demo, who, paths):
    log_in(phone, demo.url, who, DEMO_PASSWORD)
    me = person_id(demo, who)
    for path in paths:
        assert_fits(phone, demo.url + path.format(me=me))


def test_a_table_becomes_cards_labelled_by_column(phone, demo):
    log_in(phone, demo.url, MANAGER, DEMO_PASSWORD)
    phone.goto(demo.url + "/coaching")
    cells = phone.locator("table.reflows tbody td")
    expect(cells.first).to_have_attribute("data-label", "Handle leads")
    assert cells.first.evaluate("cell => getComputedStyle(cell).display") == "block"


@pytest.mark.parametrize(("who", "paths"), PAGES)
def test_pages_meet_wcag_on_a_laptop(laptop, demo, who, paths):
    log_in(laptop, demo.url, who, DEMO_PASSWORD)
    me = person_id(demo, who)
    for path in paths:
        laptop.goto(demo.url + path.format(me=me))
        assert accessibility_violations(laptop) == [], path


def test_the_check_finds_what_it_looks_for(laptop, demo):
    """The harness itself: an image without a text alternative is a violation."""
    log_in(laptop, demo.url, LEARNER, DEMO_PASSWORD)
    laptop.evaluate("document.querySelector('main').append(document.createElement('img'))")
    assert any(found.startswith("image-alt") for found in accessibility_violations(laptop))
