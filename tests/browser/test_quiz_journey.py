"""Fail → wait → pass: a learner fails a quiz twice, reads on the failed page which questions were
wrong and which lesson to read again (never the right answers), finds the quiz waiting
(QUIZ_RETRY_WAIT_MINUTES, 10) with its reason — a form left open in another tab is refused too —
and, once the wait is over, passes.

The live server runs on the real clock, so the wait is passed by moving the failed attempts ten
minutes and more into the past in its database, as if the learner had gone to read."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from lms.auth.models import User
from lms.courses.models import Course, Enrollment, QuizAttempt
from lms.courses.progress import current_questions
from lms.database import db
from lms.localisation import format_moment
from tests.browser.walk import answer_quiz, finish_lessons, log_in, quiz_answers

pytestmark = pytest.mark.browser
COURSE = "computer-basics"
WAIT = timedelta(minutes=10)


def in_app(live_server, read):
    with live_server.app.app_context():
        return read()


def right_texts(live_server) -> list[str]:
    """The right answers of every question in the pool."""

    def read():
        course = db.session.scalar(select(Course).where(Course.slug == COURSE))
        return [c.text for q in current_questions(course) for c in q.choices if c.correct]

    return in_app(live_server, read)


def attempts_of(email: str):
    return select(QuizAttempt).join(Enrollment).join(User).where(User.email == email)


def latest_failure_at(live_server, email: str):
    return in_app(
        live_server, lambda: max(a.submitted_at for a in db.session.scalars(attempts_of(email)))
    )


def let_the_wait_pass(live_server, email: str) -> None:
    """Move every attempt the wait back, as if the learner had spent it reading."""

    def move():
        for attempt in db.session.scalars(attempts_of(email)):
            attempt.started_at -= WAIT + timedelta(minutes=1)
            attempt.submitted_at -= WAIT + timedelta(minutes=1)
        db.session.commit()

    in_app(live_server, move)


def expect_failed_without_key(page, live_server) -> None:
    """The failed attempt's page: wrong questions, each with a lesson to read again, no key."""
    expect(page.get_by_role("heading", level=1)).to_contain_text("Not passed yet")
    expect(page.locator(".question.wrong").first).to_be_visible()
    html = page.content()
    assert "Correct answer: " not in html
    assert not [text for text in right_texts(live_server) if text in html]
    links = page.locator(".question.wrong .read-again a")
    expect(links).to_have_count(page.locator(".question.wrong").count())
    assert links.first.get_attribute("href").startswith(f"/courses/{COURSE}/lessons/")


def test_a_learner_fails_twice_waits_and_then_passes(page, live_server):
    nina, url = live_server.people["nina"], live_server.url
    log_in(page, url, nina.email)
    finish_lessons(page, url, COURSE)

    answer_quiz(page, quiz_answers(live_server, COURSE, right=False))
    expect_failed_without_key(page, live_server)
    link = page.locator(".read-again a").first
    title = link.inner_text()
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)

    page.goto(f"{url}/courses/{COURSE}/quiz")
    other_tab = page.context.new_page()  # the same attempt, left open in another tab
    other_tab.goto(f"{url}/courses/{COURSE}/quiz")
    answer_quiz(page, quiz_answers(live_server, COURSE, right=False))
    expect_failed_without_key(page, live_server)

    page.goto(f"{url}/courses/{COURSE}/quiz")
    opens_at = latest_failure_at(live_server, nina.email) + WAIT
    wait = page.locator("#quiz-wait")
    expect(wait).to_contain_text("After two attempts that did not pass, the quiz opens again at")
    expect(wait).to_contain_text(format_moment(opens_at, locale="en", zone="UTC"))
    expect(wait).to_contain_text("time to read the lessons again")
    expect(page.get_by_role("button", name="Submit answers")).to_have_count(0)

    answer_quiz(
        other_tab, quiz_answers(live_server, COURSE, right=True)
    )  # submitted during the wait
    expect(other_tab.locator(".flash-error").first).to_contain_text("the quiz opens again at")
    expect(other_tab.locator("table.attempts tbody tr")).to_have_count(2)
    other_tab.close()

    let_the_wait_pass(live_server, nina.email)
    page.reload()
    expect(page.locator("#quiz-wait")).to_have_count(0)
    answer_quiz(page, quiz_answers(live_server, COURSE, right=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Passed: 100%")
    expect(page.get_by_text("The course is complete")).to_be_visible()
    page.goto(f"{url}/courses/{COURSE}/quiz")
    expect(page.get_by_text("You have passed this quiz.")).to_be_visible()
