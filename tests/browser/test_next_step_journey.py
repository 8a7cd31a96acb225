"""A new hire follows the next step: My plan's card → the first lesson → every lesson →
the card says take the quiz → a pass, celebrated with the points it earned (and kept still
when the browser asks for reduced motion) → the next course, by the link on the result page."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.walk import answer_quiz, log_in, quiz_answers

pytestmark = pytest.mark.browser
COURSE = "new-hire-orientation"
TITLE = "Welcome to the CRM at Northwind Components"
BASICS = "Computer basics for working in the CRM"


def test_a_new_hire_follows_the_next_step(page, live_server):
    nina, url = live_server.people["nina"], live_server.url
    log_in(page, url, nina.email)

    next_step = page.locator("#next-step")
    expect(next_step).to_contain_text("Your next step")
    expect(next_step).to_contain_text(f"Start “{TITLE}”")
    expect(page.locator("#plan-progress")).to_contain_text("0 of 10 courses done")
    next_step.get_by_role("link", name="Start the course").click()
    expect(page).to_have_url(f"{url}/courses/{COURSE}/lessons/why-we-use-the-crm")

    page.get_by_role("button", name="Mark done and continue").click()  # one lesson, then back
    page.get_by_role("link", name="My plan").click()
    expect(next_step).to_contain_text(f"Continue “{TITLE}”")
    next_step.get_by_role("link", name="Continue:").click()
    while page.get_by_role("button", name="Mark done and continue").count():
        page.get_by_role("button", name="Mark done and continue").click()
    page.get_by_role("button", name="Mark done and go to the quiz").click()

    page.get_by_role("link", name="My plan").click()
    expect(next_step).to_contain_text(f"Take the quiz of “{TITLE}”")
    next_step.get_by_role("link", name="Take the quiz").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quiz")

    answer_quiz(page, quiz_answers(live_server, COURSE, right=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Passed: 100%")
    celebration = page.locator("#celebration")
    expect(celebration).to_contain_text("Course complete!")
    expect(celebration.locator(".earned-points")).to_contain_text("points for this attempt")
    expect(celebration).to_contain_text("Badge earned: First steps")

    animation = "getComputedStyle(document.querySelector('#celebration')).animationName"
    assert page.evaluate(animation) == "celebration-pop"
    page.emulate_media(reduced_motion="reduce")  # the celebration keeps still
    assert page.evaluate(animation) == "none"

    celebration.get_by_role("link", name="Next course:").click()
    expect(page).to_have_url(re.compile(rf"{url}/courses/computer-basics/lessons/[^/]+$"))
    expect(page.locator(".kind a")).to_have_text(BASICS)
