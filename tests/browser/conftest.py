"""A live Uptake on its own fresh database, and a headless Chromium to drive it.

The server runs in a thread with CSRF on, as in production; it cannot share the per-test
rolled-back transaction of the other tests, so browser tests (marked `browser`) get a
database of their own, seeded once per module.
"""

import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from werkzeug.serving import make_server

from lms import create_app
from lms.auth.models import User
from lms.auth.services import get_job_role, get_or_create_division
from lms.clock import today, utcnow
from lms.courses.enrolment import assign_curricula
from lms.database import db
from tests.conftest import FAST_HASH, PASSWORD, load_reference_data, test_settings
from tests.databases import fresh_database

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PEOPLE = {
    "ann": ("ann.lee@example.com", "Ann Lee", "sales_rep"),
    "nina": ("nina.new@example.com", "Nina New", "sales_rep"),
}


def seed_people() -> dict[str, SimpleNamespace]:
    """People who can log in with PASSWORD, as plain values the tests can use."""
    people, users = {}, []
    for key, (email, name, job_role) in PEOPLE.items():
        user = User(
            email=email,
            name=name,
            job_role=get_job_role(job_role),
            division=get_or_create_division("North"),
            hire_date=today(),
            password_hash=FAST_HASH,
        )
        user.set_roles({"learner"})
        db.session.add(user)
        users.append(user)
        people[key] = SimpleNamespace(email=email, name=name, password=PASSWORD)
    db.session.flush()
    assign_curricula(users, now=utcnow())
    return people


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """Yields the base URL, the seeded people (with their curricula) and the app of a server
    on a fresh database."""
    with fresh_database(tmp_path_factory.mktemp("live")) as url:
        app = create_app(test_settings(url) | {"WTF_CSRF_ENABLED": True})
        with app.app_context():
            db.create_all()
            load_reference_data()
            people = seed_people()
            db.session.commit()
            db.session.remove()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield SimpleNamespace(
                url=f"http://127.0.0.1:{server.server_port}", people=people, app=app
            )
        finally:
            server.shutdown()
            thread.join(timeout=10)
            server.server_close()
            with app.app_context():
                db.engine.dispose()


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
