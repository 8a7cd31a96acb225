"""Package courses, end to end (issue 19): an admin uploads Uptake's own SCORM 1.2 sample and
cmi5 sample on /admin/packages, each required for sales reps; the rep sees both on My plan,
plays the SCORM course in its player (leaving Check half done and coming back to it where
they left off) and launches each cmi5 AU at its own address, which returns to the course;
both courses complete, My plan says so, and the LRS holds the statements and the points.
In a real Chromium, CSRF on, the pages' Content-Security-Policy in force."""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from lms.auth.models import User
from lms.courses.packages.models import CoursePackage, PackageUnit
from lms.database import db
from lms.gamification.points.ledger import total_points
from lms.xapi.models import Statement
from tests.browser.walk import assert_fits_and_meets_wcag, log_in, person
from tests.conftest import load_reference_data
from tests.live import live_uptake
from tests.packages.fixtures.builders import sample_zip

pytestmark = pytest.mark.browser
ADMIN = "ada.admin@example.com"
REP = "rob.rep@example.com"
SCORM = "scorm-sample"
CMI5 = "fire-safety-cmi5"
SCORM_TITLE = "Uptake SCORM 1.2 sample"  # the packages' own titles
CMI5_TITLE = "Fire safety basics (cmi5 sample)"


def seed():
    """Reference data, an admin, and a sales rep hired today (no package course exists yet:
    the upload puts them in the rep's curriculum)."""
    load_reference_data()
    db.session.add(person(ADMIN, "Ada Admin", "sales_rep", roles={"admin"}))
    db.session.add(person(REP, "Rob Rep", "sales_rep"))
    db.session.flush()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A live Uptake whose BASE_URL is its own address (a cmi5 launch URL and the AU's
    returnURL are absolute) and whose packages go to a folder of its own."""
    packages = tmp_path_factory.mktemp("packages")
    with live_uptake(
        tmp_path_factory.mktemp("live"), seed=seed, WTF_CSRF_ENABLED=True, PACKAGE_DIR=packages
    ) as live:
        live.app.config["BASE_URL"] = live.url
        yield SimpleNamespace(url=live.url, app=live.app)


def sample_file(name: str, folder: Path) -> Path:
    """A sample package (lms/demo/packages) zipped, as a file to upload."""
    target = folder / f"{name}.zip"
    target.write_bytes(sample_zip(name))
    return target


def upload(page, url: str, package: Path, slug: str, due_days: int) -> None:
    """Upload a package on /admin/packages, offered to and required for sales reps."""
    page.goto(url + "/admin/packages")
    page.get_by_label("Package", exact=True).set_input_files(str(package))
    page.get_by_label("Slug", exact=True).fill(slug)
    page.get_by_label("Kind").select_option("computer_literacy")
    page.get_by_label("Minutes it takes").fill("15")
    page.get_by_label("Sales representative", exact=True).check()
    page.get_by_label("Required for Sales representative").check()
    page.get_by_label("Due days for Sales representative").fill(str(due_days))
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.locator(".flash").first).to_contain_text("is imported as a course")


def test_admin_uploads_scorm_and_cmi5_and_a_rep_completes_both(laptop, page, server, tmp_path):
    """`laptop` is the admin's (axe-core may run there); `page` the rep's, in which the
    pages' own Content-Security-Policy holds."""
    scorm_zip = sample_file("scorm12-sample", tmp_path)
    cmi5_zip = sample_file("cmi5-sample", tmp_path)

    log_in(laptop, server.url, ADMIN)
    upload(laptop, server.url, scorm_zip, SCORM, due_days=14)
    upload(laptop, server.url, cmi5_zip, CMI5, due_days=30)
    laptop.goto(server.url + "/admin/packages")
    rows = laptop.locator("#package-courses tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text=CMI5_TITLE)).to_contain_text("cmi5")
    expect(rows.filter(has_text=CMI5_TITLE)).to_contain_text("Sales representative (30")
    expect(rows.filter(has_text=SCORM)).to_contain_text("SCORM 1.2")
    expect(rows.filter(has_text=SCORM)).to_contain_text("Sales representative (14")
    assert_fits_and_meets_wcag(laptop)

    points_before = points_of(server, REP)
    log_in(page, server.url, REP)
    expect(plan_row(page, SCORM_TITLE)).to_contain_text("not started")
    expect(plan_row(page, CMI5_TITLE)).to_contain_text("not started")

    # SCORM 1.2: Welcome finished; Check saved half done, resumed, passed with 90.
    plan_row(page, SCORM_TITLE).get_by_role("link").first.click()
    expect(page.get_by_text("0 of 2 parts done")).to_be_visible()
    page.get_by_role("button", name="Open Welcome").click()
    sco = page.frame_locator("iframe.sco-frame")
    sco.get_by_role("button", name="Finish").click()
    expect(sco.locator("#said")).to_have_text("Finished.")
    page.locator("#scorm-status").get_by_role("link", name="Back to your course").click()
    expect(page.get_by_text("1 of 2 parts done")).to_be_visible()

    page.get_by_role("button", name="Open Check").click()
    sco = page.frame_locator("iframe.sco-frame")
    sco.get_by_label("Score").fill("50")
    sco.get_by_role("button", name="Save and exit").click()
    expect(sco.locator("#said")).to_have_text("Saved: you can come back to it.")
    page.locator("#scorm-status").get_by_role("link", name="Back to your course").click()
    expect(page.get_by_text("1 of 2 parts done")).to_be_visible()

    page.get_by_role("button", name="Open Check").click()  # "Continue"
    sco = page.frame_locator("iframe.sco-frame")
    expect(sco.locator("#said")).to_have_text(
        "Welcome back. You were at check-question-1 (score=50)."
    )
    sco.get_by_label("Score").fill("90")
    sco.get_by_role("button", name="Submit").click()
    expect(sco.locator("#said")).to_have_text("Passed.")
    page.locator("#scorm-status").get_by_role("link", name="Back to your course").click()
    expect(page.get_by_text("2 of 2 parts done")).to_be_visible()
    expect(page.locator(".hint", has_text="parts done")).to_contain_text("completed")
    expect(page.locator("li", has_text="Check").locator(".status")).to_have_text("done")
    expect(page.locator("li", has_text="Check")).to_contain_text("score 90%")

    # cmi5: each AU is its own page, and its returnURL leads back to the course page.
    page.goto(server.url + f"/courses/{CMI5}")
    expect(page.get_by_text("0 of 2 parts done")).to_be_visible()
    page.get_by_role("button", name="Open Exits and alarms").click()
    expect(page).to_have_url(re.compile(r"/packages/[0-9a-f]{64}/index\.html\?unit=1&"))
    expect(page.locator("#status")).to_have_text("Ready (Normal).")
    page.get_by_role("button", name="Complete").click()
    expect(page).to_have_url(f"{server.url}/courses/{CMI5}")
    expect(page.get_by_text("1 of 2 parts done")).to_be_visible()

    page.get_by_role("button", name="Open Fire safety check").click()
    expect(page.locator("#status")).to_have_text("Ready (Normal).")
    page.get_by_label("Score (0 to 100)").fill("90")
    page.get_by_role("button", name="Pass with score").click()
    expect(page).to_have_url(f"{server.url}/courses/{CMI5}")
    expect(page.get_by_text("2 of 2 parts done")).to_be_visible()
    expect(page.locator(".hint", has_text="parts done")).to_contain_text("completed")

    page.get_by_role("link", name="My plan").click()
    expect(page.locator("#points-total")).to_have_text("100")  # two courses completed: 50 each
    for title in (SCORM_TITLE, CMI5_TITLE):
        expect(plan_row(page, title).locator(".status")).to_have_text("done")

    assert statements_of(server, REP) == [
        (SCORM, "initialized", "Welcome"),
        (SCORM, "completed", "Welcome"),
        (SCORM, "terminated", "Welcome"),
        (SCORM, "initialized", "Check"),
        (SCORM, "suspended", "Check"),  # Save and exit
        (SCORM, "resumed", "Check"),
        (SCORM, "completed", "Check"),
        (SCORM, "passed", "Check"),
        (SCORM, "completed", "the course"),  # Uptake's own, which earns the points
        (SCORM, "terminated", "Check"),
        (CMI5, "launched", "Exits and alarms"),
        (CMI5, "initialized", "Exits and alarms"),
        (CMI5, "completed", "Exits and alarms"),
        (CMI5, "terminated", "Exits and alarms"),
        (CMI5, "launched", "Fire safety check"),
        (CMI5, "initialized", "Fire safety check"),
        (CMI5, "passed", "Fire safety check"),
        (CMI5, "satisfied", "the block"),
        (CMI5, "satisfied", "the package"),
        (CMI5, "completed", "the course"),
        (CMI5, "terminated", "Fire safety check"),
    ]
    assert points_of(server, REP) - points_before == 100


def plan_row(page, title: str):
    """The course's row on My plan."""
    return page.locator("table.table tbody tr", has_text=title)


def points_of(server, email: str) -> int:
    """The person's points, as the ledger sums them."""
    with server.app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        points = total_points(user.id)
        db.session.remove()
    return points


def statements_of(server, email: str) -> list[tuple[str, str, str]]:
    """The learner's statements in the LRS, in the order stored: (course slug, the verb's
    last word, what it is about: a unit's title, the block, the package, or the course)."""
    with server.app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        names = {}
        for package in db.session.scalars(select(CoursePackage)):
            slug = package.course.slug
            names[package.activity_id] = (slug, "the package")
            names[f"{server.url}/xapi/activities/courses/{slug}"] = (slug, "the course")
            for unit in db.session.scalars(
                select(PackageUnit).where(PackageUnit.package_id == package.id)
            ):
                names[unit.activity_id] = (slug, unit.title)
        found = []
        for row in db.session.scalars(
            select(Statement).where(Statement.user_id == user.id).order_by(Statement.id)
        ):
            package_id, _, block = row.activity_id.partition("/blocks/")
            slug, what = (
                names[row.activity_id] if not block else (names[package_id][0], "the block")
            )
            found.append((slug, row.verb_id.rsplit("/", 1)[-1], what))
        db.session.remove()
    return found
