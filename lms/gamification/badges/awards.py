"""Awarding badges: a badge is looked at for a person when a statement that could make its
criterion true is stored (see rules.could_change), and awarded once when the store
says the criterion holds. Services: they flush, never commit."""

from datetime import datetime

from sqlalchemy import select

from lms import events
from lms.auth.models import Champion, User
from lms.courses.models import Skill
from lms.database import db
from lms.errors import DomainError, FieldError, NotAllowed
from lms.gamification.badges import rules as b
from lms.gamification.badges.criteria import busy_weeks, qualifies, weekly_quality
from lms.gamification.models import BadgeAward
from lms.gamification.rules import Facts, Ruleset
from lms.gamification.ruleset import current_ruleset
from lms.value_lists import among
from lms.xapi import vocabulary as v
from lms.xapi.settings import lrs_settings


def badge_iris(ruleset: Ruleset) -> b.Iris:
    base = lrs_settings().base_url
    courses = {c for badge in ruleset.badges for c in badge.criterion.courses}
    skills = db.session.scalars(select(Skill.slug))
    return b.Iris(
        course={slug: v.course_iri(base, slug) for slug in courses},
        skill_step4={slug: v.coaching_step_iri(base, slug, 4) for slug in skills},
        onboarding=v.onboarding_iri(base),
        quality=ruleset.quality.match if ruleset.quality else None,
    )


def evaluate_badges(earning, ruleset: Ruleset, now: datetime) -> list[BadgeAward]:
    """Award every badge these statements (pk, user_id, facts) complete the criteria of.
    A badge is looked at once per person and occasion (the week, for the weekly kinds): a
    batch spanning two weeks has each week counted, not only the first statement's."""
    if not ruleset.badges or not earning:
        return []
    iris = badge_iris(ruleset)
    looks: dict[tuple[int, str, object], tuple[int, Facts, b.BadgeSpec]] = {}
    for pk, user_id, facts in earning:
        for badge in ruleset.badges:
            if b.could_change(badge, facts, iris):
                occasion = b.occasion(badge, facts)
                looks.setdefault((user_id, badge.key, occasion), (pk, facts, badge))
    if not looks:
        return []
    held = _held({user_id for user_id, _, _ in looks}, {key for _, key, _ in looks})
    looks = {look: seen for look, seen in looks.items() if look[:2] not in held}
    weeks = busy_weeks(looks)
    quality = weekly_quality(looks)
    looks = {look: seen for look, seen in looks.items() if weeks.get(look) != ""}
    awarded = []
    for (user_id, key, _occasion), (pk, facts, badge) in looks.items():
        if (user_id, key) in held:
            continue
        evidence = qualifies(user_id, badge, facts, iris, quality, weeks)
        if evidence:
            awarded.append((_new_award(user_id, badge, evidence, pk, now=now), badge))
            held.add((user_id, key))
    _publish(awarded, now)
    return [award for award, _ in awarded]


def _held(user_ids, keys) -> set[tuple[int, str]]:
    """Badges already awarded (revoked ones too: a revoked badge is not earned again)."""
    query = select(BadgeAward.user_id, BadgeAward.badge_key).where(
        among(BadgeAward.user_id, user_ids), among(BadgeAward.badge_key, keys)
    )
    return set(db.session.execute(query).all())


def _new_award(user_id: int, badge: b.BadgeSpec, evidence: str, statement_pk, *, now):
    award = BadgeAward(
        user_id=user_id,
        badge_key=badge.key,
        awarded_at=now,
        statement_pk=statement_pk,
        evidence=evidence,
    )
    db.session.add(award)
    return award


def _publish(awarded: list[tuple[BadgeAward, b.BadgeSpec]], now: datetime) -> None:
    """The awards written and announced in one event, their people read in one query for
    the statements that name them."""
    if not awarded:
        return
    people = select(User).where(among(User.id, {award.user_id for award, _ in awarded}))
    by_id = {person.id: person for person in db.session.scalars(people)}
    for award, _ in awarded:
        award.user = by_id[award.user_id]
    db.session.flush()
    events.publish(events.BadgesEarned(awards=tuple(awarded), now=now))


def award_champion_badges(person: User, *, now: datetime) -> None:
    """Champion badges follow naming, not a statement."""
    for badge in current_ruleset().badges:
        if badge.criterion.kind != b.CHAMPION or (person.id, badge.key) in _held(
            [person.id], [badge.key]
        ):
            continue
        named = db.session.scalar(select(Champion.user_id).where(Champion.user_id == person.id))
        if named is not None:
            award = _new_award(person.id, badge, "Named CRM champion", None, now=now)
            _publish([(award, badge)], now)


def revoke_badge(award: BadgeAward, reason: str, *, revoked_by: User, now: datetime) -> None:
    """HR or an admin revokes an award, saying why: the person sees the reason, the hosted
    assertion answers 410 with it, and the badge is not awarded to them again."""
    if not b.can_revoke(revoked_by.roles):
        raise NotAllowed("Only HR and admins revoke badges.")
    if award.revoked_at is not None:
        raise DomainError("This badge was already revoked.")
    reason = (reason or "").strip()
    if not reason:
        raise FieldError("reason", "Say why the badge is revoked: the person sees the reason.")
    if len(reason) > b.MAX_REASON:
        raise FieldError("reason", f"Keep the reason under {b.MAX_REASON} characters.")
    award.revoked_at, award.revoked_by_id = now, revoked_by.id
    award.revocation_reason = reason
    db.session.flush()
