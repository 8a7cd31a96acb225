"""The parts every statement Uptake records is built from: the person as actor, verbs,
the course activity, the enrolment's context, and the statement itself (with `tincan`)."""

import uuid
from datetime import datetime

from tincan import (
    Activity,
    ActivityDefinition,
    Agent,
    Context,
    ContextActivities,
    Extensions,
    LanguageMap,
    Statement,
    Verb,
)

from lms.auth.models import User
from lms.xapi import vocabulary as v
from lms.xapi.settings import LrsSettings
from lms.xapi.store.people import uptake_agent


def actor(person: User, settings: LrsSettings) -> Agent:
    """The person, named as the XAPI_ACTOR_IDENTIFIER setting says."""
    return Agent(**_agent_fields(uptake_agent(person, settings)))


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
    """Registration per enrolment, the platform, and the learner's division. A cmi5 course's
    registration holds the cmi5 statements alone (the first of them is launched, cmi5 9.3.1),
    so Uptake's own statements about such a course (registered, completed) go without it."""
    person = enrollment.user
    package = enrollment.course.package
    extensions = {}
    if person.division is not None:
        extensions[v.extension_iri(settings.base_url, "division")] = person.division.name
    return Context(
        registration=None
        if package is not None and package.standard == "cmi5"
        else enrollment.registration,
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
        timestamp=iso_timestamp(now),
    )


def iso_timestamp(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds") + "Z"
