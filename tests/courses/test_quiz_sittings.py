"""A quiz laid out per attempt: questions drawn from the pool, choices shuffled (unless
content pins their order), the same on every reload until submitted, and recorded with the
attempt and in its statements — so no answer sits in one place for everyone, and an auditor
replays what the learner saw."""

import json
import random
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.courses import progress
from lms.courses import rules as r
from lms.courses.models import QuizSitting
from lms.database import db
from lms.errors import DomainError
from lms.xapi import vocabulary as v
from lms.xapi.models import Statement
from tests.conftest import T0
from tests.courses.conftest import answers_for, lessons_of

POOL = [r.PoolQuestion(f"q{n}", ("a", "b", "c", "d"), fixed_order=n == 3) for n in range(8)]


def test_every_question_in_the_quiz_s_order_when_nothing_is_drawn():
    shown = r.lay_out_sitting(POOL, None, random.Random(1))
    assert [item["question"] for item in shown] == [q.key for q in POOL]
    assert all(sorted(item["choices"]) == ["a", "b", "c", "d"] for item in shown)


def test_a_draw_takes_that_many_distinct_questions_kept_in_the_quiz_s_order():
    shown = r.lay_out_sitting(POOL, 5, random.Random(2))
    keys = [item["question"] for item in shown]
    assert len(keys) == len(set(keys)) == 5
    assert keys == sorted(keys, key=lambda key: int(key[1:]))
    draws = {
        tuple(i["question"] for i in r.lay_out_sitting(POOL, 5, random.Random(s)))
        for s in range(20)
    }
    assert len(draws) > 10  # different people, different questions


def test_choices_are_shuffled_except_where_content_pins_them():
    layouts = [r.lay_out_sitting(POOL, None, random.Random(seed)) for seed in range(30)]
    firsts = {layout[0]["choices"][0] for layout in layouts}
    assert firsts == {"a", "b", "c", "d"}  # the first choice is not always the first in the file
    assert all(layout[3]["choices"] == ["a", "b", "c", "d"] for layout in layouts)


@pytest.fixture
def on_course(make_user, course, enrollment_of):
    person = make_user()
    quiz_course = course("computer-basics")
    enrollment = progress.enroll_self(person, quiz_course, now=T0)
    for lesson in lessons_of(quiz_course, person):
        progress.complete_lesson(enrollment, lesson, now=T0)
    return enrollment


def test_a_sitting_stays_as_laid_out_until_it_is_submitted(on_course):
    first = progress.open_sitting(on_course, now=T0, rng=random.Random(1))
    again = progress.open_sitting(on_course, now=T0 + timedelta(minutes=5), rng=random.Random(2))
    assert again is first and again.shown == first.shown and again.started_at == T0


def test_the_attempt_records_what_it_showed_and_when_it_began(on_course):
    sitting = progress.open_sitting(on_course, now=T0, rng=random.Random(3))
    shown = list(sitting.shown)
    attempt = progress.submit_quiz(
        on_course, answers_for(on_course.course, right=False), now=T0 + timedelta(minutes=4)
    )
    assert (attempt.shown, attempt.started_at) == (shown, T0)
    assert db.session.scalar(select(QuizSitting)) is None  # moved onto the attempt
    assert [q.key for q, _ in attempt.as_shown()] == [item["question"] for item in shown]


def test_only_the_drawn_questions_are_asked_and_scored(on_course):
    course = on_course.course
    course.quiz_draw = 5
    sitting = progress.open_sitting(on_course, now=T0, rng=random.Random(4))
    drawn = [item["question"] for item in sitting.shown]
    assert len(drawn) == 5 < len(progress.current_questions(course))
    right = answers_for(course, right=True)
    with pytest.raises(DomainError, match="Please answer question 3"):
        progress.submit_quiz(on_course, {k: v for k, v in right.items() if k != drawn[2]}, now=T0)
    attempt = progress.submit_quiz(on_course, right, now=T0)
    assert sorted(attempt.answers) == sorted(drawn) and attempt.score == 1.0


def test_the_answer_statements_carry_the_choices_as_shown(on_course):
    sitting = progress.open_sitting(on_course, now=T0, rng=random.Random(5))
    shown = {item["question"]: item["choices"] for item in sitting.shown}
    progress.submit_quiz(on_course, answers_for(on_course.course, right=True), now=T0)
    answered = [
        json.loads(row)
        for row in db.session.scalars(
            select(Statement.document).where(Statement.verb_id == v.VERB_ANSWERED)
        )
    ]
    assert answered
    for document in answered:
        key = document["object"]["id"].rsplit("/", 1)[1]
        choices = [c["id"] for c in document["object"]["definition"]["choices"]]
        assert choices == shown[key]


def test_the_outcome_statement_says_how_long_the_attempt_took(on_course):
    progress.open_sitting(on_course, now=T0, rng=random.Random(6))
    progress.submit_quiz(
        on_course, answers_for(on_course.course, right=True), now=T0 + timedelta(minutes=4)
    )
    [passed] = [
        json.loads(row)
        for row in db.session.scalars(
            select(Statement.document).where(Statement.verb_id == v.VERB_PASSED)
        )
    ]
    assert passed["result"]["duration"] == "PT04M00S"  # four minutes, as tincan writes it
