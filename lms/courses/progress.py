"""Taking a course: opening lessons, marking them done, quizzes, completion, remedial routing.
Never commits: the caller does."""

import random
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms import events
from lms.auth.models import User
from lms.courses import rules
from lms.courses.enrolment import assign_refresher
from lms.courses.models import (
    Course,
    Enrollment,
    Lesson,
    LessonProgress,
    QuizAttempt,
    QuizQuestion,
    QuizSitting,
    laid_out,
)
from lms.database import db
from lms.errors import DomainError, NotAllowed
from lms.localisation import moment_text


class QuizNotReady(DomainError):
    pass


def retry_wait() -> timedelta:
    return timedelta(minutes=current_app.config.get("QUIZ_RETRY_WAIT_MINUTES", 10))


def review_after() -> int:
    return current_app.config.get("QUIZ_REVIEW_AFTER_ATTEMPTS", 3)


def next_attempt_at(enrollment: Enrollment) -> datetime | None:
    """When the learner may attempt the quiz again (rules.next_attempt_at); None: now."""
    failures = [a.submitted_at for a in enrollment.attempts if not a.passed]
    return rules.next_attempt_at(failures, retry_wait())


def waiting_message(opens_at: datetime) -> str:
    return gettext(
        "After two attempts that did not pass, the quiz opens again at %(when)s: time to read "
        "the lessons again.",
        when=moment_text(opens_at),
    )


def shows_full_review(enrollment: Enrollment) -> bool:
    """Whether an attempt's page may show the right answers (rules.full_review)."""
    failed = sum(1 for a in enrollment.attempts if not a.passed)
    return rules.full_review(has_passed(enrollment), failed, review_after())


def read_again(attempt: QuizAttempt) -> dict[str, Lesson]:
    """The lesson to read again for each question the attempt got wrong, by question key
    (rules.lessons_to_read_again)."""
    enrollment, shown = attempt.enrollment, [q for q, _ in attempt.as_shown()]
    lessons = {
        lesson.slug: lesson for lesson in visible_lessons(enrollment.course, enrollment.user)
    }
    wrong = [q.key for q in shown if not rules.is_right(_key_of(q), attempt.answers[q.key])]
    covered_by = {q.key: q.lesson.slug if q.lesson else None for q in shown}
    slugs = rules.lessons_to_read_again(wrong, covered_by, set(lessons))
    return {key: lessons[slug] for key, slug in slugs.items()}


def _key_of(question: QuizQuestion) -> rules.QuestionKey:
    correct = frozenset(choice.key for choice in question.choices if choice.correct)
    return rules.QuestionKey(question.key, question.type, correct)


def can_take(person: User, course: Course) -> bool:
    """A course is open to a person when it suits their job role (or all roles)."""
    if course.retired_at is not None:
        return False
    return course.for_all_roles or any(role.id == person.job_role_id for role in course.job_roles)


def get_enrollment(person: User, course: Course) -> Enrollment | None:
    """The person's live enrolment on a course (withdrawn ones do not count)."""
    return db.session.scalar(
        select(Enrollment).where(
            Enrollment.user_id == person.id,
            Enrollment.course_id == course.id,
            Enrollment.withdrawn_at.is_(None),
        )
    )


def enroll_self(person: User, course: Course, *, now: datetime) -> Enrollment:
    """A learner may put themselves on any course open to their role; it is optional."""
    enrollment = get_enrollment(person, course)
    if enrollment is not None:
        return enrollment
    if not can_take(person, course):
        raise NotAllowed("This course is not offered to your job role.")
    existing = db.session.scalar(
        select(Enrollment).where(Enrollment.user_id == person.id, Enrollment.course_id == course.id)
    )
    if existing is not None:  # withdrawn earlier: take it up again, progress intact
        existing.withdrawn_at = None
        return existing
    enrollment = Enrollment(
        user=person, course=course, source="self", required=False, assigned_at=now
    )
    db.session.add(enrollment)
    db.session.flush()
    return enrollment


def visible_lessons(course: Course, person: User) -> list[Lesson]:
    """The course's current lessons meant for this person's job role, in order."""
    return [
        lesson
        for lesson in course.lessons
        if lesson.retired_at is None
        and rules.lesson_visible({role.slug for role in lesson.job_roles}, person.job_role.slug)
    ]


