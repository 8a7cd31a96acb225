"""Fixtures: one database per test session, one rolled-back transaction per test, and
factories (`make_user`, ...) instead of shared global data."""

import itertools
import os
import shutil
import tempfile
import threading
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import pytest
from flask import g, request_started
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from lms import create_app
from lms.auth.models import User
from lms.auth.services import get_job_role, get_or_create_division
from lms.config import PROJECT_ROOT
from lms.courses.models import Course
from lms.database import db
from tests.databases import fresh_database

T0 = datetime(2026, 10, 5, 9, 0, 0)
PASSWORD = "correct horse battery"
# A cheap hash: the suite creates many people and never needs scrypt's slowness.
FAST_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


TEST_PACKAGE_DIR = Path(tempfile.gettempdir()) / f"uptake-test-packages-{os.getpid()}"


@pytest.fixture(scope="session", autouse=True)
def _remove_test_packages():
    yield
    shutil.rmtree(TEST_PACKAGE_DIR, ignore_errors=True)


def test_settings(database_url: str) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret",
        "BASE_URL": "http://lms.test",
        "BASE_URL_GIVEN": True,
        "CONTENT_DIR": PROJECT_ROOT / "content",
        "WTF_CSRF_ENABLED": False,
        # Imported packages' files: never the project's own instance folder.
        "PACKAGE_DIR": TEST_PACKAGE_DIR,
        # A test's data is in its own uncommitted transaction, which a second process would
        # not see: `lms crm sync` runs in one (tests/crm/test_pipeline.py tests two).
        "CRM_SYNC_PROCESSES": 1,
    }


test_settings.__test__ = False  # a helper, not a test


def load_reference_data() -> None:
    """What every test may rely on: the shipped content, loaded as `lms content sync` does."""
    from lms.courses.content.sync import sync_content

    sync_content(PROJECT_ROOT / "content", now=T0)


@contextmanager
def app_of_its_own(directory, seed=lambda: None, **settings):
    """An app on a database of its own, its tables made and `seed()` committed: for tests
    whose threads each take their own session and connection, and so see committed data
    only. The database is dropped afterwards."""
    with fresh_database(directory) as url:
        app = create_app(test_settings(url) | settings)
        with app.app_context():
            db.create_all()
            seed()
            db.session.commit()
            db.session.remove()
        try:
            yield app
        finally:
            with app.app_context():
                db.engine.dispose()


def run_at_once(work, count: int, *, timeout: float = 60) -> None:
    """`work(n, start)` for n in 0..count-1, each in a thread of its own; each waits on the
    `start` barrier when it is ready, so that they go at the same moment. Fails if a thread
    has not finished within `timeout` seconds or raised."""
    start, errors = threading.Barrier(count), []

    def guarded(n: int) -> None:
        try:
            work(n, start)
        except Exception as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread did not finish"
    assert errors == []


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    with fresh_database(tmp_path_factory.mktemp("db")) as url:
        app = create_app(test_settings(url))
        with app.app_context():
            db.create_all()
            load_reference_data()
            db.session.commit()
            yield app
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(autouse=True)
def db_session(request):
    """Each test runs inside a transaction that is rolled back at its end; the code under
    test may commit (to a savepoint) as it does in production."""
    # Pure tests need no database; browser tests serve their own (see tests/browser).
    if "app" not in request.fixturenames or request.node.get_closest_marker("browser"):
        yield None
        return
    app = request.getfixturevalue("app")
    engine = db.engines[None]
    connection = engine.connect()
    transaction = connection.begin()
    db.engines[None] = connection
    original_session = db.session
    db.session = db._make_scoped_session({"join_transaction_mode": "create_savepoint"})
    try:
        with app.test_request_context():
            yield db.session
    finally:
        db.session.remove()
        db.session = original_session
        db.engines[None] = engine
        transaction.rollback()
        connection.close()


@pytest.fixture(autouse=True)
def forget_the_last_request(request):
    """The tests share one app context, so `g` outlives a test: a request that committed
    leaves its (expired, soon detached) user there, and its language, for whatever the next
    test asks of `current_user` or gettext. The client forgets them as a request starts;
    this forgets them as a test ends."""
    yield
    if "app" in request.fixturenames:
        for name in CACHED_PER_REQUEST:
            g.pop(name, None)


# Cached in `g` for one request in production; the tests keep one app context open, which Flask
# reuses for every test-client request, so they are forgotten as each request starts.
CACHED_PER_REQUEST = ("_login_user", "csrf_token", "_flask_babel")


def _forget_request_cache(_sender, **_extra):
    for name in CACHED_PER_REQUEST:
        g.pop(name, None)


@pytest.fixture
def client(app):
    """A test client whose every request starts with a fresh `g`, as in production: a second
    client, or a person deactivated since their last request, is not served as whoever the
    previous request loaded."""
    request_started.connect(_forget_request_cache, app)
    yield app.test_client()
    request_started.disconnect(_forget_request_cache, app)


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_numbers = itertools.count(1)


@pytest.fixture
def make_user(app):
    def make(
        *,
        name: str | None = None,
        email: str | None = None,
        job_role: str = "sales_rep",
        division: str | None = "North",
        manager: User | None = None,
        hire_date: date = date(2026, 10, 1),
        roles=(),
        active: bool = True,
        password: bool = True,
    ) -> User:
        n = next(_numbers)
        user = User(
            email=email or f"person{n}@example.com",
            name=name or f"Person {n}",
            job_role=get_job_role(job_role),
            division=get_or_create_division(division),
            manager=manager,
            hire_date=hire_date,
            active=active,
            password_hash=FAST_HASH if password else None,
        )
        user.set_roles({"learner", *roles})
        db.session.add(user)
        db.session.flush()
        return user

    return make


@pytest.fixture
def course(app):
    """A course of the shipped content, by slug."""

    def find(slug: str) -> Course:
        return db.session.scalar(select(Course).where(Course.slug == slug))

    return find


@pytest.fixture
def login(client):
    """Log a person in through the real log-in form."""

    def log_in(user: User, password: str = PASSWORD):
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    return log_in


@pytest.fixture
def admin(make_user, login):
    """An administrator, logged in."""
    admin = make_user(name="Ada Admin", roles={"admin"})
    login(admin)
    return admin
