"""A new hire's first course: My plan → the course → every lesson → the quiz (fail once,
then pass) → the course shows as done on My plan."""

import pytest
from playwright.sync_api import expect

from tests.browser.walk import answer_quiz, quiz_answers

pytestmark = pytest.mark.browser
COURSE = "new-hire-orientation"


def test_a_new_hire_takes_their_first_course(page, live_server):
    nina = live_server.people["nina"]
    page.goto(live_server.url + "/login")
    page.get_by_label("E-mail").fill(nina.email)
    page.get_by_label("Password", exact=True).fill(nina.password)
    page.get_by_role("button", name="Log in", exact=True).click()

    expect(page.get_by_text("0% of required training done")).to_be_visible()
    first_row = page.locator("table.table tbody tr").first
    expect(first_row).to_contain_text("not started")
    first_row.get_by_role("link").click()

    page.get_by_role("button", name="Start course").click()
    lessons = 0
    while page.get_by_role("button", name="Mark done and continue").count():
        expect(page.locator(".lesson-body")).not_to_be_empty()
        page.get_by_role("button", name="Mark done and continue").click()
        lessons += 1
    page.get_by_role("button", name="Mark done and go to the quiz").click()
    assert lessons >= 3, "the orientation has several lessons for a sales rep"

    answer_quiz(page, quiz_answers(live_server, COURSE, right=False))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Not passed yet")
    expect(page.locator(".question.wrong").first).to_be_visible()
    page.get_by_role("link", name="try again").click()

    answer_quiz(page, quiz_answers(live_server, COURSE, right=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Passed: 100%")
    expect(page.get_by_text("The course is complete")).to_be_visible()

    page.get_by_role("link", name="My plan").click()
    done_row = page.locator("table.table tbody tr", has_text="Welcome to the CRM")
    expect(done_row.locator(".status")).to_have_text("done")
    expect(page.locator(".overview .big")).not_to_have_text("0% of required training done")
