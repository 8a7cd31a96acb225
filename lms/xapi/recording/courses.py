"""The statements course events stand for: launched, experienced, attempted / answered /
passed or failed, completed, registered on a course an admin assigned or a refresher, and a
practice task passed in the training CRM."""

from tincan import (
    Activity,
    ActivityDefinition,
    Context,
    ContextActivities,
    Extensions,
    LanguageMap,
    Result,
    Score,
    Statement,
)

from lms.xapi import vocabulary as v
from lms.xapi.recording.parts import actor, course_activity, iso_timestamp, statement, verb


def about_course(enrollment, verb_id, now, settings, result=None) -> Statement:
    return statement(
        enrollment.user,
        verb_id,
        course_activity(enrollment.course, settings),
        enrollment,
        now,
        settings,
        result=result,
    )


def course_completed(enrollment, now, settings) -> Statement:
    return about_course(enrollment, v.VERB_COMPLETED, now, settings, Result(completion=True))


def lesson_experienced(enrollment, lesson, now, settings) -> Statement:
    course = enrollment.course
    activity = Activity(
        id=v.lesson_iri(settings.base_url, course.slug, lesson.slug),
        definition=ActivityDefinition(
            type=v.TYPE_LESSON, name=LanguageMap({"en-US": lesson.title})
        ),
    )
    return statement(
        enrollment.user,
        v.VERB_EXPERIENCED,
        activity,
        enrollment,
        now,
        settings,
        result=Result(completion=True),
        parent=[course_activity(course, settings)],
    )


def quiz_statements(attempt, now, settings) -> list[Statement]:
    """Attempted, one `answered` per question (response and success), then passed or failed
    with the scaled score, the time from opening the quiz to submitting it, which attempt it
    was and the first attempt's scaled score (result extensions)."""
    enrollment = attempt.enrollment
    course = enrollment.course
    quiz = Activity(
        id=v.quiz_iri(settings.base_url, course.slug),
        definition=ActivityDefinition(
            type=v.TYPE_ASSESSMENT, name=LanguageMap({"en-US": f"{course.title}: quiz"})
        ),
    )
    parent = {"parent": [course_activity(course, settings)]}
    statements = [
        statement(enrollment.user, v.VERB_ATTEMPTED, quiz, enrollment, now, settings, **parent)
    ]
    questions = attempt.as_shown()
    for question, choices in questions:
        statements.append(_answered(attempt, question, choices, quiz, now, settings))
    right = sum(1 for s in statements[1:] if s.result.success)
    outcome = v.VERB_PASSED if attempt.passed else v.VERB_FAILED
    score = Score(scaled=round(attempt.score, 4), raw=right, min=0, max=len(questions))
    statements.append(
        statement(
            enrollment.user,
            outcome,
            quiz,
            enrollment,
            now,
            settings,
            result=Result(
                score=score,
                success=attempt.passed,
                completion=True,
                duration=_took(attempt),
                extensions=Extensions(_attempt_extensions(attempt)),
            ),
            **parent,
        )
    )
    return statements


def _attempt_extensions(attempt) -> dict:
    """Which of the enrolment's attempts this is, and how the first one scored."""
    first = next((a for a in attempt.enrollment.attempts if a.number == 1), attempt)
    return {v.EXT_ATTEMPT: attempt.number, v.EXT_FIRST_ATTEMPT_SCORE: round(first.score, 4)}


def _took(attempt):
    """How long the attempt took, opened to submitted; None before sittings were recorded."""
    return None if attempt.started_at is None else attempt.submitted_at - attempt.started_at


def _answered(attempt, question, choices, quiz, now, settings) -> Statement:
    enrollment = attempt.enrollment
    chosen = attempt.answers[question.key]
    correct = sorted(choice.key for choice in question.choices if choice.correct)
    activity = Activity(
        id=v.question_iri(settings.base_url, enrollment.course.slug, question.key),
        definition=ActivityDefinition(
            type=v.TYPE_INTERACTION,
            name=LanguageMap({"en-US": question.prompt}),
            interaction_type="choice",
            correct_responses_pattern=["[,]".join(correct)],
            choices=[{"id": c.key, "description": {"en-US": c.text}} for c in choices],
        ),
    )
    return statement(
        enrollment.user,
        v.VERB_ANSWERED,
        activity,
        enrollment,
        now,
        settings,
        result=Result(response="[,]".join(chosen), success=sorted(chosen) == correct),
        parent=[quiz],
        grouping=[course_activity(enrollment.course, settings)],
    )


def registered(enrollment, now, settings, *, failed_course=None) -> Statement:
    """The learner is registered on a course an admin assigned or a refresher; the reason, if
    the enrolment has one, is a result extension, and a failed course (the quiz that sent
    them to a refresher) is in context."""
    reason = enrollment.reason
    extensions = {v.extension_iri(settings.base_url, "reason"): reason} if reason else None
    other = {"other": [course_activity(failed_course, settings)]} if failed_course else {}
    return statement(
        enrollment.user,
        v.VERB_REGISTERED,
        course_activity(enrollment.course, settings),
        enrollment,
        now,
        settings,
        result=Result(extensions=Extensions(extensions)) if extensions else None,
        **other,
    )


def practice_passed(attempt, now, settings) -> Statement:
    """Passed a practice task: checked in the training CRM. The record that met the check
    is the response; the course is the parent, the skill the grouping."""
    task = attempt.task
    activity = Activity(
        id=v.practice_iri(settings.base_url, task.course.slug, task.slug),
        definition=ActivityDefinition(
            type=v.TYPE_PRACTICE, name=LanguageMap({"en-US": task.title})
        ),
    )
    skill = Activity(
        id=v.skill_iri(settings.base_url, task.skill.slug),
        definition=ActivityDefinition(
            type=v.TYPE_SKILL, name=LanguageMap({"en-US": task.skill.title})
        ),
    )
    return Statement(
        id=attempt.statement_id,
        actor=actor(attempt.user, settings),
        verb=verb(v.VERB_PASSED),
        object=activity,
        result=Result(success=True, completion=True, response=attempt.last_record or None),
        context=Context(
            platform=settings.platform,
            context_activities=ContextActivities(
                parent=[course_activity(task.course, settings)], grouping=[skill]
            ),
        ),
        timestamp=iso_timestamp(now),
    )
