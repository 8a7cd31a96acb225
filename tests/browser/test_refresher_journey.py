"""A rep on a refresher, on a laptop and on a phone: they fail the "Handle leads" quiz once;
before the next attempt the quiz warns that another miss adds the refresher, naming it; the
second miss adds it (the result page says so, with why), and My plan's next-step card then
names the refresher and why it was assigned. No page on the way scrolls sideways or breaks
WCAG 2.1 A/AA."""

import pytest
from playwright.sync_api import expect

from tests.browser.walk import (
    answer_quiz,
    assert_fits_and_meets_wcag,
    finish_lessons,
    go_to,
    log_in,
    quiz_answers,
)

pytestmark = pytest.mark.browser
COURSE = "crm-handle-leads"
REFRESHER = "Refresher: qualifying leads"
WHY = "Assigned after 2 attempts at the “Handle leads in the CRM” quiz did not reach the pass mark."


def test_a_rep_is_warned_then_finds_the_refresher_next(screen, live_server, new_rep):
    page, url = screen, live_server.url
    log_in(page, url, new_rep)
    finish_lessons(page, url, COURSE)
    expect(page.locator("#refresher-warning")).to_have_count(0)  # one miss assigns nothing
    answer_quiz(page, quiz_answers(live_server, COURSE, right=False))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Not passed yet")
    assert_fits_and_meets_wcag(page)

    page.goto(f"{url}/courses/{COURSE}/quiz")
    warning = page.locator("#refresher-warning")
    expect(warning).to_contain_text("this is attempt 2")
    expect(warning).to_contain_text(f"a refresher course, “{REFRESHER}”, is added to your plan")
    assert_fits_and_meets_wcag(page)

    answer_quiz(page, quiz_answers(live_server, COURSE, right=False))
    expect(page.locator("main")).to_contain_text(f"A refresher course, {REFRESHER}, has been added")
    assert_fits_and_meets_wcag(page)

    go_to(page, "My plan")
    next_step = page.locator("#next-step")
    expect(next_step).to_contain_text(f"Start “{REFRESHER}”")
    expect(next_step).to_contain_text(WHY)
    expect(next_step.get_by_role("link", name="Start the course")).to_be_in_viewport()
    assert_fits_and_meets_wcag(page)
