"""Domain events as xAPI statements, built with `tincan` and stored in the LRS in the same
transaction as the change that caused them.

To record a new event: add a builder that returns its statements to the module for its
domain (course_statements, coaching_statements), and a `case` in `statements_for`. Nothing
else changes."""

from sqlalchemy import select
from tincan import Statement

from lms import events
from lms.database import db
from lms.xapi import coaching_statements, course_statements, gamification_statements
from lms.xapi import vocabulary as v
from lms.xapi.clients import lms_authority
from lms.xapi.models import Statement as StoredStatement
from lms.xapi.settings import LrsSettings, lrs_settings
from lms.xapi.store import FreshStatement, link_statements_to, store_batch


def record(event) -> list[FreshStatement]:
    """Store the statements an event stands for; returns them as stored (none for events
    that are not learning records, such as a person joining)."""
    settings = lrs_settings()
    statements = statements_for(event, settings)
    if not statements:
        return []
    documents = [statement.as_version("1.0.3") for statement in statements]
    return store_batch(
        documents,
        authority=lms_authority(settings.base_url),
        client_id=None,
        now=event.now,
        settings=settings,
    ).fresh


def link_earlier_statements(people) -> None:
    """Statements sent about someone before Uptake knew them (by the CRM, say) become theirs
    the moment they are added."""
    anyone_unknown = db.session.scalar(
        select(StoredStatement.id)
        .where(StoredStatement.user_id.is_(None), StoredStatement.is_voiding.is_(False))
        .limit(1)
    )
    if anyone_unknown is None:  # the usual case: skip one lookup per person
        return
    settings = lrs_settings()
    for person in people:
        link_statements_to(person, settings)


def statements_for(event, settings: LrsSettings) -> list[Statement]:
    match event:
        case events.CourseLaunched(enrollment, now):
            return [course_statements.about_course(enrollment, v.VERB_LAUNCHED, now, settings)]
        case events.LessonCompleted(enrollment, lesson, now):
            return [course_statements.lesson_experienced(enrollment, lesson, now, settings)]
        case events.QuizSubmitted(attempt, now):
            return course_statements.quiz_statements(attempt, now, settings)
        case events.CourseCompleted(enrollment, now):
            return [course_statements.course_completed(enrollment, now, settings)]
        case events.RemedialAssigned(enrollment, failed_course, now):
            return [course_statements.remedial_registered(enrollment, failed_course, now, settings)]
        case events.CoachingStepSignedOff(sign_off, now):
            return coaching_statements.step_signed_off(sign_off, now, settings)
        case events.CoachingSignOffWithdrawn(sign_off, fallen, now):
            return [
                coaching_statements.sign_off_withdrawn(s, now, settings)
                for s in (sign_off, *fallen)
            ]
        case events.OnboardingCompleted(completion, now):
            return [coaching_statements.onboarding_completed(completion, now, settings)]
        case events.OnboardingReopened(completion, now):
            return [coaching_statements.onboarding_reopened(completion, now, settings)]
        case events.BadgeEarned(award, badge, now):
            return [gamification_statements.badge_earned(award, badge, now, settings)]
    return []
