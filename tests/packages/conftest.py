"""Fixtures of the package tests: the packages' files in a folder of each test's own, and a
learner logged in."""

import pytest
from flask import g

from tests.conftest import CACHED_PER_REQUEST


@pytest.fixture(autouse=True)
def package_dir(app, tmp_path):
    saved = app.config["PACKAGE_DIR"]
    app.config["PACKAGE_DIR"] = tmp_path / "packages"
    yield app.config["PACKAGE_DIR"]
    app.config["PACKAGE_DIR"] = saved


@pytest.fixture(autouse=True)
def forget_the_last_request(app):
    """The tests share one app context, so `g` outlives a test: a request that committed
    leaves its (expired, soon detached) user there for whatever the next test asks of
    `current_user`. The client forgets it as a request starts; this forgets it as a test ends."""
    yield
    for name in CACHED_PER_REQUEST:
        g.pop(name, None)


@pytest.fixture
def learner(make_user, login):
    """A learner, logged in."""
    person = make_user(name="Lena Learner")
    login(person)
    return person
