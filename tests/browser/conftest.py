"""A live Uptake on its own fresh database, and a headless Chromium to drive it.

The server runs in a thread with CSRF on, as in production; it cannot share the per-test
rolled-back transaction of the other tests, so browser tests (marked `browser`) get a
database of their own, seeded once per module.
"""

from pathlib import Path
from types import SimpleNamespace

import pytest

from lms.clock import utcnow
from lms.courses.curricula import assign_curricula
from lms.database import db
from tests.browser.walk import AXE, add_person, person
from tests.conftest import PASSWORD, load_reference_data
from tests.live import live_uptake

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENS = {
    "laptop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
PEOPLE = {
    "ann": ("ann.lee@example.com", "Ann Lee", "sales_rep"),
    "nina": ("nina.new@example.com", "Nina New", "sales_rep"),
}


def seed_people() -> dict[str, SimpleNamespace]:
    """People who can log in with PASSWORD, as plain values the tests can use."""
    people, users = {}, []
    for key, (email, name, job_role) in PEOPLE.items():
        user = person(email, name, job_role)
        db.session.add(user)
        users.append(user)
        people[key] = SimpleNamespace(email=email, name=name, password=PASSWORD)
    db.session.flush()
    assign_curricula(users, now=utcnow())
    return people


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """Yields the base URL, the seeded people (with their curricula) and the app of a server
    on a fresh database, with CSRF on as in production."""

    def seed():
        load_reference_data()
        return seed_people()

    with live_uptake(tmp_path_factory.mktemp("live"), seed=seed, WTF_CSRF_ENABLED=True) as live:
        yield SimpleNamespace(url=live.url, people=live.seeded, app=live.app)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(
            f"no Chromium at {CHROMIUM}: install Debian's package (apt-get install chromium)"
        )
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser context (no cookies) per test."""
    context = browser.new_context()
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def checked_context(browser, **options):
    """A browser context in which axe-core can run (bypass_csp: the page's
    Content-Security-Policy would refuse its injected script)."""
    if not AXE.exists():
        pytest.skip(f"no axe-core at {AXE}: run `make browser-deps` (npm)")
    context = browser.new_context(bypass_csp=True, **options)
    context.set_default_timeout(10_000)
    return context


@pytest.fixture(params=SCREENS)
def screen(request, browser):
    """A page at laptop size and at phone size (the test runs once for each), ready for axe;
    `screen.size` says which ("laptop", "phone")."""
    context = checked_context(browser, **SCREENS[request.param])
    page = context.new_page()
    page.size = request.param
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    context = checked_context(browser, **SCREENS["phone"])
    yield context.new_page()
    context.close()


@pytest.fixture
def laptop(browser):
    context = checked_context(browser, **SCREENS["laptop"])
    yield context.new_page()
    context.close()


@pytest.fixture
def new_rep(request, live_server, screen):
    """A sales rep hired today, with their plan, for this test at this screen size: their
    e-mail, to log in with."""
    email = f"{request.node.originalname}.{screen.size}@example.com".replace("_", "-")
    return add_person(live_server, email, "Rita Rep", "sales_rep", plan=True)
