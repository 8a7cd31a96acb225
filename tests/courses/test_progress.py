"""Taking a course: lessons, the quiz, retries, completion and remedial routing."""

from datetime import timedelta

import pytest

from lms.courses import progress
from lms.courses.enrolment import assign_course
from lms.errors import DomainError
from tests.conftest import T0
from tests.courses.conftest import answers_for, lessons_of, shown_keys


@pytest.fixture
def learner(make_user):
    return make_user(job_role="sales_rep")


@pytest.fixture
def on_course(learner, course):
    def enrol(slug: str):
        return assign_course(learner, course(slug), now=T0, due_on=None)

    return enrol


def finish_lessons(enrollment, when=T0):
    for lesson in lessons_of(enrollment.course, enrollment.user):
        progress.complete_lesson(enrollment, lesson, now=when)


def test_opening_a_lesson_starts_the_course_once(on_course):
    enrollment = on_course("lead-to-order")
    first, second = lessons_of(enrollment.course, enrollment.user)[:2]
    progress.open_lesson(enrollment, first, now=T0)
    progress.open_lesson(enrollment, second, now=T0 + timedelta(hours=1))
    assert enrollment.started_at == T0
    assert progress.resume_lesson(enrollment) == second


def test_completing_a_lesson_twice_counts_once(on_course):
    enrollment = on_course("lead-to-order")
    lesson = lessons_of(enrollment.course, enrollment.user)[0]
    assert progress.complete_lesson(enrollment, lesson, now=T0)
    assert not progress.complete_lesson(enrollment, lesson, now=T0 + timedelta(minutes=5))
    assert progress.done_lesson_ids(enrollment) == {lesson.id}


def test_resume_goes_to_first_undone_lesson_when_last_one_is_gone(on_course):
    enrollment = on_course("lead-to-order")
    lessons = lessons_of(enrollment.course, enrollment.user)
    progress.complete_lesson(enrollment, lessons[0], now=T0)
    enrollment.last_lesson_id = None
    assert progress.resume_lesson(enrollment) == lessons[1]


def test_the_quiz_opens_only_after_every_lesson(on_course):
    enrollment = on_course("lead-to-order")
    with pytest.raises(progress.QuizNotReady):
        progress.submit_quiz(enrollment, answers_for(enrollment.course, right=True), now=T0)


def test_passing_the_quiz_after_the_lessons_completes_the_course(on_course):
    enrollment = on_course("lead-to-order")
    finish_lessons(enrollment)
    attempt = progress.submit_quiz(enrollment, answers_for(enrollment.course, right=True), now=T0)
    assert attempt.passed and attempt.score == 1.0
    assert enrollment.completed_at == T0


def test_failing_then_passing_keeps_every_attempt(on_course):
    enrollment = on_course("lead-to-order")
    finish_lessons(enrollment)
    failed = progress.submit_quiz(enrollment, answers_for(enrollment.course, right=False), now=T0)
    assert not failed.passed and failed.score == 0.0 and enrollment.completed_at is None
    passed = progress.submit_quiz(
        enrollment, answers_for(enrollment.course, right=True), now=T0 + timedelta(hours=1)
    )
    assert [a.number for a in enrollment.attempts] == [1, 2]
    assert passed.passed and enrollment.completed_at == T0 + timedelta(hours=1)


def test_no_more_attempts_once_passed(on_course):
    enrollment = on_course("lead-to-order")
    finish_lessons(enrollment)
    progress.submit_quiz(enrollment, answers_for(enrollment.course, right=True), now=T0)
    with pytest.raises(progress.QuizNotReady):
        progress.submit_quiz(enrollment, answers_for(enrollment.course, right=True), now=T0)


def test_every_question_must_be_answered(on_course):
    enrollment = on_course("lead-to-order")
    finish_lessons(enrollment)
    answers = answers_for(enrollment.course, right=True)
    answers.pop(shown_keys(enrollment)[0])
    with pytest.raises(DomainError, match="Please answer question 1"):
        progress.submit_quiz(enrollment, answers, now=T0)
    assert enrollment.attempts == []


def test_a_choice_the_question_does_not_offer_is_refused(on_course):
    enrollment = on_course("lead-to-order")
    finish_lessons(enrollment)
    answers = answers_for(enrollment.course, right=True)
    answers[shown_keys(enrollment)[0]] = ["no-such-choice"]
    with pytest.raises(DomainError, match="does not offer"):
        progress.submit_quiz(enrollment, answers, now=T0)


def test_multiple_choice_scores_only_the_exact_set(on_course):
    enrollment = on_course("lead-to-order")
    finish_lessons(enrollment)
    enrollment.course.quiz_draw = None  # every question asked: the rule is the scoring's
    questions = progress.current_questions(enrollment.course)
    multiple = next(q for q in questions if q.type == "multiple")
    answers = answers_for(enrollment.course, right=True)
    answers[multiple.key] = [c.key for c in multiple.choices]  # every choice: not right
    attempt = progress.submit_quiz(enrollment, answers, now=T0)
    assert attempt.score == pytest.approx((len(questions) - 1) / len(questions))


def test_two_failures_assign_the_remedial_course_once(on_course, enrollment_of):
    enrollment = on_course("lead-to-order")
    remedial_course = enrollment.course.remedial_course
    finish_lessons(enrollment)
    progress.submit_quiz(enrollment, answers_for(enrollment.course, right=False), now=T0)
    assert enrollment_of(enrollment.user, remedial_course) is None
    progress.submit_quiz(enrollment, answers_for(enrollment.course, right=False), now=T0)
    after_the_wait = T0 + timedelta(minutes=10)  # two attempts not passed: a pause
    progress.submit_quiz(
        enrollment, answers_for(enrollment.course, right=False), now=after_the_wait
    )
    remedial = enrollment_of(enrollment.user, remedial_course)
    assert remedial.source == "remedial" and remedial.required
    assert enrollment.course.title in remedial.reason and "2 attempts" in remedial.reason
    assert remedial.due_on == (T0 + timedelta(days=7)).date()


def test_a_role_tailored_lesson_is_not_part_of_another_roles_course(make_user, course):
    orientation = course("new-hire-orientation")
    rep, marketer = make_user(job_role="sales_rep"), make_user(job_role="marketing")
    rep_lessons = {lesson.slug for lesson in lessons_of(orientation, rep)}
    marketer_lessons = {lesson.slug for lesson in lessons_of(orientation, marketer)}
    assert rep_lessons != marketer_lessons
    assert rep_lessons & marketer_lessons, "the shared lessons appear for both"


def test_self_enrolment_is_limited_to_courses_for_the_role(make_user, course):
    marketer = make_user(job_role="marketing")
    with pytest.raises(DomainError):
        progress.enroll_self(marketer, course("crm-service-cases"), now=T0)
    optional = progress.enroll_self(marketer, course("computer-basics"), now=T0)
    assert progress.enroll_self(marketer, course("computer-basics"), now=T0).id == optional.id
