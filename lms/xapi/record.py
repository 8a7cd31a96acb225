"""Domain events as xAPI statements, built with `tincan` and stored in the LRS in the same
transaction as the change that caused them.

To record a new event: add a builder below that returns its statements, and a `case` in
`statements_for`. Nothing else changes."""

import uuid
from datetime import datetime

from sqlalchemy import select
from tincan import (
    Activity,
    ActivityDefinition,
    Agent,
    Context,
    ContextActivities,
    Extensions,
    LanguageMap,
    Result,
    Score,
    Statement,
    StatementRef,
    Verb,
)

from lms import events
from lms.auth.models import User
from lms.coaching.rules import STEPS
from lms.database import db
from lms.xapi import vocabulary as v
from lms.xapi.agents import person_agent
from lms.xapi.clients import lms_authority
from lms.xapi.models import Statement as StoredStatement
from lms.xapi.settings import LrsSettings, lrs_settings
from lms.xapi.store import link_statements_to, store_statements


def record(event) -> list[str]:
    """Store the statements an event stands for; returns their ids (none for events that
    are not learning records, such as a person joining)."""
    settings = lrs_settings()
    statements = statements_for(event, settings)
    if not statements:
        return []
    documents = [statement.as_version("1.0.3") for statement in statements]
    return store_statements(
        documents,
        authority=lms_authority(settings.base_url),
        client_id=None,
        now=event.now,
        settings=settings,
    )


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
            return [_about_course(enrollment, v.VERB_LAUNCHED, now, settings)]
        case events.LessonCompleted(enrollment, lesson, now):
            return [_lesson_experienced(enrollment, lesson, now, settings)]
        case events.QuizSubmitted(attempt, now):
            return _quiz_statements(attempt, now, settings)
        case events.CourseCompleted(enrollment, now):
            return [
                _about_course(enrollment, v.VERB_COMPLETED, now, settings, Result(completion=True))
            ]
        case events.RemedialAssigned(enrollment, failed_course, now):
            return [_remedial_registered(enrollment, failed_course, now, settings)]
        case events.CoachingStepSignedOff(sign_off, now):
            return _coaching_step_signed_off(sign_off, now, settings)
        case events.CoachingSignOffWithdrawn(sign_off, fallen, now):
            return [_sign_off_withdrawn(s, now, settings) for s in (sign_off, *fallen)]
        case events.OnboardingCompleted(completion, now):
            return [
                _onboarding(completion, v.VERB_COMPLETED, Result(completion=True), now, settings)
            ]
        case events.OnboardingReopened(completion, now):
            verb_id = v.verb_iri(settings.base_url, v.UPTAKE_VERB_REOPENED)
            result = Result(completion=False, response=completion.reopen_reason)
            return [_onboarding(completion, verb_id, result, now, settings)]
    return []


# Building blocks -----------------------------------------------------------------------------


def actor(person: User, settings: LrsSettings) -> Agent:
    """The person, named as the XAPI_ACTOR_IDENTIFIER setting says."""
    return Agent(
        **_agent_fields(
            person_agent(
                name=person.name,
                email=person.email,
                employee_id=person.employee_id,
                user_id=person.id,
                mode=settings.actor_identifier,
                home_page=settings.base_url,
            )
        )
    )


def _agent_fields(agent: dict) -> dict:
    fields = {key: value for key, value in agent.items() if key != "objectType"}
    if "account" in fields:
        fields["account"] = {
            "home_page": fields["account"]["homePage"],
            "name": fields["account"]["name"],
        }
    return fields


def verb(verb_id: str) -> Verb:
    return Verb(id=verb_id, display=LanguageMap(v.verb_display(verb_id)))


def course_activity(course, settings: LrsSettings) -> Activity:
    return Activity(
        id=v.course_iri(settings.base_url, course.slug),
        definition=ActivityDefinition(
            type=v.TYPE_COURSE,
            name=LanguageMap({"en-US": course.title}),
            description=LanguageMap({"en-US": course.summary.strip()}),
        ),
    )


def context(enrollment, settings: LrsSettings, **activities) -> Context:
    """Registration per enrolment, the platform, and the learner's division."""
    person = enrollment.user
    extensions = {}
    if person.division is not None:
        extensions[v.extension_iri(settings.base_url, "division")] = person.division.name
    return Context(
        registration=enrollment.registration,
        platform=settings.platform,
        extensions=Extensions(extensions) if extensions else None,
        context_activities=ContextActivities(**activities) if activities else None,
    )


def statement(
    person, verb_id, activity, enrollment, now, settings, *, result=None, **parents
) -> Statement:
    return Statement(
        id=str(uuid.uuid4()),
        actor=actor(person, settings),
        verb=verb(verb_id),
        object=activity,
        result=result,
        context=context(enrollment, settings, **parents),
        timestamp=_iso(now),
    )


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds") + "Z"


# One builder per event ----------------------------------------------------------------------


def _about_course(enrollment, verb_id, now, settings, result=None) -> Statement:
    return statement(
        enrollment.user,
        verb_id,
        course_activity(enrollment.course, settings),
        enrollment,
        now,
        settings,
        result=result,
    )


def _lesson_experienced(enrollment, lesson, now, settings) -> Statement:
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


