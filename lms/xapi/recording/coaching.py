"""The statements coaching and onboarding events stand for: a completed coaching step (the
coach as instructor), an admin's override, a withdrawal (voiding the sign-off's statement),
and onboarding completed or reopened."""

import uuid

from tincan import (
    Activity,
    ActivityDefinition,
    Context,
    ContextActivities,
    Extensions,
    LanguageMap,
    Result,
    Statement,
    StatementRef,
)

from lms.coaching.rules import STEPS
from lms.xapi import vocabulary as v
from lms.xapi.recording.parts import actor, iso_timestamp, verb


def step_signed_off(sign_off, now, settings) -> list[Statement]:
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
        timestamp=iso_timestamp(now),
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


def sign_off_withdrawn(sign_off, now, settings) -> Statement:
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
        timestamp=iso_timestamp(now),
    )


def onboarding_completed(completion, now, settings) -> Statement:
    return onboarding(completion, v.VERB_COMPLETED, Result(completion=True), now, settings)


def onboarding_reopened(completion, now, settings) -> Statement:
    """Onboarding no longer holds (a requirement was added or a step withdrawn): the reason
    is the response."""
    verb_id = v.verb_iri(settings.base_url, v.UPTAKE_VERB_REOPENED)
    result = Result(completion=False, response=completion.reopen_reason)
    return onboarding(completion, verb_id, result, now, settings)


def onboarding(completion, verb_id, result, now, settings) -> Statement:
    return Statement(
        id=str(uuid.uuid4()),
        actor=actor(completion.person, settings),
        verb=verb(verb_id),
        object=_onboarding_activity(settings),
        result=result,
        context=_learner_context(completion.person, settings, platform=settings.platform),
        timestamp=iso_timestamp(now),
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