def current_questions(course: Course) -> list[QuizQuestion]:
    return [question for question in course.questions if question.retired_at is None]


def done_lesson_ids(enrollment: Enrollment) -> set[int]:
    return set(
        db.session.scalars(
            select(LessonProgress.lesson_id).where(LessonProgress.enrollment_id == enrollment.id)
        )
    )


def open_lesson(enrollment: Enrollment, lesson: Lesson, *, now: datetime) -> None:
    """Opening a lesson starts the course (once) and is where the learner resumes."""
    if enrollment.started_at is None:
        enrollment.started_at = now
        events.publish(events.CourseLaunched(enrollment=enrollment, now=now))
    enrollment.last_lesson_id = lesson.id


def complete_lesson(enrollment: Enrollment, lesson: Lesson, *, now: datetime) -> bool:
    """Mark a lesson done. Doing it again changes nothing; returns whether it was new."""
    open_lesson(enrollment, lesson, now=now)
    if lesson.id in done_lesson_ids(enrollment):
        return False
    db.session.add(LessonProgress(enrollment=enrollment, lesson_id=lesson.id, completed_at=now))
    db.session.flush()
    events.publish(events.LessonCompleted(enrollment=enrollment, lesson=lesson, now=now))
    complete_if_finished(enrollment, now=now)
    return True


def lessons_remaining(enrollment: Enrollment) -> list[Lesson]:
    done = done_lesson_ids(enrollment)
    return [
        lesson
        for lesson in visible_lessons(enrollment.course, enrollment.user)
        if lesson.id not in done
    ]


def resume_lesson(enrollment: Enrollment) -> Lesson | None:
    """Where to pick up (rules.resume_at)."""
    lessons = {lesson.id: lesson for lesson in visible_lessons(enrollment.course, enrollment.user)}
    found = rules.resume_at(list(lessons), done_lesson_ids(enrollment), enrollment.last_lesson_id)
    return None if found is None else lessons[found]


def has_passed(enrollment: Enrollment) -> bool:
    return any(attempt.passed for attempt in enrollment.attempts)


def open_sitting(
    enrollment: Enrollment, *, now: datetime, rng: random.Random | None = None
) -> QuizSitting:
    """The learner's next attempt as the quiz page shows it: laid out once (questions drawn
    from the pool, choices shuffled; rules.lay_out_sitting) and kept until submitted, so a
    reload shows the same. Laid out afresh when content changed what it showed."""
    questions = current_questions(enrollment.course)
    sitting = _sitting_of(enrollment)
    if sitting is not None and _still_offered(sitting.shown, questions):
        return sitting
    pool = [
        rules.PoolQuestion(q.key, tuple(c.key for c in q.choices), q.fixed_order) for q in questions
    ]
    shown = rules.lay_out_sitting(pool, enrollment.course.quiz_draw, rng or random.SystemRandom())
    if sitting is not None:
        sitting.started_at, sitting.shown = now, shown
        db.session.flush()
        return sitting
    try:
        with db.session.begin_nested():  # two pages opened at once: the second finds the first
            sitting = QuizSitting(enrollment=enrollment, started_at=now, shown=shown)
            db.session.add(sitting)
    except IntegrityError:
        sitting = _sitting_of(enrollment)
    return sitting


def _sitting_of(enrollment: Enrollment) -> QuizSitting | None:
    return db.session.scalar(select(QuizSitting).where(QuizSitting.enrollment_id == enrollment.id))


def _still_offered(shown: list[dict], questions: list[QuizQuestion]) -> bool:
    """Every question the sitting shows is still in the quiz, with the same choices."""
    offered = {q.key: {c.key for c in q.choices} for q in questions}
    return all(set(item["choices"]) == offered.get(item["question"]) for item in shown)