def _quiz_statements(attempt, now, settings) -> list[Statement]:
    """Attempted, one `answered` per question (response and success), then passed or failed
    with the scaled score."""
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
    questions = [q for q in course.questions if q.key in attempt.answers]
    for question in questions:
        statements.append(_answered(attempt, question, quiz, now, settings))
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
            result=Result(score=score, success=attempt.passed, completion=True),
            **parent,
        )
    )
    return statements


def _answered(attempt, question, quiz, now, settings) -> Statement:
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
            choices=[{"id": c.key, "description": {"en-US": c.text}} for c in question.choices],
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


def _remedial_registered(enrollment, failed_course, now, settings) -> Statement:
    """The learner is registered on a remedial course; the course they failed is in context."""
    result = Result(
        extensions=Extensions({v.extension_iri(settings.base_url, "reason"): enrollment.reason})
    )
    return statement(
        enrollment.user,
        v.VERB_REGISTERED,
        course_activity(enrollment.course, settings),
        enrollment,
        now,
        settings,
        result=result,
        other=[course_activity(failed_course, settings)],
    )


# Coaching and onboarding ----------------------------------------------------------------------


def _coaching_step_signed_off(sign_off, now, settings) -> list[Statement]:
    """The learner completed a coaching step, with their coach as instructor and the skill
    as parent; the note is the response. An admin override adds a statement by the admin
    about that one, with the reason as its response."""
    learner, base = sign_off.learner, settings.base_url
    how = {v.extension_iri(base, "how"): sign_off.how} if sign_off.how else None
    signed = Statement(
        id=sign_off.statement_id,
        actor=actor(learner, settings),
        verb=verb(v.VERB_COMPLETED),
        object=_coaching_step(sign_off, settings),
        result=Result(
            completion=True,
            response=sign_off.note or None,
            extensions=Extensions(how) if how else None,
        ),
        context=_learner_context(
            learner,
            settings,
            instructor=actor(sign_off.coach, settings),
            platform=settings.platform,
            parent=[_skill(sign_off.skill, settings)],
            grouping=[_onboarding_activity(settings)],
        ),
        timestamp=_iso(now),
    )
    if not sign_off.override_reason:
        return [signed]
    overrode = v.verb_iri(base, v.UPTAKE_VERB_OVERRODE)
    return [
        signed,
        _about_sign_off(
            sign_off, sign_off.coach, overrode, sign_off.override_reason, now, settings
        ),
    ]


def _sign_off_withdrawn(sign_off, now, settings) -> Statement:
    """Withdrawing a sign-off voids its statement (it no longer stands); the person who
    withdrew it is the actor and their reason the response."""
    reason = sign_off.withdrawal_reason
    return _about_sign_off(sign_off, sign_off.withdrawn_by, v.VERB_VOIDED, reason, now, settings)


def _about_sign_off(sign_off, person, verb_id, reason, now, settings) -> Statement:
    """A statement by `person` about a sign-off's statement: the learner in context, the
    step and the skill as context activities."""
    return Statement(
        id=str(uuid.uuid4()),
        actor=actor(person, settings),
        verb=verb(verb_id),
        object=StatementRef(id=sign_off.statement_id),
        result=Result(response=reason),
        context=_learner_context(
            sign_off.learner,
            settings,
            name_learner=True,
            parent=[_coaching_step(sign_off, settings)],
            grouping=[_skill(sign_off.skill, settings)],
        ),
        timestamp=_iso(now),
    )


def _onboarding(completion, verb_id, result, now, settings) -> Statement:
    return Statement(
        id=str(uuid.uuid4()),
        actor=actor(completion.person, settings),
        verb=verb(verb_id),
        object=_onboarding_activity(settings),
        result=result,
        context=_learner_context(completion.person, settings, platform=settings.platform),
        timestamp=_iso(now),
    )


def _learner_context(
    learner, settings, *, name_learner=False, instructor=None, platform=None, **activities
) -> Context:
    """The learner's division; with `name_learner`, the learner too (when someone else
    is the actor)."""
    extensions = {}
    if name_learner:
        extensions[v.extension_iri(settings.base_url, "learner")] = actor(
            learner, settings
        ).as_version("1.0.3")
    if learner.division is not None:
        extensions[v.extension_iri(settings.base_url, "division")] = learner.division.name
    return Context(
        instructor=instructor,
        platform=platform,
        extensions=Extensions(extensions) if extensions else None,
        context_activities=ContextActivities(**activities) if activities else None,
    )


def _skill(skill, settings) -> Activity:
    return Activity(
        id=v.skill_iri(settings.base_url, skill.slug),
        definition=ActivityDefinition(
            type=v.TYPE_SKILL,
            name=LanguageMap({"en-US": skill.title}),
            description=LanguageMap({"en-US": skill.description}) if skill.description else None,
        ),
    )


def _coaching_step(sign_off, settings) -> Activity:
    skill, step = sign_off.skill, sign_off.step
    return Activity(
        id=v.coaching_step_iri(settings.base_url, skill.slug, step),
        definition=ActivityDefinition(
            type=v.TYPE_COACHING_STEP,
            name=LanguageMap({"en-US": f"{skill.title}: coaching step {step}, {STEPS[step]}"}),
        ),
    )


def _onboarding_activity(settings) -> Activity:
    return Activity(
        id=v.onboarding_iri(settings.base_url),
        definition=ActivityDefinition(
            type=v.TYPE_ONBOARDING, name=LanguageMap({"en-US": "Onboarding"})
        ),
    )
