"""A scripted cheater, as a new hire tried it: answer anything at once, read the failed
attempt's page for the answer key, retry at once with what it gave away. The page gives no
key to copy, the next attempt is laid out afresh, and after two attempts the quiz waits."""

import random
import re
from html import unescape

from lms.clock import utcnow
from lms.courses import progress
from lms.database import db
from tests.courses.conftest import lessons_of

QUIZ = "/courses/computer-basics/quiz"


def first_choices(html: str) -> dict[str, list[str]]:
    """What a script posts without reading: the first choice of every question shown."""
    found: dict[str, list[str]] = {}
    for name, value in re.findall(r'name="(q-[^"]+)" value="([^"]+)"', html):
        found.setdefault(name, [value])
    return found


def test_a_cheater_finds_nothing_to_copy_and_must_wait(
    make_user, course, client, login, monkeypatch
):
    layouts = random.Random(7)  # the same run every time (the app draws from SystemRandom)
    monkeypatch.setattr(progress.random, "SystemRandom", lambda: layouts)
    person = make_user()
    enrollment = progress.enroll_self(person, course("computer-basics"), now=utcnow())
    for lesson in lessons_of(enrollment.course, person):
        progress.complete_lesson(enrollment, lesson, now=utcnow())
    db.session.commit()
    login(person)
    first_page = client.get(QUIZ).get_data(as_text=True)
    attempt_page = unescape(
        client.post(QUIZ, data=first_choices(first_page), follow_redirects=True).get_data(
            as_text=True
        )
    )
    assert "Not passed yet" in attempt_page  # guessing does not pass (this run's layout)
    db.session.expire_all()
    [attempt] = enrollment.attempts
    not_chosen_right = [
        c.text
        for q, choices in attempt.as_shown()
        for c in choices
        if c.correct and c.key not in attempt.answers[q.key]
    ]
    assert "Correct answer: " not in attempt_page
    assert not [text for text in not_chosen_right if text in attempt_page]  # no key to copy
    second_page = client.get(QUIZ).get_data(as_text=True)
    assert first_choices(second_page) != first_choices(first_page)  # laid out afresh
    client.post(QUIZ, data=first_choices(second_page))
    db.session.expire_all()
    assert not progress.has_passed(enrollment)
    third_page = unescape(client.get(QUIZ).get_data(as_text=True))
    assert "the quiz opens again at" in third_page and "Submit answers" not in third_page
