"""Fixtures of the package tests: the packages' files in a folder of each test's own, and a
learner logged in."""

from datetime import datetime

import pytest

from lms.courses.packages import importing
from tests.packages.fixtures.builders import au, block, cmi5, zipped

IMPORTED = datetime(2026, 12, 6, 9, 0)
PASSED_AT_80 = 'masteryScore="0.8" moveOn="Passed"'


@pytest.fixture(autouse=True)
def package_dir(app, tmp_path):
    saved = app.config["PACKAGE_DIR"]
    app.config["PACKAGE_DIR"] = tmp_path / "packages"
    yield app.config["PACKAGE_DIR"]
    app.config["PACKAGE_DIR"] = saved


@pytest.fixture
def learner(make_user, login):
    """A learner, logged in."""
    person = make_user(name="Lena Learner")
    login(person)
    return person


@pytest.fixture
def package_course(app):
    """A cmi5 course of one block: an AU completed to move on, and one passed at 0.8."""
    structure = cmi5(
        block(
            "https://example.com/block/1",
            au("https://example.com/au/intro", "intro.html", attrs='moveOn="Completed"'),
            au(
                "https://example.com/au/check",
                "check.html?lang=en",
                attrs='masteryScore="0.8" moveOn="Passed"',
            ),
        )
    )
    data = zipped({"cmi5.xml": structure, "intro.html": "<p>Hi</p>", "check.html": "<p>Q</p>"})
    opened = importing.read_upload(data, "fire.zip")
    details = importing.CourseDetails(
        slug="fire-safety", kind="computer_literacy", minutes=15, for_all_roles=True
    )
    return importing.import_package(
        opened, details, origin="upload", actor=None, now=datetime(2026, 12, 6, 9, 0)
    )
