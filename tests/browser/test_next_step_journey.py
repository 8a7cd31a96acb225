"""A new hire follows the next step, on a laptop and on a phone: My plan opens on the card (at
the top, its button on the first screen) → the first lesson → every lesson → the card says take
the quiz → a pass, celebrated with the points and the badge it earned (the first level is 100
points away), kept still when the browser asks for reduced motion → the notification of the
badge → the next course, by the link on the result page. No page on the way scrolls sideways
or breaks WCAG 2.1 A/AA."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.walk import (
    answer_quiz,
    assert_fits_and_meets_wcag,
    go_to,
    go_to_own,
    log_in,
    quiz_answers,
)

pytestmark = pytest.mark.browser
COURSE = "new-hire-orientation"
TITLE = "Welcome to the CRM at Northwind Components"
BASICS = "Computer basics for working in the CRM"
FIRST_CARD = "document.querySelector('main .card') === document.querySelector('#next-step')"


def test_a_new_hire_follows_the_next_step(screen, live_server, new_rep):
    page, url = screen, live_server.url
    log_in(page, url, new_rep)

    next_step = page.locator("#next-step")
    expect(next_step).to_contain_text("Your next step")
    expect(next_step).to_contain_text(f"Start “{TITLE}”")
    assert page.evaluate(FIRST_CARD)
    expect(next_step.get_by_role("link", name="Start the course")).to_be_in_viewport()
    expect(page.locator("#plan-progress")).to_contain_text("0 of 10 courses done")
    assert_fits_and_meets_wcag(page)
    next_step.get_by_role("link", name="Start the course").click()
    expect(page).to_have_url(f"{url}/courses/{COURSE}/lessons/why-we-use-the-crm")
    assert_fits_and_meets_wcag(page)

    page.get_by_role("button", name="Mark done and continue").click()  # one lesson, then back
    go_to(page, "My plan")
    expect(next_step).to_contain_text(f"Continue “{TITLE}”")
    next_step.get_by_role("link", name="Continue:").click()
    while page.get_by_role("button", name="Mark done and continue").count():
        page.get_by_role("button", name="Mark done and continue").click()
    page.get_by_role("button", name="Mark done and go to the quiz").click()

    go_to(page, "My plan")
    expect(next_step).to_contain_text(f"Take the quiz of “{TITLE}”")
    next_step.get_by_role("link", name="Take the quiz").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quiz")
    assert_fits_and_meets_wcag(page)

    answer_quiz(page, quiz_answers(live_server, COURSE, right=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Passed: 100%")
    celebration = page.locator("#celebration")
    expect(celebration).to_contain_text("Course complete!")
    expect(celebration.locator(".earned-points")).to_contain_text("points for this attempt")
    expect(celebration).to_contain_text("Badge earned: First steps")
    assert_fits_and_meets_wcag(page)

    animation = "getComputedStyle(document.querySelector('#celebration')).animationName"
    assert page.evaluate(animation) == "celebration-pop"
    page.emulate_media(reduced_motion="reduce")  # the celebration keeps still
    assert page.evaluate(animation) == "none"
    page.emulate_media(reduced_motion="no-preference")

    result = page.url
    go_to_own(page, "Notifications")
    expect(page.locator("#notifications")).to_contain_text("Badge earned: First steps")
    assert_fits_and_meets_wcag(page)

    page.goto(result)
    page.locator("#celebration").get_by_role("link", name="Next course:").click()
    expect(page).to_have_url(re.compile(rf"{url}/courses/computer-basics/lessons/[^/]+$"))
    expect(page.locator(".kind a")).to_have_text(BASICS)
    assert_fits_and_meets_wcag(page)
