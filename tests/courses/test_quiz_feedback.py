"""Feedback that teaches without handing out the key: a failed attempt's page says which
questions were wrong and why the choice made was wrong, not which choice is right — until
the quiz is passed or three attempts have not passed. After two attempts that did not pass,
the quiz waits ten minutes before the next, on the page and against a direct POST."""

from datetime import timedelta
from html import unescape

import pytest

from lms.clock import utcnow
from lms.courses import progress
from lms.courses import rules as r
from lms.database import db
from tests.courses.conftest import answers_for, lessons_of

WAIT = timedelta(minutes=10)


def test_the_full_review_comes_with_the_pass_or_after_three_attempts():
    assert [r.full_review(False, n, 3) for n in range(4)] == [False, False, False, True]
    assert r.full_review(True, 1, 3)


def test_the_wait_begins_after_the_second_attempt_that_did_not_pass():
    t = utcnow()
    assert r.next_attempt_at([t], WAIT) is None
    assert r.next_attempt_at([t, t + timedelta(minutes=3)], WAIT) == t + timedelta(minutes=13)
    assert r.next_attempt_at([t, t], timedelta(0)) is None


@pytest.fixture
def ready(make_user, course, login):
    person = make_user()
    quiz_course = course("computer-basics")
    enrollment = progress.enroll_self(person, quiz_course, now=utcnow())
    for lesson in lessons_of(quiz_course, person):
        progress.complete_lesson(enrollment, lesson, now=utcnow())
    db.session.commit()
    login(person)
    return enrollment


def page(client, url: str) -> str:
    return unescape(client.get(url).get_data(as_text=True))


def fail(enrollment, *, at):
    attempt = progress.submit_quiz(enrollment, answers_for(enrollment.course, right=False), now=at)
    db.session.commit()
    return attempt


def right_texts(attempt) -> list[str]:
    """The right answers of the questions the attempt showed."""
    return [c.text for _, choices in attempt.as_shown() for c in choices if c.correct]


def test_a_failed_attempt_shows_no_right_answer(ready, client):
    attempt = fail(ready, at=utcnow())
    html = page(client, f"/courses/computer-basics/quiz/attempts/{attempt.number}")
    assert "You chose: " in html and "Correct answer: " not in html
    assert not [text for text in right_texts(attempt) if text in html]
    chosen = [
        c
        for q in progress.current_questions(ready.course)
        for c in q.choices
        if c.key in attempt.answers.get(q.key, [])
    ]
    assert chosen and all(choice.explanation in html for choice in chosen)  # why it is wrong
    assert "wrong" in html


def test_the_right_answers_show_after_three_attempts_that_did_not_pass(ready, client):
    start = utcnow() - timedelta(hours=2)
    for n in range(3):
        attempt = fail(ready, at=start + timedelta(minutes=30 * n))
    html = page(client, f"/courses/computer-basics/quiz/attempts/{attempt.number}")
    assert "Correct answer: " in html and all(t in html for t in right_texts(attempt))


def test_the_right_answers_show_once_passed(ready, client):
    failed = fail(ready, at=utcnow() - timedelta(minutes=5))
    passed = progress.submit_quiz(ready, answers_for(ready.course, right=True), now=utcnow())
    db.session.commit()
    first = page(client, "/courses/computer-basics/quiz/attempts/1")
    assert all(text in first for text in right_texts(failed))
    assert passed.passed


def test_after_two_failures_the_quiz_waits_even_for_a_direct_post(ready, client):
    now = utcnow()
    fail(ready, at=now - timedelta(minutes=2))
    fail(ready, at=now - timedelta(minutes=1))
    quiz = page(client, "/courses/computer-basics/quiz")
    assert 'id="quiz-wait"' in quiz and "time to read the lessons again" in quiz
    assert "Submit answers" not in quiz
    answers = answers_for(ready.course, right=True)
    form = {f"q-{key}": keys for key, keys in answers.items()}
    html = client.post("/courses/computer-basics/quiz", data=form, follow_redirects=True).get_data(
        as_text=True
    )
    assert "After two attempts that did not pass, the quiz opens again at" in html
    assert len(ready.attempts) == 2
    attempt = progress.submit_quiz(ready, answers, now=now + WAIT)  # once the wait is over
    assert attempt.passed
