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
from tests.browser.conftest import SCREENS
from tests.browser.walk import (
    accessibility_violations,
    assert_fits_and_meets_wcag,
    go_to_own,
    log_in,
)
from tests.conftest import load_reference_data
from tests.live import live_uptake

pytestmark = pytest.mark.browser
LEARNER = "sofia.rossi@northwind.example"
MANAGER = "maria.lopez@northwind.example"
HR = "hr@northwind.example"
ADMIN = "admin@northwind.example"


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


def person_id(demo, email: str) -> int:
    with demo.app.app_context():
        found = db.session.scalar(select(User.id).where(User.email == email))
        db.session.remove()
    return found


def test_the_menu_folds_and_opens(phone, demo):
    log_in(phone, demo.url, LEARNER, DEMO_PASSWORD)
    menu = phone.get_by_role("navigation", name="Main")
    expect(menu).to_be_hidden()
    phone.get_by_role("button", name="Menu").click()
    expect(menu).to_be_visible()
    expect(phone.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "true")
    menu.get_by_role("link", name="Badges").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Badges")


ON_ONE_LINE = """() => {
  const boxes = [...document.querySelectorAll('#main-menu > *, .account-menu')]
    .map((item) => item.getBoundingClientRect());
  return Math.max(...boxes.map((box) => box.top)) < Math.min(...boxes.map((box) => box.bottom));
}"""


@pytest.mark.parametrize("width", [1280, 1024])
@pytest.mark.parametrize("who", [LEARNER, MANAGER, HR, ADMIN])
def test_the_main_menu_fits_one_line_on_a_laptop(browser, demo, who, width):
    """Whatever the person's roles: their own pages sit under their name, HR's directory
    under Organisation, an admin's under Admin with their tools."""
    page = browser.new_page(viewport={"width": width, "height": 800})
    log_in(page, demo.url, who, DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("My plan")
    page.wait_for_load_state()  # the stylesheet applied
    assert page.evaluate(ON_ONE_LINE)
    page.close()


@pytest.mark.parametrize("width", [768, 900])
def test_on_a_tablet_the_menu_folds_rather_than_wrap(browser, demo, width):
    """An admin's menu, the longest, would take two lines below a laptop's width."""
    page = browser.new_page(viewport={"width": width, "height": 1024})
    log_in(page, demo.url, ADMIN, DEMO_PASSWORD)
    menu = page.get_by_role("navigation", name="Main")
    expect(menu).to_be_hidden()
    page.get_by_role("button", name="Menu").click()
    expect(menu).to_be_visible()
    expect(menu.get_by_role("link", name="Incentives")).to_be_visible()
    page.close()


def test_the_menu_under_ones_name_opens_by_keyboard(laptop, demo):
    log_in(laptop, demo.url, HR, DEMO_PASSWORD)
    own_pages = laptop.get_by_role("navigation", name="Account")
    expect(own_pages).to_be_hidden()
    laptop.locator(".account-menu summary").focus()
    laptop.keyboard.press("Enter")
    expect(own_pages.get_by_role("link", name="Notifications")).to_be_visible()
    laptop.keyboard.press("Escape")
    expect(own_pages).to_be_hidden()
    assert laptop.evaluate("document.activeElement.closest('.account-menu') !== null")
    laptop.locator("#main-menu summary", has_text="Organisation").click()
    laptop.get_by_role("link", name="Divisions").click()
    expect(laptop.get_by_role("heading", level=1)).to_contain_text("Divisions")
    go_to_own(laptop, "Account")
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Your account")


def test_without_script_the_menus_still_open(browser, demo):
    context = browser.new_context(java_script_enabled=False, **SCREENS["phone"])
    page = context.new_page()
    log_in(page, demo.url, LEARNER, DEMO_PASSWORD)
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()  # nothing folds
    page.locator(".account-menu summary").click()
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Feedback").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My feedback")
    context.close()


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
        phone.goto(demo.url + path.format(me=me))
        assert_fits_and_meets_wcag(phone)


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


def test_hr_reads_the_data_quality_board_and_its_bar(screen, demo):
    """The chart's words keep their size on a phone; the 70% bar is drawn across every row."""
    log_in(screen, demo.url, HR, DEMO_PASSWORD)
    screen.goto(demo.url + "/leaderboards?board=quality-week")
    chart = screen.locator(".board-chart").first
    expect(chart.locator(".chart-bar-line-label")).to_have_text("70% bar")
    rows = chart.locator(".chart-row")
    expect(rows.locator(".chart-bar-line")).to_have_count(rows.count())
    size = rows.first.locator(".chart-label").evaluate("label => getComputedStyle(label).fontSize")
    assert float(size.removesuffix("px")) >= 14
    assert_fits_and_meets_wcag(screen)
