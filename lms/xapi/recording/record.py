"""Domain events as xAPI statements, built with `tincan` and stored in the LRS in the same
transaction as the change that caused them.

To record a new event: add a builder that returns its statements to the module for its
domain (courses, coaching; the one gamification statement, a badge earned, is built here),
and a `case` in `statements_for`. Nothing else changes."""

from sqlalchemy import select
from tincan import Activity, ActivityDefinition, Context, LanguageMap, Result, Statement

from lms import events
from lms.database import db
from lms.xapi import vocabulary as v
from lms.xapi.clients import lms_authority
from lms.xapi.models import Statement as StoredStatement
from lms.xapi.recording import cmi5, coaching, courses, scorm
from lms.xapi.recording.parts import actor, iso_timestamp, verb
from lms.xapi.settings import LrsSettings, lrs_settings
from lms.xapi.store.write import FreshStatement, link_statements_to, store_batch


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
            return [courses.about_course(enrollment, v.VERB_LAUNCHED, now, settings)]
        case events.LessonCompleted(enrollment, lesson, now):
            return [courses.lesson_experienced(enrollment, lesson, now, settings)]
        case events.QuizSubmitted(attempt, now):
            return courses.quiz_statements(attempt, now, settings)
        case events.CourseCompleted(enrollment, now):
            return [courses.course_completed(enrollment, now, settings)]
        case events.RemedialAssigned(enrollment, failed_course, now):
            return [courses.registered(enrollment, now, settings, failed_course=failed_course)]
        case events.CoursesAssigned(_people, _course, registered, now):
            return [courses.registered(enrollment, now, settings) for enrollment in registered]
        case events.CoachingStepSignedOff(sign_off, now):
            return coaching.step_signed_off(sign_off, now, settings)
        case events.CoachingSignOffWithdrawn(sign_off, fallen, now):
            return [coaching.sign_off_withdrawn(s, now, settings) for s in (sign_off, *fallen)]
        case events.OnboardingCompleted(completion, now):
            return [coaching.onboarding_completed(completion, now, settings)]
        case events.OnboardingReopened(completion, now):
            return [coaching.onboarding_reopened(completion, now, settings)]
        case events.BadgesEarned(awards, now):
            return [badge_earned(award, badge, now, settings) for award, badge in awards]
        case events.PracticeTaskPassed(attempt, now):
            return [courses.practice_passed(attempt, now, settings)]
        case events.UnitLaunched(session, launch_url, now) if _is_cmi5(session.progress):
            return [cmi5.launched(session, launch_url, now, settings)]
        case events.UnitSessionAbandoned(session, now) if _is_cmi5(session.progress):
            return [cmi5.abandoned(session, now, settings)]
        case events.UnitWaived(progress, now) if _is_cmi5(progress):
            return [cmi5.waived(progress, now, settings)]
        case events.PackageNodesSatisfied(enrollment, block_ids, course, session, now):
            return cmi5.nodes_satisfied(enrollment, block_ids, course, session, now, settings)
        case events.ScormCommitted(session, before, after, now):
            return scorm.scorm_statements(session, before, after, now, settings)
    return []


def _is_cmi5(progress) -> bool:
    """A cmi5 unit's progress (a SCORM unit's launch is recorded by its own statements)."""
    return progress.unit.package.standard == "cmi5"


def badge_earned(award, badge, now, settings) -> Statement:
    """The person earned the badge; the evidence (why, in words) is the response."""
    return Statement(
        id=award.uuid,
        actor=actor(award.user, settings),
        verb=verb(v.VERB_EARNED),
        object=Activity(
            id=v.badge_iri(settings.base_url, badge.key),
            definition=ActivityDefinition(
                type=v.TYPE_BADGE,
                name=LanguageMap({"en-US": badge.name}),
                description=LanguageMap({"en-US": badge.description}),
            ),
        ),
        result=Result(completion=True, response=award.evidence or None),
        context=Context(platform=settings.platform),
        timestamp=iso_timestamp(now),
    )