def submit_quiz(
    enrollment: Enrollment, answers: dict[str, list[str]], *, now: datetime
) -> QuizAttempt:
    """Score an attempt: the questions its sitting showed (one is laid out now when the
    answers come without a page, as from a script). The quiz opens once every lesson is
    done; every question shown must be answered with choices it offers. Retries are allowed
    until passed; failing FAILURES_BEFORE_REMEDIAL times routes the learner to the course's
    remedial course."""
    if enrollment.completed_at is not None and has_passed(enrollment):
        raise QuizNotReady("You have already passed this quiz.")
    if lessons_remaining(enrollment):
        raise QuizNotReady("Finish every lesson before taking the quiz.")
    opens_at = next_attempt_at(enrollment)
    if opens_at is not None and now < opens_at:
        raise QuizNotReady(waiting_message(opens_at))
    sitting = open_sitting(enrollment, now=now)
    questions = [q for q, _ in laid_out(sitting.shown, current_questions(enrollment.course))]
    clean = check_answers(questions, answers)
    keys = [_key_of(question) for question in questions]
    result = rules.score_quiz(keys, clean, enrollment.course.pass_mark)
    attempt = QuizAttempt(
        enrollment=enrollment,
        number=len(enrollment.attempts) + 1,
        answers=clean,
        score=result.score,
        passed=result.passed,
        started_at=sitting.started_at,
        shown=sitting.shown,
        submitted_at=now,
    )
    db.session.add(attempt)
    db.session.delete(sitting)
    db.session.flush()
    events.publish(events.QuizSubmitted(attempt=attempt, now=now))
    if result.passed:
        complete_if_finished(enrollment, now=now)
    else:
        route_to_remedial(enrollment, now=now)
    return attempt


def check_answers(
    questions: list[QuizQuestion], answers: dict[str, list[str]]
) -> dict[str, list[str]]:
    """Answers keyed by question, each a sorted list of offered choice keys; DomainError
    names the questions left unanswered or answered with something not offered."""
    unanswered, clean = [], {}
    for number, question in enumerate(questions, start=1):
        chosen = sorted(set(answers.get(question.key, [])))
        offered = {choice.key for choice in question.choices}
        if not chosen:
            unanswered.append(str(number))
        elif not set(chosen) <= offered or (question.type == "single" and len(chosen) > 1):
            raise DomainError(f"Question {number} was answered with a choice it does not offer.")
        clean[question.key] = chosen
    if unanswered:
        raise DomainError("Please answer question " + ", ".join(unanswered) + ".")
    return clean


def complete_if_finished(enrollment: Enrollment, *, now: datetime) -> bool:
    """Record completion the first time every lesson is done and the quiz passed."""
    if enrollment.completed_at is not None:
        return False
    total = len(visible_lessons(enrollment.course, enrollment.user))
    done = rules.is_course_complete(
        lessons_done=total - len(lessons_remaining(enrollment)),
        lessons_total=total,
        quiz_passed=has_passed(enrollment),
        has_quiz=bool(current_questions(enrollment.course)),
    )
    if done:
        enrollment.completed_at = now
        events.publish(events.CourseCompleted(enrollment=enrollment, now=now))
    return done


def refresher_at_stake(enrollment: Enrollment) -> Course | None:
    """The refresher the next attempt assigns if it does not pass
    (rules.next_failure_assigns_remedial); None when it assigns nothing."""
    refresher = enrollment.course.remedial_course
    failed = sum(1 for attempt in enrollment.attempts if not attempt.passed)
    at_stake = rules.next_failure_assigns_remedial(
        failed,
        has_passed(enrollment),
        has_remedial_course=refresher is not None,
        on_it_already=refresher is not None
        and get_enrollment(enrollment.user, refresher) is not None,
    )
    return refresher if at_stake else None


def route_to_remedial(enrollment: Enrollment, *, now: datetime) -> Enrollment | None:
    """After the threshold of failed attempts, assign the course's remedial course (once;
    `assign_refresher` decides whether it counts towards onboarding)."""
    course = enrollment.course
    failed = sum(1 for attempt in enrollment.attempts if not attempt.passed)
    if course.remedial_course is None or not rules.needs_remedial(failed, has_passed(enrollment)):
        return None
    return assign_refresher(
        enrollment.user,
        course.remedial_course,
        reason=(
            f"Assigned after {failed} attempts at the “{course.title}” quiz"
            " did not reach the pass mark."
        ),
        due_on=now.date() + rules.REMEDIAL_DUE,
        now=now,
        failed_course=course,
    )
