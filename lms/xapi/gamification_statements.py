"""The statements gamification events stand for: a badge earned."""

from tincan import Activity, ActivityDefinition, Context, LanguageMap, Result, Statement

from lms.xapi import vocabulary as v
from lms.xapi.statement_parts import actor, iso_timestamp, verb


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
