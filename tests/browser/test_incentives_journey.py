"""Points, a badge and a reward, end to end: a new hire finishes the orientation course
(every lesson, the quiz passed) and sees points and the "First steps" badge on My plan; HR
opens this week's points board, grants the winner a reward (early: the week runs, and the
confirmation page asks for "grant early"); the new hire sees it on My plan
and can download the baked badge."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_course_journey import COURSE
from tests.browser.walk import (
    add_person,
    answer_quiz,
    finish_lessons,
    log_in,
    log_out,
    quiz_answers,
)

pytestmark = pytest.mark.browser
PRIZE = "Coffee voucher"


@pytest.fixture(scope="module")
def hr(live_server):
    """An HR person on the live server's database."""
    return add_person(live_server, "hana.hr@example.com", "Hana HR", "hr_partner", {"hr"})


def finish_orientation(page, live_server) -> None:
    finish_lessons(page, live_server.url, COURSE)
    answer_quiz(page, quiz_answers(live_server, COURSE, right=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Passed: 100%")


def test_points_badge_and_reward(page, live_server, hr):
    ann = live_server.people["ann"]
    log_in(page, live_server.url, ann.email)
    expect(page.locator("#points-total")).to_have_text("0")
    finish_orientation(page, live_server)

    page.get_by_role("link", name="My plan").click()
    expect(page.locator("#points-total")).not_to_have_text("0")
    expect(page.locator("#my-badges")).to_contain_text("First steps")
    page.locator("#my-badges").get_by_role("link", name="First steps").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download baked badge").click()
    assert download.value.suggested_filename.endswith(".png")

    log_out(page)
    log_in(page, live_server.url, hr)
    page.get_by_role("link", name="Incentives").click()
    page.get_by_role("link", name="Points this week").click()
    expect(page.locator("main")).to_contain_text(f"Winner: {ann.name}")
    page.get_by_label("Prize").fill(PRIZE)
    page.get_by_role("button", name=f"Grant reward to {ann.name}").click()
    page.get_by_label("Grant early").check()  # this week is still running
    page.get_by_role("button", name="Confirm: grant the reward").click()
    expect(page.locator("main")).to_contain_text(f"Granted to {ann.name}: {PRIZE}")

    log_out(page)
    log_in(page, live_server.url, ann.email)
    expect(page.locator("#my-rewards")).to_contain_text(PRIZE)
